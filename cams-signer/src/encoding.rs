//! Alibaba's percent-encoding rule (RFC 3986, strict).
//!
//! Every byte of the UTF-8 encoding is written as `%XX` with upper-case hex, except the
//! unreserved characters `A-Z a-z 0-9 - _ . ~`. A space is `%20`, never `+`.
//!
//! [`ALIBABA_ENCODE_SET`] is the rule's definition. Signing uses two tables derived from it
//! (kept equal to it by the `tables_agree_with_the_encode_set` test): each byte's encoding,
//! and the encoding of that encoding, which V1's string to sign needs. A table entry is one
//! machine word holding the encoded bytes and their count, so the encoder writes a whole word
//! and advances by the count: no branch per byte and no `memcpy` call per run, which is what
//! the short values of a request made expensive.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

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
    let mut sink = Sink::with_capacity(encoded_len(input.as_bytes()));
    sink.encode(&ONCE, input.as_bytes());
    sink.into_string()
}

/// Appends the percent-encoding of `input` to `out`, without an intermediate string: runs of
/// unreserved characters are copied as they are, each other byte as its `%XX`.
///
/// ```
/// let mut url = String::from("https://cams.aliyuncs.com/?InstanceName=");
/// cams_signer::encode_into(&mut url, "Acme Corp");
/// assert_eq!(url, "https://cams.aliyuncs.com/?InstanceName=Acme%20Corp");
/// ```
pub fn encode_into(out: &mut String, input: &str) {
    out.extend(percent_encoding::utf8_percent_encode(
        input,
        ALIBABA_ENCODE_SET,
    ));
}

/// Packs up to seven bytes little-endian into a word whose top byte is their count.
pub(crate) const fn pack(bytes: &[u8]) -> u64 {
    let mut word = (bytes.len() as u64) << 56;
    let mut i = 0;
    while i < bytes.len() {
        word |= (bytes[i] as u64) << (8 * i);
        i += 1;
    }
    word
}

const fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Builds an encoding table: unreserved bytes stand for themselves, every other byte for
/// `prefix` followed by its two upper-case hex digits.
const fn table(prefix: &[u8]) -> [u64; 256] {
    let mut table = [0; 256];
    let mut i = 0;
    while i < 256 {
        let byte = i as u8;
        table[i] = if is_unreserved(byte) {
            pack(&[byte])
        } else {
            let (hi, lo) = (
                HEX_UPPER[(byte >> 4) as usize],
                HEX_UPPER[(byte & 15) as usize],
            );
            match prefix {
                [a] => pack(&[*a, hi, lo]),
                [a, b, c] => pack(&[*a, *b, *c, hi, lo]),
                _ => panic!("prefixes are `%` and `%25`"),
            }
        };
        i += 1;
    }
    table
}

/// Each byte's encoding: itself, or `%XX`.
pub(crate) static ONCE: [u64; 256] = table(b"%");
/// Each byte's encoding encoded again: itself, or `%25XX`.
pub(crate) static TWICE: [u64; 256] = table(b"%25");

/// The length of the raw text of `pairs` with two separators each: the base for sizing the
/// buffer they are written to.
pub(crate) fn raw_len(pairs: &[(&str, &str)]) -> usize {
    pairs.iter().map(|(k, v)| k.len() + v.len() + 2).sum()
}

/// The length of `input` once encoded.
pub(crate) fn encoded_len(input: &[u8]) -> usize {
    input
        .iter()
        .map(|&byte| (ONCE[usize::from(byte)] >> 56) as usize)
        .sum()
}

/// A byte buffer written at a cursor. Every write stores a whole word and advances by the
/// count packed in it, so the buffer keeps eight bytes of slack past the cursor; a write that
/// would cross the end grows the buffer first, so a short size estimate costs time, not a panic.
pub(crate) struct Sink {
    buf: Vec<u8>,
    len: usize,
}

const SLACK: usize = 8;

