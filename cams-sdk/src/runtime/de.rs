//! Lenient decoders for response fields: CAMS does not always send the type it documents.
//!
//! A field declared string accepts a JSON number or boolean (kept as its text); a numeric field
//! accepts a numeric string; `null` is absent. Anything else is an error naming what was found.

use serde::Deserialize;
use serde::de::{Deserializer, Error as _};
use serde_json::Value;

fn scalar<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Ok(Option::<Value>::deserialize(deserializer)?.filter(|v| !v.is_null()))
}

fn found(value: &Value) -> String {
    truncated(&value.to_string(), 60)
}

/// `text` cut to at most `limit` bytes at a character boundary, with `…` when it was cut: keeps
/// what an error quotes from a response bounded.
pub(crate) fn truncated(text: &str, limit: usize) -> String {
    if text.len() > limit {
        format!("{}…", &text[..text.floor_char_boundary(limit)])
    } else {
        text.to_owned()
    }
}

/// A string, or a number or boolean as its text.
pub fn string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    match scalar(deserializer)? {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v @ (Value::Number(_) | Value::Bool(_))) => Ok(Some(v.to_string())),
        Some(other) => Err(D::Error::custom(format!(
            "expected a string, found {}",
            found(&other)
        ))),
    }
}

fn integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    match scalar(deserializer)? {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("expected a whole number, found {n}"))),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| {
            D::Error::custom(format!("expected a whole number, found the string {s:?}"))
        }),
        Some(other) => Err(D::Error::custom(format!(
            "expected a whole number, found {}",
            found(&other)
        ))),
    }
}

/// A 64-bit integer, or a string holding one.
pub fn i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    integer(deserializer)
}

/// A 32-bit integer, or a string holding one.
pub fn i32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i32>, D::Error> {
    match integer(deserializer)? {
        None => Ok(None),
        Some(n) => i32::try_from(n)
            .map(Some)
            .map_err(|_| D::Error::custom(format!("{n} does not fit a 32-bit integer"))),
    }
}

/// A number, or a string holding one.
pub fn f64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    match scalar(deserializer)? {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("expected a number, found the string {s:?}"))),
        Some(other) => Err(D::Error::custom(format!(
            "expected a number, found {}",
            found(&other)
        ))),
    }
}

/// A boolean, or the strings `true`/`false` (any case).
pub fn bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    match scalar(deserializer)? {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(b)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(other) => Err(D::Error::custom(format!(
            "expected a boolean, found {}",
            found(&other)
        ))),
    }
}

/// An optional string enumeration, decoded leniently (a number is taken as its text).
pub fn string_enum<'de, D: Deserializer<'de>, T: From<String>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    Ok(string(deserializer)?.map(T::from))
}

/// A string enumeration: used by the generated `Deserialize` impls.
pub fn enum_value<'de, D: Deserializer<'de>, T: From<String>>(
    deserializer: D,
) -> Result<T, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::String(s) => Ok(T::from(s)),
        v @ (Value::Number(_) | Value::Bool(_)) => Ok(T::from(v.to_string())),
        other => Err(D::Error::custom(format!(
            "expected a string, found {}",
            found(&other)
        ))),
    }
}
