//! Signing cost as a multiple of the bare cryptography, measured in alternation.
//!
//! Criterion measures each function on its own, and on a shared machine the processor's speed
//! can change between the two measurements being compared. Here each round times a batch of
//! signatures and then a batch of the bare cryptography over the same strings, so both see
//! the same machine. Printed: the median time per call of each, the ratio of their fastest
//! batches, and the median of the rounds' ratios.

mod common;

use cams_signer::{v1, v3};
use common::{ACCESS_KEY_ID, SECRET, bare_v1, bare_v3, v1_params, v3_request};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Calls per batch: long enough for the clock, short enough to see the machine change.
const BATCH: u32 = 200;
/// How long each comparison runs.
const BUDGET: Duration = Duration::from_secs(3);

fn main() {
    let params = v1_params();
    let v1_string = v1::sign_pairs("POST", &params, SECRET).string_to_sign;
    compare(
        "v1: sign_pairs, CreateInstance (15 params) / HMAC-SHA1 + base64",
        || v1::sign_pairs("POST", black_box(&params), black_box(SECRET)),
        || bare_v1(black_box(SECRET), black_box(&v1_string)),
    );

    let request = v3_request();
    let signed = v3::sign(&request, ACCESS_KEY_ID, SECRET);
    compare(
        "v3: sign, CreateInstance / SHA-256 + HMAC-SHA256",
        || v3::sign(black_box(&request), ACCESS_KEY_ID, black_box(SECRET)),
        || {
            bare_v3(
                black_box(SECRET),
                black_box(&signed.canonical_request),
                black_box(&signed.string_to_sign),
            )
        },
    );
}

fn compare<S, B>(name: &str, mut sign: impl FnMut() -> S, mut bare: impl FnMut() -> B) {
    let batch = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..BATCH {
            f();
        }
        start.elapsed().as_secs_f64() * 1e9 / f64::from(BATCH)
    };
    // Warm-up, then rounds until the budget is spent.
    let started = Instant::now();
    let (mut signs, mut bares) = (Vec::new(), Vec::new());
    while started.elapsed() < BUDGET {
        signs.push(batch(&mut || drop(black_box(sign()))));
        bares.push(batch(&mut || drop(black_box(bare()))));
    }
    let warm = signs.len() / 10;
    let (signs, bares) = (&signs[warm..], &bares[warm..]);
    let mut ratios: Vec<f64> = signs.iter().zip(bares).map(|(s, b)| s / b).collect();
    let (min_sign, min_bare) = (min(signs), min(bares));
    println!(
        "{name}\n  sign {:.0} ns, bare {:.0} ns (medians of {} batches of {BATCH}); \
         ratio of fastest batches {:.2}, median ratio {:.2}",
        median(&mut signs.to_vec()),
        median(&mut bares.to_vec()),
        signs.len(),
        min_sign / min_bare,
        median(&mut ratios),
    );
}

fn min(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
