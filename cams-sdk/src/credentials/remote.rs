//! Temporary credentials fetched over HTTP: the ECS metadata service and a credentials URI.

use super::{Credentials, CredentialsError, CredentialsFuture, Env, ProvideCredentials};
use serde_json::Value;
use std::time::Duration;

/// The ECS metadata service's address.
pub(crate) const DEFAULT_METADATA_ENDPOINT: &str = "http://100.100.100.200";
const METADATA_TIMEOUT: Duration = Duration::from_secs(1);
const TOKEN_TTL_SECONDS: &str = "21600";

/// The RAM role of the ECS instance the program runs on, from the metadata service.
///
/// Used only when `ALIBABA_CLOUD_ECS_METADATA` names the role (and
/// `ALIBABA_CLOUD_ECS_METADATA_DISABLED` is not `true`). Asks for an IMDSv2 token first, and
/// falls back to IMDSv1 unless `ALIBABA_CLOUD_IMDSV1_DISABLED=true`.
#[derive(Debug, Clone)]
pub struct EcsRamRoleProvider {
    env: Env,
    endpoint: String,
    http: reqwest::Client,
}

impl EcsRamRoleProvider {
    /// A provider configured by `env`, asking the real metadata service.
    pub fn new(env: Env, http: reqwest::Client) -> Self {
        Self {
            env,
            endpoint: DEFAULT_METADATA_ENDPOINT.to_owned(),
            http,
        }
    }

    /// Asks the metadata service at `endpoint` (e.g. `http://127.0.0.1:8081`) instead.
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into().trim_end_matches('/').to_owned();
        self
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        const SOURCE: &str = "ECS RAM role (metadata service)";
        if self.env.is_true("ALIBABA_CLOUD_ECS_METADATA_DISABLED") {
            return Err(CredentialsError::not_configured(
                SOURCE,
                "disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED=true",
            ));
        }
        let Some(role) = self.env.get("ALIBABA_CLOUD_ECS_METADATA") else {
            return Err(CredentialsError::not_configured(
                SOURCE,
                "ALIBABA_CLOUD_ECS_METADATA (the role name) is not set",
            ));
        };
        let token = match self.token().await {
            Ok(token) => Some(token),
            Err(why) if self.env.is_true("ALIBABA_CLOUD_IMDSV1_DISABLED") => {
                return Err(CredentialsError::invalid(
                    SOURCE,
                    format!("no IMDSv2 token ({why}), and IMDSv1 is disabled"),
                ));
            }
            Err(why) => {
                tracing::debug!(%why, "no IMDSv2 token; falling back to IMDSv1");
                None
            }
        };
        let url = format!(
            "{}/latest/meta-data/ram/security-credentials/{role}",
            self.endpoint
        );
        let mut request = self.http.get(&url).timeout(METADATA_TIMEOUT);
        if let Some(token) = &token {
            request = request.header("X-aliyun-ecs-metadata-token", token);
        }
        let body = fetch(request, &url)
            .await
            .map_err(|e| CredentialsError::invalid(SOURCE, e))?;
        parse_temporary(&body, "default/ecs_ram_role")
            .map_err(|e| CredentialsError::invalid(SOURCE, format!("{url}: {e}")))
    }

    async fn token(&self) -> Result<String, String> {
        let url = format!("{}/latest/api/token", self.endpoint);
        let request = self
            .http
            .put(&url)
            .header("X-aliyun-ecs-metadata-token-ttl-seconds", TOKEN_TTL_SECONDS)
            .timeout(METADATA_TIMEOUT);
        let token = fetch(request, &url).await?;
        String::from_utf8(token).map_err(|_| format!("{url}: the token is not UTF-8"))
    }
}

impl ProvideCredentials for EcsRamRoleProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.load())
    }
}

/// Credentials served by a URI, `ALIBABA_CLOUD_CREDENTIALS_URI`: a `GET` answering
/// `{"Code":"Success","AccessKeyId","AccessKeySecret","SecurityToken","Expiration"}`.
#[derive(Debug, Clone)]
pub struct CredentialsUriProvider {
    env: Env,
    http: reqwest::Client,
}

