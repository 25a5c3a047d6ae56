//! The HTTP layer: a signed request goes out, a raw response comes back.

use crate::{Error, ErrorKind};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A signed request, ready for the wire.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The HTTP method, e.g. `POST`.
    pub method: &'static str,
    /// The full URL, its query already percent-encoded.
    pub url: String,
    /// The headers, names lower-case.
    pub headers: Vec<(&'static str, String)>,
    /// The body (empty for the instance operations).
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The value of header `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Query parameters and headers whose values are never shown.
const SECRET_PARAMETERS: [&str; 2] = ["Signature=", "SecurityToken="];
const SECRET_HEADERS: [&str; 2] = ["authorization", "x-acs-security-token"];

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = match self.url.split_once('?') {
            None => self.url.clone(),
            Some((base, query)) => {
                let shown: Vec<String> = query
                    .split('&')
                    .map(
                        |pair| match SECRET_PARAMETERS.iter().find(|p| pair.starts_with(*p)) {
                            Some(name) => format!("{name}** redacted **"),
                            None => pair.to_owned(),
                        },
                    )
                    .collect();
                format!("{base}?{}", shown.join("&"))
            }
        };
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                if SECRET_HEADERS.contains(k) {
                    (*k, "** redacted **")
                } else {
                    (*k, v.as_str())
                }
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &url)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .finish()
    }
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

impl RawResponse {
    /// The value of header `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The future a [`Transport`] returns.
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = Result<RawResponse, Error>> + Send + 'a>>;

/// Carries a signed [`HttpRequest`] to the service and brings back the raw response.
///
/// The built-in one uses `reqwest`; implement this to use another HTTP stack or to answer from
/// memory in tests. Report failures with [`Error::connect`] when the request was certainly not
/// sent (a retry is then safe for any operation), [`Error::timeout`], or [`Error::transport`].
/// The client applies the per-attempt timeout around [`Transport::send`].
pub trait Transport: Send + Sync + 'static {
    /// Sends `request`; fails only when no complete response arrived.
    fn send<'a>(&'a self, request: &'a HttpRequest) -> TransportFuture<'a>;
}

/// The built-in transport: one pooled `reqwest` client (rustls, no OpenSSL).
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    http: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport whose connections time out after `connect_timeout`.
    pub fn new(connect_timeout: Duration) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| {
                Error::with_source(
                    ErrorKind::Config,
                    format!("cannot build the HTTP client: {e}"),
                    e,
                )
            })?;
        Ok(Self { http })
    }

    /// Sends through an existing `reqwest` client.
    pub fn from_client(http: reqwest::Client) -> Self {
        Self { http }
    }

    /// The `reqwest` client.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.http
    }

    async fn execute(&self, request: &HttpRequest) -> Result<RawResponse, Error> {
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|e| Error::with_source(ErrorKind::InvalidInput, e.to_string(), e))?;
        let mut builder = self.http.request(method, &request.url);
        for (name, value) in &request.headers {
            builder = builder.header(*name, value.as_str());
        }
        let response = builder
            .body(request.body.clone())
            .send()
            .await
            .map_err(classify)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect();
        let body = response.bytes().await.map_err(classify)?.to_vec();
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }
}

impl Transport for ReqwestTransport {
    fn send<'a>(&'a self, request: &'a HttpRequest) -> TransportFuture<'a> {
        Box::pin(self.execute(request))
    }
}

/// Maps a `reqwest` failure to a kind: a failed connection was never sent.
fn classify(error: reqwest::Error) -> Error {
    // The URL carries the signature (and, under V1, the STS token): keep it out of messages.
    let error = error.without_url();
    // `Display` of a reqwest error omits its causes ("error sending request"); keep them.
    let mut message = error.to_string();
    let mut cause = std::error::Error::source(&error);
    while let Some(inner) = cause {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        cause = inner.source();
    }
    let kind = if error.is_connect() {
        ErrorKind::Connect
    } else if error.is_timeout() {
        ErrorKind::Timeout
    } else if error.is_builder() {
        ErrorKind::Config
    } else {
        ErrorKind::Transport
    };
    Error::with_source(kind, message, error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_signatures_and_tokens() {
        let request = HttpRequest {
            method: "POST",
            url: "https://h/?Action=A&SecurityToken=tok123&Signature=sig456&X=1".to_owned(),
            headers: vec![
                (
                    "authorization",
                    "ACS3-HMAC-SHA256 Signature=abc789".to_owned(),
                ),
                ("x-acs-security-token", "tok123".to_owned()),
                ("x-acs-action", "A".to_owned()),
            ],
            body: Vec::new(),
        };
        let shown = format!("{request:?}");
        for secret in ["tok123", "sig456", "abc789"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("Action=A") && shown.contains("x-acs-action"));
    }
}
