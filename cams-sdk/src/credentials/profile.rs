//! Credentials from files: the Aliyun CLI's `config.json` and the SDKs' `credentials.ini`.

use super::{Credentials, CredentialsError, CredentialsFuture, Env, ProvideCredentials};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The Aliyun CLI's configuration, `~/.aliyun/config.json`.
///
/// The profile is `ALIBABA_CLOUD_PROFILE`, else the file's `current`. Modes `AK` and `StsToken`
/// are supported; any other mode is an error that names it. Disabled by
/// `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true`.
#[derive(Debug, Clone)]
pub struct CliConfigProvider {
    env: Env,
    path: Option<PathBuf>,
}

impl CliConfigProvider {
    /// Reads `config.json` under the home directory of `env`.
    pub fn new(env: Env) -> Self {
        Self { env, path: None }
    }

    /// Reads this file instead.
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    fn load(&self) -> Result<Credentials, CredentialsError> {
        const SOURCE: &str = "Aliyun CLI config (~/.aliyun/config.json)";
        if self.env.is_true("ALIBABA_CLOUD_CLI_PROFILE_DISABLED") {
            return Err(CredentialsError::not_configured(
                SOURCE,
                "disabled by ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true",
            ));
        }
        let path = match (&self.path, self.env.home()) {
            (Some(path), _) => path.clone(),
            (None, Some(home)) => home.join(".aliyun").join("config.json"),
            (None, None) => {
                return Err(CredentialsError::not_configured(
                    SOURCE,
                    "no home directory (HOME is not set)",
                ));
            }
        };
        let source = path.display().to_string();
        let Some(text) = read_if_exists(&path, &source)? else {
            return Err(CredentialsError::not_configured(source, "no such file"));
        };
        let config: Value = serde_json::from_str(&text)
            .map_err(|e| CredentialsError::invalid(source.clone(), format!("not JSON: {e}")))?;
        let (name, from_env) = match self.env.get("ALIBABA_CLOUD_PROFILE") {
            Some(name) => (name, true),
            None => match config.get("current").and_then(Value::as_str) {
                Some(name) if !name.is_empty() => (name.to_owned(), false),
                _ => {
                    return Err(CredentialsError::invalid(
                        source,
                        "no profile chosen: set ALIBABA_CLOUD_PROFILE or the file's \"current\"",
                    ));
                }
            },
        };
        let profiles = config
            .get("profiles")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let Some(profile) = profiles
            .iter()
            .find(|p| p.get("name").and_then(Value::as_str) == Some(name.as_str()))
        else {
            let message = format!("has no profile named {name:?}");
            // ALIBABA_CLOUD_PROFILE also selects the ini section: a profile that only the ini
            // file has is not an error here.
            return Err(if from_env {
                CredentialsError::not_configured(source, message)
            } else {
                CredentialsError::invalid(source, message)
            });
        };
        let field = |key: &str| -> Result<String, CredentialsError> {
            match profile.get(key).and_then(Value::as_str) {
                Some(value) if !value.is_empty() => Ok(value.to_owned()),
                _ => Err(CredentialsError::invalid(
                    source.clone(),
                    format!("profile {name:?} has no {key}"),
                )),
            }
        };
        let mode = profile.get("mode").and_then(Value::as_str).unwrap_or("AK");
        let creds = match mode {
            "AK" => Credentials::new(field("access_key_id")?, field("access_key_secret")?),
            "StsToken" => Credentials::new(field("access_key_id")?, field("access_key_secret")?)
                .with_security_token(field("sts_token")?),
            other => {
                return Err(CredentialsError::invalid(
                    source,
                    format!(
                        "profile {name:?} uses mode {other}, which is not supported; \
                         cams-sdk reads the modes AK and StsToken"
                    ),
                ));
            }
        };
        Ok(creds.with_provider_name(format!(
            "default/cli_profile/{}",
            if mode == "AK" {
                "static_ak"
            } else {
                "static_sts"
            }
        )))
    }
}

impl ProvideCredentials for CliConfigProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let result = self.load();
        Box::pin(async move { result })
    }
}

/// The SDKs' shared credentials file: `ALIBABA_CLOUD_CREDENTIALS_FILE`, else
/// `~/.alibabacloud/credentials.ini`.
///
/// The section is `ALIBABA_CLOUD_PROFILE`, else `default`; its `type` must be `access_key`.
#[derive(Debug, Clone)]
pub struct IniFileProvider {
    env: Env,
}

