//! `cargo xtask interop`: Alibaba's official Python SDK against the emulator.
//!
//! Creates a virtualenv under `target/interop-venv`, installs the pinned official SDK from PyPI
//! (once; a marker file records what was installed), starts `cams-emulator` in-process, and runs
//! `xtask/interop/interop.py`, which drives the five operations in both signature versions, with
//! STS credentials, a wrong secret and a replayed nonce. Then checks what the emulator saw.

use cams_emulator::Emulator;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The official SDK release the interop runs against.
const OFFICIAL_SDK: &str = "alibabacloud-cams20200606==5.3.1";
const KEY_ID: &str = "LTAI5tInteropKeyId";
const KEY_SECRET: &str = "interop-secret";
const STS_ID: &str = "STS.InteropKeyId";
const STS_SECRET: &str = "interop-sts-secret";
const STS_TOKEN: &str = "interop-sts-token/with+characters=";

pub(crate) fn run(root: &Path) -> Result<(), String> {
    let python = ensure_virtualenv(root)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a tokio runtime: {e}"))?;
    let emulator = runtime
        .block_on(
            Emulator::builder()
                .access_key(KEY_ID, KEY_SECRET)
                .sts_key(STS_ID, STS_SECRET, STS_TOKEN)
                .start(),
        )
        .map_err(|e| format!("cannot start the emulator: {e}"))?;
    println!("interop: emulator at {}", emulator.base_url());
    let script = root.join("xtask/interop/interop.py");
    let status = Command::new(&python)
        .arg(&script)
        .env("CAMS_INTEROP_ENDPOINT", emulator.addr().to_string())
        .env("CAMS_INTEROP_KEY_ID", KEY_ID)
        .env("CAMS_INTEROP_KEY_SECRET", KEY_SECRET)
        .env("CAMS_INTEROP_STS_ID", STS_ID)
        .env("CAMS_INTEROP_STS_SECRET", STS_SECRET)
        .env("CAMS_INTEROP_STS_TOKEN", STS_TOKEN)
        // Keep the official SDK off any proxy: the emulator is on loopback.
        .env("NO_PROXY", "127.0.0.1,localhost")
        .status()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !status.success() {
        return Err(format!("{} failed ({status})", script.display()));
    }

    // What the emulator saw must agree with what the script reported.
    let requests = emulator.requests();
    let mut problems = Vec::new();
    for version in ["v1", "v3"] {
        let ok = requests
            .iter()
            .filter(|r| r.signature_version == Some(version) && r.code.as_deref() == Some("OK"))
            .count();
        // Per version: two lifecycles of five successful calls, plus the first replayed call.
        if ok != 11 {
            problems.push(format!("{ok} successful {version} calls, expected 11"));
        }
    }
    for code in [
        "SignatureDoesNotMatch",
        "SignatureNonceUsed",
        "MissingParameter",
    ] {
        let seen = requests
            .iter()
            .filter(|r| r.code.as_deref() == Some(code))
            .count();
        if seen != 2 {
            problems.push(format!(
                "{seen} {code} answers, expected 2 (one per version)"
            ));
        }
    }
    let left = emulator.instances().len();
    if left != 0 {
        problems.push(format!("{left} instances left, expected every one deleted"));
    }
    runtime.block_on(emulator.shutdown());
    if problems.is_empty() {
        println!("interop: the emulator agrees ({} requests)", requests.len());
        Ok(())
    } else {
        Err(format!("interop: {}", problems.join("; ")))
    }
}

/// The virtualenv's Python, with the official SDK installed.
fn ensure_virtualenv(root: &Path) -> Result<PathBuf, String> {
    let venv = root.join("target/interop-venv");
    let python = if cfg!(windows) {
        venv.join("Scripts/python.exe")
    } else {
        venv.join("bin/python")
    };
    let marker = venv.join(".cams-interop-installed");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(OFFICIAL_SDK) && python.exists() {
        return Ok(python);
    }
    let host_python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    println!("interop: creating {} with {host_python}", venv.display());
    run_command(
        Command::new(&host_python)
            .args(["-m", "venv", "--clear"])
            .arg(&venv),
    )?;
    println!("interop: installing {OFFICIAL_SDK} from PyPI");
    run_command(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .arg(OFFICIAL_SDK),
    )?;
    std::fs::write(&marker, OFFICIAL_SDK)
        .map_err(|e| format!("cannot write {}: {e}", marker.display()))?;
    Ok(python)
}

fn run_command(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}
