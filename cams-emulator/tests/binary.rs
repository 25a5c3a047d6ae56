//! The `cams-emulator` binary: serves on the address and key it is given, and refuses bad
//! arguments with a message.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Kills the child when the test ends, pass or fail.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn serves_with_the_given_address_and_key() {
    let port = free_port();
    let mut child = Running(
        Command::new(env!("CARGO_BIN_EXE_cams-emulator"))
            .args([
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--access-key",
                "LTAI5tBinary:bin-secret",
            ])
            .stdout(Stdio::piped())
            .spawn()
            .expect("starts"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("a line");
    assert_eq!(
        first.trim(),
        format!("cams-emulator listening on http://127.0.0.1:{port}")
    );

    // A V1 ListInstance signed with the key given on the command line.
    let timestamp = cams_signer::timestamp_now();
    let nonce = cams_signer::new_nonce();
    let mut params = vec![
        ("Action", "ListInstance"),
        ("Format", "json"),
        ("Version", "2020-06-06"),
        ("Timestamp", timestamp.as_str()),
        ("SignatureNonce", nonce.as_str()),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("AccessKeyId", "LTAI5tBinary"),
    ];
    let signed = cams_signer::v1::sign("POST", params.iter().copied(), "bin-secret");
    params.push(("Signature", &signed.signature));
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", cams_signer::percent_encode(v)))
        .collect();
    let response = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/?{}", query.join("&")))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value =
        serde_json::from_slice(&response.bytes().await.expect("body")).expect("JSON");
    assert_eq!(body["Code"], "OK");
    assert_eq!(body["TotalCount"], 0);
}

#[test]
fn bad_arguments_are_refused_with_a_message() {
    for args in [
        vec!["--access-key", "no-colon"],
        vec!["--sts-key", "id:secret"],
        vec!["--listen", "not-an-address"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_cams-emulator"))
            .args(&args)
            .output()
            .expect("runs");
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("invalid value"), "{args:?}: {stderr}");
    }
}
