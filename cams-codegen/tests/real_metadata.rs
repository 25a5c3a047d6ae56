//! Alibaba's published metadata for 58 other CAMS operations (nested objects, arrays, maps,
//! `style: json` parameters): every operation either generates or is refused precisely, and
//! the generated code compiles against `cams-sdk` in a temporary crate.

use cams_codegen::{EmitOptions, Options, ParseOptions, generate};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

const SPEC: &str = include_str!("data/cams-api-docs-2020-06-06.json");

fn operations() -> Vec<String> {
    let spec: Value = serde_json::from_str(SPEC).expect("JSON");
    spec["apis"]
        .as_object()
        .expect("apis")
        .keys()
        .cloned()
        .collect()
}

fn options(operations: Vec<String>) -> Options {
    Options {
        parse: ParseOptions {
            operations: Some(operations),
        },
        emit: EmitOptions {
            runtime_path: "::cams_sdk::runtime".into(),
            source_name: "cams-api-docs-2020-06-06.json".into(),
        },
    }
}

/// The operations the generator refuses, each with the exact reason.
const REFUSED: &[(&str, &str)] = &[(
    "BeeBotChat",
    "apis.BeeBotChat.responses.200.schema.properties.Data.properties.Messages.items.properties.AnswerSource.enum[0]: enum value \"KNOWLEDGE：知识问答\" does not map to a distinct Rust variant name",
)];

#[test]
fn every_operation_generates_or_is_refused_precisely() {
    let all = operations();
    assert_eq!(all.len(), 58);
    for op in &all {
        match generate(SPEC, &options(vec![op.clone()])) {
            Ok(files) => {
                assert!(
                    REFUSED.iter().all(|(name, _)| name != op),
                    "{op} was expected to be refused"
                );
                assert!(
                    files
                        .iter()
                        .any(|f| f.contents.contains(&format!("pub struct {op}Request"))),
                    "{op}"
                );
            }
            Err(e) => {
                let expected = REFUSED.iter().find(|(name, _)| name == op).map(|(_, m)| *m);
                assert_eq!(
                    Some(e.to_string().as_str()),
                    expected,
                    "{op} was refused unexpectedly"
                );
            }
        }
    }
}

#[test]
fn generated_code_compiles_in_a_temporary_crate() {
    let accepted: Vec<String> = operations()
        .into_iter()
        .filter(|op| REFUSED.iter().all(|(name, _)| name != op))
        .collect();
    let files =
        generate(SPEC, &options(accepted)).expect("the accepted operations generate together");

    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("generated-crate");
    let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("../cams-sdk");
    let generated = root.join("src/generated");
    let _ = std::fs::remove_dir_all(&generated);
    std::fs::create_dir_all(&generated).expect("temp dir");
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[package]\nname = \"generated-crate\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\ncams-sdk = {{ path = {:?} }}\n\n[workspace]\n",
            sdk.display().to_string()
        ),
    )
    .expect("manifest");
    std::fs::write(
        root.join("src/lib.rs"),
        "#![deny(warnings)]\n#![allow(missing_docs)]\npub mod generated;\n\
         /// The client the generated methods attach to, delegating to the SDK's.\n\
         #[derive(Debug, Clone)]\npub struct Client(pub cams_sdk::Client);\n\
         impl std::ops::Deref for Client { type Target = cams_sdk::Client; fn deref(&self) -> &cams_sdk::Client { &self.0 } }\n",
    )
    .expect("lib.rs");
    for file in &files {
        std::fs::write(generated.join(&file.name), &file.contents).expect("generated file");
    }
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    if lock.exists() {
        std::fs::copy(&lock, root.join("Cargo.lock")).expect("lock file");
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["check", "--offline", "--quiet", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the generated crate does not compile:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
