//! Every credentials source, with temporary files, a fixed environment and loopback servers
//! standing in for the ECS metadata service and a credentials URI.

use cams_sdk::credentials::{
    CredentialsError, CredentialsFuture, DefaultChain, Env, ProvideCredentials,
};
use cams_sdk::{Client, Config, Credentials, ErrorKind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A fresh directory under the system temp dir, removed on drop.
struct TempHome(PathBuf);

impl TempHome {
    fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "cams-sdk-{name}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
        std::fs::write(&path, text).expect("write");
        path
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn env(home: &TempHome, vars: &[(&str, &str)]) -> Env {
    let mut all: Vec<(String, String)> = vec![("HOME".into(), home.path().display().to_string())];
    all.extend(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    Env::from_vars(all)
}

async fn chain(env: Env) -> Result<Credentials, CredentialsError> {
    DefaultChain::builder()
        .env(env)
        .build()
        .provide_credentials()
        .await
}

#[tokio::test]
async fn environment_variables_come_first() {
    let home = TempHome::new("env");
    home.write(".aliyun/config.json", r#"{"current":"p","profiles":[{"name":"p","mode":"AK","access_key_id":"cli","access_key_secret":"s"}]}"#);
    let creds = chain(env(
        &home,
        &[
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id"),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret"),
            ("ALIBABA_CLOUD_SECURITY_TOKEN", "env-token"),
        ],
    ))
    .await
    .expect("found");
    assert_eq!(creds.access_key_id(), "env-id");
    assert_eq!(creds.security_token(), Some("env-token"));
    assert_eq!(creds.provider_name(), "default/env");

    // Half a pair falls through to the next source.
    let creds = chain(env(&home, &[("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id")]))
        .await
        .expect("found");
    assert_eq!(creds.access_key_id(), "cli");
}

#[tokio::test]
async fn aliyun_cli_config_modes() {
    let home = TempHome::new("cli");
    home.write(
        ".aliyun/config.json",
        r#"{"current":"ak","profiles":[
            {"name":"ak","mode":"AK","access_key_id":"cli-ak","access_key_secret":"s1","region_id":"ap-southeast-1"},
            {"name":"sts","mode":"StsToken","access_key_id":"STS.cli","access_key_secret":"s2","sts_token":"tok"},
            {"name":"role","mode":"RamRoleArn","access_key_id":"a","access_key_secret":"b","ram_role_arn":"acs:ram::1:role/x"},
            {"name":"broken","mode":"AK","access_key_id":"only-id"}
        ]}"#,
    );
    let creds = chain(env(&home, &[])).await.expect("current profile");
    assert_eq!(
        (creds.access_key_id(), creds.provider_name()),
        ("cli-ak", "default/cli_profile/static_ak")
    );

    let creds = chain(env(&home, &[("ALIBABA_CLOUD_PROFILE", "sts")]))
        .await
        .expect("sts profile");
    assert_eq!(
        (creds.access_key_id(), creds.security_token()),
        ("STS.cli", Some("tok"))
    );

    let error = chain(env(&home, &[("ALIBABA_CLOUD_PROFILE", "role")]))
        .await
        .expect_err("unsupported");
    assert!(
        error
            .message()
            .contains("mode RamRoleArn, which is not supported"),
        "{error}"
    );
    assert!(error.source_name().ends_with("config.json"), "{error}");

    let error = chain(env(&home, &[("ALIBABA_CLOUD_PROFILE", "broken")]))
        .await
        .expect_err("incomplete");
    assert!(
        error.message().contains("has no access_key_secret"),
        "{error}"
    );

    // Disabled: the CLI file is skipped, and nothing else is configured.
    let error = chain(env(
        &home,
        &[("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")],
    ))
    .await
    .expect_err("disabled");
    assert!(
        error
            .message()
            .contains("disabled by ALIBABA_CLOUD_CLI_PROFILE_DISABLED"),
        "{error}"
    );

    let bad = TempHome::new("cli-bad");
    bad.write(".aliyun/config.json", "{ not json");
    let error = chain(env(&bad, &[])).await.expect_err("malformed");
    assert!(error.message().contains("not JSON"), "{error}");
}

#[tokio::test]
async fn credentials_ini_profiles() {
    let home = TempHome::new("ini");
    home.write(
        ".alibabacloud/credentials.ini",
        "[default]\ntype = access_key  # the only type cams-sdk reads\naccess_key_id = ini-id\naccess_key_secret = ini-secret\n\n\
         [project]\ntype = access_key\naccess_key_id = project-id\naccess_key_secret = project-secret\n\n\
         [role]\ntype = ram_role_arn\naccess_key_id = a\naccess_key_secret = b\n",
    );
    let creds = chain(env(&home, &[])).await.expect("default section");
    assert_eq!(
        (creds.access_key_id(), creds.provider_name()),
        ("ini-id", "default/profile/static_ak")
    );

    // ALIBABA_CLOUD_PROFILE picks the section (the CLI file has no such profile here).
    let creds = chain(env(&home, &[("ALIBABA_CLOUD_PROFILE", "project")]))
        .await
        .expect("project");
    assert_eq!(creds.access_key_id(), "project-id");

    let error = chain(env(&home, &[("ALIBABA_CLOUD_PROFILE", "role")]))
        .await
        .expect_err("unsupported");
    assert!(
        error
            .message()
            .contains("type ram_role_arn, which is not supported"),
        "{error}"
    );

    let elsewhere = TempHome::new("ini-file");
    let path = elsewhere.write(
        "custom.ini",
        "[default]\naccess_key_id = custom-id\naccess_key_secret = s\n",
    );
    let path = path.display().to_string();
    let creds = chain(env(&home, &[("ALIBABA_CLOUD_CREDENTIALS_FILE", &path)]))
        .await
        .expect("custom file");
    assert_eq!(creds.access_key_id(), "custom-id");

    let missing = elsewhere.path().join("missing.ini").display().to_string();
    let error = chain(env(&home, &[("ALIBABA_CLOUD_CREDENTIALS_FILE", &missing)]))
        .await
        .expect_err("missing");
    assert!(error.message().contains("does not exist"), "{error}");
    assert_eq!(error.source_name(), missing);
}

#[tokio::test]
async fn nothing_found_lists_every_source_tried() {
    let home = TempHome::new("none");
    let error = chain(env(&home, &[])).await.expect_err("nothing");
    let text = error.to_string();
    for source in [
        "explicit keys",
        "environment: ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET are not set",
        "config.json: no such file",
        "credentials.ini: no such file",
        "ECS RAM role (metadata service): ALIBABA_CLOUD_ECS_METADATA (the role name) is not set",
        "credentials URI: ALIBABA_CLOUD_CREDENTIALS_URI is not set",
    ] {
        assert!(text.contains(source), "{source:?} missing from {text}");
    }

    // Through a client, it is a Credentials error, and nothing is sent.
    let config = Config::builder()
        .endpoint("http://127.0.0.1:9")
        .credentials(DefaultChain::builder().env(env(&home, &[])).build())
        .build()
        .expect("config");
    let error = Client::new(config)
        .list_instance()
        .send()
        .await
        .expect_err("no credentials");
    assert_eq!(error.kind(), ErrorKind::Credentials);
    assert_eq!(error.attempts(), 0);
    assert!(error.to_string().contains("credentials URI"), "{error}");
}

/// A loopback HTTP server answering `(method, path)` routes; records each request's method,
/// path and headers.
struct FakeServer {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// A request's method, path and headers (lower-case `name: value` lines).
type Seen = (String, String, Vec<String>);

async fn fake_server(routes: Vec<(&'static str, &'static str, u16, String)>) -> FakeServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let mut buffer = Vec::new();
            let mut chunk = [0u8; 1024];
            while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                }
            }
            let text = String::from_utf8_lossy(&buffer).to_string();
            let mut lines = text.split("\r\n");
            let mut first = lines.next().unwrap_or_default().split(' ');
            let method = first.next().unwrap_or_default().to_owned();
            let path = first.next().unwrap_or_default().to_owned();
            let headers: Vec<String> = lines
                .take_while(|l| !l.is_empty())
                .map(|l| l.to_ascii_lowercase())
                .collect();
            log.lock()
                .expect("lock")
                .push((method.clone(), path.clone(), headers));
            let (status, body) = routes
                .iter()
                .find(|(m, p, _, _)| *m == method && *p == path)
                .map(|(_, _, s, b)| (*s, b.clone()))
                .unwrap_or((404, "not found".to_owned()));
            let response = format!(
                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
        }
    });
    FakeServer { base, seen }
}

