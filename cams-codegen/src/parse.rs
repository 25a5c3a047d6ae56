//! JSON metadata → validated [`Api`]. Every construct is either understood or refused with a
//! [`SpecError`] naming its place; nothing is skipped silently.

use crate::error::SpecError;
use crate::model::{Api, EnumDef, Field, Operation, StructDef, Ty};
use heck::ToUpperCamelCase;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Options for reading a spec.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// Only these operations (by action name); all when `None`. Unknown names are an error.
    pub operations: Option<Vec<String>>,
}

type Result<T> = std::result::Result<T, SpecError>;

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

fn object<'a>(value: &'a Value, path: &str) -> Result<&'a Map<String, Value>> {
    value
        .as_object()
        .ok_or_else(|| SpecError::new(path, format!("expected an object, found {}", kind(value))))
}

fn field<'a>(map: &'a Map<String, Value>, key: &str, path: &str) -> Result<&'a Value> {
    map.get(key)
        .ok_or_else(|| SpecError::new(path, format!("missing {key:?}")))
}

fn string<'a>(value: &'a Value, path: &str) -> Result<&'a str> {
    value
        .as_str()
        .ok_or_else(|| SpecError::new(path, format!("expected a string, found {}", kind(value))))
}

fn optional_string(map: &Map<String, Value>, key: &str, path: &str) -> Result<String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(v) => string(v, &format!("{path}.{key}")).map(str::to_owned),
    }
}

fn optional_bool(map: &Map<String, Value>, key: &str, path: &str) -> Result<bool> {
    match map.get(key) {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(SpecError::new(
            format!("{path}.{key}"),
            format!("{key:?} must be a boolean, found {}", kind(other)),
        )),
    }
}

fn check_name(name: &str, path: &str, what: &str) -> Result<()> {
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(SpecError::new(
            path,
            format!(
                "{what} {name:?} is not supported: names must be ASCII letters, digits and '_', starting with a letter"
            ),
        ))
    }
}

/// Reads and validates a spec.
pub fn parse(text: &str, options: &ParseOptions) -> Result<Api> {
    let root: Value = serde_json::from_str(text)
        .map_err(|e| SpecError::new("", format!("the spec is not valid JSON: {e}")))?;
    let root = object(&root, "(root)")?;
    let info = object(field(root, "info", "(root)")?, "info")?;
    let style = string(field(info, "style", "info")?, "info.style")?;
    if !style.eq_ignore_ascii_case("RPC") {
        return Err(SpecError::new(
            "info.style",
            format!("style {style:?} is not supported: only RPC APIs are"),
        ));
    }
    let product = string(field(info, "product", "info")?, "info.product")?.to_owned();
    let version = string(field(info, "version", "info")?, "info.version")?.to_owned();
    if product.is_empty() || version.is_empty() {
        return Err(SpecError::new(
            "info",
            "product and version must not be empty",
        ));
    }

    let mut endpoints = Vec::new();
    if let Some(list) = root.get("endpoints") {
        let list = list.as_array().ok_or_else(|| {
            SpecError::new(
                "endpoints",
                format!("expected an array, found {}", kind(list)),
            )
        })?;
        for (i, entry) in list.iter().enumerate() {
            let path = format!("endpoints[{i}]");
            let entry = object(entry, &path)?;
            let region = string(
                field(entry, "regionId", &path)?,
                &format!("{path}.regionId"),
            )?;
            let host = string(
                field(entry, "endpoint", &path)?,
                &format!("{path}.endpoint"),
            )?;
            endpoints.push((region.to_owned(), host.to_owned()));
        }
    }

    let apis = object(field(root, "apis", "(root)")?, "apis")?;
    if apis.is_empty() {
        return Err(SpecError::new("apis", "the spec describes no operation"));
    }
    if let Some(wanted) = &options.operations {
        for name in wanted {
            if !apis.contains_key(name) {
                return Err(SpecError::new(
                    "apis",
                    format!("no operation named {name:?}"),
                ));
            }
        }
    }

    let mut types = TypeRegistry::default();
    let mut operations = Vec::new();
    for (name, api) in apis {
        if options
            .operations
            .as_ref()
            .is_some_and(|w| !w.contains(name))
        {
            continue;
        }
        operations.push(parse_operation(name, api, &mut types)?);
    }
    types.check_collisions(&operations)?;
    Ok(Api {
        product,
        version,
        endpoints,
        operations,
        structs: types.structs,
        enums: types.enums,
    })
}

