//! The client: validates and encodes a request, signs and sends each attempt through a
//! [`Transport`], retries what is safe to retry, and turns what comes back into the operation's
//! output or an [`Error`].

use crate::config::Config;
use crate::credentials::CredentialsCache;
use crate::runtime::{
    CallOptions, Error, ErrorKind, Operation, OperationMeta, Params, SignatureMismatch,
};
use crate::signing::{self, AttemptInfo, RequestContext};
use crate::transport::RawResponse;
use serde::Deserialize;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

/// The CAMS client. Cheap to clone (an `Arc` inside), `Send` and `Sync`: make one and share it.
///
/// Each operation is a method returning a builder: required parameters are arguments,
/// optional ones are builder methods, and `.send().await` performs the call.
///
/// ```no_run
/// # async fn run() -> Result<(), cams_sdk::Error> {
/// // Region, endpoint and credentials from the environment and Alibaba Cloud's config files.
/// let client = cams_sdk::Client::from_env()?;
/// let page = client.list_instance().page_size(20).send().await?;
/// println!("{} instances", page.total_count.unwrap_or_default());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    credentials: CredentialsCache,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .finish()
    }
}

impl Client {
    /// A client for `config`.
    pub fn new(config: Config) -> Self {
        let credentials = CredentialsCache::new(config.credentials.clone());
        Self {
            inner: Arc::new(Inner {
                config,
                credentials,
            }),
        }
    }

    /// A client configured from the environment and the default credentials chain: see
    /// [`Config::from_env`].
    pub fn from_env() -> Result<Self, Error> {
        Ok(Self::new(Config::from_env().build()?))
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Validates, encodes and sends `input`, retrying as the policy allows, then decodes the
    /// response.
    pub async fn invoke<O: Operation>(
        &self,
        input: &O,
        options: &CallOptions,
    ) -> Result<O::Output, Error> {
        input.validate()?;
        let mut params = Params::default();
        input.write_params(&mut params)?;
        let meta = O::META;
        let span = tracing::info_span!(
            "cams.operation",
            action = meta.action,
            idempotent = meta.idempotent,
            attempts = tracing::field::Empty,
        );
        let limit = options
            .operation_timeout
            .or(self.inner.config.timeouts.operation);
        let call = self.attempts::<O::Output>(&meta, &params, options);
        let result = match limit {
            None => call.instrument(span.clone()).await,
            Some(limit) => match tokio::time::timeout(limit, call.instrument(span.clone())).await {
                Ok(result) => result,
                Err(_) => Err(Error::timeout(format!(
                    "{} did not complete within the operation timeout of {limit:?}",
                    meta.action
                ))),
            },
        };
        if let Err(error) = &result {
            tracing::debug!(parent: &span, %error, "call failed");
        }
        result
    }

    /// The retry loop: a fresh timestamp, nonce and signature for every attempt.
    async fn attempts<T: serde::de::DeserializeOwned + Send>(
        &self,
        meta: &OperationMeta,
        params: &Params,
        options: &CallOptions,
    ) -> Result<T, Error> {
        let config = &self.inner.config;
        let max_attempts = if options.disable_retries {
            1
        } else {
            config.retry.max_attempts()
        };
        let attempt_timeout = options.attempt_timeout.unwrap_or(config.timeouts.attempt);
        let ctx = RequestContext {
            meta,
            params,
            endpoint: &config.endpoint,
            version: config.signature_version,
            user_agent: &config.user_agent,
        };
        let mut retry = None;
        let mut attempt = 1;
        loop {
            let creds = self.inner.credentials.get().await?;
            let info = AttemptInfo {
                timestamp: cams_signer::timestamp_now(),
                nonce: cams_signer::new_nonce(),
                retry,
            };
            let signed = signing::sign(&ctx, &creds, &info);
            let span = tracing::debug_span!(
                "cams.attempt",
                attempt,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            );
            let started = Instant::now();
            let sent = config.transport.send(&signed.request);
            let outcome = match tokio::time::timeout(attempt_timeout, sent)
                .instrument(span.clone())
                .await
            {
                Ok(Ok(response)) => {
                    span.record("status", response.status);
                    decode::<T>(&response).map(|(output, request_id)| {
                        if let Some(id) = &request_id {
                            span.record("request_id", id.as_str());
                        }
                        output
                    })
                }
                Ok(Err(error)) => Err(error),
                Err(_) => Err(Error::timeout(format!(
                    "no response within the attempt timeout of {attempt_timeout:?}"
                ))),
            };
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            let mut error = match outcome {
                Ok(output) => {
                    tracing::Span::current().record("attempts", attempt);
                    return Ok(output);
                }
                Err(error) => error,
            };
            if let Some(id) = error.request_id() {
                span.record("request_id", id);
            }
            error.0.attempts = attempt;
            if error.code() == Some("SignatureDoesNotMatch") {
                // The server quotes its string to sign, which holds the STS token under V1.
                if let Some(token) = creds.security_token() {
                    error.0.message = redact(&error.0.message, token);
                }
                let ours = match creds.security_token() {
                    Some(token) => redact(&signed.string_to_sign, token),
                    None => signed.string_to_sign.clone(),
                };
                error.0.signature_mismatch = signature_mismatch(&ours, &error.0.message);
            }
            drop(creds);
            let retryable = error.is_retryable_for(meta.idempotent);
            if !retryable || attempt >= max_attempts {
                tracing::Span::current().record("attempts", attempt);
                return Err(error);
            }
            let delay = config.retry.delay(attempt, &error);
            tracing::debug!(parent: &span, %error, delay_ms = delay.as_millis() as u64, "retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
            retry = Some((attempt - 1, delay.as_millis()));
        }
    }
}

/// Replaces `secret`, as it appears raw or percent-encoded once or twice, with `***`.
fn redact(text: &str, secret: &str) -> String {
    let once = cams_signer::percent_encode(secret);
    let twice = cams_signer::percent_encode(&once);
    let mut out = text.to_owned();
    for form in [twice, once, secret.to_owned()] {
        if !form.is_empty() {
            out = out.replace(&form, "***");
        }
    }
    out
}

/// Pairs our string to sign with the server's, which the message quotes after
/// `string to sign is:`.
fn signature_mismatch(ours: &str, message: &str) -> Option<SignatureMismatch> {
    const MARKER: &str = "string to sign is:";
    let at = message.find(MARKER)?;
    let theirs = message[at + MARKER.len()..].trim().to_owned();
    Some(SignatureMismatch {
        ours: ours.to_owned(),
        difference: cams_signer::first_difference(ours, &theirs),
        theirs,
    })
}

/// The fields every CAMS body and gateway error share.
#[derive(Deserialize, Default)]
struct Envelope {
    #[serde(
        rename = "Code",
        alias = "code",
        default,
        deserialize_with = "crate::runtime::de::string"
    )]
    code: Option<String>,
    #[serde(
        rename = "Message",
        alias = "message",
        default,
        deserialize_with = "crate::runtime::de::string"
    )]
    message: Option<String>,
    #[serde(
        rename = "RequestId",
        alias = "requestId",
        default,
        deserialize_with = "crate::runtime::de::string"
    )]
    request_id: Option<String>,
    #[serde(
        rename = "HostId",
        default,
        deserialize_with = "crate::runtime::de::string"
    )]
    host_id: Option<String>,
    #[serde(
        rename = "Recommend",
        default,
        deserialize_with = "crate::runtime::de::string"
    )]
    recommend: Option<String>,
    #[serde(rename = "AccessDeniedDetail", alias = "accessDeniedDetail", default)]
    access_denied_detail: Option<serde_json::Value>,
}

