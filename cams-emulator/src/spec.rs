//! Parameter rules read from the project's API spec (`api-spec/cams-2020-06-06.json`), so the
//! emulator rejects exactly what the spec says is wrong.

use serde_json::Value;
use std::collections::HashMap;

/// The spec the emulator enforces, embedded at build time.
pub const SPEC_JSON: &str = include_str!("../../api-spec/cams-2020-06-06.json");

/// The type a parameter's value must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    String,
    Integer,
    Boolean,
}

#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub(crate) name: String,
    pub(crate) required: bool,
    pub(crate) kind: Kind,
    pub(crate) allowed: Option<Vec<String>>,
    pub(crate) minimum: Option<i64>,
}

#[derive(Debug, Clone)]
pub(crate) struct Spec {
    pub(crate) version: String,
    pub(crate) actions: HashMap<String, Vec<Rule>>,
}

impl Spec {
    /// Reads the rules; says where the spec is malformed.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let root: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let version = root
            .get("info")
            .and_then(|i| i.get("version"))
            .or_else(|| root.get("version"))
            .and_then(Value::as_str)
            .ok_or("no info.version")?
            .to_owned();
        let apis = root
            .get("apis")
            .and_then(Value::as_object)
            .ok_or("no apis object")?;
        let mut actions = HashMap::new();
        for (action, api) in apis {
            let params = api
                .get("parameters")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let mut rules = Vec::with_capacity(params.len());
            for (i, param) in params.iter().enumerate() {
                let at = format!("apis.{action}.parameters[{i}]");
                let name = param
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or(format!("{at}: no name"))?;
                let schema = param.get("schema").ok_or(format!("{at}: no schema"))?;
                let kind = match schema.get("type").and_then(Value::as_str) {
                    Some("integer") => Kind::Integer,
                    Some("boolean") => Kind::Boolean,
                    // Objects and arrays travel as JSON strings (`style: json`).
                    _ => Kind::String,
                };
                let allowed = schema.get("enum").and_then(Value::as_array).map(|values| {
                    values
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                });
                let minimum = match schema.get("minimum") {
                    Some(Value::String(s)) => Some(
                        s.parse()
                            .map_err(|_| format!("{at}.schema.minimum: {s:?} is not an integer"))?,
                    ),
                    Some(Value::Number(n)) => n.as_i64(),
                    _ => None,
                };
                rules.push(Rule {
                    name: name.to_owned(),
                    required: schema
                        .get("required")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                    kind,
                    allowed,
                    minimum,
                });
            }
            actions.insert(action.clone(), rules);
        }
        Ok(Self { version, actions })
    }
}

/// Checks `params` against `rules`: `Err((code, message))` names the first bad parameter.
pub(crate) fn validate(
    rules: &[Rule],
    params: &HashMap<String, String>,
) -> Result<(), (&'static str, String)> {
    for rule in rules {
        let value = params.get(&rule.name).map(String::as_str);
        let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
            if rule.required {
                return Err((
                    "MissingParameter",
                    format!(
                        "The input parameter \"{}\" that is mandatory for processing this request is not supplied.",
                        rule.name
                    ),
                ));
            }
            continue;
        };
        let invalid = |why: String| {
            Err((
                "InvalidParameter",
                format!("The parameter \"{}\" is invalid: {why}", rule.name),
            ))
        };
        match rule.kind {
            Kind::Integer => match value.parse::<i64>() {
                Ok(n) => {
                    if let Some(min) = rule.minimum
                        && n < min
                    {
                        return invalid(format!("{n} is less than the minimum {min}."));
                    }
                }
                Err(_) => return invalid(format!("{value:?} is not an integer.")),
            },
            Kind::Boolean => {
                if !value.eq_ignore_ascii_case("true") && !value.eq_ignore_ascii_case("false") {
                    return invalid(format!("{value:?} is not a boolean."));
                }
            }
            Kind::String => {}
        }
        if let Some(allowed) = &rule.allowed
            && !allowed.iter().any(|a| a.eq_ignore_ascii_case(value))
        {
            return invalid(format!("{value:?} is not one of {}.", allowed.join(", ")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_spec_has_the_five_operations() {
        let spec = Spec::parse(SPEC_JSON).expect("valid spec");
        assert_eq!(spec.version, "2020-06-06");
        let mut actions: Vec<&str> = spec.actions.keys().map(String::as_str).collect();
        actions.sort_unstable();
        assert_eq!(
            actions,
            [
                "CreateInstance",
                "DeleteInstance",
                "ListInstance",
                "QueryInstance",
                "UpdateInstance"
            ]
        );
    }

    #[test]
    fn rules_name_the_parameter() {
        let spec = Spec::parse(SPEC_JSON).expect("valid spec");
        let create = &spec.actions["CreateInstance"];
        let params = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let (code, message) =
            validate(create, &params(&[("InstanceName", "x")])).expect_err("missing");
        assert_eq!(code, "MissingParameter");
        assert!(message.contains("\"ChannelType\""));
        let (code, message) = validate(
            create,
            &params(&[("ChannelType", "telegram"), ("InstanceName", "x")]),
        )
        .expect_err("enum");
        assert_eq!(code, "InvalidParameter");
        assert!(message.contains("telegram"), "{message}");
        assert!(
            validate(
                create,
                &params(&[("ChannelType", "WhatsApp"), ("InstanceName", "x")])
            )
            .is_ok()
        );
        let list = &spec.actions["ListInstance"];
        for bad in [("PageSize", "0"), ("PageIndex", "two"), ("IsBind", "yes")] {
            let (code, message) = validate(list, &params(&[bad])).expect_err(bad.0);
            assert_eq!(code, "InvalidParameter");
            assert!(message.contains(bad.0), "{message}");
        }
    }

    #[test]
    fn a_malformed_spec_is_an_error_not_a_panic() {
        for (text, needle) in [
            ("[", "not JSON"),
            ("{}", "version"),
            (r#"{"info":{"version":"v"}}"#, "apis"),
            (
                r#"{"info":{"version":"v"},"apis":{"A":{"parameters":[{}]}}}"#,
                "apis.A.parameters[0]: no name",
            ),
            (
                r#"{"info":{"version":"v"},"apis":{"A":{"parameters":[{"name":"P","schema":{"minimum":"x"}}]}}}"#,
                "minimum",
            ),
        ] {
            let error = Spec::parse(text).expect_err(text);
            assert!(error.contains(needle), "{text}: {error}");
        }
    }
}
