//! `cams-emulator`: serve a local CAMS until interrupted.
//!
//! ```text
//! cargo run -p cams-emulator -- --listen 127.0.0.1:8080 --access-key ID:SECRET
//! ```

use cams_emulator::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator};
use clap::Parser;
use std::net::SocketAddr;
use std::process::ExitCode;

/// A local Alibaba Cloud CAMS (2020-06-06) that verifies signatures and keeps instances in memory.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// An accepted access key, as ID:SECRET (repeatable). Default: the emulator's built-in key.
    #[arg(long = "access-key", value_name = "ID:SECRET", value_parser = parse_key)]
    access_keys: Vec<(String, String)>,
    /// An accepted STS key, as ID:SECRET:TOKEN (repeatable).
    #[arg(long = "sts-key", value_name = "ID:SECRET:TOKEN", value_parser = parse_sts_key)]
    sts_keys: Vec<(String, String, String)>,
    /// The seed of the instance ids.
    #[arg(long)]
    seed: Option<u64>,
}

fn parse_key(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((id, secret)) if !id.is_empty() && !secret.is_empty() => {
            Ok((id.to_owned(), secret.to_owned()))
        }
        _ => Err("expected ID:SECRET, both non-empty".to_owned()),
    }
}

fn parse_sts_key(text: &str) -> Result<(String, String, String), String> {
    let mut parts = text.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(id), Some(secret), Some(token))
            if !id.is_empty() && !secret.is_empty() && !token.is_empty() =>
        {
            Ok((id.to_owned(), secret.to_owned(), token.to_owned()))
        }
        _ => Err("expected ID:SECRET:TOKEN, all non-empty".to_owned()),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut builder = Emulator::builder().listen(args.listen);
    for (id, secret) in &args.access_keys {
        builder = builder.access_key(id, secret);
    }
    for (id, secret, token) in &args.sts_keys {
        builder = builder.sts_key(id, secret, token);
    }
    if let Some(seed) = args.seed {
        builder = builder.seed(seed);
    }
    let emulator = match builder.start().await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("cams-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("cams-emulator listening on {}", emulator.base_url());
    if args.access_keys.is_empty() && args.sts_keys.is_empty() {
        println!("access key: {DEFAULT_ACCESS_KEY_ID}:{DEFAULT_ACCESS_KEY_SECRET}");
    }
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("cams-emulator: cannot wait for Ctrl-C: {e}");
        return ExitCode::FAILURE;
    }
    emulator.shutdown().await;
    ExitCode::SUCCESS
}
