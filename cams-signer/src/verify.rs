//! Server-side verification: recompute a received request's signature and compare it in
//! constant time. A mismatch says which part differs and carries the server's intermediates.

use crate::v1::{self, V1Signature};
use crate::v3::{self, V3Request, V3Signature};
use std::fmt;
use subtle::ConstantTimeEq;

/// Why a received request's signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// V1: there is no `Signature` parameter.
    MissingSignature,
    /// V1: `SignatureMethod` is absent or is not `HMAC-SHA1`.
    UnsupportedSignatureMethod(String),
    /// V3: the `Authorization` header is absent.
    MissingAuthorization,
    /// V3: the `Authorization` header is not `ALGORITHM Credential=…,SignedHeaders=…,Signature=…`.
    MalformedAuthorization(String),
    /// V3: the algorithm is not `ACS3-HMAC-SHA256`.
    UnsupportedAlgorithm(String),
    /// V3: a header listed in `SignedHeaders` was not received.
    MissingSignedHeader(String),
    /// V3: `x-acs-content-sha256` does not match the body received.
    PayloadHashMismatch {
        /// The value of `x-acs-content-sha256`.
        declared: String,
        /// The SHA-256 of the body received.
        computed: String,
    },
    /// V1: the signatures differ. Holds what the server computed.
    V1Mismatch {
        /// The server's canonical query, string to sign and signature.
        expected: V1Signature,
        /// The signature the request carried.
        received: String,
    },
    /// V3: the signatures differ. Holds what the server computed.
    V3Mismatch {
        /// The server's canonical request, string to sign and signature.
        expected: Box<V3Signature>,
        /// The signature the request carried.
        received: String,
    },
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingSignature => f.write_str("the request has no Signature parameter"),
            Self::UnsupportedSignatureMethod(m) => write!(
                f,
                "SignatureMethod {m:?} is not supported; use {:?}",
                v1::SIGNATURE_METHOD
            ),
            Self::MissingAuthorization => f.write_str("the request has no Authorization header"),
            Self::MalformedAuthorization(why) => write!(f, "malformed Authorization header: {why}"),
            Self::UnsupportedAlgorithm(a) => {
                write!(
                    f,
                    "algorithm {a:?} is not supported; use {:?}",
                    v3::ALGORITHM
                )
            }
            Self::MissingSignedHeader(h) => {
                write!(
                    f,
                    "header {h:?} is listed in SignedHeaders but was not sent"
                )
            }
            Self::PayloadHashMismatch { declared, computed } => write!(
                f,
                "x-acs-content-sha256 is {declared} but the body received hashes to {computed}"
            ),
            Self::V1Mismatch { expected, .. } => write!(
                f,
                "signature does not match; server string to sign is: {}",
                expected.string_to_sign
            ),
            Self::V3Mismatch { expected, .. } => write!(
                f,
                "signature does not match; server string to sign is: {:?}; canonical request is: {:?}",
                expected.string_to_sign, expected.canonical_request
            ),
        }
    }
}

impl std::error::Error for VerifyError {}

/// The parts of a V3 `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization<'a> {
    /// The algorithm, `ACS3-HMAC-SHA256` when supported.
    pub algorithm: &'a str,
    /// The AccessKey ID from `Credential=`.
    pub access_key_id: &'a str,
    /// The signed header names, as listed.
    pub signed_headers: Vec<&'a str>,
    /// The hex signature.
    pub signature: &'a str,
}

impl<'a> Authorization<'a> {
    /// Parses `ALGORITHM Credential=ID,SignedHeaders=a;b,Signature=HEX`.
    pub fn parse(value: &'a str) -> Result<Self, VerifyError> {
        let malformed = |why: &str| VerifyError::MalformedAuthorization(why.to_owned());
        let (algorithm, rest) = value
            .trim()
            .split_once(' ')
            .ok_or_else(|| malformed("expected an algorithm, a space, then the fields"))?;
        let (mut credential, mut signed, mut signature) = (None, None, None);
        for field in rest.split(',') {
            let (key, val) = field
                .trim()
                .split_once('=')
                .ok_or_else(|| malformed("each field must be Name=value"))?;
            match key {
                "Credential" => credential = Some(val),
                "SignedHeaders" => signed = Some(val),
                "Signature" => signature = Some(val),
                _ => return Err(malformed(&format!("unknown field {key:?}"))),
            }
        }
        let access_key_id = credential
            .filter(|c| !c.is_empty())
            .ok_or_else(|| malformed("Credential is missing"))?;
        let signed = signed.ok_or_else(|| malformed("SignedHeaders is missing"))?;
        let signature = signature
            .filter(|s| !s.is_empty())
            .ok_or_else(|| malformed("Signature is missing"))?;
        Ok(Self {
            algorithm,
            access_key_id,
            signed_headers: signed.split(';').filter(|h| !h.is_empty()).collect(),
            signature,
        })
    }
}

