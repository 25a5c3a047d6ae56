//! Where the client's AccessKey comes from.
//!
//! A [`ProvideCredentials`] hands out [`Credentials`]. The client asks its provider once, caches
//! the answer, and asks again only when temporary credentials come close to expiring.
//!
//! [`DefaultChain`] looks in the places Alibaba Cloud's own tools use, in the official order:
//!
//! 1. the environment: `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and
//!    optionally `ALIBABA_CLOUD_SECURITY_TOKEN`;
//! 2. the Aliyun CLI's `~/.aliyun/config.json` (profile `ALIBABA_CLOUD_PROFILE`, else the file's
//!    `current`; modes `AK` and `StsToken`);
//! 3. `~/.alibabacloud/credentials.ini`, or the file `ALIBABA_CLOUD_CREDENTIALS_FILE` names
//!    (section `ALIBABA_CLOUD_PROFILE`, else `default`; type `access_key`);
//! 4. the ECS instance RAM role, from the metadata service, when `ALIBABA_CLOUD_ECS_METADATA`
//!    names the role;
//! 5. the URI in `ALIBABA_CLOUD_CREDENTIALS_URI`.
//!
//! A source that is not configured is skipped; a source that is configured but unusable (a
//! malformed file, an unsupported mode, a metadata service that fails) stops the search with an
//! error that says so, rather than silently falling through to another identity. When no source
//! has credentials, the error lists every source and why it was skipped.

mod chain;
mod profile;
mod remote;

pub use chain::{DefaultChain, DefaultChainBuilder};
pub use profile::{CliConfigProvider, IniFileProvider};
pub use remote::{CredentialsUriProvider, EcsRamRoleProvider};

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// An AccessKey, optionally temporary (an STS token and an expiry), and the name of the source
/// it came from (sent as `x-acs-credentials-provider`, as the official SDKs do).
///
/// `Debug` shows the AccessKey ID only; the secret and the token are redacted and wiped from
/// memory on drop.
///
/// ```
/// let creds = cams_sdk::Credentials::new("LTAI5tExample", "secret-value");
/// assert!(!format!("{creds:?}").contains("secret-value"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    keys: cams_signer::Credentials,
    expires_at: Option<SystemTime>,
    provider: Cow<'static, str>,
}

impl Credentials {
    /// Long-term credentials: an AccessKey ID and its secret.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Self {
            keys: cams_signer::Credentials::new(access_key_id, access_key_secret),
            expires_at: None,
            provider: Cow::Borrowed("static_ak"),
        }
    }

    /// Adds an STS security token (an empty one is ignored).
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.keys = self.keys.with_security_token(token);
        if self.keys.security_token().is_some() && self.provider == "static_ak" {
            self.provider = Cow::Borrowed("static_sts");
        }
        self
    }

    /// Sets when these credentials stop working; the client fetches new ones before then.
    pub fn with_expiry(mut self, expires_at: SystemTime) -> Self {
        self.expires_at = Some(expires_at);
        self
    }

    /// Names the source, e.g. `default/env`.
    pub fn with_provider_name(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.provider = name.into();
        self
    }

    /// The AccessKey ID.
    pub fn access_key_id(&self) -> &str {
        self.keys.access_key_id()
    }

    /// The AccessKey secret. Never log it.
    pub fn access_key_secret(&self) -> &str {
        self.keys.access_key_secret()
    }

    /// The STS token, for temporary credentials.
    pub fn security_token(&self) -> Option<&str> {
        self.keys.security_token()
    }

    /// When these credentials expire, if they do.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }

    /// The name of the source these came from.
    pub fn provider_name(&self) -> &str {
        &self.provider
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("keys", &self.keys)
            .field("expires_at", &self.expires_at)
            .field("provider", &self.provider)
            .finish()
    }
}

/// The future a [`ProvideCredentials`] returns.
pub type CredentialsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// A source of credentials. Implement it to plug in your own (a secrets manager, say).
pub trait ProvideCredentials: Send + Sync + fmt::Debug + 'static {
    /// Returns credentials, or why there are none.
    fn provide_credentials(&self) -> CredentialsFuture<'_>;
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let creds = self.clone();
        Box::pin(async move { Ok(creds) })
    }
}

/// Why a source gave no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsError {
    kind: CredentialsErrorKind,
    source_name: Cow<'static, str>,
    message: String,
}

/// Whether a source was simply not configured, or configured and unusable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsErrorKind {
    /// The source is not set up here; a chain moves on to the next one.
    NotConfigured,
    /// The source is set up but cannot be used (malformed, incomplete, unsupported, failing).
    Invalid,
}

