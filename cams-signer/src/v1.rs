//! The RPC signature V1: `SignatureMethod=HMAC-SHA1`, `SignatureVersion=1.0`.
//!
//! ```text
//! CanonicalizedQuery = join("&", pct(name) "=" pct(value)  for each pair sorted by name bytes)
//! StringToSign       = METHOD "&" "%2F" "&" pct(CanonicalizedQuery)
//! Signature          = base64(HMAC-SHA1(secret "&", StringToSign))
//! ```
//! Alibaba's documentation calls this scheme "V2"; its wire parameter says `1.0`.

use crate::encoding::{encode_bytes, encode_once_and_twice, sorted_pairs, utf8_into_string};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use zeroize::Zeroizing;

/// The value of the `SignatureMethod` parameter for this scheme.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";
/// The value of the `SignatureVersion` parameter for this scheme.
pub const SIGNATURE_VERSION: &str = "1.0";

/// A V1 signature with every intermediate string, so that a mismatch can be explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V1Signature {
    /// The sorted, percent-encoded `name=value` pairs joined with `&`.
    pub canonicalized_query: String,
    /// `METHOD&%2F&` followed by the canonicalized query, percent-encoded once more.
    pub string_to_sign: String,
    /// The base64 HMAC-SHA1 of the string to sign, keyed with `secret&`: the `Signature` value.
    pub signature: String,
}

/// Builds the canonicalized query string from the signed parameter set.
///
/// The set must not contain `Signature`. Names are sorted by their UTF-8 bytes; when a name
/// appears more than once, the last value given wins (as in a map that is written in order).
pub fn canonicalize<I, K, V>(params: I) -> String
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    canonicalize_and_string_to_sign(None, params).0
}

/// Builds the canonicalized query and, when `method` is given, the string to sign in the same
/// pass over the parameters (see [`crate::encoding`]'s `encode_once_and_twice`).
fn canonicalize_and_string_to_sign<I, K, V>(method: Option<&str>, params: I) -> (String, String)
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let owned: Vec<(K, V)> = params.into_iter().collect();
    let pairs = sorted_pairs(&owned, false);
    let raw_len: usize = pairs.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    let mut canonical = Vec::with_capacity(raw_len + raw_len / 2);
    let mut to_sign = Vec::new();
    if let Some(method) = method {
        to_sign.reserve(raw_len * 2 + method.len() + 5);
        to_sign.extend(method.bytes().map(|c| c.to_ascii_uppercase()));
        to_sign.extend_from_slice(b"&%2F&");
    }
    let mut first = true;
    for (i, &(name, value)) in pairs.iter().enumerate() {
        // Equal names keep input order, so the last of a run is the last given: it wins.
        if pairs.get(i + 1).is_some_and(|next| next.0 == name) {
            continue;
        }
        if !first {
            canonical.push(b'&');
            to_sign.extend_from_slice(b"%26");
        }
        first = false;
        if method.is_some() {
            encode_once_and_twice(&mut canonical, &mut to_sign, name.as_bytes());
            canonical.push(b'=');
            to_sign.extend_from_slice(b"%3D");
            encode_once_and_twice(&mut canonical, &mut to_sign, value.as_bytes());
        } else {
            encode_bytes(&mut canonical, name.as_bytes());
            canonical.push(b'=');
            encode_bytes(&mut canonical, value.as_bytes());
        }
    }
    (utf8_into_string(canonical), utf8_into_string(to_sign))
}

/// Builds the string to sign from the HTTP method and the canonicalized query.
pub fn string_to_sign(method: &str, canonicalized_query: &str) -> String {
    let mut out = Vec::with_capacity(method.len() + 5 + canonicalized_query.len() * 5 / 4);
    out.extend(method.bytes().map(|c| c.to_ascii_uppercase()));
    out.extend_from_slice(b"&%2F&");
    encode_bytes(&mut out, canonicalized_query.as_bytes());
    utf8_into_string(out)
}

/// Computes `base64(HMAC-SHA1(secret "&", string_to_sign))`.
pub fn signature(access_key_secret: &str, string_to_sign: &str) -> String {
    let mut key = Zeroizing::new(Vec::with_capacity(access_key_secret.len() + 1));
    key.extend_from_slice(access_key_secret.as_bytes());
    key.push(b'&');
    let mut mac = Hmac::<Sha1>::new_from_slice(&key).expect("HMAC takes a key of any length");
    mac.update(string_to_sign.as_bytes());
    BASE64.encode(mac.finalize().into_bytes())
}

/// Signs a request with V1.
///
/// `params` is the whole signed set: every query parameter (common ones such as `Action`,
/// `Timestamp`, `SignatureNonce`, `AccessKeyId`, `SignatureMethod`, `SignatureVersion`, and the
/// business ones) together with the flattened form-body parameters, without `Signature`.
///
/// ```
/// // The example published in Alibaba's documentation.
/// let params = [
///     ("AccessKeyId", "testid"), ("Action", "DescribeRegions"), ("Format", "XML"),
///     ("SignatureMethod", "HMAC-SHA1"), ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
///     ("SignatureVersion", "1.0"), ("Timestamp", "2016-02-23T12:46:24Z"), ("Version", "2014-05-26"),
/// ];
/// let signed = cams_signer::v1::sign("GET", params, "testsecret");
/// assert_eq!(signed.signature, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
/// ```
pub fn sign<I, K, V>(method: &str, params: I, access_key_secret: &str) -> V1Signature
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let (canonicalized_query, string_to_sign) =
        canonicalize_and_string_to_sign(Some(method), params);
    let signature = signature(access_key_secret, &string_to_sign);
    V1Signature {
        canonicalized_query,
        string_to_sign,
        signature,
    }
}