fn equal_in_constant_time(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Verifies a V1-signed request.
///
/// `query` and `form` are the decoded parameters received; the signed set is their union (a
/// form value wins over a query value of the same name) minus `Signature`. On success, returns
/// the server's computation.
pub fn verify_v1(
    method: &str,
    query: &[(&str, &str)],
    form: &[(&str, &str)],
    access_key_secret: &str,
) -> Result<V1Signature, VerifyError> {
    // Later entries win in `canonicalize`, so the form comes after the query.
    let all = || query.iter().chain(form.iter());
    let last_value = |name: &str| all().rev().find(|(k, _)| *k == name).map(|(_, v)| *v);
    let received = last_value("Signature").ok_or(VerifyError::MissingSignature)?;
    let method_param = last_value("SignatureMethod").unwrap_or_default();
    if method_param != v1::SIGNATURE_METHOD {
        return Err(VerifyError::UnsupportedSignatureMethod(
            method_param.to_owned(),
        ));
    }
    let expected = v1::sign(
        method,
        all().filter(|(k, _)| *k != "Signature").copied(),
        access_key_secret,
    );
    if equal_in_constant_time(&expected.signature, received) {
        Ok(expected)
    } else {
        Err(VerifyError::V1Mismatch {
            expected,
            received: received.to_owned(),
        })
    }
}

/// Verifies a V3-signed request. `request.headers` are all the headers received, including
/// `Authorization`; the ones its `SignedHeaders` lists are the ones checked.
pub fn verify_v3(
    request: &V3Request<'_>,
    access_key_secret: &str,
) -> Result<V3Signature, VerifyError> {
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    };
    let auth =
        Authorization::parse(header("authorization").ok_or(VerifyError::MissingAuthorization)?)?;
    if auth.algorithm != v3::ALGORITHM {
        return Err(VerifyError::UnsupportedAlgorithm(auth.algorithm.to_owned()));
    }
    let mut signed = Vec::with_capacity(auth.signed_headers.len());
    for name in &auth.signed_headers {
        let mut found = false;
        for (k, v) in request
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        {
            signed.push((*k, *v));
            found = true;
        }
        if !found {
            return Err(VerifyError::MissingSignedHeader((*name).to_owned()));
        }
    }
    let expected = v3::sign_headers(request, &signed, auth.access_key_id, access_key_secret);
    if let Some(declared) = header("x-acs-content-sha256")
        && !declared
            .trim()
            .eq_ignore_ascii_case(&expected.hashed_payload)
    {
        return Err(VerifyError::PayloadHashMismatch {
            declared: declared.to_owned(),
            computed: expected.hashed_payload,
        });
    }
    if equal_in_constant_time(&expected.signature, auth.signature) {
        Ok(expected)
    } else {
        Err(VerifyError::V3Mismatch {
            expected: Box::new(expected),
            received: auth.signature.to_owned(),
        })
    }
}

/// Where two strings (say, our string to sign and the server's) first differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The byte offset of the first differing character.
    pub offset: usize,
    /// Up to 24 characters of `ours` from that offset.
    pub ours: String,
    /// Up to 24 characters of `theirs` from that offset.
    pub theirs: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "first difference at byte {}: ours {:?}, theirs {:?}",
            self.offset, self.ours, self.theirs
        )
    }
}

/// Finds where `ours` and `theirs` first differ, or `None` when they are equal.
///
/// ```
/// let d = cams_signer::first_difference("POST&%2F&A%3D1", "POST&%2F&A%3D2").unwrap();
/// assert_eq!(d.offset, 13);
/// assert_eq!((d.ours.as_str(), d.theirs.as_str()), ("1", "2"));
/// ```
pub fn first_difference(ours: &str, theirs: &str) -> Option<Difference> {
    if ours == theirs {
        return None;
    }
    let offset = ours
        .char_indices()
        .zip(theirs.chars())
        .find(|((_, a), b)| a != b)
        .map(|((i, _), _)| i)
        .unwrap_or_else(|| ours.len().min(theirs.len()));
    let excerpt = |s: &str| {
        s.get(offset..)
            .unwrap_or_default()
            .chars()
            .take(24)
            .collect()
    };
    Some(Difference {
        offset,
        ours: excerpt(ours),
        theirs: excerpt(theirs),
    })
}
