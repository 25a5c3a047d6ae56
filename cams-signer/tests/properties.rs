//! Properties over arbitrary Unicode input: the encoding rule holds character by character,
//! the order parameters are given in never changes a signature, and no input panics.

use cams_signer::v3::{self, V3Request};
use cams_signer::verify::Authorization;
use cams_signer::{encode_into, percent_decode, percent_encode, v1, verify_v1, verify_v3};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;

/// The rule, written independently of the implementation: unreserved characters stay, every
/// other UTF-8 byte becomes `%XX` in upper-case hex.
fn reference_encode(input: &str) -> String {
    let mut out = String::new();
    for c in input.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~') {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

fn borrow(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    btree_map(any::<String>(), any::<String>(), 0..16).prop_map(|m| m.into_iter().collect())
}

proptest! {
    #[test]
    fn mostly_unreserved_text_encodes_by_the_rule(
        input in "[a-zA-Z0-9._~-]{0,12}([ *%/=&+:@é]{1,2}[a-zA-Z0-9._~-]{0,12}){0,4}",
        secret in "[a-z]{1,8}",
    ) {
        // Names and values are mostly unreserved, with an escape or two: the encoder copies
        // the runs between escapes as words.
        prop_assert_eq!(percent_encode(&input), reference_encode(&input));
        let signed = v1::sign("GET", [("Name", input.as_str())], &secret);
        let expected = format!("GET&%2F&Name%3D{}", reference_encode(&reference_encode(&input)));
        prop_assert_eq!(signed.string_to_sign, expected);
    }

    #[test]
    fn encoding_follows_the_rule(input in any::<String>()) {
        let encoded = percent_encode(&input);
        prop_assert_eq!(&encoded, &reference_encode(&input));
        let mut appended = String::from("k=");
        encode_into(&mut appended, &input);
        prop_assert_eq!(appended, format!("k={encoded}"));
        prop_assert_eq!(percent_decode(&encoded), Some(input));
    }

    #[test]
    fn v1_order_never_changes_the_signature(
        (original, shuffled) in params().prop_flat_map(|p| (Just(p.clone()), Just(p).prop_shuffle())),
        secret in any::<String>(),
        method in "GET|POST",
    ) {
        let a = v1::sign(&method, original.iter().map(|(k, v)| (k, v)), &secret);
        let b = v1::sign(&method, shuffled.iter().map(|(k, v)| (k, v)), &secret);
        prop_assert_eq!(&a, &b);
        // The slice entry point signs the same set the same way.
        prop_assert_eq!(&v1::sign_pairs(&method, &shuffled, &secret), &a);
    }

    #[test]
    fn v1_intermediates_agree_with_each_other(
        params in vec((any::<String>(), any::<String>()), 0..16),
        secret in any::<String>(),
        method in "GET|POST|get|[A-Za-z&%=]{1,8}",
    ) {
        // The string to sign is built from the pairs directly; the canonicalized query is
        // decoded from it. Both must agree with the functions that build each on its own, with
        // repeated names and any method.
        let signed = v1::sign(&method, params.iter().map(|(k, v)| (k, v)), &secret);
        prop_assert_eq!(&v1::sign_pairs(&method, &params, &secret), &signed);
        let canonical = v1::canonicalize(params.iter().map(|(k, v)| (k, v)));
        prop_assert_eq!(signed.canonicalized_query(), canonical.clone());
        prop_assert_eq!(&signed.string_to_sign, &v1::string_to_sign(&method, &canonical));
        prop_assert_eq!(&signed.signature, &v1::signature(&secret, &signed.string_to_sign));
    }

    #[test]
    fn v3_order_never_changes_the_signature(
        (query, shuffled_query) in params().prop_flat_map(|p| (Just(p.clone()), Just(p).prop_shuffle())),
        (headers, shuffled_headers) in btree_map("[a-zA-Z-]{1,12}", "[ -~]{0,20}", 0..8)
            .prop_map(|m| m.into_iter().collect::<Vec<_>>())
            .prop_flat_map(|p| (Just(p.clone()), Just(p).prop_shuffle())),
        body in vec(any::<u8>(), 0..64),
        secret in any::<String>(),
    ) {
        let (q1, q2, h1, h2) = (borrow(&query), borrow(&shuffled_query), borrow(&headers), borrow(&shuffled_headers));
        let a = v3::sign(&V3Request { method: "POST", path: "/", query: &q1, headers: &h1, body: &body }, "id", &secret);
        let b = v3::sign(&V3Request { method: "POST", path: "/", query: &q2, headers: &h2, body: &body }, "id", &secret);
        prop_assert_eq!(a, b);
    }

    #[test]
    fn v1_signed_requests_verify_and_tampered_ones_do_not(
        params in params(), secret in any::<String>(), extra in any::<String>(),
    ) {
        let mut received: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        received.retain(|(k, _)| *k != "Signature" && *k != "SignatureMethod" && *k != "Tampered");
        received.push(("SignatureMethod", "HMAC-SHA1"));
        let signed = v1::sign("POST", received.iter().copied(), &secret);
        received.push(("Signature", &signed.signature));
        prop_assert!(verify_v1("POST", &received, &[], &secret).is_ok());
        received.push(("Tampered", &extra));
        prop_assert!(verify_v1("POST", &received, &[], &secret).is_err());
    }

    #[test]
    fn no_input_panics(
        method in any::<String>(), path in any::<String>(), pairs in vec((any::<String>(), any::<String>()), 0..8),
        body in vec(any::<u8>(), 0..32), secret in any::<String>(), authorization in any::<String>(),
    ) {
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let _ = v1::sign(&method, pairs.iter().copied(), &secret);
        let _ = verify_v1(&method, &pairs, &pairs, &secret);
        let request = V3Request { method: &method, path: &path, query: &pairs, headers: &pairs, body: &body };
        let _ = v3::sign(&request, &secret, &secret);
        let _ = verify_v3(&request, &secret);
        let _ = Authorization::parse(&authorization);
        let mut with_auth = pairs.clone();
        with_auth.push(("authorization", &authorization));
        let _ = verify_v3(&V3Request { headers: &with_auth, ..request }, &secret);
        let _ = percent_decode(&authorization);
        let _ = cams_signer::parse_timestamp(&authorization);
        let _ = cams_signer::first_difference(&method, &path);
    }
}
