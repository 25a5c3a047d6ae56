//! Alibaba Cloud RPC request signatures, as pure functions.
//!
//! Two schemes are implemented, exactly as Alibaba's official SDK computes them:
//!
//! - [`v1`]: `SignatureMethod=HMAC-SHA1`, `SignatureVersion=1.0` (Alibaba's docs call it "V2"):
//!   the signature travels as the `Signature` query parameter.
//! - [`v3`]: `ACS3-HMAC-SHA256`: the signature travels in the `Authorization` header.
//!
//! Nothing here performs IO, reads the clock or draws random numbers: the timestamp and the
//! nonce are inputs. [`timestamp_now`] and [`new_nonce`] produce them for a real request.
//! Every result carries its intermediate strings (canonical form, string to sign), so a
//! `SignatureDoesNotMatch` can be explained, and [`verify`] lets a server check a request.
//!
//! ```
//! use cams_signer::{Credentials, v1};
//!
//! let creds = Credentials::new("LTAI5tTestAccessKeyId", "TestAccessKeySecret0123456789ab");
//! let params = [
//!     ("Action", "QueryInstance"), ("Format", "json"), ("Version", "2020-06-06"),
//!     ("Timestamp", "2025-01-02T03:04:05Z"), ("SignatureNonce", "0123456789abcdef0123456789abcdef"),
//!     ("SignatureMethod", v1::SIGNATURE_METHOD), ("SignatureVersion", v1::SIGNATURE_VERSION),
//!     ("AccessKeyId", creds.access_key_id()), ("InstanceId", "ins-abc123"),
//! ];
//! let signed = v1::sign("POST", params, creds.access_key_secret());
//! assert!(signed.string_to_sign.starts_with("POST&%2F&AccessKeyId%3DLTAI5tTestAccessKeyId%26Action%3DQueryInstance"));
//! assert_eq!(signed.signature.len(), 28);
//! ```

mod clock;
mod credentials;
mod encoding;
mod order;
pub mod v1;
pub mod v3;
pub mod verify;

pub use clock::{format_timestamp, new_nonce, parse_timestamp, timestamp_now};
pub use credentials::Credentials;
pub use encoding::{ALIBABA_ENCODE_SET, encode_into, percent_decode, percent_encode};
pub use v1::V1Signature;
pub use v3::{V3Request, V3Signature};
pub use verify::{Difference, VerifyError, first_difference, verify_v1, verify_v3};
