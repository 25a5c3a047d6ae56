//! What every generated request type implements.

use super::InvalidInput;
use serde::de::DeserializeOwned;
use std::fmt::Display;
use std::time::Duration;

/// Static facts about an operation, from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationMeta {
    /// The product code, `cams`.
    pub product: &'static str,
    /// The action name, e.g. `CreateInstance`.
    pub action: &'static str,
    /// The API version, `2020-06-06`.
    pub version: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// Whether sending the request twice has the effect of sending it once. Only idempotent
    /// operations are retried after a failure that may have reached the service.
    pub idempotent: bool,
}

/// A request that can be sent: implemented by every generated `*Request` type.
pub trait Operation: Send + Sync {
    /// The decoded response body.
    type Output: DeserializeOwned + Send;
    /// The operation's static facts.
    const META: OperationMeta;
    /// Checks the request against the spec's rules before anything is sent.
    fn validate(&self) -> Result<(), InvalidInput>;
    /// Writes the business parameters.
    fn write_params(&self, params: &mut Params) -> Result<(), InvalidInput>;
}

/// The business parameters of a request, in the order they were written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    query: Vec<(&'static str, String)>,
    form: Vec<(&'static str, String)>,
}

impl Params {
    /// Adds a scalar parameter, formatted as the service expects (`true`/`false` for booleans).
    pub fn push(&mut self, name: &'static str, value: &impl Display, in_form: bool) {
        let list = if in_form {
            &mut self.form
        } else {
            &mut self.query
        };
        list.push((name, value.to_string()));
    }

    /// Adds a `style: json` parameter: the value serialized as a JSON string.
    pub fn push_json(
        &mut self,
        name: &'static str,
        value: &impl serde::Serialize,
        in_form: bool,
    ) -> Result<(), InvalidInput> {
        let text = serde_json::to_string(value)
            .map_err(|e| InvalidInput::new(name, format!("cannot be encoded as JSON: {e}")))?;
        self.push(name, &text, in_form);
        Ok(())
    }

    /// The parameters that travel in the query string.
    pub fn query(&self) -> &[(&'static str, String)] {
        &self.query
    }

    /// The parameters that travel in the form body.
    pub fn form(&self) -> &[(&'static str, String)] {
        &self.form
    }
}

/// Per-call options. The defaults defer to the client's configuration.
///
/// ```
/// use std::time::Duration;
/// let options = cams_sdk::CallOptions::default()
///     .attempt_timeout(Duration::from_secs(2))
///     .operation_timeout(Duration::from_secs(5));
/// assert!(!options.disable_retries);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallOptions {
    /// Send the request once, whatever the client's retry policy says.
    pub disable_retries: bool,
    /// The time one attempt may take, overriding the client's.
    pub attempt_timeout: Option<Duration>,
    /// The time the whole call, retries and backoff included, may take, overriding the client's.
    pub operation_timeout: Option<Duration>,
}

impl CallOptions {
    /// Options that send the request exactly once.
    pub fn no_retries() -> Self {
        Self {
            disable_retries: true,
            ..Self::default()
        }
    }

    /// Sets the time one attempt may take.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Sets the time the whole call may take, retries included.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }
}
