//! An AccessKey pair with an optional STS token, kept out of logs and wiped on drop.

use std::fmt;
use zeroize::Zeroizing;

/// An Alibaba Cloud AccessKey ID and secret, with an optional STS security token.
///
/// `Debug` and `Display` show the AccessKey ID only; the secret and the token are redacted,
/// and their memory is overwritten with zeros when the value is dropped.
///
/// ```
/// use cams_signer::Credentials;
/// let creds = Credentials::new("LTAI5tExample", "secret-value").with_security_token("sts-token");
/// let shown = format!("{creds:?} {creds}");
/// assert!(shown.contains("LTAI5tExample"));
/// assert!(!shown.contains("secret-value") && !shown.contains("sts-token"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: Zeroizing<String>,
    security_token: Option<Zeroizing<String>>,
}

impl Credentials {
    /// Long-term credentials: an AccessKey ID and its secret.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            access_key_secret: Zeroizing::new(access_key_secret.into()),
            security_token: None,
        }
    }

    /// Adds an STS security token, making these temporary credentials. An empty token is ignored,
    /// as the official SDK ignores it.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        let token = token.into();
        self.security_token = (!token.is_empty()).then(|| Zeroizing::new(token));
        self
    }

    /// The AccessKey ID (for STS credentials, the `STS.` ID).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The AccessKey secret. Handle with care: never log it.
    pub fn access_key_secret(&self) -> &str {
        &self.access_key_secret
    }

    /// The STS security token, when these are temporary credentials.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref().map(String::as_str)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"** redacted **")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.security_token.is_some() {
            "STS"
        } else {
            "AccessKey"
        };
        write!(f, "{kind} credentials for {}", self.access_key_id)
    }
}