impl CredentialsUriProvider {
    /// A provider reading the URI from `env`.
    pub fn new(env: Env, http: reqwest::Client) -> Self {
        Self { env, http }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        const SOURCE: &str = "credentials URI";
        let Some(uri) = self.env.get("ALIBABA_CLOUD_CREDENTIALS_URI") else {
            return Err(CredentialsError::not_configured(
                SOURCE,
                "ALIBABA_CLOUD_CREDENTIALS_URI is not set",
            ));
        };
        let body = fetch(self.http.get(&uri).timeout(Duration::from_secs(5)), &uri)
            .await
            .map_err(|e| CredentialsError::invalid(SOURCE, e))?;
        parse_temporary(&body, "default/credential_uri")
            .map_err(|e| CredentialsError::invalid(SOURCE, format!("{uri}: {e}")))
    }
}

impl ProvideCredentials for CredentialsUriProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.load())
    }
}

/// The body of a successful `GET`/`PUT`, or what went wrong, naming the URL.
async fn fetch(request: reqwest::RequestBuilder, url: &str) -> Result<Vec<u8>, String> {
    let response = request
        .send()
        .await
        .map_err(|e| format!("{url}: request failed: {e}"))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("{url}: reading the body failed: {e}"))?;
    if !status.is_success() {
        return Err(format!(
            "{url}: HTTP {status}: {}",
            crate::runtime::de::truncated(&String::from_utf8_lossy(&body), 200)
        ));
    }
    Ok(body.to_vec())
}

/// Parses `{"Code":"Success","AccessKeyId","AccessKeySecret","SecurityToken","Expiration"}`.
fn parse_temporary(body: &[u8], provider: &'static str) -> Result<Credentials, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the answer is not JSON: {e}"))?;
    let field = |key: &str| match value.get(key).and_then(Value::as_str) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(format!("the answer has no {key}")),
    };
    let code = field("Code")?;
    if code != "Success" {
        return Err(format!("the answer's Code is {code:?}, not \"Success\""));
    }
    let expiration = field("Expiration")?;
    let expires_at = cams_signer::parse_timestamp(expiration).ok_or_else(|| {
        format!("Expiration {expiration:?} is not a time like 2025-01-02T03:04:05Z")
    })?;
    Ok(
        Credentials::new(field("AccessKeyId")?, field("AccessKeySecret")?)
            .with_security_token(field("SecurityToken")?)
            .with_expiry(expires_at.into())
            .with_provider_name(provider),
    )
}

#[cfg(test)]
mod tests {
    use super::parse_temporary;

    #[test]
    fn temporary_credentials_are_checked_field_by_field() {
        let good = br#"{"Code":"Success","AccessKeyId":"STS.id","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2030-01-02T03:04:05Z"}"#;
        let creds = parse_temporary(good, "test").expect("valid");
        assert_eq!(creds.access_key_id(), "STS.id");
        assert_eq!(creds.security_token(), Some("t"));
        assert!(creds.expires_at().is_some());

        let failed = br#"{"Code":"Failed","AccessKeyId":"a"}"#;
        assert!(
            parse_temporary(failed, "t")
                .expect_err("Code")
                .contains("\"Failed\"")
        );
        let no_token = br#"{"Code":"Success","AccessKeyId":"a","AccessKeySecret":"s","Expiration":"2030-01-02T03:04:05Z"}"#;
        assert!(
            parse_temporary(no_token, "t")
                .expect_err("token")
                .contains("SecurityToken")
        );
        let bad_time = br#"{"Code":"Success","AccessKeyId":"a","AccessKeySecret":"s","SecurityToken":"t","Expiration":"tomorrow"}"#;
        assert!(
            parse_temporary(bad_time, "t")
                .expect_err("time")
                .contains("tomorrow")
        );
        assert!(
            parse_temporary(b"<html>", "t")
                .expect_err("json")
                .contains("not JSON")
        );
    }
}
