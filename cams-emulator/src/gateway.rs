//! What the API gateway checks before an action runs: the signature (V1 or V3), the access key
//! and STS token, the timestamp window and nonce reuse.

use cams_signer::v3::V3Request;
use cams_signer::{VerifyError, verify_v1, verify_v3};
use std::collections::{HashMap, HashSet, VecDeque};
use time::OffsetDateTime;

/// How far a request's time may be from the emulator's clock.
pub(crate) const TIME_WINDOW: time::Duration = time::Duration::minutes(15);

/// A gateway rejection: HTTP status, code, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rejection {
    pub(crate) status: u16,
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

pub(crate) fn reject(status: u16, code: &'static str, message: impl Into<String>) -> Rejection {
    Rejection {
        status,
        code,
        message: message.into(),
    }
}

/// An access key the emulator accepts; with a token, it is an STS key and the token must come
/// with it.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Key {
    pub(crate) secret: String,
    pub(crate) token: Option<String>,
}

/// The parts of a received request the gateway reads.
pub(crate) struct Received<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    /// Decoded query parameters, in order.
    pub(crate) query: &'a [(String, String)],
    /// Decoded form-body parameters, in order.
    pub(crate) form: &'a [(String, String)],
    /// Header names lower-case.
    pub(crate) headers: &'a [(String, String)],
    pub(crate) body: &'a [u8],
}

impl Received<'_> {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        find_header(self.headers, name)
    }

    /// A parameter from the form body, else the query (the body wins, as in signing).
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .chain(self.query.iter())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The value of header `name` (lower-case) among `headers`.
pub(crate) fn find_header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Who signed a request that passed, and with which version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Authenticated {
    pub(crate) version: &'static str,
    pub(crate) action: String,
    pub(crate) api_version: String,
    pub(crate) nonce: String,
}

/// Remembers nonces for the time window, holding at most `capacity` of them.
#[derive(Debug)]
pub(crate) struct NonceCache {
    capacity: usize,
    seen: HashSet<String>,
    order: VecDeque<(OffsetDateTime, String)>,
}

impl NonceCache {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            seen: HashSet::new(),
            order: VecDeque::new(),
        }
    }

    /// Records `nonce`; false when it was seen within the window.
    pub(crate) fn insert(&mut self, nonce: &str, now: OffsetDateTime) -> bool {
        while let Some((at, old)) = self.order.front() {
            if now - *at > TIME_WINDOW || self.order.len() >= self.capacity {
                self.seen.remove(old);
                self.order.pop_front();
            } else {
                break;
            }
        }
        if !self.seen.insert(nonce.to_owned()) {
            return false;
        }
        self.order.push_back((now, nonce.to_owned()));
        true
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.seen.len()
    }
}

/// Checks the request's signature, key, token, time and nonce.
pub(crate) fn authenticate(
    received: &Received<'_>,
    keys: &HashMap<String, Key>,
    nonces: &mut NonceCache,
    now: OffsetDateTime,
) -> Result<Authenticated, Rejection> {
    if received.method != "POST" && received.method != "GET" {
        return Err(reject(
            400,
            "UnsupportedHTTPMethod",
            format!(
                "The HTTP method {} is not supported; use POST or GET.",
                received.method
            ),
        ));
    }
    if received.path != "/" {
        return Err(reject(
            404,
            "InvalidApi.NotFound",
            format!(
                "The path {:?} does not exist; RPC APIs are served at \"/\".",
                received.path
            ),
        ));
    }
    match received.header("authorization") {
        Some(_) => authenticate_v3(received, keys, nonces, now),
        None => authenticate_v1(received, keys, nonces, now),
    }
}

fn authenticate_v1(
    received: &Received<'_>,
    keys: &HashMap<String, Key>,
    nonces: &mut NonceCache,
    now: OffsetDateTime,
) -> Result<Authenticated, Rejection> {
    for required in [
        "Signature",
        "AccessKeyId",
        "SignatureMethod",
        "SignatureNonce",
        "Timestamp",
    ] {
        if received.param(required).is_none_or(str::is_empty) {
            return Err(reject(
                400,
                "IncompleteSignature",
                format!(
                    "The request signature does not conform to Aliyun standards: {required} is missing."
                ),
            ));
        }
    }
    let param = |name: &str| received.param(name).unwrap_or_default();
    if param("SignatureMethod") != cams_signer::v1::SIGNATURE_METHOD {
        return Err(reject(
            400,
            "InvalidSignatureMethod",
            format!(
                "The signature method {:?} is not supported.",
                param("SignatureMethod")
            ),
        ));
    }
    check_time(param("Timestamp"), now)?;
    let key = find_key(keys, param("AccessKeyId"))?;
    check_token(key, received.param("SecurityToken"))?;
    let query: Vec<(&str, &str)> = received
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let form: Vec<(&str, &str)> = received
        .form
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    verify_v1(received.method, &query, &form, &key.secret).map_err(signature_rejection)?;
    let nonce = param("SignatureNonce").to_owned();
    check_nonce(nonces, &nonce, now)?;
    Ok(Authenticated {
        version: "v1",
        action: param("Action").to_owned(),
        api_version: param("Version").to_owned(),
        nonce,
    })
}