fn parse_operation(name: &str, api: &Value, types: &mut TypeRegistry) -> Result<Operation> {
    let path = format!("apis.{name}");
    check_name(name, &path, "action")?;
    if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
        return Err(SpecError::new(
            &path,
            format!("action {name:?} must start with an upper-case letter"),
        ));
    }
    let api = object(api, &path)?;

    let methods = field(api, "methods", &path)?;
    let methods = methods.as_array().ok_or_else(|| {
        SpecError::new(
            format!("{path}.methods"),
            format!("expected an array, found {}", kind(methods)),
        )
    })?;
    let mut allowed = Vec::new();
    for (i, m) in methods.iter().enumerate() {
        let m = string(m, &format!("{path}.methods[{i}]"))?.to_ascii_lowercase();
        match m.as_str() {
            "get" | "post" | "put" | "delete" | "patch" | "head" => allowed.push(m),
            other => {
                return Err(SpecError::new(
                    format!("{path}.methods[{i}]"),
                    format!("unknown HTTP method {other:?}"),
                ));
            }
        }
    }
    let method = if allowed.iter().any(|m| m == "post") {
        "POST"
    } else if allowed.iter().any(|m| m == "get") {
        "GET"
    } else {
        return Err(SpecError::new(
            format!("{path}.methods"),
            "an RPC operation must allow POST or GET",
        ));
    };

    let operation_type = optional_string(api, "operationType", &path)?;
    let tagged_type = match api.get("systemTags") {
        Some(tags) => optional_string(
            object(tags, &format!("{path}.systemTags"))?,
            "operationType",
            &format!("{path}.systemTags"),
        )?,
        None => String::new(),
    };
    let idempotent = is_idempotent(name, &operation_type, &tagged_type);

    let mut params = Vec::new();
    let mut seen = BTreeSet::new();
    if let Some(list) = api.get("parameters") {
        let list = list.as_array().ok_or_else(|| {
            SpecError::new(
                format!("{path}.parameters"),
                format!("expected an array, found {}", kind(list)),
            )
        })?;
        for (i, param) in list.iter().enumerate() {
            let ppath = format!("{path}.parameters[{i}]");
            let field = parse_parameter(name, param, &ppath, types)?;
            if !seen.insert(field.name.clone()) {
                return Err(SpecError::new(
                    format!("{ppath}.name"),
                    format!("duplicate parameter {:?}", field.name),
                ));
            }
            params.push(field);
        }
    }

    let responses = object(
        field(api, "responses", &path)?,
        &format!("{path}.responses"),
    )?;
    let rpath = format!("{path}.responses.200");
    let ok = object(
        responses.get("200").ok_or_else(|| {
            SpecError::new(format!("{path}.responses"), "missing the \"200\" response")
        })?,
        &rpath,
    )?;
    let schema = object(field(ok, "schema", &rpath)?, &format!("{rpath}.schema"))?;
    let spath = format!("{rpath}.schema");
    let rtype = string(field(schema, "type", &spath)?, &format!("{spath}.type"))?;
    if rtype != "object" {
        return Err(SpecError::new(
            format!("{spath}.type"),
            format!("the response must be an object, found type {rtype:?}"),
        ));
    }
    let response = match schema.get("properties") {
        Some(props) => parse_properties(name, props, &format!("{spath}.properties"), false, types)?,
        None => Vec::new(),
    };

    let description = optional_string(api, "description", &path)?;
    let summary = optional_string(api, "summary", &path)?;
    let title = optional_string(api, "title", &path)?;
    Ok(Operation {
        name: name.to_owned(),
        summary: if summary.is_empty() { title } else { summary },
        description,
        method,
        idempotent,
        deprecated: optional_bool(api, "deprecated", &path)?,
        params,
        response,
    })
}

