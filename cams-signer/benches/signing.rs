#![allow(missing_docs)] // criterion_group! generates an undocumented function

//! Signing cost against the bare cryptography over the same strings.
//!
//! V1: a typical CreateInstance parameter set (15 parameters) against HMAC-SHA1 + base64 of the
//! same string to sign. V3: the same request against SHA-256 of its canonical request +
//! HMAC-SHA256 of its string to sign.

use base64::Engine as _;
use cams_signer::v1;
use cams_signer::v3::{self, V3Request};
use criterion::{Criterion, black_box, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

const SECRET: &str = "TestAccessKeySecret0123456789ab";

const BUSINESS: [(&str, &str); 7] = [
    ("ChannelType", "whatsapp"),
    ("InstanceName", "Acme Corp"),
    ("InstanceDescription", "Primary WABA instance"),
    ("ResourceGroupId", "rg-acfm2abcdefg"),
    ("ContactMail", "ops+waba@example.com"),
    ("CountryId", "86"),
    ("IsvTerms", "https://a.com/1.pdf"),
];

fn v1_params() -> Vec<(&'static str, &'static str)> {
    let mut params = vec![
        ("Action", "CreateInstance"),
        ("Format", "json"),
        ("Version", "2020-06-06"),
        ("Timestamp", "2025-01-02T03:04:05Z"),
        ("SignatureNonce", "0123456789abcdef0123456789abcdef"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("AccessKeyId", "LTAI5tTestAccessKeyId"),
    ];
    params.extend(BUSINESS);
    params
}

const V3_HEADERS: [(&str, &str); 6] = [
    ("host", "cams.ap-southeast-1.aliyuncs.com"),
    ("x-acs-action", "CreateInstance"),
    ("x-acs-version", "2020-06-06"),
    ("x-acs-date", "2025-01-02T03:04:05Z"),
    ("x-acs-signature-nonce", "0123456789abcdef0123456789abcdef"),
    ("x-acs-content-sha256", v3::EMPTY_PAYLOAD_HASH),
];

fn bench(c: &mut Criterion) {
    let params = v1_params();
    assert_eq!(params.len(), 15);
    let string_to_sign = v1::sign("POST", params.iter().copied(), SECRET).string_to_sign;
    let mut group = c.benchmark_group("v1");
    // The SDK's call: the pairs in a slice.
    group.bench_function("sign_create_instance_15_params", |b| {
        b.iter(|| v1::sign_pairs("POST", black_box(&params), black_box(SECRET)))
    });
    // The same pairs from an iterator, which `sign` collects first.
    group.bench_function("sign_iter_create_instance_15_params", |b| {
        b.iter(|| {
            v1::sign(
                "POST",
                black_box(&params).iter().copied(),
                black_box(SECRET),
            )
        })
    });
    let canonical = v1::canonicalize(params.iter().copied());
    group.bench_function("part_canonicalize", |b| {
        b.iter(|| v1::canonicalize(black_box(&params).iter().copied()))
    });
    group.bench_function("part_string_to_sign", |b| {
        b.iter(|| v1::string_to_sign("POST", black_box(&canonical)))
    });
    group.bench_function("bare_hmac_sha1_base64", |b| {
        b.iter(|| {
            let mut key = String::with_capacity(SECRET.len() + 1);
            key.push_str(black_box(SECRET));
            key.push('&');
            let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).expect("any key length");
            mac.update(black_box(&string_to_sign).as_bytes());
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
        })
    });
    group.finish();

    // The signed request's URL query, as the SDK writes it: every name and value encoded.
    let mut group = c.benchmark_group("url");
    group.bench_function("encode_into_15_params", |b| {
        b.iter(|| {
            let mut url = String::with_capacity(1024);
            for (i, (name, value)) in black_box(&params).iter().enumerate() {
                if i > 0 {
                    url.push('&');
                }
                cams_signer::encode_into(&mut url, name);
                url.push('=');
                cams_signer::encode_into(&mut url, value);
            }
            url
        })
    });
    group.finish();

    let request = V3Request {
        method: "POST",
        path: "/",
        query: &BUSINESS,
        headers: &V3_HEADERS,
        body: b"",
    };
    let signed = v3::sign(&request, "LTAI5tTestAccessKeyId", SECRET);
    let mut group = c.benchmark_group("v3");
    group.bench_function("sign_create_instance", |b| {
        b.iter(|| {
            v3::sign(
                black_box(&request),
                "LTAI5tTestAccessKeyId",
                black_box(SECRET),
            )
        })
    });
    group.bench_function("bare_sha256_hmac_sha256", |b| {
        b.iter(|| {
            let digest = Sha256::digest(black_box(&signed.canonical_request).as_bytes());
            let mut mac = Hmac::<Sha256>::new_from_slice(black_box(SECRET).as_bytes())
                .expect("any key length");
            mac.update(black_box(&signed.string_to_sign).as_bytes());
            (digest, hex::encode(mac.finalize().into_bytes()))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
