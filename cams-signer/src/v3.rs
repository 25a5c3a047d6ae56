//! The signature V3: `ACS3-HMAC-SHA256`.
//!
//! ```text
//! CanonicalRequest = METHOD "\n" URI "\n" CanonicalQuery "\n" CanonicalHeaders "\n" SignedHeaders "\n" HashedPayload
//! StringToSign     = "ACS3-HMAC-SHA256" "\n" hex(SHA256(CanonicalRequest))
//! Signature        = hex(HMAC-SHA256(secret, StringToSign))
//! Authorization    = "ACS3-HMAC-SHA256 Credential=" id ",SignedHeaders=" names ",Signature=" sig
//! ```

use crate::encoding::{ONCE, Sink, pack, raw_len};
use crate::order::{self, Order, Sorted, cmp_bytes};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::borrow::Cow;

/// The algorithm name, the first word of the `Authorization` header.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// The hex SHA-256 of an empty body.
pub const EMPTY_PAYLOAD_HASH: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// A request to sign with V3, borrowed from whatever HTTP type the caller uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct V3Request<'a> {
    /// The HTTP method; it is upper-cased in the canonical request.
    pub method: &'a str,
    /// The path as sent, `/` for every RPC API; an empty path stands for `/`.
    pub path: &'a str,
    /// The decoded query parameters.
    pub query: &'a [(&'a str, &'a str)],
    /// The headers to sign, in any case and order (see [`is_signed_by_default`]). When signing,
    /// these are exactly the signed headers; when verifying, these are all the received headers.
    pub headers: &'a [(&'a str, &'a str)],
    /// The exact body bytes.
    pub body: &'a [u8],
}

/// A V3 signature with every intermediate string, so that a mismatch can be explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V3Signature {
    /// The lower-hex SHA-256 of the body, also sent as `x-acs-content-sha256`.
    pub hashed_payload: String,
    /// The canonical request.
    pub canonical_request: String,
    /// `ACS3-HMAC-SHA256\n` followed by the hex SHA-256 of the canonical request.
    pub string_to_sign: String,
    /// The signed header names, lower-case, sorted and joined with `;`.
    pub signed_headers: String,
    /// The lower-hex HMAC-SHA256 of the string to sign, keyed with the secret.
    pub signature: String,
    /// The value of the `Authorization` header.
    pub authorization: String,
}

/// Whether a header is signed by default: `host`, `content-type` and every `x-acs-*` header,
/// as Alibaba's documentation and its Go SDK do.
pub fn is_signed_by_default(name: &str) -> bool {
    name.eq_ignore_ascii_case("host")
        || name.eq_ignore_ascii_case("content-type")
        || name
            .get(..6)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("x-acs-"))
}

/// The lower-hex SHA-256 of `body`.
pub fn hash_payload(body: &[u8]) -> String {
    if body.is_empty() {
        // Most RPC requests have no body; this is its hash (checked by a test).
        return EMPTY_PAYLOAD_HASH.to_owned();
    }
    hex_string(&Sha256::digest(body))
}

/// Lower-hex digits of `bytes`.
fn hex_string(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_hex(&mut out, bytes);
    out
}

/// Appends the lower-hex digits of `bytes` (a digest: at most 32 bytes) to `out`.
fn push_hex(out: &mut String, bytes: &[u8]) {
    let mut buf = [0u8; 64];
    let digits = buf.get_mut(..bytes.len() * 2);
    match digits.and_then(|d| {
        hex::encode_to_slice(bytes, d)
            .ok()
            .and(std::str::from_utf8(d).ok())
    }) {
        Some(digits) => out.push_str(digits),
        None => out.push_str(&hex::encode(bytes)),
    }
}

/// The canonical query: names sorted by UTF-8 bytes (then values), `pct(name)=pct(value)`
/// joined with `&`.
pub fn canonical_query(query: &[(&str, &str)]) -> String {
    let mut sink = Sink::with_capacity(raw_len(query));
    write_canonical_query(&mut sink, query);
    sink.into_string()
}

fn write_canonical_query(sink: &mut Sink, query: &[(&str, &str)]) {
    for (i, (name, value)) in Sorted::new(query, Order::NameThenValue, &mut [0; order::STACK])
        .iter()
        .enumerate()
    {
        if i > 0 {
            sink.put(pack(b"&"));
        }
        sink.encode(&ONCE, name.as_bytes());
        sink.put(pack(b"="));
        sink.encode(&ONCE, value.as_bytes());
    }
}

/// The canonical headers block (each `name:value\n`) and the signed header list.
///
/// Names are lower-cased and values trimmed; values of names that collide case-insensitively
/// are sorted and joined with `,`.
pub fn canonical_headers(headers: &[(&str, &str)]) -> (String, String) {
    let mut sink = Sink::with_capacity(raw_len(headers));
    let names = write_canonical_headers(&mut sink, headers);
    (sink.into_string(), names)
}

/// Writes the canonical headers block to `sink` and returns the signed header list.
fn write_canonical_headers(sink: &mut Sink, headers: &[(&str, &str)]) -> String {
    // Names are lower-cased once, and only when they are not already (the usual case).
    fn lower(name: &str) -> Cow<'_, str> {
        match name.bytes().any(|b| b.is_ascii_uppercase()) {
            true => Cow::Owned(name.to_ascii_lowercase()),
            false => Cow::Borrowed(name),
        }
    }
    let mut sorted: Vec<(Cow<'_, str>, &str)> =
        headers.iter().map(|&(n, v)| (lower(n), v.trim())).collect();
    sorted.sort_unstable_by(|a, b| cmp_bytes(&a.0, &b.0).then_with(|| a.1.cmp(b.1)));
    let mut names = String::with_capacity(sorted.iter().map(|(n, _)| n.len() + 1).sum());
    let mut previous: Option<&str> = None;
    for (name, value) in &sorted {
        if previous == Some(name) {
            sink.put(pack(b","));
        } else {
            if previous.is_some() {
                sink.put(pack(b"\n"));
                names.push(';');
            }
            sink.put_slice(name.as_bytes());
            sink.put(pack(b":"));
            names.push_str(name);
        }
        sink.put_slice(value.as_bytes());
        previous = Some(name);
    }
    if previous.is_some() {
        sink.put(pack(b"\n"));
    }
    names
}

