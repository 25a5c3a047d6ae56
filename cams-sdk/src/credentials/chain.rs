//! The default chain of credential sources.

use super::remote::DEFAULT_METADATA_ENDPOINT;
use super::{
    CliConfigProvider, CredentialsError, CredentialsErrorKind, CredentialsFuture,
    CredentialsUriProvider, EcsRamRoleProvider, Env, IniFileProvider, ProvideCredentials,
};
use super::{Credentials, CredentialsError as Error};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Looks for credentials where Alibaba Cloud's tools put them, in the official order (see the
/// [module documentation](super)). The first source that answers is remembered and asked again
/// on refresh.
///
/// ```
/// use cams_sdk::credentials::{DefaultChain, Env, ProvideCredentials};
/// # tokio_test();
/// # fn tokio_test() {
/// # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let chain = DefaultChain::builder()
///     .env(Env::from_vars([
///         ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tExample"),
///         ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "secret"),
///     ]))
///     .build();
/// let creds = chain.provide_credentials().await.unwrap();
/// assert_eq!(creds.provider_name(), "default/env");
/// # });
/// # }
/// ```
#[derive(Debug)]
pub struct DefaultChain {
    sources: Vec<Box<dyn ProvideCredentials>>,
    chosen: AtomicUsize,
}

const NONE_CHOSEN: usize = usize::MAX;

/// Configures a [`DefaultChain`].
#[derive(Debug, Default)]
pub struct DefaultChainBuilder {
    env: Option<Env>,
    metadata_endpoint: Option<String>,
    http: Option<reqwest::Client>,
}

impl DefaultChainBuilder {
    /// Reads these variables instead of the process environment.
    pub fn env(mut self, env: Env) -> Self {
        self.env = Some(env);
        self
    }

    /// Asks this ECS metadata service instead of `http://100.100.100.200`.
    pub fn metadata_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.metadata_endpoint = Some(endpoint.into());
        self
    }

    /// Uses this HTTP client for the metadata service and the credentials URI.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The chain.
    pub fn build(self) -> DefaultChain {
        let env = self.env.unwrap_or_default();
        let http = self.http.unwrap_or_default();
        let metadata = self
            .metadata_endpoint
            .unwrap_or_else(|| DEFAULT_METADATA_ENDPOINT.to_owned());
        DefaultChain {
            sources: vec![
                Box::new(EnvironmentProvider { env: env.clone() }),
                Box::new(CliConfigProvider::new(env.clone())),
                Box::new(IniFileProvider::new(env.clone())),
                Box::new(
                    EcsRamRoleProvider::new(env.clone(), http.clone()).with_endpoint(metadata),
                ),
                Box::new(CredentialsUriProvider::new(env, http)),
            ],
            chosen: AtomicUsize::new(NONE_CHOSEN),
        }
    }
}

impl DefaultChain {
    /// A chain reading the process environment.
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// Configures a chain.
    pub fn builder() -> DefaultChainBuilder {
        DefaultChainBuilder::default()
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let chosen = self.chosen.load(Ordering::Acquire);
        if let Some(source) = self.sources.get(chosen) {
            return source.provide_credentials().await;
        }
        let mut skipped = Vec::new();
        for (index, source) in self.sources.iter().enumerate() {
            match source.provide_credentials().await {
                Ok(creds) => {
                    self.chosen.store(index, Ordering::Release);
                    tracing::debug!(provider = creds.provider_name(), "credentials found");
                    return Ok(creds);
                }
                Err(e) if e.kind() == CredentialsErrorKind::NotConfigured => skipped.push(e),
                Err(e) => return Err(e),
            }
        }
        let mut message = String::from(
            "no credentials found; tried, in order: explicit keys in the client config (none given)",
        );
        for e in &skipped {
            message.push_str("; ");
            message.push_str(&e.to_string());
        }
        Err(Error::not_configured(
            "the default credentials chain",
            message,
        ))
    }
}

impl Default for DefaultChain {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.load())
    }
}

/// `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, and optionally
/// `ALIBABA_CLOUD_SECURITY_TOKEN`; both keys must be set and not empty.
#[derive(Debug, Clone)]
struct EnvironmentProvider {
    env: Env,
}

impl EnvironmentProvider {
    fn load(&self) -> Result<Credentials, CredentialsError> {
        const SOURCE: &str = "environment";
        let id = self.env.get("ALIBABA_CLOUD_ACCESS_KEY_ID");
        let secret = self.env.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
        match (id, secret) {
            (Some(id), Some(secret)) => {
                let mut creds = Credentials::new(id, secret);
                if let Some(token) = self.env.get("ALIBABA_CLOUD_SECURITY_TOKEN") {
                    creds = creds.with_security_token(token);
                }
                Ok(creds.with_provider_name("default/env"))
            }
            (None, None) => Err(CredentialsError::not_configured(
                SOURCE,
                "ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET are not set",
            )),
            (Some(_), None) => Err(CredentialsError::not_configured(
                SOURCE,
                "ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not",
            )),
            (None, Some(_)) => Err(CredentialsError::not_configured(
                SOURCE,
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET is set but ALIBABA_CLOUD_ACCESS_KEY_ID is not",
            )),
        }
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let result = self.load();
        Box::pin(async move { result })
    }
}
