//! The inputs both benchmarks sign, and the bare cryptography they are measured against.

use base64::Engine as _;
use cams_signer::v3;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

pub(crate) const SECRET: &str = "TestAccessKeySecret0123456789ab";
pub(crate) const ACCESS_KEY_ID: &str = "LTAI5tTestAccessKeyId";

/// CreateInstance's business parameters.
pub(crate) const BUSINESS: [(&str, &str); 7] = [
    ("ChannelType", "whatsapp"),
    ("InstanceName", "Acme Corp"),
    ("InstanceDescription", "Primary WABA instance"),
    ("ResourceGroupId", "rg-acfm2abcdefg"),
    ("ContactMail", "ops+waba@example.com"),
    ("CountryId", "86"),
    ("IsvTerms", "https://a.com/1.pdf"),
];

/// A V1 CreateInstance request's 15 signed parameters, in the order the SDK gives them.
pub(crate) fn v1_params() -> Vec<(&'static str, &'static str)> {
    let mut params = vec![
        ("Action", "CreateInstance"),
        ("Format", "json"),
        ("Version", "2020-06-06"),
        ("Timestamp", "2025-01-02T03:04:05Z"),
        ("SignatureNonce", "0123456789abcdef0123456789abcdef"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("AccessKeyId", ACCESS_KEY_ID),
    ];
    params.extend(BUSINESS);
    assert_eq!(params.len(), 15);
    params
}

/// The signed headers of the same request with V3.
pub(crate) const V3_HEADERS: [(&str, &str); 6] = [
    ("host", "cams.ap-southeast-1.aliyuncs.com"),
    ("x-acs-action", "CreateInstance"),
    ("x-acs-version", "2020-06-06"),
    ("x-acs-date", "2025-01-02T03:04:05Z"),
    ("x-acs-signature-nonce", "0123456789abcdef0123456789abcdef"),
    ("x-acs-content-sha256", v3::EMPTY_PAYLOAD_HASH),
];

/// The request V3 signs.
pub(crate) fn v3_request() -> v3::V3Request<'static> {
    v3::V3Request {
        method: "POST",
        path: "/",
        query: &BUSINESS,
        headers: &V3_HEADERS,
        body: b"",
    }
}

/// V1's cryptography alone: HMAC-SHA1 keyed with `secret&` over the string to sign, in base64.
pub(crate) fn bare_v1(secret: &str, string_to_sign: &str) -> String {
    let mut key = String::with_capacity(secret.len() + 1);
    key.push_str(secret);
    key.push('&');
    let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).expect("any key length");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// V3's cryptography alone: SHA-256 of the canonical request, and HMAC-SHA256 of the string
/// to sign in hex.
pub(crate) fn bare_v3(
    secret: &str,
    canonical_request: &str,
    string_to_sign: &str,
) -> (impl Sized, String) {
    let digest = Sha256::digest(canonical_request.as_bytes());
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(string_to_sign.as_bytes());
    (digest, hex::encode(mac.finalize().into_bytes()))
}
