//! The intermediate model: what the spec means, independent of both JSON and Rust syntax.

/// A validated API description.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The product code, e.g. `cams`.
    pub product: String,
    /// The API version, e.g. `2020-06-06`.
    pub version: String,
    /// Region to endpoint host, as the spec lists them.
    pub endpoints: Vec<(String, String)>,
    /// The operations, in spec order.
    pub operations: Vec<Operation>,
    /// Nested object types, in the order they were met.
    pub structs: Vec<StructDef>,
    /// Enumerations of string values.
    pub enums: Vec<EnumDef>,
}

/// One API action.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The action name, e.g. `CreateInstance`.
    pub name: String,
    /// A one-line summary.
    pub summary: String,
    /// Further description, possibly empty.
    pub description: String,
    /// The HTTP method to use.
    pub method: &'static str,
    /// Whether sending the request twice has the effect of sending it once.
    pub idempotent: bool,
    /// Whether the spec marks the operation deprecated.
    pub deprecated: bool,
    /// The request parameters, in spec order.
    pub params: Vec<Field>,
    /// The fields of the response body.
    pub response: Vec<Field>,
}

/// A request parameter or a response field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The wire name, e.g. `ChannelType`.
    pub name: String,
    /// Whether the spec marks it required.
    pub required: bool,
    /// The description from the spec.
    pub description: String,
    /// The example value from the spec, as text.
    pub example: Option<String>,
    /// The type.
    pub ty: Ty,
    /// For parameters: sent as a JSON string (`style: json`) rather than as a scalar.
    pub json_style: bool,
    /// For parameters: the smallest value allowed (`minimum`).
    pub minimum: Option<i64>,
    /// For parameters: sent in the form body (`in: formData`) rather than the query.
    pub in_form: bool,
}

/// A field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// A string.
    String,
    /// A 32-bit integer.
    I32,
    /// A 64-bit integer.
    I64,
    /// A floating-point number.
    F64,
    /// A boolean.
    Bool,
    /// Any JSON value, kept as such.
    Json,
    /// A generated string enumeration, by type name.
    Enum(String),
    /// A generated struct, by type name.
    Struct(String),
    /// A list.
    Array(Box<Ty>),
    /// A map from string keys.
    Map(Box<Ty>),
}

/// A generated struct for a nested object.
#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    /// The Rust type name.
    pub name: String,
    /// The description from the spec.
    pub description: String,
    /// The fields.
    pub fields: Vec<Field>,
    /// Whether the type is sent (request, serialized) rather than received (deserialized).
    pub is_request: bool,
}

/// A generated enumeration of string values.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    /// The Rust type name.
    pub name: String,
    /// The description from the spec.
    pub description: String,
    /// The values in spec order, as `(Rust variant name, wire value)`.
    pub values: Vec<(String, String)>,
}
