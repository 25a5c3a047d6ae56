//! Signs the cases read on stdin and prints every intermediate string, for conformance checks
//! and for debugging a `SignatureDoesNotMatch`.
//!
//! ```text
//! cargo run -q -p cams-signer --example sign < cases.json
//! ```
//! Input: `{"v1":[{"name","method","params","access_key_secret"}…],
//! "v3":[{"name","method","path","query","headers","body","access_key_id","access_key_secret"}…]}`
//! (either list may be absent). V3's `headers` are exactly the headers to sign.

use cams_signer::v1;
use cams_signer::v3::{self, V3Request};
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::Read;
use std::process::ExitCode;

#[derive(Serialize)]
struct V1Out {
    name: String,
    canonicalized_query: String,
    string_to_sign: String,
    signature: String,
}

#[derive(Serialize)]
struct V3Out {
    name: String,
    hashed_payload: String,
    canonical_request: String,
    string_to_sign: String,
    authorization: String,
}

#[derive(Serialize)]
struct Output {
    v1: Vec<V1Out>,
    v3: Vec<V3Out>,
}

/// One case of the input, with the place it came from for error messages.
struct Case<'a> {
    place: String,
    fields: &'a Map<String, Value>,
}

impl<'a> Case<'a> {
    fn string(&self, field: &str) -> Result<&'a str, String> {
        match self.fields.get(field) {
            Some(Value::String(s)) => Ok(s),
            Some(other) => Err(format!(
                "{}: field {field:?} must be a string, found {}",
                self.place,
                kind(other)
            )),
            None => Err(format!("{}: field {field:?} is missing", self.place)),
        }
    }

    fn string_map(&self, field: &str) -> Result<Vec<(&'a str, &'a str)>, String> {
        let map = match self.fields.get(field) {
            Some(Value::Object(map)) => map,
            Some(other) => {
                return Err(format!(
                    "{}: field {field:?} must be an object, found {}",
                    self.place,
                    kind(other)
                ));
            }
            None => return Err(format!("{}: field {field:?} is missing", self.place)),
        };
        map.iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.as_str(), s.as_str())),
                other => Err(format!(
                    "{}: {field}.{k} must be a string, found {}",
                    self.place,
                    kind(other)
                )),
            })
            .collect()
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn cases<'a>(input: &'a Map<String, Value>, list: &str) -> Result<Vec<Case<'a>>, String> {
    let items = match input.get(list) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(format!(
                "{list:?} must be an array of cases, found {}",
                kind(other)
            ));
        }
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let fields = item
                .as_object()
                .ok_or_else(|| format!("{list}[{i}] must be an object, found {}", kind(item)))?;
            let place = match fields.get("name").and_then(Value::as_str) {
                Some(name) => format!("{list}[{i}] ({name:?})"),
                None => format!("{list}[{i}]"),
            };
            Ok(Case { place, fields })
        })
        .collect()
}

fn run(text: &str) -> Result<Output, String> {
    let input: Value =
        serde_json::from_str(text).map_err(|e| format!("stdin is not valid JSON: {e}"))?;
    let input = input.as_object().ok_or_else(|| {
        format!(
            "stdin must hold a JSON object with \"v1\" and/or \"v3\", found {}",
            kind(&input)
        )
    })?;
    let mut output = Output {
        v1: Vec::new(),
        v3: Vec::new(),
    };
    for case in cases(input, "v1")? {
        let signed = v1::sign(
            case.string("method")?,
            case.string_map("params")?,
            case.string("access_key_secret")?,
        );
        output.v1.push(V1Out {
            name: case.string("name")?.to_owned(),
            canonicalized_query: signed.canonicalized_query(),
            string_to_sign: signed.string_to_sign,
            signature: signed.signature,
        });
    }
    for case in cases(input, "v3")? {
        let query = case.string_map("query")?;
        let headers = case.string_map("headers")?;
        let request = V3Request {
            method: case.string("method")?,
            path: case.string("path")?,
            query: &query,
            headers: &headers,
            body: case.string("body")?.as_bytes(),
        };
        let signed = v3::sign(
            &request,
            case.string("access_key_id")?,
            case.string("access_key_secret")?,
        );
        output.v3.push(V3Out {
            name: case.string("name")?.to_owned(),
            hashed_payload: signed.hashed_payload,
            canonical_request: signed.canonical_request,
            string_to_sign: signed.string_to_sign,
            authorization: signed.authorization,
        });
    }
    Ok(output)
}

fn main() -> ExitCode {
    let mut text = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("sign: cannot read stdin: {e}");
        return ExitCode::FAILURE;
    }
    match run(&text).and_then(|out| serde_json::to_string_pretty(&out).map_err(|e| e.to_string())) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("sign: {message}");
            ExitCode::FAILURE
        }
    }
}
