#![allow(missing_docs)] // criterion_group! generates an undocumented function

//! Signing cost against the bare cryptography over the same strings.
//!
//! V1: a typical CreateInstance parameter set (15 parameters) against HMAC-SHA1 + base64 of the
//! same string to sign. V3: the same request against SHA-256 of its canonical request +
//! HMAC-SHA256 of its string to sign. Each function is measured on its own, minutes apart
//! from the one it is compared with; `benches/ratio.rs` measures the ratios in alternation.

mod common;

use cams_signer::{v1, v3};
use common::{ACCESS_KEY_ID, SECRET, bare_v1, bare_v3, v1_params, v3_request};
use criterion::{Criterion, black_box, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let params = v1_params();
    let string_to_sign = v1::sign_pairs("POST", &params, SECRET).string_to_sign;
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
        b.iter(|| bare_v1(black_box(SECRET), black_box(&string_to_sign)))
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

    let request = v3_request();
    let signed = v3::sign(&request, ACCESS_KEY_ID, SECRET);
    let mut group = c.benchmark_group("v3");
    group.bench_function("sign_create_instance", |b| {
        b.iter(|| v3::sign(black_box(&request), ACCESS_KEY_ID, black_box(SECRET)))
    });
    group.bench_function("bare_sha256_hmac_sha256", |b| {
        b.iter(|| {
            bare_v3(
                black_box(SECRET),
                black_box(&signed.canonical_request),
                black_box(&signed.string_to_sign),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