/// Computes the lower-hex HMAC-SHA256 of `string_to_sign` keyed with the secret (no `&`).
pub fn signature(access_key_secret: &str, string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(access_key_secret.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(string_to_sign.as_bytes());
    hex_string(&mac.finalize().into_bytes())
}

/// Signs a request with V3. `request.headers` are exactly the headers to sign.
///
/// ```
/// use cams_signer::v3::{self, V3Request};
/// let headers = [
///     ("host", "cams.ap-southeast-1.aliyuncs.com"),
///     ("x-acs-action", "QueryInstance"),
///     ("x-acs-version", "2020-06-06"),
///     ("x-acs-date", "2025-01-02T03:04:05Z"),
///     ("x-acs-signature-nonce", "0123456789abcdef0123456789abcdef"),
///     ("x-acs-content-sha256", v3::EMPTY_PAYLOAD_HASH),
/// ];
/// let request = V3Request { method: "POST", path: "/", query: &[("InstanceId", "ins-abc123")], headers: &headers, body: b"" };
/// let signed = v3::sign(&request, "LTAI5tTestAccessKeyId", "TestAccessKeySecret0123456789ab");
/// assert!(signed.authorization.starts_with("ACS3-HMAC-SHA256 Credential=LTAI5tTestAccessKeyId,SignedHeaders=host;x-acs-action;"));
/// ```
pub fn sign(request: &V3Request<'_>, access_key_id: &str, access_key_secret: &str) -> V3Signature {
    sign_headers(request, request.headers, access_key_id, access_key_secret)
}

/// Signs `request` over the `signed` headers: shared by [`sign`] and by verification, which
/// signs over the headers the received `SignedHeaders` names.
pub(crate) fn sign_headers(
    request: &V3Request<'_>,
    signed: &[(&str, &str)],
    access_key_id: &str,
    access_key_secret: &str,
) -> V3Signature {
    let hashed_payload = hash_payload(request.body);
    let (canonical_request, signed_headers) = canonical_request(request, signed, &hashed_payload);
    let string_to_sign = string_to_sign(&canonical_request);
    let signature = signature(access_key_secret, &string_to_sign);
    let mut authorization = String::with_capacity(
        ALGORITHM.len() + access_key_id.len() + signed_headers.len() + signature.len() + 40,
    );
    for part in [
        ALGORITHM,
        " Credential=",
        access_key_id,
        ",SignedHeaders=",
        &signed_headers,
        ",Signature=",
        &signature,
    ] {
        authorization.push_str(part);
    }
    V3Signature {
        hashed_payload,
        canonical_request,
        string_to_sign,
        signed_headers,
        signature,
        authorization,
    }
}

/// Builds the canonical request over `signed` headers and returns it with the signed header list.
fn canonical_request(
    request: &V3Request<'_>,
    signed: &[(&str, &str)],
    hashed_payload: &str,
) -> (String, String) {
    let path = if request.path.is_empty() {
        "/"
    } else {
        request.path
    };
    let mut sink = Sink::with_capacity(
        request.method.len()
            + path.len()
            + raw_len(request.query) * 5 / 4
            + raw_len(signed) * 2
            + hashed_payload.len()
            + 8,
    );
    sink.put_uppercase(request.method);
    sink.put(pack(b"\n"));
    sink.put_slice(path.as_bytes());
    sink.put(pack(b"\n"));
    write_canonical_query(&mut sink, request.query);
    sink.put(pack(b"\n"));
    let signed_headers = write_canonical_headers(&mut sink, signed);
    sink.put(pack(b"\n"));
    sink.put_slice(signed_headers.as_bytes());
    sink.put(pack(b"\n"));
    sink.put_slice(hashed_payload.as_bytes());
    (sink.into_string(), signed_headers)
}

/// `ACS3-HMAC-SHA256\n` followed by the lower-hex SHA-256 of the canonical request.
pub fn string_to_sign(canonical_request: &str) -> String {
    let mut out = String::with_capacity(ALGORITHM.len() + 65);
    out.push_str(ALGORITHM);
    out.push('\n');
    push_hex(&mut out, &Sha256::digest(canonical_request.as_bytes()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_payload_hash_is_the_sha256_of_nothing() {
        assert_eq!(EMPTY_PAYLOAD_HASH, hex::encode(Sha256::digest(b"")));
        assert_eq!(hash_payload(b""), EMPTY_PAYLOAD_HASH);
        assert_eq!(
            hash_payload(b"a=1"),
            hex::encode(Sha256::digest(b"a=1")),
            "a body is hashed"
        );
    }

    #[test]
    fn header_names_in_any_case_sort_and_merge_as_lower_case() {
        let headers = [
            ("X-Acs-B", " 2 "),
            ("host", "h"),
            ("x-acs-b", "1"),
            ("X-ACS-A", "a"),
        ];
        let (block, names) = canonical_headers(&headers);
        assert_eq!(block, "host:h\nx-acs-a:a\nx-acs-b:1,2\n");
        assert_eq!(names, "host;x-acs-a;x-acs-b");
    }
}
