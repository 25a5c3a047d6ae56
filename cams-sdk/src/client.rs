//! The client: validates and encodes a request, hands it to a [`Transport`], and turns what
//! comes back into the operation's output or an [`Error`].

use crate::runtime::{CallOptions, Error, ErrorKind, Operation, OperationMeta, Params};
use serde::Deserialize;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A request ready for the wire: the operation's metadata and its business parameters.
/// Signing, common parameters and retries are the transport's job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    /// The operation's static facts (action, version, method, idempotency).
    pub meta: OperationMeta,
    /// The business parameters.
    pub params: Params,
    /// The per-call options.
    pub options: CallOptions,
}

/// What came back from the service.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: u16,
    /// The response headers, names lower-case.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// The future a [`Transport`] returns.
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = Result<RawResponse, Error>> + Send + 'a>>;

/// Carries a [`PreparedRequest`] to the service and brings back the raw response.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request`; fails only when no response arrived.
    fn send<'a>(&'a self, request: &'a PreparedRequest) -> TransportFuture<'a>;
}

/// The CAMS client. Cheap to clone (an `Arc` inside), `Send` and `Sync`.
///
/// Each operation is a method returning a builder: required parameters are arguments,
/// optional ones are builder methods, and `.send().await` performs the call.
#[derive(Clone)]
pub struct Client {
    transport: Arc<dyn Transport>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client").finish_non_exhaustive()
    }
}

impl Client {
    /// A client that sends through `transport`.
    pub fn with_transport(transport: impl Transport) -> Self {
        Self {
            transport: Arc::new(transport),
        }
    }

    /// Validates, encodes and sends `input`, then decodes the response.
    pub async fn invoke<O: Operation>(
        &self,
        input: &O,
        options: &CallOptions,
    ) -> Result<O::Output, Error> {
        input.validate()?;
        let mut params = Params::default();
        input.write_params(&mut params)?;
        let request = PreparedRequest {
            meta: O::META,
            params,
            options: options.clone(),
        };
        let response = self.transport.send(&request).await?;
        decode::<O::Output>(&response)
    }
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
/// `"Code": "OK"` is a success, as the published examples show.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(response: &RawResponse) -> Result<T, Error> {
    let value: serde_json::Value = match serde_json::from_slice(&response.body) {
        Ok(value) => value,
        Err(e) => return Err(undecodable(response, format!("not JSON ({e})"), None)),
    };
    let envelope = Envelope::deserialize(&value).unwrap_or_default();
    let failed_status = !(200..300).contains(&response.status);
    let failed_code = envelope
        .code
        .as_deref()
        .is_some_and(|c| !c.eq_ignore_ascii_case("OK"));
    if failed_status || failed_code {
        let mut error = Error::new(
            ErrorKind::Service,
            envelope
                .message
                .unwrap_or_else(|| format!("HTTP {} without a message", response.status)),
        );
        error.0.status = Some(response.status);
        error.0.code = envelope.code;
        error.0.request_id = envelope.request_id;
        error.0.host_id = envelope.host_id;
        error.0.recommend = envelope.recommend;
        error.0.access_denied_detail = envelope.access_denied_detail;
        return Err(error);
    }
    T::deserialize(value).map_err(|e| undecodable(response, e, envelope.request_id))
}
