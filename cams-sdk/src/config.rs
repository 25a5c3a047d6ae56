//! Client configuration: region and endpoint, signature version, credentials, timeouts, retries
//! and the user agent.

use crate::credentials::{DefaultChain, Env, ProvideCredentials};
use crate::retry::RetryPolicy;
use crate::transport::{ReqwestTransport, Transport};
use crate::{Error, ErrorKind};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The region CAMS documents, and the default.
pub const DEFAULT_REGION: &str = "ap-southeast-1";

/// Which signature the client puts on requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SignatureVersion {
    /// RPC signature V1: HMAC-SHA1 over the query parameters (the default).
    #[default]
    V1,
    /// Signature V3: `ACS3-HMAC-SHA256` in the `Authorization` header.
    V3,
}

/// How long a call may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Making the connection (TCP and TLS). Default 5 s.
    pub connect: Duration,
    /// One attempt: sending the request and reading the whole response. Default 10 s.
    pub attempt: Duration,
    /// The whole call, retries and backoff included. Default none.
    pub operation: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            attempt: Duration::from_secs(10),
            operation: None,
        }
    }
}

/// Where requests go: the base URL and the `host` the signature covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    base_url: String,
    authority: String,
}

impl Endpoint {
    /// Parses an endpoint: `host`, `host:port`, or a URL `https://host[:port]` or
    /// `http://host[:port]` (for a local emulator). A bare host means HTTPS.
    ///
    /// ```
    /// let local = cams_sdk::config::Endpoint::parse("http://127.0.0.1:8080").unwrap();
    /// assert_eq!(local.base_url(), "http://127.0.0.1:8080");
    /// assert_eq!(local.host(), "127.0.0.1:8080");
    /// let real = cams_sdk::config::Endpoint::parse("cams.ap-southeast-1.aliyuncs.com").unwrap();
    /// assert_eq!(real.base_url(), "https://cams.ap-southeast-1.aliyuncs.com");
    /// ```
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bad = |why: &str| {
            Error::new(
                ErrorKind::Config,
                format!("endpoint {text:?} is not usable: {why}"),
            )
        };
        let trimmed = text.trim();
        let (scheme, rest) = match trimmed.split_once("://") {
            Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
            None => ("https".to_owned(), trimmed),
        };
        if scheme != "https" && scheme != "http" {
            return Err(bad("the scheme must be http or https"));
        }
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.is_empty() {
            return Err(bad("there is no host"));
        }
        if authority.contains(['/', '?', '#', '@', ' ']) {
            return Err(bad(
                "give only a scheme, a host and a port (no path, query, user or spaces)",
            ));
        }
        let url = reqwest::Url::parse(&format!("{scheme}://{authority}/"))
            .map_err(|e| bad(&e.to_string()))?;
        let host = url.host_str().ok_or_else(|| bad("there is no host"))?;
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        Ok(Self {
            base_url: format!("{scheme}://{authority}"),
            authority,
        })
    }

    /// Resolves the endpoint as the official client does: the spec's map for the region
    /// (which wins even when `network` is set), else `cams[-network].<region>.aliyuncs.com`.
    ///
    /// ```
    /// use cams_sdk::config::Endpoint;
    /// assert_eq!(Endpoint::for_region("ap-southeast-1", Some("vpc")).unwrap().host(), "cams.ap-southeast-1.aliyuncs.com");
    /// assert_eq!(Endpoint::for_region("cn-hangzhou", None).unwrap().host(), "cams.cn-hangzhou.aliyuncs.com");
    /// assert_eq!(Endpoint::for_region("cn-hangzhou", Some("vpc")).unwrap().host(), "cams-vpc.cn-hangzhou.aliyuncs.com");
    /// ```
    pub fn for_region(region: &str, network: Option<&str>) -> Result<Self, Error> {
        let region = region.trim();
        if region.is_empty() {
            return Err(Error::new(
                ErrorKind::Config,
                "the region is empty: set one (CAMS documents ap-southeast-1) or an endpoint",
            ));
        }
        if !region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(Error::new(
                ErrorKind::Config,
                format!("region {region:?} is not a region id like ap-southeast-1"),
            ));
        }
        if let Some((_, host)) = crate::generated::ENDPOINTS
            .iter()
            .find(|(r, _)| *r == region)
        {
            return Self::parse(host);
        }
        let network = match network.map(str::trim) {
            None | Some("") | Some("public") => String::new(),
            Some(n) => format!("-{n}"),
        };
        Self::parse(&format!(
            "{}{network}.{region}.aliyuncs.com",
            crate::generated::PRODUCT
        ))
    }

    /// The URL requests are sent to, without the trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The `host` header: the host, with the port when one was given.
    pub fn host(&self) -> &str {
        &self.authority
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base_url)
    }
}