/// Create-like operations are not idempotent: sending one twice can make two resources. Reads,
/// updates and deletes are. Anything the spec does not classify is treated as not idempotent,
/// so that it is never retried after it may have reached the service.
fn is_idempotent(action: &str, operation_type: &str, tagged_type: &str) -> bool {
    const CREATING_PREFIXES: [&str; 4] = ["Create", "Add", "Send", "Submit"];
    if CREATING_PREFIXES.iter().any(|p| action.starts_with(p)) {
        return false;
    }
    let kind = if tagged_type.is_empty() {
        operation_type
    } else {
        tagged_type
    };
    matches!(
        kind.to_ascii_lowercase().as_str(),
        "read" | "get" | "list" | "query" | "describe" | "update" | "delete"
    )
}

fn parse_parameter(op: &str, param: &Value, path: &str, types: &mut TypeRegistry) -> Result<Field> {
    let param = object(param, path)?;
    let name = string(field(param, "name", path)?, &format!("{path}.name"))?;
    check_name(name, &format!("{path}.name"), "parameter name")?;
    let location = string(field(param, "in", path)?, &format!("{path}.in"))?;
    if location != "query" && location != "formData" {
        return Err(SpecError::new(
            format!("{path}.in"),
            format!(
                "parameters \"in\": {location:?} are not supported: only \"query\" and \"formData\""
            ),
        ));
    }
    let json_style = match param.get("style") {
        None => false,
        Some(style) => match string(style, &format!("{path}.style"))? {
            "json" => true,
            "simple" | "form" => false,
            other => {
                return Err(SpecError::new(
                    format!("{path}.style"),
                    format!(
                        "style {other:?} is not supported: only \"json\" (or none, for scalars)"
                    ),
                ));
            }
        },
    };
    let schema_path = format!("{path}.schema");
    let schema = object(field(param, "schema", path)?, &schema_path)?;
    let context = format!("{op}{}", name.to_upper_camel_case());
    let mut parsed = parse_schema(op, name, &context, schema, &schema_path, true, types)?;
    let complex = matches!(
        parsed.ty,
        Ty::Array(_) | Ty::Struct(_) | Ty::Map(_) | Ty::Json
    );
    if complex && !json_style {
        return Err(SpecError::new(
            format!("{path}.style"),
            "arrays and objects are only supported as style \"json\" parameters",
        ));
    }
    if json_style && !complex {
        // A scalar sent "as JSON" is the scalar itself; nothing to encode.
        parsed.json_style = false;
    } else {
        parsed.json_style = json_style;
    }
    parsed.name = name.to_owned();
    parsed.in_form = location == "formData";
    Ok(parsed)
}

fn parse_properties(
    context: &str,
    props: &Value,
    path: &str,
    is_request: bool,
    types: &mut TypeRegistry,
) -> Result<Vec<Field>> {
    let props = object(props, path)?;
    let mut fields = Vec::new();
    for (name, schema) in props {
        let fpath = format!("{path}.{name}");
        check_name(name, &fpath, "field name")?;
        let schema = object(schema, &fpath)?;
        let nested = format!("{context}{}", name.to_upper_camel_case());
        let mut field = parse_schema(context, name, &nested, schema, &fpath, is_request, types)?;
        field.name = name.clone();
        fields.push(field);
    }
    Ok(fields)
}

