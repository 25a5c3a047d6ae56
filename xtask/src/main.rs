//! `cargo xtask codegen` regenerates `cams-sdk/src/generated/` from `api-spec/`;
//! `cargo xtask codegen --check` fails, naming each stale file, when the committed files differ.
//! `cargo xtask interop` runs Alibaba's official Python SDK against the emulator.

mod interop;

use cams_codegen::{EmitOptions, Options, ParseOptions};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(about = "cams-rs project tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Generate the SDK code from the API spec.
    Codegen {
        /// Fail if the files on disk differ from what the spec produces; write nothing.
        #[arg(long)]
        check: bool,
        /// The metadata file (Alibaba's api-docs.json format).
        #[arg(long, default_value = "api-spec/cams-2020-06-06.json")]
        spec: PathBuf,
        /// The directory to write into.
        #[arg(long, default_value = "cams-sdk/src/generated")]
        out: PathBuf,
        /// Only these operations, comma-separated.
        #[arg(long, value_delimiter = ',')]
        operations: Option<Vec<String>>,
        /// The path the generated code uses to reach the runtime.
        #[arg(long, default_value = "crate::runtime")]
        runtime_path: String,
    },
    /// Run Alibaba's official Python SDK against cams-emulator (installs it under target/).
    Interop,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn codegen(
    check: bool,
    spec: &Path,
    out: &Path,
    operations: Option<Vec<String>>,
    runtime_path: String,
) -> Result<(), String> {
    let root = workspace_root();
    let spec = root.join(spec);
    let out = root.join(out);
    let text = std::fs::read_to_string(&spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let source_name = spec
        .strip_prefix(&root)
        .unwrap_or(&spec)
        .display()
        .to_string()
        .replace('\\', "/");
    let options = Options {
        parse: ParseOptions { operations },
        emit: EmitOptions {
            runtime_path,
            source_name: source_name.clone(),
        },
    };
    let files =
        cams_codegen::generate(&text, &options).map_err(|e| format!("{source_name}: {e}"))?;

    let existing: Vec<PathBuf> = match std::fs::read_dir(&out) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .collect(),
        Err(_) => Vec::new(),
    };
    let leftovers: Vec<&PathBuf> = existing
        .iter()
        .filter(|p| {
            !files
                .iter()
                .any(|f| p.file_name().is_some_and(|n| n == f.name.as_str()))
        })
        .collect();

    if check {
        let mut stale = Vec::new();
        for file in &files {
            let path = out.join(&file.name);
            match std::fs::read_to_string(&path) {
                Ok(current) if current == file.contents => {}
                Ok(_) => stale.push(format!(
                    "{} differs from what the spec produces",
                    path.display()
                )),
                Err(_) => stale.push(format!("{} is missing", path.display())),
            }
        }
        for path in leftovers {
            stale.push(format!("{} is not produced by the spec", path.display()));
        }
        if stale.is_empty() {
            return Ok(());
        }
        return Err(format!(
            "generated code is stale; run `cargo xtask codegen` and commit the result:\n  {}",
            stale.join("\n  ")
        ));
    }

    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    for file in &files {
        let path = out.join(&file.name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(file.contents.as_str()) {
            std::fs::write(&path, &file.contents)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    for path in leftovers {
        std::fs::remove_file(path)
            .map_err(|e| format!("cannot remove stale {}: {e}", path.display()))?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Codegen {
            check,
            spec,
            out,
            operations,
            runtime_path,
        } => codegen(check, &spec, &out, operations, runtime_path),
        Task::Interop => interop::run(&workspace_root()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