/// Everything a [`crate::Client`] needs. Build one with [`Config::builder`] or
/// [`Config::from_env`].
#[derive(Clone)]
pub struct Config {
    pub(crate) region: String,
    pub(crate) endpoint: Endpoint,
    pub(crate) signature_version: SignatureVersion,
    pub(crate) credentials: Arc<dyn ProvideCredentials>,
    pub(crate) timeouts: Timeouts,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: String,
    pub(crate) transport: Arc<dyn Transport>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("signature_version", &self.signature_version)
            .field("credentials", &self.credentials)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// A builder with the defaults: region `ap-southeast-1`, the default credentials chain,
    /// signature V1, timeouts 5 s / 10 s / none, and three attempts.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// A builder that also reads the process environment: `ALIBABA_CLOUD_REGION_ID`,
    /// `ALIBABA_CLOUD_NETWORK`, `ALIBABA_CLOUD_USER_AGENT` (a suffix) and `CAMS_ENDPOINT` (an
    /// endpoint URL, e.g. an emulator's). Anything set on the builder afterwards wins.
    pub fn from_env() -> ConfigBuilder {
        Self::from_env_vars(&Env::process())
    }

    /// As [`Config::from_env`], reading `env`.
    pub fn from_env_vars(env: &Env) -> ConfigBuilder {
        ConfigBuilder {
            region: env.get("ALIBABA_CLOUD_REGION_ID"),
            network: env.get("ALIBABA_CLOUD_NETWORK"),
            user_agent_suffix: env.get("ALIBABA_CLOUD_USER_AGENT"),
            endpoint: env.get("CAMS_ENDPOINT"),
            env: Some(env.clone()),
            ..ConfigBuilder::default()
        }
    }

    /// The region.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The resolved endpoint.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The signature version.
    pub fn signature_version(&self) -> SignatureVersion {
        self.signature_version
    }

    /// The timeouts.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The `user-agent` header.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }
}

/// Builds a [`Config`].
///
/// ```
/// use cams_sdk::{config::{Config, SignatureVersion}, Credentials};
/// let config = Config::builder()
///     .endpoint("http://127.0.0.1:8080")
///     .credentials(Credentials::new("LTAI5tExample", "secret"))
///     .signature_version(SignatureVersion::V3)
///     .build()
///     .unwrap();
/// assert_eq!(config.endpoint().host(), "127.0.0.1:8080");
/// ```
#[derive(Default)]
pub struct ConfigBuilder {
    region: Option<String>,
    network: Option<String>,
    endpoint: Option<String>,
    signature_version: SignatureVersion,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    timeouts: Timeouts,
    retry: RetryPolicy,
    user_agent_suffix: Option<String>,
    transport: Option<Arc<dyn Transport>>,
    env: Option<Env>,
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("signature_version", &self.signature_version)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl ConfigBuilder {
    /// The region (default `ap-southeast-1`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The network type for the endpoint rule, e.g. `vpc` (ignored for mapped regions, as in
    /// the official client).
    pub fn network(mut self, network: impl Into<String>) -> Self {
        self.network = Some(network.into());
        self
    }

    /// An explicit endpoint, which wins over the region: a host, or a URL such as
    /// `http://127.0.0.1:8080` for the emulator.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The signature version (default V1).
    pub fn signature_version(mut self, version: SignatureVersion) -> Self {
        self.signature_version = version;
        self
    }

    /// Where credentials come from: fixed [`crate::Credentials`], a
    /// [`crate::credentials::DefaultChain`] (the default), or your own provider.
    pub fn credentials(mut self, provider: impl ProvideCredentials) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// All the timeouts at once.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The connect timeout (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.connect = timeout;
        self
    }