impl CredentialsError {
    /// The source is not set up (`source_name`: where we looked; `message`: what was missing).
    pub fn not_configured(
        source_name: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            kind: CredentialsErrorKind::NotConfigured,
            source_name: source_name.into(),
            message: message.into(),
        }
    }

    /// The source is set up but unusable.
    pub fn invalid(source_name: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self {
            kind: CredentialsErrorKind::Invalid,
            source_name: source_name.into(),
            message: message.into(),
        }
    }

    /// Whether the source was absent or broken.
    pub fn kind(&self) -> CredentialsErrorKind {
        self.kind
    }

    /// The source, e.g. `~/.aliyun/config.json`.
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// What was wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source_name, self.message)
    }
}

impl std::error::Error for CredentialsError {}

impl From<CredentialsError> for crate::Error {
    fn from(error: CredentialsError) -> Self {
        let message = format!("no usable credentials: {error}");
        crate::Error::with_source(crate::ErrorKind::Credentials, message, error)
    }
}

/// The environment the providers read: the process's, or a fixed set of variables (for tests,
/// and for programs that keep configuration elsewhere).
///
/// An empty variable counts as unset, as in the official SDKs.
#[derive(Clone, Default)]
pub struct Env {
    fixed: Option<Arc<HashMap<String, String>>>,
}

impl Env {
    /// The process environment.
    pub fn process() -> Self {
        Self { fixed: None }
    }

    /// Exactly these variables, and no others.
    pub fn from_vars<K: Into<String>, V: Into<String>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let map = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Self {
            fixed: Some(Arc::new(map)),
        }
    }

    /// The value of `name`, if set and not empty.
    pub fn get(&self, name: &str) -> Option<String> {
        let value = match &self.fixed {
            Some(map) => map.get(name).cloned(),
            None => std::env::var(name).ok(),
        };
        value.filter(|v| !v.is_empty())
    }

    /// Whether `name` is set to `true` (any case).
    pub(crate) fn is_true(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// The home directory: `HOME`, else `USERPROFILE`.
    pub(crate) fn home(&self) -> Option<PathBuf> {
        self.get("HOME")
            .or_else(|| self.get("USERPROFILE"))
            .map(PathBuf::from)
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Variable values may be secrets: show only which variables a fixed set holds.
        match &self.fixed {
            None => f.write_str("Env::process()"),
            Some(map) => {
                let mut names: Vec<&String> = map.keys().collect();
                names.sort();
                f.debug_tuple("Env::from_vars").field(&names).finish()
            }
        }
    }
}

/// How long before expiry temporary credentials are replaced (the official SDKs use 15 minutes).
pub(crate) const REFRESH_MARGIN: Duration = Duration::from_secs(15 * 60);

/// Caches a provider's answer until it is close to expiring; one fetch at a time.
#[derive(Debug)]
pub(crate) struct CredentialsCache {
    provider: Arc<dyn ProvideCredentials>,
    current: tokio::sync::Mutex<Option<Credentials>>,
}

impl CredentialsCache {
    pub(crate) fn new(provider: Arc<dyn ProvideCredentials>) -> Self {
        Self {
            provider,
            current: tokio::sync::Mutex::new(None),
        }
    }

    /// Cached credentials, or fresh ones when there are none or they expire within the margin.
    pub(crate) async fn get(&self) -> Result<Credentials, CredentialsError> {
        let mut current = self.current.lock().await;
        if let Some(creds) = current.as_ref()
            && is_fresh(creds, SystemTime::now())
        {
            return Ok(creds.clone());
        }
        let creds = self.provider.provide_credentials().await?;
        *current = Some(creds.clone());
        Ok(creds)
    }
}

fn is_fresh(creds: &Credentials, now: SystemTime) -> bool {
    match creds.expires_at {
        None => true,
        Some(at) => now + REFRESH_MARGIN < at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_credentials_go_stale_fifteen_minutes_before_expiry() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let creds = Credentials::new("id", "secret").with_expiry(now + Duration::from_secs(3600));
        assert!(is_fresh(&creds, now));
        assert!(is_fresh(&creds, now + Duration::from_secs(2699)));
        assert!(!is_fresh(&creds, now + Duration::from_secs(2700)));
        assert!(is_fresh(&Credentials::new("id", "secret"), now));
    }

    #[test]
    fn provider_names_follow_the_official_ones() {
        assert_eq!(Credentials::new("a", "b").provider_name(), "static_ak");
        let sts = Credentials::new("a", "b").with_security_token("t");
        assert_eq!(sts.provider_name(), "static_sts");
        let empty_token = Credentials::new("a", "b").with_security_token("");
        assert_eq!(empty_token.provider_name(), "static_ak");
        assert_eq!(empty_token.security_token(), None);
    }

    #[test]
    fn env_debug_shows_names_not_values() {
        let env = Env::from_vars([("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "hunter2")]);
        let shown = format!("{env:?}");
        assert!(shown.contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET"));
        assert!(!shown.contains("hunter2"));
    }
}