fn authenticate_v3(
    received: &Received<'_>,
    keys: &HashMap<String, Key>,
    nonces: &mut NonceCache,
    now: OffsetDateTime,
) -> Result<Authenticated, Rejection> {
    let authorization = received.header("authorization").unwrap_or_default();
    let parsed = cams_signer::verify::Authorization::parse(authorization).map_err(|e| {
        reject(
            400,
            "IncompleteSignature",
            format!("The request signature does not conform to Aliyun standards: {e}."),
        )
    })?;
    for required in [
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-action",
        "x-acs-version",
    ] {
        if received.header(required).is_none_or(str::is_empty) {
            return Err(reject(
                400,
                "IncompleteSignature",
                format!(
                    "The request signature does not conform to Aliyun standards: header {required} is missing."
                ),
            ));
        }
        if !parsed.signed_headers.contains(&required) {
            return Err(reject(
                400,
                "IncompleteSignature",
                format!(
                    "The request signature does not conform to Aliyun standards: header {required} is not signed."
                ),
            ));
        }
    }
    let header = |name: &str| received.header(name).unwrap_or_default();
    check_time(header("x-acs-date"), now)?;
    let key = find_key(keys, parsed.access_key_id)?;
    check_token(key, received.header("x-acs-security-token"))?;
    let query: Vec<(&str, &str)> = received
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let headers: Vec<(&str, &str)> = received
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let request = V3Request {
        method: received.method,
        path: received.path,
        query: &query,
        headers: &headers,
        body: received.body,
    };
    verify_v3(&request, &key.secret).map_err(signature_rejection)?;
    let nonce = header("x-acs-signature-nonce").to_owned();
    check_nonce(nonces, &nonce, now)?;
    Ok(Authenticated {
        version: "v3",
        action: header("x-acs-action").to_owned(),
        api_version: header("x-acs-version").to_owned(),
        nonce,
    })
}

fn check_time(text: &str, now: OffsetDateTime) -> Result<(), Rejection> {
    let at = cams_signer::parse_timestamp(text).ok_or_else(|| {
        reject(
            400,
            "InvalidTimeStamp.Format",
            format!("The timestamp {text:?} is not in the format yyyy-MM-ddTHH:mm:ssZ."),
        )
    })?;
    if (now - at).abs() > TIME_WINDOW {
        return Err(reject(
            400,
            "InvalidTimeStamp.Expired",
            format!(
                "Specified time stamp or date value is expired: {text} is more than 15 minutes from the server time {}.",
                cams_signer::format_timestamp(now)
            ),
        ));
    }
    Ok(())
}

fn find_key<'k>(keys: &'k HashMap<String, Key>, id: &str) -> Result<&'k Key, Rejection> {
    keys.get(id).ok_or_else(|| {
        reject(
            404,
            "InvalidAccessKeyId.NotFound",
            format!("Specified access key is not found: {id:?}."),
        )
    })
}

fn check_token(key: &Key, received: Option<&str>) -> Result<(), Rejection> {
    match (&key.token, received) {
        (None, None) => Ok(()),
        (Some(expected), Some(token)) if expected == token => Ok(()),
        (Some(_), None) => Err(reject(
            400,
            "MissingSecurityToken",
            "The access key is temporary (STS) and the request carries no security token.",
        )),
        (Some(_), Some(_)) => Err(reject(
            400,
            "InvalidSecurityToken.Mismatch",
            "The security token does not match the access key.",
        )),
        (None, Some(_)) => Err(reject(
            400,
            "InvalidSecurityToken.Malformed",
            "A security token was sent with a long-term access key.",
        )),
    }
}

fn check_nonce(nonces: &mut NonceCache, nonce: &str, now: OffsetDateTime) -> Result<(), Rejection> {
    if nonces.insert(nonce, now) {
        Ok(())
    } else {
        Err(reject(
            400,
            "SignatureNonceUsed",
            format!("Specified signature nonce {nonce:?} was used already."),
        ))
    }
}

/// The real gateway quotes its string to sign in the message; so does the emulator.
fn signature_rejection(error: VerifyError) -> Rejection {
    match error {
        VerifyError::V1Mismatch { expected, .. } => reject(
            400,
            "SignatureDoesNotMatch",
            format!(
                "Specified signature is not matched with our calculation. server string to sign is:{}",
                expected.string_to_sign
            ),
        ),
        VerifyError::V3Mismatch { expected, .. } => reject(
            400,
            "SignatureDoesNotMatch",
            format!(
                "Specified signature is not matched with our calculation. server string to sign is:{}",
                expected.string_to_sign
            ),
        ),
        VerifyError::UnsupportedSignatureMethod(_) | VerifyError::UnsupportedAlgorithm(_) => {
            reject(400, "InvalidSignatureMethod", error.to_string())
        }
        other => reject(
            400,
            "IncompleteSignature",
            format!("The request signature does not conform to Aliyun standards: {other}."),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nonce_cache_forgets_after_the_window_and_stays_bounded() {
        let start = OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
        let mut cache = NonceCache::new(3);
        assert!(cache.insert("a", start));
        assert!(!cache.insert("a", start + time::Duration::minutes(14)));
        assert!(cache.insert("a", start + time::Duration::minutes(16)));
        for n in ["b", "c", "d", "e"] {
            assert!(cache.insert(n, start + time::Duration::minutes(16)));
        }
        assert!(cache.len() <= 3, "bounded: {}", cache.len());
    }
}