    /// The per-attempt timeout (default 10 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.attempt = timeout;
        self
    }

    /// The timeout for a whole call, retries included (default none).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.operation = Some(timeout);
        self
    }

    /// The retry policy (default: 3 attempts, exponential backoff with full jitter).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Text appended to the `user-agent` header, e.g. your application's name and version.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Sends requests through `transport` instead of the built-in `reqwest` client.
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Checks the settings and builds the configuration, with its pooled HTTP client.
    pub fn build(self) -> Result<Config, Error> {
        let region = self
            .region
            .unwrap_or_else(|| DEFAULT_REGION.to_owned())
            .trim()
            .to_owned();
        let endpoint = match &self.endpoint {
            Some(endpoint) => Endpoint::parse(endpoint)?,
            None => Endpoint::for_region(&region, self.network.as_deref())?,
        };
        let user_agent = user_agent(self.user_agent_suffix.as_deref())?;
        let (transport, http): (Arc<dyn Transport>, Option<reqwest::Client>) = match self.transport
        {
            Some(transport) => (transport, None),
            None => {
                let transport = ReqwestTransport::new(self.timeouts.connect)?;
                let http = transport.http_client().clone();
                (Arc::new(transport), Some(http))
            }
        };
        let credentials = match self.credentials {
            Some(credentials) => credentials,
            None => {
                let mut chain = DefaultChain::builder().env(self.env.unwrap_or_default());
                if let Some(http) = http {
                    chain = chain.http_client(http);
                }
                Arc::new(chain.build())
            }
        };
        Ok(Config {
            region,
            endpoint,
            signature_version: self.signature_version,
            credentials,
            timeouts: self.timeouts,
            retry: self.retry,
            user_agent,
            transport,
        })
    }
}