impl Sink {
    /// A sink for about `capacity` bytes of output.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        // Not `vec![0; n]`: glibc serves that with `calloc`, which skips its per-thread cache,
        // so a signature allocated that way and freed kept the allocator consolidating.
        #[expect(
            clippy::slow_vector_initialization,
            reason = "`vec![0; n]` is `calloc`"
        )]
        let buf = {
            let mut buf = Vec::with_capacity(capacity + SLACK);
            buf.resize(capacity + SLACK, 0);
            buf
        };
        Self { buf, len: 0 }
    }

    /// Writes the bytes packed in `word` (see [`pack`]).
    #[inline(always)]
    pub(crate) fn put(&mut self, word: u64) {
        self.reserve(SLACK);
        self.len = put_word(&mut self.buf, self.len, word);
    }

    /// Writes `text` with its ASCII letters upper-cased (an HTTP method).
    pub(crate) fn put_uppercase(&mut self, text: &str) {
        for byte in text.bytes() {
            self.put(pack(&[byte.to_ascii_uppercase()]));
        }
    }

    /// Writes `bytes` as they are.
    pub(crate) fn put_slice(&mut self, bytes: &[u8]) {
        self.reserve(bytes.len());
        let end = self.len + bytes.len();
        self.buf[self.len..end].copy_from_slice(bytes);
        self.len = end;
    }

    /// Makes room for `additional` more bytes of output.
    #[inline(always)]
    fn reserve(&mut self, additional: usize) {
        reserve(&mut self.buf, self.len, additional);
    }

    /// Writes `input` encoded with `table` ([`ONCE`] or [`TWICE`]).
    #[inline(always)]
    pub(crate) fn encode(&mut self, table: &[u64; 256], input: &[u8]) {
        self.reserve(input.len() * widest(table));
        self.len = write_encoded(&mut self.buf, self.len, table, input);
    }

    /// The buffer and the cursor, for a writer that makes many writes: it keeps the cursor
    /// in a register, calling [`reserve`], [`put_word`] and [`write_encoded`]. Through
    /// `&mut Sink`, the cursor is stored and reloaded around every write, since the compiler
    /// cannot tell the buffer's bytes from it: V1's 60 writes per signature each waited on
    /// the previous one's store (25 ns in all).
    pub(crate) fn parts(&mut self) -> (&mut Vec<u8>, &mut usize) {
        (&mut self.buf, &mut self.len)
    }

    /// The text written. Every write is ASCII or whole UTF-8 characters, so the check passes;
    /// it replaces rather than panics if it ever did not.
    pub(crate) fn into_string(mut self) -> String {
        self.buf.truncate(self.len);
        String::from_utf8(self.buf)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

/// Makes room in `buf` for `additional` more bytes of output past `len`.
#[inline(always)]
pub(crate) fn reserve(buf: &mut Vec<u8>, len: usize, additional: usize) {
    let needed = len + additional + SLACK;
    if needed > buf.len() {
        grow(buf, needed);
    }
}

/// Grows `buf` to at least `needed` bytes: only when a size estimate was short.
#[cold]
#[inline(never)]
fn grow(buf: &mut Vec<u8>, needed: usize) {
    buf.resize(needed.max(buf.len() * 2), 0);
}

/// Writes `input` encoded with `table` ([`ONCE`] or [`TWICE`]) at `at`, after a [`reserve`]
/// of `widest` bytes per input byte, and returns the cursor after it.
///
/// Input is taken eight bytes at a time. A clean chunk is copied as one word. In a chunk with
/// one or two escapes, the clean runs before, between and after them are copied as words too,
/// so that it takes three or five stores instead of eight: stores, not computation, are what
/// bounds this loop. Other chunks, and the last seven bytes or fewer, are written byte by
/// byte through the table.
///
/// Measured slower here:
/// - a loop over any number of escapes (its exit is mispredicted);
/// - re-testing eight bytes from the byte after each escape;
/// - testing a chunk with arithmetic on the word instead of table look-ups;
/// - reading the tail as one word, whether copied whole when clean, put through the table as
///   eight bytes, handled as a chunk with a count, or taken as the input's last eight bytes
///   over the clean end of the chunk before (each costs 30 to 140 ns per signature);
/// - indexing a fixed window of the buffer, so that no byte's write is bounds-checked;
/// - a call per name and value instead of inlining (3 ns each).
#[inline(always)]
pub(crate) fn write_encoded(buf: &mut [u8], at: usize, table: &[u64; 256], input: &[u8]) -> usize {
    let mut len = at;
    let mut rest = input;
    while let Some((chunk, tail)) = rest.split_first_chunk::<8>() {
        let escapes = escapes(chunk);
        // Without the first escape's bit: zero when there is one escape.
        let others = escapes & escapes.wrapping_sub(1);
        if escapes == 0 {
            buf[len..len + 8].copy_from_slice(chunk);
            len += 8;
        } else if others & others.wrapping_sub(1) == 0 {
            // The clean runs around one or two escapes are copied as words.
            let first = escapes.trailing_zeros() as usize & 7;
            buf[len..len + 8].copy_from_slice(chunk);
            len = put_escape(buf, len + first, table, chunk, first);
            let mut last = first;
            if others != 0 {
                last = others.trailing_zeros() as usize & 7;
                len = put_escape(buf, len + (last - first - 1), table, chunk, last);
            }
            len += 7 - last;
        } else {
            for &byte in chunk {
                len = put_word(buf, len, table[usize::from(byte)]);
            }
        }
        rest = tail;
    }
    for &byte in rest {
        len = put_word(buf, len, table[usize::from(byte)]);
    }
    len
}

/// The longest encoding in `table`: that of byte 0, which every rule escapes.
pub(crate) fn widest(table: &[u64; 256]) -> usize {
    (table[0] >> 56) as usize
}

/// Stores `word` at `at` and returns the cursor advanced by the count packed in it.
#[inline(always)]
pub(crate) fn put_word(buf: &mut [u8], at: usize, word: u64) -> usize {
    buf[at..at + SLACK].copy_from_slice(&word.to_le_bytes());
    at + (word >> 56) as usize
}

/// Writes the encoding of `chunk[at]` at `len`, followed by the bytes after it as they are,
/// and returns the cursor after the encoding.
#[inline(always)]
fn put_escape(buf: &mut [u8], len: usize, table: &[u64; 256], chunk: &[u8; 8], at: usize) -> usize {
    let len = put_word(buf, len, table[usize::from(chunk[at])]);
    let after = u64::from_le_bytes(*chunk) >> (8 * at) >> 8;
    buf[len..len + 8].copy_from_slice(&after.to_le_bytes());
    len
}

/// For each position in a chunk, a table of bytes with that position's bit set where the byte
/// is escaped.
static ESCAPED_AT: [[u8; 256]; 8] = {
    let mut tables = [[0; 256]; 8];
    let mut at = 0;
    while at < 8 {
        let mut byte = 0;
        while byte < 256 {
            if !is_unreserved(byte as u8) {
                tables[at][byte] = 1 << at;
            }
            byte += 1;
        }
        at += 1;
    }
    tables
};

/// The positions of the escaped bytes of a chunk, as bits.
#[inline(always)]
fn escapes(chunk: &[u8; 8]) -> u8 {
    let mut mask = 0;
    for (at, &byte) in chunk.iter().enumerate() {
        mask |= ESCAPED_AT[at][usize::from(byte)];
    }
    mask
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

    fn unpack(word: u64) -> Vec<u8> {
        let len = (word >> 56) as usize;
        word.to_le_bytes()[..len].to_vec()
    }

    #[test]
    fn tables_agree_with_the_encode_set() {
        for byte in 0..=255u8 {
            let once: String =
                percent_encoding::percent_encode(&[byte], ALIBABA_ENCODE_SET).collect();
            let twice: String =
                percent_encoding::utf8_percent_encode(&once, ALIBABA_ENCODE_SET).collect();
            assert_eq!(
                unpack(ONCE[usize::from(byte)]),
                once.as_bytes(),
                "byte {byte:#04x}"
            );
            assert_eq!(
                unpack(TWICE[usize::from(byte)]),
                twice.as_bytes(),
                "byte {byte:#04x}"
            );
        }
    }

    #[test]
    fn escape_positions_agree_with_the_encode_set() {
        for (at, table) in ESCAPED_AT.iter().enumerate() {
            for byte in 0..=255u8 {
                let escaped = (ONCE[usize::from(byte)] >> 56) > 1;
                assert_eq!(
                    table[usize::from(byte)] == 1 << at,
                    escaped,
                    "{byte:#04x} at {at}"
                );
            }
        }
    }

    #[test]
    fn chunks_with_escapes_anywhere_encode_exactly() {
        // Every placement of zero to three escapes in a chunk, in inputs whose chunk is
        // followed by tails of several lengths: each path of the encoder, at every offset.
        let escapes = [" ", "*", "/", "%", "=", "&", "+"];
        for mask in 0u32..256 {
            if mask.count_ones() > 3 {
                continue;
            }
            let mut chunk = String::new();
            for at in 0..8 {
                match mask >> at & 1 {
                    1 => chunk.push_str(escapes[at % escapes.len()]),
                    _ => chunk.push(char::from(b'a' + at as u8)),
                }
            }
            for tail in ["", "x", "Ab~", "é", "12 4567"] {
                let input = format!("{chunk}{tail}");
                let once = percent_encode(&input);
                let reference: String =
                    percent_encoding::utf8_percent_encode(&input, ALIBABA_ENCODE_SET).collect();
                assert_eq!(once, reference, "{input:?}");
                let mut sink = Sink::with_capacity(0);
                sink.encode(&TWICE, input.as_bytes());
                assert_eq!(sink.into_string(), percent_encode(&reference), "{input:?}");
            }
        }
    }

    #[test]
    fn a_sink_grows_past_a_short_estimate() {
        let mut sink = Sink::with_capacity(0);
        let input = "测试 value/with*escapes".repeat(20);
        sink.encode(&TWICE, input.as_bytes());
        sink.put_slice(b"&tail");
        let expected = percent_encode(&percent_encode(&input)) + "&tail";
        assert_eq!(sink.into_string(), expected);
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
