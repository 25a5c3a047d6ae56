//! The vectors Alibaba's official Python SDK computed (`tests/data/signing-vectors.json`), one
//! test per vector, each checking every intermediate string and not only the signature.

use cams_signer::v3::{self, V3Request};
use cams_signer::{v1, verify_v1, verify_v3};
use serde_json::{Map, Value};
use std::sync::OnceLock;

fn vectors() -> &'static Value {
    static VECTORS: OnceLock<Value> = OnceLock::new();
    VECTORS.get_or_init(|| {
        serde_json::from_str(include_str!("data/signing-vectors.json")).expect("vectors are JSON")
    })
}

fn case(list: &str, name: &str) -> &'static Map<String, Value> {
    vectors()[list]
        .as_array()
        .expect("a list of vectors")
        .iter()
        .filter_map(Value::as_object)
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {list} vector named {name}"))
}

fn str_of<'a>(case: &'a Map<String, Value>, field: &str) -> &'a str {
    case[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} is a string"))
}

fn pairs(case: &Map<String, Value>, field: &str) -> Vec<(String, String)> {
    case[field]
        .as_object()
        .unwrap_or_else(|| panic!("{field} is an object"))
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("string values").to_owned()))
        .collect()
}

fn check_v1(name: &str) {
    let c = case("v1", name);
    let params = pairs(c, "params");
    let secret = str_of(c, "access_key_secret");
    assert_eq!(format!("{secret}&"), str_of(c, "hmac_key"));
    let signed = v1::sign(
        str_of(c, "method"),
        params.iter().map(|(k, v)| (k, v)),
        secret,
    );
    assert_eq!(
        signed.canonicalized_query(),
        str_of(c, "canonicalized_query"),
        "{name}: canonicalized query"
    );
    assert_eq!(
        signed.string_to_sign,
        str_of(c, "string_to_sign"),
        "{name}: string to sign"
    );
    assert_eq!(
        signed.signature,
        str_of(c, "signature"),
        "{name}: signature"
    );

    // A server receiving these parameters accepts them, and refuses them with another secret.
    let mut received: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    received.push(("Signature", &signed.signature));
    assert_eq!(
        verify_v1(str_of(c, "method"), &received, &[], secret),
        Ok(signed.clone())
    );
    assert!(verify_v1(str_of(c, "method"), &received, &[], "wrong").is_err());
}

fn check_v3(name: &str) {
    let c = case("v3", name);
    let query = pairs(c, "query");
    let headers = pairs(c, "headers");
    let query: Vec<(&str, &str)> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let request = V3Request {
        method: str_of(c, "method"),
        path: str_of(c, "path"),
        query: &query,
        headers: &headers,
        body: str_of(c, "body").as_bytes(),
    };
    let (id, secret) = (str_of(c, "access_key_id"), str_of(c, "access_key_secret"));
    let signed = v3::sign(&request, id, secret);
    assert_eq!(
        signed.hashed_payload,
        str_of(c, "hashed_payload"),
        "{name}: hashed payload"
    );
    assert_eq!(
        signed.canonical_request,
        str_of(c, "canonical_request"),
        "{name}: canonical request"
    );
    assert_eq!(
        signed.string_to_sign,
        str_of(c, "string_to_sign"),
        "{name}: string to sign"
    );
    assert_eq!(
        signed.authorization,
        str_of(c, "authorization"),
        "{name}: authorization"
    );

    let mut all_headers = headers.clone();
    all_headers.push(("Authorization", &signed.authorization));
    let received = V3Request {
        headers: &all_headers,
        ..request
    };
    assert_eq!(verify_v3(&received, secret), Ok(signed.clone()));
    assert!(verify_v3(&received, "wrong").is_err());
}

macro_rules! vector_tests {
    ($check:ident: $($name:ident),* $(,)?) => {
        $( #[test] fn $name() { $check(stringify!($name)); } )*
    };
}

// Test names are the vector names, one of which keeps the doc's `TimeStamp` spelling.
#[allow(non_snake_case)]
mod v1_vectors {
    use super::check_v1;
    vector_tests!(check_v1:
        doc_ecs_describe_regions_get,
        doc_ecs_describe_regions_TimeStamp_variant_get,
        doc_ecs_describe_regions_post,
        plain_ascii_query_instance,
        spaces,
        asterisk_tilde_slash,
        empty_value,
        many_params_create_instance,
        e2e_cams_client_create_instance_v1,
    );
}

mod v3_vectors {
    use super::check_v3;
    vector_tests!(check_v3:
        doc_ecs_run_instances,
        plain_ascii_query_instance,
        spaces,
        asterisk_tilde_slash,
        no_query_params,
        many_params_create_instance,
        form_body_payload,
        get_method,
        e2e_cams_client_create_instance_v3,
    );
}

/// Every vector in the data file has a test above: a vector added to the file without a test
/// fails here rather than going unchecked.
#[test]
fn every_vector_has_a_test() {
    let names = |list: &str| -> Vec<String> {
        vectors()[list]
            .as_array()
            .expect("a list")
            .iter()
            .map(|c| c["name"].as_str().expect("a name").to_owned())
            .collect()
    };
    let source = include_str!("vectors.rs");
    for list in ["v1", "v3"] {
        for name in names(list) {
            assert!(
                source.contains(&format!("        {name},")),
                "{list} vector {name} has no test"
            );
        }
    }
}

/// Verification names the part that differs: the body, a missing signed header, the signature.
#[test]
fn v3_verification_names_what_differs() {
    use cams_signer::VerifyError;
    let c = case("v3", "form_body_payload");
    let query = pairs(c, "query");
    let headers = pairs(c, "headers");
    let query: Vec<(&str, &str)> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let secret = str_of(c, "access_key_secret");
    let mut received = headers.clone();
    received.push(("Authorization", str_of(c, "authorization")));
    let request = V3Request {
        method: "POST",
        path: "/",
        query: &query,
        headers: &received,
        body: str_of(c, "body").as_bytes(),
    };
    assert!(verify_v3(&request, secret).is_ok());

    let tampered = V3Request {
        body: b"ChannelType=viber",
        ..request
    };
    assert!(matches!(
        verify_v3(&tampered, secret),
        Err(VerifyError::PayloadHashMismatch { .. })
    ));

    let without_type: Vec<(&str, &str)> = received
        .iter()
        .copied()
        .filter(|(k, _)| *k != "content-type")
        .collect();
    let missing = V3Request {
        headers: &without_type,
        ..request
    };
    assert_eq!(
        verify_v3(&missing, secret),
        Err(VerifyError::MissingSignedHeader("content-type".into()))
    );

    match verify_v3(&request, "wrong-secret") {
        Err(VerifyError::V3Mismatch { expected, received }) => {
            assert_eq!(
                expected.canonical_request,
                str_of(c, "canonical_request"),
                "the server's canonical request is shown"
            );
            assert_ne!(expected.signature, received);
        }
        other => panic!("expected a signature mismatch, got {other:?}"),
    }
}