/// `AlibabaCloud (<os>; <arch>) Rust/<rustc> cams-sdk/<version>`, then the suffix.
fn user_agent(suffix: Option<&str>) -> Result<String, Error> {
    let mut agent = format!(
        "AlibabaCloud ({}; {}) Rust/{} cams-sdk/{}",
        std::env::consts::OS,
        std::env::consts::ARCH,
        env!("CAMS_SDK_RUSTC_VERSION"),
        env!("CARGO_PKG_VERSION"),
    );
    if let Some(suffix) = suffix.map(str::trim).filter(|s| !s.is_empty()) {
        if suffix
            .bytes()
            .any(|b| b.is_ascii_control() || !b.is_ascii())
        {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "user agent suffix {suffix:?} must be printable ASCII (it is an HTTP header)"
                ),
            ));
        }
        agent.push(' ');
        agent.push_str(suffix);
    }
    Ok(agent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_resolution_table() {
        // explicit endpoint, region, network => base URL, host
        type Case<'a> = (Option<&'a str>, &'a str, Option<&'a str>, &'a str, &'a str);
        let cases: &[Case<'_>] = &[
            (
                Some("http://127.0.0.1:8080"),
                "ap-southeast-1",
                None,
                "http://127.0.0.1:8080",
                "127.0.0.1:8080",
            ),
            (
                Some("HTTP://127.0.0.1:8080/"),
                "cn-hangzhou",
                Some("vpc"),
                "http://127.0.0.1:8080",
                "127.0.0.1:8080",
            ),
            (
                Some("cams.example.com"),
                "ap-southeast-1",
                None,
                "https://cams.example.com",
                "cams.example.com",
            ),
            (
                Some("https://cams.example.com:8443"),
                "ap-southeast-1",
                None,
                "https://cams.example.com:8443",
                "cams.example.com:8443",
            ),
            (
                None,
                "ap-southeast-1",
                None,
                "https://cams.ap-southeast-1.aliyuncs.com",
                "cams.ap-southeast-1.aliyuncs.com",
            ),
            (
                None,
                "ap-southeast-1",
                Some("vpc"),
                "https://cams.ap-southeast-1.aliyuncs.com",
                "cams.ap-southeast-1.aliyuncs.com",
            ),
            (
                None,
                "cn-hangzhou",
                None,
                "https://cams.cn-hangzhou.aliyuncs.com",
                "cams.cn-hangzhou.aliyuncs.com",
            ),
            (
                None,
                "cn-hangzhou",
                Some("public"),
                "https://cams.cn-hangzhou.aliyuncs.com",
                "cams.cn-hangzhou.aliyuncs.com",
            ),
            (
                None,
                "cn-hangzhou",
                Some("vpc"),
                "https://cams-vpc.cn-hangzhou.aliyuncs.com",
                "cams-vpc.cn-hangzhou.aliyuncs.com",
            ),
        ];
        for (explicit, region, network, base, host) in cases {
            let mut builder = Config::builder()
                .region(*region)
                .credentials(crate::Credentials::new("id", "secret"));
            if let Some(e) = explicit {
                builder = builder.endpoint(*e);
            }
            if let Some(n) = network {
                builder = builder.network(*n);
            }
            let config = builder.build().expect("valid config");
            assert_eq!(config.endpoint().base_url(), *base, "{explicit:?} {region}");
            assert_eq!(config.endpoint().host(), *host, "{explicit:?} {region}");
        }
    }

    #[test]
    fn unusable_endpoints_and_regions_are_config_errors() {
        for (endpoint, needle) in [
            ("ftp://host", "scheme"),
            ("http://", "no host"),
            ("https://host/path", "no path"),
            ("https://user@host", "no path"),
            ("http://127.0.0.1:99999", "invalid port"),
        ] {
            let error = Endpoint::parse(endpoint).expect_err(endpoint);
            assert_eq!(error.kind(), ErrorKind::Config);
            assert!(error.message().contains(needle), "{endpoint}: {error}");
            assert!(error.message().contains(endpoint), "{error}");
        }
        for region in ["", "  ", "cn hangzhou", "ap/southeast"] {
            let error = Config::builder()
                .region(region)
                .credentials(crate::Credentials::new("id", "secret"))
                .build()
                .expect_err(region);
            assert_eq!(error.kind(), ErrorKind::Config, "{region:?}");
        }
    }

    #[test]
    fn from_env_reads_region_endpoint_and_user_agent() {
        let env = Env::from_vars([
            ("ALIBABA_CLOUD_REGION_ID", "cn-shanghai"),
            ("ALIBABA_CLOUD_USER_AGENT", "shop/1.2"),
        ]);
        let config = Config::from_env_vars(&env)
            .credentials(crate::Credentials::new("id", "secret"))
            .build()
            .expect("valid");
        assert_eq!(config.region(), "cn-shanghai");
        assert_eq!(config.endpoint().host(), "cams.cn-shanghai.aliyuncs.com");
        assert!(config.user_agent().starts_with("AlibabaCloud ("));
        assert!(config.user_agent().contains(" Rust/"));
        assert!(
            config
                .user_agent()
                .contains(concat!(" cams-sdk/", env!("CARGO_PKG_VERSION")))
        );
        assert!(config.user_agent().ends_with(" shop/1.2"));

        let local =
            Config::from_env_vars(&Env::from_vars([("CAMS_ENDPOINT", "http://127.0.0.1:1")]))
                .credentials(crate::Credentials::new("id", "secret"))
                .build()
                .expect("valid");
        assert_eq!(local.endpoint().base_url(), "http://127.0.0.1:1");
        assert_eq!(local.region(), DEFAULT_REGION);

        let error = Config::builder()
            .user_agent_suffix("bad\r\nheader")
            .credentials(crate::Credentials::new("id", "secret"))
            .build()
            .expect_err("control characters");
        assert_eq!(error.kind(), ErrorKind::Config);
    }
}