/// Parses one schema. `context` names the type a nested object would get.
fn parse_schema(
    op: &str,
    name: &str,
    context: &str,
    schema: &Map<String, Value>,
    path: &str,
    is_request: bool,
    types: &mut TypeRegistry,
) -> Result<Field> {
    let required = optional_bool(schema, "required", path)?;
    let description = optional_string(schema, "description", path)?;
    let example = match schema.get("example") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
    };
    let type_path = format!("{path}.type");
    let type_name = string(field(schema, "type", path)?, &type_path)?;
    let format = optional_string(schema, "format", path)?;
    let ty = match type_name {
        "string" => match schema.get("enum") {
            None => Ty::String,
            Some(values) => Ty::Enum(types.register_enum(
                op,
                name,
                &description,
                values,
                &format!("{path}.enum"),
            )?),
        },
        "integer" => match format.as_str() {
            "int32" => Ty::I32,
            "" | "int64" => Ty::I64,
            other => {
                return Err(SpecError::new(
                    format!("{path}.format"),
                    format!("unknown integer format {other:?}"),
                ));
            }
        },
        "number" => match format.as_str() {
            "" | "float" | "double" => Ty::F64,
            other => {
                return Err(SpecError::new(
                    format!("{path}.format"),
                    format!("unknown number format {other:?}"),
                ));
            }
        },
        "boolean" => Ty::Bool,
        "array" => {
            let items_path = format!("{path}.items");
            let items = object(field(schema, "items", path)?, &items_path)?;
            let item = parse_schema(op, name, context, items, &items_path, is_request, types)?;
            Ty::Array(Box::new(item.ty))
        }
        "object" => match (schema.get("properties"), schema.get("additionalProperties")) {
            (Some(_), Some(_)) => {
                return Err(SpecError::new(
                    path,
                    "an object with both \"properties\" and \"additionalProperties\" is not supported",
                ));
            }
            (Some(props), None) => {
                let fields = parse_properties(
                    context,
                    props,
                    &format!("{path}.properties"),
                    is_request,
                    types,
                )?;
                Ty::Struct(types.register_struct(
                    context,
                    &description,
                    fields,
                    is_request,
                    path,
                )?)
            }
            (None, Some(Value::Object(values))) => {
                let vpath = format!("{path}.additionalProperties");
                let value = parse_schema(op, name, context, values, &vpath, is_request, types)?;
                Ty::Map(Box::new(value.ty))
            }
            (None, Some(Value::Bool(_))) | (None, None) => Ty::Json,
            (None, Some(other)) => {
                return Err(SpecError::new(
                    format!("{path}.additionalProperties"),
                    format!("expected an object or a boolean, found {}", kind(other)),
                ));
            }
        },
        other => return Err(SpecError::new(type_path, format!("unknown type {other:?}"))),
    };
    // CAMS sends AccessDeniedDetail as a string in some bodies and as an object in others.
    let ty = if name == "AccessDeniedDetail" {
        Ty::Json
    } else {
        ty
    };
    let ty = match schema.get("x-cams-decode-as") {
        None => ty,
        Some(Value::String(s)) if s == "string" && !is_request => Ty::String,
        Some(other) => {
            return Err(SpecError::new(
                format!("{path}.x-cams-decode-as"),
                format!("only \"string\", on a response field, is supported; found {other}"),
            ));
        }
    };
    let minimum = match schema.get("minimum") {
        None => None,
        Some(value) => {
            let parsed = match value {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            };
            if parsed.is_none() || !matches!(ty, Ty::I32 | Ty::I64) {
                return Err(SpecError::new(
                    format!("{path}.minimum"),
                    format!("\"minimum\" must be a whole number on an integer, found {value}"),
                ));
            }
            parsed
        }
    };
    Ok(Field {
        name: name.to_owned(),
        required,
        description,
        example,
        ty,
        json_style: false,
        minimum,
        in_form: false,
    })
}

