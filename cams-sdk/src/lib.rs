//! The SDK for Alibaba Cloud's Chat App Message Service (CAMS), API version `2020-06-06`: the
//! instance lifecycle (create, query, list, update, delete).
//!
//! Request and response types and the client methods are generated from `api-spec/` into
//! [`generated`] (re-exported here); the hand-written runtime lives in [`runtime`] and
//! [`Client`].
//!
//! ```
//! use cams_sdk::{ChannelType, Client, CreateInstanceResponse, PreparedRequest, RawResponse, Transport, TransportFuture};
//!
//! // Any transport works; this one answers every call with a canned body.
//! struct Canned;
//! impl Transport for Canned {
//!     fn send<'a>(&'a self, _: &'a PreparedRequest) -> TransportFuture<'a> {
//!         let body = br#"{"Code":"OK","RequestId":"r-1","Data":{"InstanceId":"ins-1","ChannelType":"WHATSAPP"}}"#;
//!         Box::pin(async move { Ok(RawResponse { status: 200, headers: vec![], body: body.to_vec() }) })
//!     }
//! }
//!
//! # async fn run() -> Result<(), cams_sdk::Error> {
//! let client = Client::with_transport(Canned);
//! let created: CreateInstanceResponse = client
//!     .create_instance(ChannelType::Whatsapp, "shop-eu")
//!     .contact_mail("ops@example.com")
//!     .send()
//!     .await?;
//! let data = created.data.expect("data");
//! assert_eq!(data.instance_id.as_deref(), Some("ins-1"));
//! assert_eq!(data.channel_type, Some(ChannelType::Whatsapp));
//! # Ok(()) }
//! ```

//!
//! Required parameters are arguments, so forgetting one does not compile:
//!
//! ```compile_fail
//! # async fn run(client: cams_sdk::Client) {
//! // CreateInstance requires a ChannelType and an InstanceName.
//! let _ = client.create_instance(cams_sdk::ChannelType::Whatsapp).send().await;
//! # }
//! ```

mod client;
// Generated files are formatted by the generator (prettyplease); rustfmt must leave them as they
// are, or `cargo xtask codegen --check` would see them as stale.
#[rustfmt::skip]
pub mod generated;
pub mod runtime;

pub use client::{Client, PreparedRequest, RawResponse, Transport, TransportFuture};
pub use generated::*;
pub use runtime::{CallOptions, Error, ErrorKind, InvalidInput};
