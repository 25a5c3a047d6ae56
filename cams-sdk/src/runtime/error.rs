//! The one error type of the SDK.

use std::fmt;

/// What went wrong, broadly: match on it to decide what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request was rejected before sending: a parameter breaks the spec's rules.
    InvalidInput,
    /// The transport failed before a response arrived.
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
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync>>,
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
            source: None,
        }))
    }

    /// A transport failure, wrapping its cause. For [`crate::Transport`] implementations.
    pub fn transport(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        let mut error = Self::new(ErrorKind::Transport, source.to_string());
        error.0.source = Some(Box::new(source));
        error
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
        let message = input.to_string();
        let mut error = Self::new(ErrorKind::InvalidInput, message);
        error.0.source = Some(Box::new(input));
        error
    }
}
