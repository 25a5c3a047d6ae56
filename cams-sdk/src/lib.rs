//! The SDK for Alibaba Cloud's Chat App Message Service (CAMS), API version `2020-06-06`: the
//! instance lifecycle (create, query, list, update, delete).
//!
//! Request and response types and the client methods are generated from `api-spec/` into
//! [`generated`] (re-exported here); the hand-written runtime lives in [`runtime`] and
//! [`Client`].
//!
//! ```no_run
//! use cams_sdk::{ChannelType, Client, Config, SignatureVersion};
//!
//! # async fn run() -> Result<(), cams_sdk::Error> {
//! // Region `ap-southeast-1`; credentials from the environment, `~/.aliyun/config.json`,
//! // `~/.alibabacloud/credentials.ini`, the ECS RAM role or a credentials URI.
//! let client = Client::new(Config::from_env().build()?);
//!
//! let created = client
//!     .create_instance(ChannelType::Whatsapp, "shop-eu")
//!     .contact_mail("ops@example.com")
//!     .send()
//!     .await?;
//! let id = created.data.and_then(|d| d.instance_id).unwrap_or_default();
//!
//! match client.query_instance(&id).send().await {
//!     Ok(found) => println!("{:?}", found.data),
//!     // CAMS reports business errors in an HTTP 200; the SDK makes them errors.
//!     Err(e) if e.code() == Some("Instance.NotExist") => println!("gone"),
//!     Err(e) => return Err(e),
//! }
//!
//! let mut instances = client.list_instance().into_paginator().items();
//! while let Some(instance) = instances.next().await {
//!     println!("{:?}", instance?.instance_name);
//! }
//! # Ok(()) }
//! ```
//!
//! Against a local [`cams-emulator`](https://docs.rs/cams-emulator), set the endpoint to its URL:
//!
//! ```
//! # use cams_sdk::{Config, Credentials, SignatureVersion};
//! let config = Config::builder()
//!     .endpoint("http://127.0.0.1:8080")
//!     .credentials(Credentials::new("LTAI5tExample", "secret"))
//!     .signature_version(SignatureVersion::V3)
//!     .build()?;
//! # Ok::<(), cams_sdk::Error>(())
//! ```
//!
//! Every failure is one [`Error`]: match on [`Error::kind`], read [`Error::code`],
//! [`Error::request_id`] and friends directly, and ask [`Error::is_retryable`]. Retries follow
//! the client's [`RetryPolicy`], and never repeat a CreateInstance that may have reached the
//! service.
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
pub mod config;
pub mod credentials;
// Generated files are formatted by the generator (prettyplease); rustfmt must leave them as they
// are, or `cargo xtask codegen --check` would see them as stale.
#[rustfmt::skip]
pub mod generated;
mod pagination;
mod retry;
pub mod runtime;
mod signing;
pub mod transport;

pub use client::Client;
pub use config::{Config, SignatureVersion};
pub use credentials::Credentials;
pub use generated::*;
pub use pagination::{ListInstanceItems, ListInstancePaginator};
pub use retry::RetryPolicy;
pub use runtime::{CallOptions, Error, ErrorKind, InvalidInput, SignatureMismatch};
pub use transport::{HttpRequest, RawResponse, Transport, TransportFuture};
