//! Alibaba's percent-encoding rule (RFC 3986, strict).
//!
//! Every byte of the UTF-8 encoding is written as `%XX` with upper-case hex, except the
//! unreserved characters `A-Z a-z 0-9 - _ . ~`. A space is `%20`, never `+`.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_encode_byte};

/// The bytes Alibaba escapes: everything but `A-Z a-z 0-9 - _ . ~`.
pub const ALIBABA_ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes `input` with Alibaba's rule.
///
/// ```
/// assert_eq!(cams_signer::percent_encode("a b*c~/测"), "a%20b%2Ac~%2F%E6%B5%8B");
/// ```
pub fn percent_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    encode_into(&mut out, input);
    out
}

/// For each byte, whether [`ALIBABA_ENCODE_SET`] escapes it (every non-ASCII byte is escaped).
/// A table lookup per byte is what keeps signing within twice the cost of the bare HMAC; the
/// `table_agrees_with_the_encode_set` test keeps it equal to the set.
static ESCAPED: [bool; 256] = {
    let mut table = [true; 256];
    let mut byte = 0;
    while byte < 128 {
        let b = byte as u8;
        table[byte] = !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'));
        byte += 1;
    }
    table
};

/// Appends the percent-encoding of `input` to `out`.
pub fn encode_into(out: &mut String, input: &str) {
    let mut buf = Vec::with_capacity(input.len() * 3 / 2);
    encode_bytes(&mut buf, input.as_bytes());
    out.push_str(&utf8_into_string(buf));
}

/// Appends the percent-encoding of `input` to a byte buffer. Runs of unreserved bytes are
/// copied as slices; each escaped byte is written as `%XX` from the crate's table.
pub(crate) fn encode_bytes(out: &mut Vec<u8>, input: &[u8]) {
    let mut run_start = 0;
    for (i, &byte) in input.iter().enumerate() {
        if ESCAPED[usize::from(byte)] {
            out.extend_from_slice(&input[run_start..i]);
            let hex = percent_encode_byte(byte).as_bytes();
            out.extend_from_slice(&[b'%', hex[1], hex[2]]);
            run_start = i + 1;
        }
    }
    out.extend_from_slice(&input[run_start..]);
}

/// Appends `pct(input)` to `once` and `pct(pct(input))` to `twice` in a single pass: V1's
/// string to sign encodes the canonical query a second time, which turns each `%XX` into
/// `%25XX` and leaves unreserved bytes alone.
pub(crate) fn encode_once_and_twice(once: &mut Vec<u8>, twice: &mut Vec<u8>, input: &[u8]) {
    let mut run_start = 0;
    for (i, &byte) in input.iter().enumerate() {
        if ESCAPED[usize::from(byte)] {
            let run = &input[run_start..i];
            once.extend_from_slice(run);
            twice.extend_from_slice(run);
            let hex = percent_encode_byte(byte).as_bytes();
            once.extend_from_slice(&[b'%', hex[1], hex[2]]);
            twice.extend_from_slice(&[b'%', b'2', b'5', hex[1], hex[2]]);
            run_start = i + 1;
        }
    }
    let run = &input[run_start..];
    once.extend_from_slice(run);
    twice.extend_from_slice(run);
}

/// Turns a buffer of encoded text (valid UTF-8 by construction: upper-cased ASCII and
/// whole characters) into a `String`, without a panic path.
pub(crate) fn utf8_into_string(buf: Vec<u8>) -> String {
    String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Borrows `(name, value)` pairs sorted by the UTF-8 bytes of the name (then of the value
/// when `by_value`), keeping equal pairs in input order.
///
/// Requests are small (about 15 pairs) and a comparison of two `&str` is a `memcmp` call, which
/// made sorting cost as much as the HMAC. So the pairs are first sorted as plain integers (an
/// 8-byte big-endian name prefix above the input index), and only runs whose prefixes tie are
/// sorted again by the whole name.
pub(crate) fn sorted_pairs<K: AsRef<str>, V: AsRef<str>>(
    pairs: &[(K, V)],
    by_value: bool,
) -> Vec<(&str, &str)> {
    fn prefix(name: &str) -> u64 {
        let mut bytes = [0u8; 8];
        let n = name.len().min(8);
        bytes[..n].copy_from_slice(&name.as_bytes()[..n]);
        u64::from_be_bytes(bytes)
    }
    let mut keys: Vec<u128> = pairs
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (u128::from(prefix(name.as_ref())) << 64) | i as u128)
        .collect();
    keys.sort_unstable();
    let mut sorted: Vec<(&str, &str)> = keys
        .iter()
        .map(|&key| {
            let (name, value) = &pairs[(key as u64) as usize];
            (name.as_ref(), value.as_ref())
        })
        .collect();
    let mut start = 0;
    while start < keys.len() {
        let high = keys[start] >> 64;
        let end = start
            + keys[start..]
                .iter()
                .take_while(|&&k| k >> 64 == high)
                .count();
        if end - start > 1 {
            // Stable, and the run is in input order already: equal pairs keep that order.
            sorted[start..end].sort_by(|a, b| {
                let by_name = a.0.as_bytes().cmp(b.0.as_bytes());
                if by_value {
                    by_name.then_with(|| a.1.as_bytes().cmp(b.1.as_bytes()))
                } else {
                    by_name
                }
            });
        }
        start = end;
    }
    sorted
}

/// Decodes `%XX` sequences (and nothing else: `+` stays `+`), as a server reads a signed value.
/// Returns `None` when the decoded bytes are not UTF-8.
pub fn percent_decode(input: &str) -> Option<String> {
    percent_encoding::percent_decode_str(input)
        .decode_utf8()
        .ok()
        .map(|cow| cow.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_agrees_with_the_encode_set() {
        for byte in 0..=255u8 {
            let by_crate: String =
                percent_encoding::percent_encode(&[byte], ALIBABA_ENCODE_SET).collect();
            assert_eq!(
                ESCAPED[usize::from(byte)],
                by_crate.len() == 3,
                "byte {byte:#04x}"
            );
        }
    }

    #[test]
    fn documented_examples() {
        let cases = [
            (" ", "%20"),
            ("*", "%2A"),
            ("~", "~"),
            ("/", "%2F"),
            ("+", "%2B"),
            ("=", "%3D"),
            ("&", "%26"),
            (":", "%3A"),
            ("%", "%25"),
            ("\n", "%0A"),
            ("测", "%E6%B5%8B"),
            ("😀", "%F0%9F%98%80"),
            ("é", "%C3%A9"),
            ("Az09-_.", "Az09-_."),
        ];
        for (raw, encoded) in cases {
            assert_eq!(percent_encode(raw), encoded, "encoding {raw:?}");
            assert_eq!(percent_decode(encoded).as_deref(), Some(raw));
        }
    }
}
