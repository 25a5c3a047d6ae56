//! Turns Alibaba Cloud OpenAPI metadata (the `api-docs.json` format) into the Rust code of
//! `cams-sdk`: request and response types, string enumerations, per-operation metadata and a
//! fluent client method per operation.
//!
//! The pipeline is parse → validate → [`model::Api`] → `TokenStream` (quote) → prettyplease.
//! Output is deterministic. A construct the generator does not support is refused with a
//! [`SpecError`] that names its place in the spec; nothing is skipped silently.
//!
//! ```
//! let spec = r#"{"info": {"style": "RPC", "product": "demo", "version": "2024-01-01"},
//!   "apis": {"Ping": {"methods": ["post"], "operationType": "read",
//!     "parameters": [{"name": "Word", "in": "query", "schema": {"type": "strng"}}],
//!     "responses": {"200": {"schema": {"type": "object"}}}}}}"#;
//! let error = cams_codegen::generate(spec, &Default::default()).unwrap_err();
//! assert_eq!(error.to_string(), r#"apis.Ping.parameters[0].schema.type: unknown type "strng""#);
//! ```

mod emit;
mod error;
pub mod model;
mod parse;

pub use emit::{EmitOptions, GeneratedFile, emit};
pub use error::SpecError;
pub use parse::{ParseOptions, parse};

/// What to generate and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Which operations to read.
    pub parse: ParseOptions,
    /// Where the generated code finds its runtime.
    pub emit: EmitOptions,
}

/// Parses, validates and emits: the whole pipeline.
pub fn generate(spec: &str, options: &Options) -> Result<Vec<GeneratedFile>, SpecError> {
    let api = parse(spec, &options.parse)?;
    emit(&api, &options.emit)
}