impl IniFileProvider {
    /// Reads the file `env` points to.
    pub fn new(env: Env) -> Self {
        Self { env }
    }

    fn load(&self) -> Result<Credentials, CredentialsError> {
        const SOURCE: &str = "credentials file (~/.alibabacloud/credentials.ini)";
        let (path, explicit) = match (
            self.env.get("ALIBABA_CLOUD_CREDENTIALS_FILE"),
            self.env.home(),
        ) {
            (Some(path), _) => (PathBuf::from(path), true),
            (None, Some(home)) => (home.join(".alibabacloud").join("credentials.ini"), false),
            (None, None) => {
                return Err(CredentialsError::not_configured(
                    SOURCE,
                    "no home directory (HOME is not set)",
                ));
            }
        };
        let source = path.display().to_string();
        let Some(text) = read_if_exists(&path, &source)? else {
            return Err(if explicit {
                CredentialsError::invalid(
                    source,
                    "ALIBABA_CLOUD_CREDENTIALS_FILE names this file, which does not exist",
                )
            } else {
                CredentialsError::not_configured(source, "no such file")
            });
        };
        let section = self
            .env
            .get("ALIBABA_CLOUD_PROFILE")
            .unwrap_or_else(|| "default".to_owned());
        let entries = parse_ini_section(&text, &section)
            .map_err(|e| CredentialsError::invalid(source.clone(), e))?
            .ok_or_else(|| {
                CredentialsError::not_configured(source.clone(), format!("no [{section}] section"))
            })?;
        let get = |key: &str| {
            entries
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.is_empty())
        };
        let kind = get("type").unwrap_or("access_key");
        if kind != "access_key" {
            return Err(CredentialsError::invalid(
                source,
                format!(
                    "[{section}] has type {kind}, which is not supported; \
                     cams-sdk reads the type access_key"
                ),
            ));
        }
        let field = |key: &str| {
            get(key).ok_or_else(|| {
                CredentialsError::invalid(source.clone(), format!("[{section}] has no {key}"))
            })
        };
        Ok(
            Credentials::new(field("access_key_id")?, field("access_key_secret")?)
                .with_provider_name("default/profile/static_ak"),
        )
    }
}

impl ProvideCredentials for IniFileProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let result = self.load();
        Box::pin(async move { result })
    }
}

/// The file's text, or `None` when it does not exist.
fn read_if_exists(path: &Path, source: &str) -> Result<Option<String>, CredentialsError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CredentialsError::invalid(
            source.to_owned(),
            format!("cannot read: {e}"),
        )),
    }
}

/// The `key = value` entries of `[section]`, or `None` when there is no such section. Lines
/// starting with `#` or `;` are comments, and so is a ` #` inside a value (as the official
/// loaders strip them).
fn parse_ini_section(text: &str, section: &str) -> Result<Option<Vec<(String, String)>>, String> {
    let mut current: Option<&str> = None;
    let mut found: Option<Vec<(String, String)>> = None;
    for (number, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let name = rest
                .strip_suffix(']')
                .ok_or_else(|| format!("line {}: unterminated section header", number + 1))?
                .trim();
            current = Some(name);
            if name == section && found.is_none() {
                found = Some(Vec::new());
            }
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| format!("line {}: expected `key = value`", number + 1))?;
        if current == Some(section)
            && let Some(entries) = found.as_mut()
        {
            let value = match value.find(" #") {
                Some(at) => &value[..at],
                None => value,
            };
            entries.push((key.trim().to_owned(), value.trim().to_owned()));
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::parse_ini_section;

    #[test]
    fn ini_sections_comments_and_errors() {
        let text = "# top\n[default]\ntype = access_key\naccess_key_id = foo # inline\n\
                    ; note\n[other]\naccess_key_id = bar\n";
        let default = parse_ini_section(text, "default")
            .expect("parses")
            .expect("has default");
        assert_eq!(
            default,
            vec![
                ("type".to_owned(), "access_key".to_owned()),
                ("access_key_id".to_owned(), "foo".to_owned())
            ]
        );
        assert_eq!(parse_ini_section(text, "missing").expect("parses"), None);
        let broken = parse_ini_section("[default\n", "default").expect_err("broken header");
        assert!(broken.contains("line 1"), "{broken}");
        let no_equals = parse_ini_section("[default]\nwhat\n", "default").expect_err("no =");
        assert!(no_equals.contains("line 2"), "{no_equals}");
    }
}
