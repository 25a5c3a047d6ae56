//! Errors that name the place in the spec.

use std::fmt;

/// A spec the generator cannot turn into correct code, with the place that says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The place in the spec, e.g. `apis.CreateInstance.parameters[3].schema.type`.
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

impl SpecError {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for SpecError {}