fn temporary_body(id: &str) -> String {
    format!(
        r#"{{"Code":"Success","AccessKeyId":"{id}","AccessKeySecret":"tmp-secret","SecurityToken":"tmp-token","Expiration":"2099-01-01T00:00:00Z"}}"#
    )
}

#[tokio::test]
async fn ecs_ram_role_with_an_imdsv2_token() {
    let server = fake_server(vec![
        ("PUT", "/latest/api/token", 200, "imds-token".to_owned()),
        (
            "GET",
            "/latest/meta-data/ram/security-credentials/my-role",
            200,
            temporary_body("STS.ecs"),
        ),
    ])
    .await;
    let home = TempHome::new("ecs");
    let chain = DefaultChain::builder()
        .env(env(&home, &[("ALIBABA_CLOUD_ECS_METADATA", "my-role")]))
        .metadata_endpoint(&server.base)
        .build();
    let creds = chain.provide_credentials().await.expect("from IMDS");
    assert_eq!(creds.access_key_id(), "STS.ecs");
    assert_eq!(creds.security_token(), Some("tmp-token"));
    assert_eq!(creds.provider_name(), "default/ecs_ram_role");
    assert!(creds.expires_at().is_some_and(|at| at > SystemTime::now()));
    let seen = server.seen.lock().expect("lock").clone();
    assert_eq!(seen[0].0, "PUT");
    assert!(
        seen[0]
            .2
            .iter()
            .any(|h| h == "x-aliyun-ecs-metadata-token-ttl-seconds: 21600")
    );
    assert!(
        seen[1]
            .2
            .iter()
            .any(|h| h == "x-aliyun-ecs-metadata-token: imds-token"),
        "{seen:?}"
    );
}

