//! The runtime surface the generated code uses, and nothing more: the [`Operation`] trait and
//! its metadata, [`Params`], [`InvalidInput`], [`CallOptions`], the lenient decoders in [`de`],
//! and re-exports of `serde` and `serde_json::Value` so generated code needs no other import.

pub mod de;
mod error;
mod operation;

pub use error::{Error, ErrorKind, InvalidInput, SignatureMismatch};
pub use operation::{CallOptions, Operation, OperationMeta, Params};
pub use serde;
/// Any JSON value, for fields the service sends in more than one shape.
pub type Json = serde_json::Value;
