//! The one error type of the SDK.

use std::fmt;
use std::time::Duration;

/// What went wrong, broadly: match on it to decide what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request was rejected before sending: a parameter breaks the spec's rules.
    InvalidInput,
    /// No credentials could be found, or a configured source of credentials failed.
    Credentials,
    /// The configuration is unusable: an endpoint that is not a URL, no region, and the like.
    Config,
    /// The connection could not be made (refused, DNS, TLS handshake): the request was never
    /// sent, so retrying it is always safe.
    Connect,
    /// An attempt, or the whole operation, ran out of time. The request may have reached the
    /// service.
    Timeout,
    /// The connection failed after the request may have been sent (reset, broken pipe).
    Transport,
    /// The service answered with an error: HTTP 4xx/5xx, or HTTP 200 whose `Code` is not `OK`.
    Service,
    /// The response could not be decoded.
    Undecodable,
}

/// A parameter that breaks the spec's rules, found before sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    /// The wire name of the parameter, e.g. `PageSize`.
    pub parameter: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl InvalidInput {
    /// A problem with `parameter`.
    pub fn new(parameter: &'static str, message: impl Into<String>) -> Self {
        Self {
            parameter,
            message: message.into(),
        }
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid parameter {}: {}", self.parameter, self.message)
    }
}

impl std::error::Error for InvalidInput {}

/// An error from a call, with the service's metadata reachable without nested matching.
///
/// One pointer wide: the details live behind a `Box`, so `Result<T, Error>` stays small.
#[derive(Debug)]
pub struct Error(pub(crate) Box<Details>);

#[derive(Debug)]
pub(crate) struct Details {
    pub(crate) kind: ErrorKind,
    pub(crate) status: Option<u16>,
    pub(crate) code: Option<String>,
    pub(crate) message: String,
    pub(crate) request_id: Option<String>,
    pub(crate) host_id: Option<String>,
    pub(crate) recommend: Option<String>,
    pub(crate) access_denied_detail: Option<serde_json::Value>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) attempts: u32,
    pub(crate) signature_mismatch: Option<SignatureMismatch>,
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// Our string to sign next to the one the service computed, from a `SignatureDoesNotMatch`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureMismatch {
    /// The string to sign this SDK computed for the attempt.
    pub ours: String,
    /// The string to sign the service computed, as quoted in its message.
    pub theirs: String,
    /// Where the two first differ; `None` when they are equal (then the secret is wrong).
    pub difference: Option<cams_signer::Difference>,
}

impl fmt::Display for SignatureMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.difference {
            Some(d) => write!(
                f,
                "our string to sign {:?} differs from the server's {:?}: {d}",
                self.ours, self.theirs
            ),
            None => write!(
                f,
                "our string to sign equals the server's ({:?}), so the AccessKey secret is wrong",
                self.ours
            ),
        }
    }
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self(Box::new(Details {
            kind,
            status: None,
            code: None,
            message: message.into(),
            request_id: None,
            host_id: None,
            recommend: None,
            access_denied_detail: None,
            retry_after: None,
            attempts: 0,
            signature_mismatch: None,
            source: None,
        }))
    }

    /// An error of `kind` caused by `source`.
    pub(crate) fn with_source(
        kind: ErrorKind,
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        let mut error = Self::new(kind, message);
        error.0.source = Some(Box::new(source));
        error
    }

    /// A connection failure before anything was sent. For [`crate::Transport`] implementations:
    /// a `Connect` error is retried even for operations that are not idempotent.
    pub fn connect(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::with_source(ErrorKind::Connect, source.to_string(), source)
    }

    /// A timeout. For [`crate::Transport`] implementations.
    pub fn timeout(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Timeout, message)
    }

    /// A transport failure, wrapping its cause. For [`crate::Transport`] implementations.
    pub fn transport(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::with_source(ErrorKind::Transport, source.to_string(), source)
    }

    /// The broad kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }
    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }
    /// The service's error code, e.g. `Throttling.User` or `Instance.NotExist`.
    pub fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }
    /// The message: the service's, or ours for failures on this side.
    pub fn message(&self) -> &str {
        &self.0.message
    }
    /// The request ID, to give to Alibaba Cloud support.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    /// The `HostId` of a gateway error.
    pub fn host_id(&self) -> Option<&str> {
        self.0.host_id.as_deref()
    }
    /// The `Recommend` link of a gateway error (Alibaba's diagnosis page).
    pub fn recommend(&self) -> Option<&str> {
        self.0.recommend.as_deref()
    }
    /// `AccessDeniedDetail`, kept as JSON: a string in some bodies, an object in others.
    pub fn access_denied_detail(&self) -> Option<&serde_json::Value> {
        self.0.access_denied_detail.as_ref()
    }
    /// The delay the service asked for before a retry (`x-acs-retry-after`, in milliseconds).
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }
    /// How many attempts were made before giving up: 0 when nothing was sent.
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }
    /// On `SignatureDoesNotMatch`: our string to sign, the server's, and where they differ.
    pub fn signature_mismatch(&self) -> Option<&SignatureMismatch> {
        self.0.signature_mismatch.as_ref()
    }

    /// Whether the service rejected the call for flow control: a `Throttling*` or
    /// `System.LimitControl` code, HTTP 429, or an `x-acs-retry-after` header. A throttled call
    /// was not processed, so it is safe to retry even when it is not idempotent.
    pub fn is_throttling(&self) -> bool {
        if self.0.kind != ErrorKind::Service {
            return false;
        }
        let code = self.0.code.as_deref().unwrap_or_default();
        code.starts_with("Throttling")
            || code == "System.LimitControl"
            || self.0.status == Some(429)
            || self.0.retry_after.is_some()
    }

    /// Whether trying again may succeed: throttling, `ServiceUnavailable`, HTTP
    /// 429/500/502/503/504, connect failures, timeouts and broken connections. Whether a retry
    /// is *safe* also depends on the operation: see [`Error::is_retryable_for`].
    pub fn is_retryable(&self) -> bool {
        match self.0.kind {
            ErrorKind::Connect | ErrorKind::Timeout | ErrorKind::Transport => true,
            ErrorKind::Service => {
                self.is_throttling()
                    || self.0.code.as_deref() == Some("ServiceUnavailable")
                    || matches!(self.0.status, Some(429 | 500 | 502 | 503 | 504))
            }
            _ => false,
        }
    }

    /// Whether retrying is both useful and safe for an operation: for idempotent operations,
    /// [`Error::is_retryable`]; for the others (CreateInstance), only failures that prove the
    /// request was never processed: a connection that was never made, or throttling.
    pub fn is_retryable_for(&self, idempotent: bool) -> bool {
        if idempotent {
            self.is_retryable()
        } else {
            self.0.kind == ErrorKind::Connect || self.is_throttling()
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.code {
            Some(code) => write!(f, "{code}: {}", self.0.message)?,
            None => f.write_str(&self.0.message)?,
        }
        if let Some(status) = self.0.status {
            write!(f, " (HTTP {status})")?;
        }
        if let Some(id) = &self.0.request_id {
            write!(f, " [request id {id}]")?;
        }
        if self.0.attempts > 1 {
            write!(f, " after {} attempts", self.0.attempts)?;
        }
        if let Some(mismatch) = &self.0.signature_mismatch {
            write!(f, "; {mismatch}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<InvalidInput> for Error {
    fn from(input: InvalidInput) -> Self {
        Self::with_source(ErrorKind::InvalidInput, input.to_string(), input)
    }
}