/// Names of the generated types, so that two never collide.
#[derive(Default)]
struct TypeRegistry {
    structs: Vec<StructDef>,
    enums: Vec<EnumDef>,
}

impl TypeRegistry {
    fn register_enum(
        &mut self,
        op: &str,
        field: &str,
        description: &str,
        values: &Value,
        path: &str,
    ) -> Result<String> {
        let list = values.as_array().ok_or_else(|| {
            SpecError::new(
                path,
                format!("expected an array of strings, found {}", kind(values)),
            )
        })?;
        let mut strings = Vec::new();
        for (i, v) in list.iter().enumerate() {
            let s = string(v, &format!("{path}[{i}]"))?;
            if strings.iter().any(|x: &String| x.eq_ignore_ascii_case(s)) {
                return Err(SpecError::new(
                    format!("{path}[{i}]"),
                    format!("duplicate enum value {s:?}"),
                ));
            }
            strings.push(s.to_owned());
        }
        if strings.is_empty() {
            return Err(SpecError::new(path, "an enum needs at least one value"));
        }
        let mut strings_named: Vec<(String, String)> = Vec::new();
        for (i, value) in strings.into_iter().enumerate() {
            let mut variant = value.to_upper_camel_case();
            if variant.starts_with(|c: char| c.is_ascii_digit()) {
                variant = format!("V{variant}");
            }
            if variant == "Unknown" {
                variant = "UnknownValue".to_owned();
            }
            let valid = variant.starts_with(|c: char| c.is_ascii_alphabetic())
                && variant.chars().all(|c| c.is_ascii_alphanumeric());
            if !valid || strings_named.iter().any(|(v, _)| *v == variant) {
                return Err(SpecError::new(
                    format!("{path}[{i}]"),
                    format!("enum value {value:?} does not map to a distinct Rust variant name"),
                ));
            }
            strings_named.push((variant, value));
        }
        let strings = strings_named;
        for candidate in [
            field.to_upper_camel_case(),
            format!("{op}{}", field.to_upper_camel_case()),
        ] {
            match self.enums.iter().find(|e| e.name == candidate) {
                Some(existing) if existing.values == strings => return Ok(candidate),
                Some(_) => continue,
                None => {
                    self.enums.push(EnumDef {
                        name: candidate.clone(),
                        description: description.to_owned(),
                        values: strings,
                    });
                    return Ok(candidate);
                }
            }
        }
        Err(SpecError::new(
            path,
            format!("enum {field:?} of {op} conflicts with another enum of the same name"),
        ))
    }

    fn register_struct(
        &mut self,
        name: &str,
        description: &str,
        fields: Vec<Field>,
        is_request: bool,
        path: &str,
    ) -> Result<String> {
        if self.structs.iter().any(|s| s.name == name) {
            return Err(SpecError::new(
                path,
                format!("the generated type name {name} is used twice"),
            ));
        }
        self.structs.push(StructDef {
            name: name.to_owned(),
            description: description.to_owned(),
            fields,
            is_request,
        });
        Ok(name.to_owned())
    }

    fn check_collisions(&self, operations: &[Operation]) -> Result<()> {
        let mut names: BTreeSet<String> =
            ["Client", "Error"].into_iter().map(str::to_owned).collect();
        let mut claim = |name: String, path: String| -> Result<()> {
            if names.insert(name.clone()) {
                Ok(())
            } else {
                Err(SpecError::new(
                    path,
                    format!("the generated type name {name} is used twice"),
                ))
            }
        };
        for op in operations {
            for suffix in ["Request", "Response", "Fluent"] {
                claim(format!("{}{suffix}", op.name), format!("apis.{}", op.name))?;
            }
        }
        for s in &self.structs {
            claim(s.name.clone(), format!("(nested object {})", s.name))?;
        }
        for e in &self.enums {
            claim(e.name.clone(), format!("(enum {})", e.name))?;
        }
        Ok(())
    }
}
