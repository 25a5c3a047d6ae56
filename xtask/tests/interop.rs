//! Alibaba's official Python SDK against the emulator, as part of `cargo test --workspace`:
//! runs `cargo xtask interop`, which installs the SDK in a virtualenv under `target/` on first
//! use.

use std::process::Command;

#[test]
fn the_official_python_sdk_agrees_with_the_emulator() {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("interop")
        .output()
        .expect("xtask runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "cargo xtask interop failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(stdout.contains("all interop checks passed"), "{stdout}");
    assert!(!stdout.contains("FAIL "), "{stdout}");
}
