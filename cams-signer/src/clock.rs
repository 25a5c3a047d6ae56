//! The two inputs that change on every request: the timestamp and the nonce.
//!
//! The signing functions take both as plain strings; these helpers produce them.

use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};
use time::{OffsetDateTime, format_description::FormatItem, macros::format_description};

const TIMESTAMP_FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

/// Formats `at` in Alibaba's timestamp format, `YYYY-MM-DDThh:mm:ssZ` in UTC.
///
/// ```
/// use time::macros::datetime;
/// assert_eq!(cams_signer::format_timestamp(datetime!(2025-01-02 03:04:05.678 UTC)), "2025-01-02T03:04:05Z");
/// ```
pub fn format_timestamp(at: OffsetDateTime) -> String {
    let utc = at.to_offset(time::UtcOffset::UTC);
    // The format has no component that can fail for a valid date in years 0..=9999.
    utc.format(TIMESTAMP_FORMAT).unwrap_or_else(|_| {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            utc.year(),
            u8::from(utc.month()),
            utc.day(),
            utc.hour(),
            utc.minute(),
            utc.second()
        )
    })
}

/// The current time in Alibaba's timestamp format.
pub fn timestamp_now() -> String {
    format_timestamp(OffsetDateTime::now_utc())
}

/// Parses a timestamp in Alibaba's format (`2025-01-02T03:04:05Z`). Returns `None` when `text`
/// is not in that exact format.
pub fn parse_timestamp(text: &str) -> Option<OffsetDateTime> {
    time::PrimitiveDateTime::parse(text, TIMESTAMP_FORMAT)
        .ok()
        .map(|t| t.assume_utc())
}

/// A fresh nonce: 32 lower-case hex characters from the operating system's random source.
///
/// Should that source fail, the nonce is derived from the time, the process and a counter,
/// which keeps it unique (all a nonce needs to be) without panicking.
pub fn new_nonce() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let mut hasher = Sha256::new();
        hasher.update(nanos.to_le_bytes());
        hasher.update(std::process::id().to_le_bytes());
        hasher.update(COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
        bytes.copy_from_slice(&hasher.finalize()[..16]);
    }
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_32_lower_hex_and_differ() {
        let a = new_nonce();
        let b = new_nonce();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')));
        assert_ne!(a, b);
    }

    #[test]
    fn timestamps_round_trip() {
        let now = timestamp_now();
        let parsed = parse_timestamp(&now).expect("own timestamp parses");
        assert_eq!(format_timestamp(parsed), now);
        assert!(parse_timestamp("2025-01-02 03:04:05").is_none());
        assert!(parse_timestamp("2025-01-02T03:04:05.123Z").is_none());
    }
}