#[tokio::test]
async fn ecs_ram_role_falls_back_to_imdsv1_unless_disabled() {
    let server = fake_server(vec![(
        "GET",
        "/latest/meta-data/ram/security-credentials/my-role",
        200,
        temporary_body("STS.v1"),
    )])
    .await;
    let home = TempHome::new("ecs-v1");
    let build = |vars: &[(&str, &str)]| {
        DefaultChain::builder()
            .env(env(&home, vars))
            .metadata_endpoint(&server.base)
            .build()
    };
    let creds = build(&[("ALIBABA_CLOUD_ECS_METADATA", "my-role")])
        .provide_credentials()
        .await
        .expect("v1 fallback");
    assert_eq!(creds.access_key_id(), "STS.v1");
    let error = build(&[
        ("ALIBABA_CLOUD_ECS_METADATA", "my-role"),
        ("ALIBABA_CLOUD_IMDSV1_DISABLED", "true"),
    ])
    .provide_credentials()
    .await
    .expect_err("v1 disabled");
    assert!(error.message().contains("IMDSv1 is disabled"), "{error}");
    let error = build(&[("ALIBABA_CLOUD_ECS_METADATA", "other-role")])
        .provide_credentials()
        .await
        .expect_err("unknown role");
    assert!(error.message().contains("HTTP 404"), "{error}");
}

#[tokio::test]
async fn credentials_uri() {
    let server = fake_server(vec![
        ("GET", "/creds", 200, temporary_body("STS.uri")),
        ("GET", "/failing", 200, r#"{"Code":"Failed"}"#.to_owned()),
    ])
    .await;
    let home = TempHome::new("uri");
    let uri = format!("{}/creds", server.base);
    let creds = chain(env(&home, &[("ALIBABA_CLOUD_CREDENTIALS_URI", &uri)]))
        .await
        .expect("from URI");
    assert_eq!(
        (creds.access_key_id(), creds.provider_name()),
        ("STS.uri", "default/credential_uri")
    );
    let failing = format!("{}/failing", server.base);
    let error = chain(env(&home, &[("ALIBABA_CLOUD_CREDENTIALS_URI", &failing)]))
        .await
        .expect_err("failed");
    assert!(error.message().contains(r#"Code is "Failed""#), "{error}");
}

/// Counts calls; hands out credentials expiring `lifetime` from now.
#[derive(Debug)]
struct Counting {
    calls: Arc<AtomicUsize>,
    lifetime: Duration,
}

impl ProvideCredentials for Counting {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        let creds = Credentials::new(format!("STS.{n}"), "secret")
            .with_security_token("token")
            .with_expiry(SystemTime::now() + self.lifetime);
        Box::pin(async move { Ok(creds) })
    }
}

#[tokio::test]
async fn temporary_credentials_are_cached_until_close_to_expiry() {
    let emulator = cams_emulator::Emulator::builder()
        .sts_key("STS.0", "secret", "token")
        .sts_key("STS.1", "secret", "token")
        .sts_key("STS.2", "secret", "token")
        .start()
        .await
        .expect("emulator");
    for (lifetime, expected_calls) in [
        (Duration::from_secs(3600), 1),
        (Duration::from_secs(600), 3),
    ] {
        let calls = Arc::new(AtomicUsize::new(0));
        let config = Config::builder()
            .endpoint(emulator.base_url())
            .credentials(Counting {
                calls: calls.clone(),
                lifetime,
            })
            .build()
            .expect("config");
        let client = Client::new(config);
        for _ in 0..3 {
            client.list_instance().send().await.expect("listed");
        }
        // An hour of validity is cached; ten minutes is inside the 15-minute refresh margin.
        assert_eq!(
            calls.load(Ordering::SeqCst),
            expected_calls,
            "lifetime {lifetime:?}"
        );
    }
}
