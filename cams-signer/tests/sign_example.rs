//! The `sign` example reproduces every shared vector byte for byte and refuses bad input with
//! a message naming the case and the field. `cargo test` builds examples before it runs tests.

use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn example_binary() -> PathBuf {
    // target/<profile>/deps/<this test> -> target/<profile>/examples/sign
    let mut path = std::env::current_exe().expect("test binary path");
    path.pop();
    path.pop();
    path.push("examples");
    path.push(format!("sign{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing: run through `cargo test`, which builds examples",
        path.display()
    );
    path
}

fn run(stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(example_binary())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("the example ends");
    (
        out.status.success(),
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    )
}

#[test]
fn reproduces_every_shared_vector() {
    let text = include_str!("data/signing-vectors.json");
    let (ok, stdout, stderr) = run(text);
    assert!(ok, "{stderr}");
    let expected: Value = serde_json::from_str(text).expect("vectors");
    let actual: Value = serde_json::from_str(&stdout).expect("the example prints JSON");
    let fields = [
        (
            "v1",
            &["name", "canonicalized_query", "string_to_sign", "signature"][..],
        ),
        (
            "v3",
            &[
                "name",
                "hashed_payload",
                "canonical_request",
                "string_to_sign",
                "authorization",
            ][..],
        ),
    ];
    for (list, names) in fields {
        let (want, got) = (
            expected[list].as_array().expect("list"),
            actual[list].as_array().expect("list"),
        );
        assert_eq!(want.len(), got.len(), "{list}: one entry per case");
        for (w, g) in want.iter().zip(got) {
            for field in names {
                assert_eq!(w[field], g[field], "{list} {}: {field}", w["name"]);
            }
            assert_eq!(
                g.as_object().expect("object").len(),
                names.len(),
                "{list}: exactly the documented fields"
            );
        }
    }
}

#[test]
fn absent_or_empty_lists_give_empty_lists() {
    let (ok, stdout, _) = run(r#"{"v1": []}"#);
    assert!(ok);
    let actual: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(actual, serde_json::json!({"v1": [], "v3": []}));
}

#[test]
fn bad_input_names_the_case_and_field() {
    let cases = [
        ("not json", "stdin is not valid JSON"),
        ("[1]", "must hold a JSON object"),
        (r#"{"v1": 3}"#, "\"v1\" must be an array"),
        (
            r#"{"v1": [{"name": "a", "method": "GET", "params": {}}]}"#,
            "v1[0] (\"a\"): field \"access_key_secret\" is missing",
        ),
        (
            r#"{"v1": [{"name": "a", "method": "GET", "params": {"X": 1}, "access_key_secret": "s"}]}"#,
            "v1[0] (\"a\"): params.X must be a string, found a number",
        ),
        (
            r#"{"v3": [{"name": "b", "method": "POST", "path": "/", "query": [], "headers": {}, "body": "", "access_key_id": "i", "access_key_secret": "s"}]}"#,
            "v3[0] (\"b\"): field \"query\" must be an object, found an array",
        ),
        (r#"{"v3": ["x"]}"#, "v3[0] must be an object"),
    ];
    for (input, message) in cases {
        let (ok, stdout, stderr) = run(input);
        assert!(!ok, "{input} must fail");
        assert!(stdout.is_empty(), "nothing on stdout for {input}");
        assert!(
            stderr.contains(message),
            "for {input}: expected {message:?} in {stderr:?}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}
