//! Tracing spans say what happened; secrets, tokens and signatures never reach a log or a
//! `Debug` output.

use cams_emulator::{Emulator, Fault};
use cams_sdk::{Client, Config, Credentials, RetryPolicy, SignatureVersion};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SECRET: &str = "sEcReT-value-that-must-not-leak";
const TOKEN: &str = "ToKeN-value-that-must-not-leak";

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("lock")).into_owned()
    }
}

#[tokio::test]
async fn logs_and_debug_output_never_show_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emulator = Emulator::builder()
        .sts_key("STS.Observed", SECRET, TOKEN)
        .fault(
            "ListInstance",
            Fault::Throttle {
                times: 1,
                retry_after: None,
            },
        )
        .start()
        .await
        .expect("emulator");
    let mut outputs = Vec::new();
    for version in [SignatureVersion::V1, SignatureVersion::V3] {
        let creds = Credentials::new("STS.Observed", SECRET).with_security_token(TOKEN);
        outputs.push(format!("{creds:?}"));
        let config = Config::builder()
            .endpoint(emulator.base_url())
            .credentials(creds)
            .signature_version(version)
            .retry_policy(
                RetryPolicy::default()
                    .with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
            )
            .build()
            .expect("config");
        outputs.push(format!("{config:?}"));
        let client = Client::new(config);
        outputs.push(format!("{client:?}"));
        client
            .list_instance()
            .send()
            .await
            .expect("listed after a retry");
        let error = client
            .query_instance("ins-missing")
            .send()
            .await
            .expect_err("missing");
        outputs.push(format!("{error:?} {error}"));
    }
    let wrong = Client::new(
        Config::builder()
            .endpoint(emulator.base_url())
            .credentials(
                Credentials::new("STS.Observed", "wrong-secret").with_security_token(TOKEN),
            )
            .build()
            .expect("config"),
    );
    let error = wrong
        .list_instance()
        .send()
        .await
        .expect_err("wrong secret");
    outputs.push(format!("{error:?} {error}"));

    // A connection that fails mid-request: reqwest's error would quote the signed URL.
    emulator.inject("QueryInstance", Fault::Reset { times: 5 });
    let client = Client::new(
        Config::builder()
            .endpoint(emulator.base_url())
            .credentials(Credentials::new("STS.Observed", SECRET).with_security_token(TOKEN))
            .retry_policy(RetryPolicy::disabled())
            .build()
            .expect("config"),
    );
    let error = client
        .query_instance("ins-1")
        .send()
        .await
        .expect_err("reset");
    assert_eq!(error.kind(), cams_sdk::ErrorKind::Transport);
    outputs.push(format!("{error:?} {error}"));

    let logs = captured.text();
    // The spans are there, with what a user needs to follow a call.
    for expected in [
        "cams.operation",
        "action=\"ListInstance\"",
        "cams.attempt",
        "attempt=2",
        "retrying",
        "Throttling.User",
        "status=400",
        "status=200",
        "request_id=\"EMU-",
        "latency_ms=",
    ] {
        assert!(logs.contains(expected), "{expected:?} not logged:\n{logs}");
    }
    for text in outputs.iter().chain(std::iter::once(&logs)) {
        for secret in [
            SECRET,
            TOKEN,
            "wrong-secret",
            "Signature=",
            "ACS3-HMAC-SHA256 Credential",
        ] {
            assert!(!text.contains(secret), "{secret:?} leaked into:\n{text}");
        }
    }
}