const EXCERPT_LIMIT: usize = 512;

fn excerpt(body: &[u8]) -> String {
    crate::runtime::de::truncated(&String::from_utf8_lossy(body), EXCERPT_LIMIT)
}

fn undecodable(
    response: &RawResponse,
    why: impl fmt::Display,
    request_id: Option<String>,
) -> Error {
    let mut error = Error::new(
        ErrorKind::Undecodable,
        format!(
            "cannot decode the response: {why}; body: {}",
            excerpt(&response.body)
        ),
    );
    error.0.status = Some(response.status);
    error.0.request_id = request_id;
    error
}

/// Classifies a response: an HTTP error status, or HTTP 200 whose `Code` is present and not
/// `OK`, is a service error (CAMS reports business errors in a 200). `"Success": false` with
/// `"Code": "OK"` is a success, as the published examples show. A positive `x-acs-retry-after`
/// header (milliseconds) is kept as the error's [`Error::retry_after`].
///
/// Returns the output with the request id, for the logs.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    response: &RawResponse,
) -> Result<(T, Option<String>), Error> {
    let failed_status = !(200..300).contains(&response.status);
    let header_request_id = response.header("x-acs-request-id").map(str::to_owned);
    let value: serde_json::Value = match serde_json::from_slice(&response.body) {
        Ok(value) => value,
        // A gateway or proxy error page (an HTML 502, say) is still an HTTP error.
        Err(_) if failed_status => {
            let message = format!(
                "HTTP {} with a body that is not JSON: {}",
                response.status,
                excerpt(&response.body)
            );
            return Err(service_error(response, message, header_request_id));
        }
        Err(e) => {
            return Err(undecodable(
                response,
                format!("not JSON ({e})"),
                header_request_id,
            ));
        }
    };
    let envelope = Envelope::deserialize(&value).unwrap_or_default();
    let failed_code = envelope
        .code
        .as_deref()
        .is_some_and(|c| !c.eq_ignore_ascii_case("OK"));
    let request_id = envelope.request_id.or(header_request_id);
    if failed_status || failed_code {
        let message = envelope
            .message
            .unwrap_or_else(|| format!("HTTP {} without a message", response.status));
        let mut error = service_error(response, message, request_id);
        error.0.code = envelope.code;
        error.0.host_id = envelope.host_id;
        error.0.recommend = envelope.recommend;
        error.0.access_denied_detail = envelope.access_denied_detail;
        return Err(error);
    }
    match T::deserialize(value) {
        Ok(output) => Ok((output, request_id)),
        Err(e) => Err(undecodable(response, e, request_id)),
    }
}

/// A service error carrying what every such error has: the status, the request id and the
/// service's `x-acs-retry-after`.
fn service_error(response: &RawResponse, message: String, request_id: Option<String>) -> Error {
    let mut error = Error::new(ErrorKind::Service, message);
    error.0.status = Some(response.status);
    error.0.request_id = request_id;
    error.0.retry_after = retry_after(response);
    error
}

/// A positive `x-acs-retry-after`, in milliseconds (as the official client reads it).
fn retry_after(response: &RawResponse) -> Option<Duration> {
    let millis: u64 = response.header("x-acs-retry-after")?.trim().parse().ok()?;
    (millis > 0).then(|| Duration::from_millis(millis))
}
