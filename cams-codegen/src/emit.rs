//! [`Api`] → formatted Rust source files.

use crate::error::SpecError;
use crate::model::{Api, EnumDef, Field, Operation, StructDef, Ty};
use heck::ToSnakeCase;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeSet;

/// Where the generated code finds the runtime surface it uses.
#[derive(Debug, Clone)]
pub struct EmitOptions {
    /// The path of the runtime module, `crate::runtime` inside `cams-sdk`.
    pub runtime_path: String,
    /// The spec file name, written in each file's header.
    pub source_name: String,
}

impl Default for EmitOptions {
    fn default() -> Self {
        Self {
            runtime_path: "crate::runtime".to_owned(),
            source_name: "api-spec".to_owned(),
        }
    }
}

/// One generated file: its name under the output directory and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// File name, e.g. `create_instance.rs`.
    pub name: String,
    /// The formatted source.
    pub contents: String,
}

const RUST_KEYWORDS: [&str; 51] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// A field or method identifier for a wire name: snake case, raw when it is a keyword.
fn field_ident(name: &str) -> Ident {
    let snake = name.to_snake_case();
    match snake.as_str() {
        "self" | "super" | "crate" | "Self" => format_ident!("{}_", snake),
        s if RUST_KEYWORDS.contains(&s) => Ident::new_raw(s, Span::call_site()),
        s => format_ident!("{}", s),
    }
}

fn type_ident(name: &str) -> Ident {
    format_ident!("{}", name)
}

/// Doc attributes from spec text. Lines are trimmed so that indentation in the source text is
/// never read as a code block (which rustdoc would compile as a doctest).
fn docs(parts: &[&str]) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    for part in parts.iter().filter(|p| !p.trim().is_empty()) {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(part.trim().lines().map(|l| l.trim().to_owned()));
    }
    let attrs = lines.iter().map(|l| {
        let text = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #text])
    });
    quote!(#(#attrs)*)
}

fn example_line(example: &Option<String>) -> String {
    match example {
        Some(e) if !e.is_empty() && !e.contains('`') && !e.contains('\n') => {
            format!("Example: `{e}`")
        }
        _ => String::new(),
    }
}

fn field_docs(field: &Field) -> TokenStream {
    let example = example_line(&field.example);
    let wire = format!("Wire name: `{}`.", field.name);
    docs(&[&field.description, &example, &wire])
}

fn rust_type(ty: &Ty, rt: &TokenStream) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::F64 => quote!(f64),
        Ty::Bool => quote!(bool),
        Ty::Json => quote!(#rt::Json),
        Ty::Enum(name) | Ty::Struct(name) => {
            let ident = type_ident(name);
            quote!(#ident)
        }
        Ty::Array(item) => {
            let item = rust_type(item, rt);
            quote!(Vec<#item>)
        }
        Ty::Map(value) => {
            let value = rust_type(value, rt);
            quote!(std::collections::BTreeMap<String, #value>)
        }
    }
}

fn has_float(ty: &Ty, api: &Api) -> bool {
    match ty {
        Ty::F64 | Ty::Json => true,
        Ty::Array(t) | Ty::Map(t) => has_float(t, api),
        Ty::Struct(name) => api
            .structs
            .iter()
            .find(|s| &s.name == name)
            .is_some_and(|s| s.fields.iter().any(|f| has_float(&f.ty, api))),
        _ => false,
    }
}

fn derives(fields: &[Field], api: &Api) -> TokenStream {
    if fields.iter().any(|f| has_float(&f.ty, api)) {
        quote!(#[derive(Debug, Clone, PartialEq)])
    } else {
        quote!(#[derive(Debug, Clone, PartialEq, Eq)])
    }
}

/// The `deserialize_with` function that makes a response field lenient, if its type has one.
fn lenient_decoder(ty: &Ty, rt: &TokenStream) -> Option<String> {
    let f = match ty {
        Ty::String => "string",
        Ty::I32 => "i32",
        Ty::I64 => "i64",
        Ty::F64 => "f64",
        Ty::Bool => "bool",
        Ty::Enum(_) => "string_enum",
        _ => return None,
    };
    Some(format!("{rt}::de::{f}").replace(' ', ""))
}

fn check_unique_idents(fields: &[Field], owner: &str) -> Result<(), SpecError> {
    let mut seen = BTreeSet::new();
    for f in fields {
        if !seen.insert(f.name.to_snake_case()) {
            return Err(SpecError::new(
                owner,
                format!(
                    "two fields map to the Rust name {:?} (one is {:?})",
                    f.name.to_snake_case(),
                    f.name
                ),
            ));
        }
    }
    Ok(())
}

/// A response (deserialized) struct: every field optional and lenient, unknown fields ignored.
fn response_struct(
    name: &str,
    description: &[&str],
    fields: &[Field],
    api: &Api,
    rt: &TokenStream,
) -> TokenStream {
    let ident = type_ident(name);
    let doc = docs(description);
    let derive = derives(fields, api);
    let serde_crate = format!("{rt}::serde").replace(' ', "");
    let items = fields.iter().map(|f| {
        let fident = field_ident(&f.name);
        let ty = rust_type(&f.ty, rt);
        let wire = &f.name;
        let fdoc = field_docs(f);
        match lenient_decoder(&f.ty, rt) {
            Some(decoder) => quote! {
                #fdoc
                #[serde(rename = #wire, default, deserialize_with = #decoder, skip_serializing_if = "Option::is_none")]
                pub #fident: Option<#ty>,
            },
            None => quote! {
                #fdoc
                #[serde(rename = #wire, default, skip_serializing_if = "Option::is_none")]
                pub #fident: Option<#ty>,
            },
        }
    });
    quote! {
        #doc
        #derive
        #[derive(Default, #rt::serde::Deserialize, #rt::serde::Serialize)]
        #[serde(crate = #serde_crate)]
        #[non_exhaustive]
        pub struct #ident { #(#items)* }
    }
}

/// A request-side nested struct, serialized to JSON for a `style: json` parameter.
fn request_struct(def: &StructDef, api: &Api, rt: &TokenStream) -> TokenStream {
    let ident = type_ident(&def.name);
    let doc = docs(&[&def.description]);
    let derive = derives(&def.fields, api);
    let serde_crate = format!("{rt}::serde").replace(' ', "");
    let items = def.fields.iter().map(|f| {
        let fident = field_ident(&f.name);
        let ty = rust_type(&f.ty, rt);
        let wire = &f.name;
        let fdoc = field_docs(f);
        if f.required {
            quote! { #fdoc #[serde(rename = #wire)] pub #fident: #ty, }
        } else {
            quote! { #fdoc #[serde(rename = #wire, skip_serializing_if = "Option::is_none")] pub #fident: Option<#ty>, }
        }
    });
    let default = if def.fields.iter().all(|f| !f.required) {
        quote!(#[derive(Default)])
    } else {
        quote!()
    };
    quote! {
        #doc
        #derive
        #default
        #[derive(#rt::serde::Serialize)]
        #[serde(crate = #serde_crate)]
        pub struct #ident { #(#items)* }
    }
}

fn enum_def(def: &EnumDef, rt: &TokenStream) -> TokenStream {
    let ident = type_ident(&def.name);
    let variants: Vec<(Ident, String)> = def
        .values
        .iter()
        .map(|(variant, wire)| (format_ident!("{}", variant), wire.clone()))
        .collect();
    let doc = docs(&[&def.description]);
    let decl = variants.iter().map(|(v, wire)| {
        let d = format!(" `{wire}`");
        quote!(#[doc = #d] #v,)
    });
    let as_str = variants.iter().map(|(v, wire)| quote!(Self::#v => #wire,));
    let parse = variants
        .iter()
        .map(|(v, wire)| quote!(if value.eq_ignore_ascii_case(#wire) { return Self::#v; }));
    let values = def.values.iter().map(|(_, wire)| wire);
    quote! {
        #doc
        ///
        /// Parsing is case-insensitive; a value this SDK does not know is kept in `Unknown` and sent
        /// back unchanged.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ident {
            #(#decl)*
            /// A value this version of the SDK does not know, exactly as received.
            Unknown(String),
        }

        impl #ident {
            /// The values this version of the SDK knows, as sent on the wire.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::Unknown(value) => value,
                }
            }

            fn parse(value: &str) -> Self {
                #(#parse)*
                Self::Unknown(value.to_owned())
            }
        }

        impl std::fmt::Display for #ident {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for #ident {
            type Err = std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::parse(value))
            }
        }

        impl From<&str> for #ident {
            fn from(value: &str) -> Self {
                Self::parse(value)
            }
        }

        impl From<String> for #ident {
            fn from(value: String) -> Self {
                match Self::parse(&value) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        impl #rt::serde::Serialize for #ident {
            fn serialize<S: #rt::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> #rt::serde::Deserialize<'de> for #ident {
            fn deserialize<D: #rt::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #rt::de::enum_value(deserializer)
            }
        }
    }
}

/// The argument type a constructor or builder method takes for a field.
fn argument(ty: &Ty, rt: &TokenStream) -> (TokenStream, TokenStream) {
    match ty {
        Ty::String => (quote!(impl Into<String>), quote!(.into())),
        Ty::Enum(name) => {
            let ident = type_ident(name);
            (quote!(impl Into<#ident>), quote!(.into()))
        }
        other => (rust_type(other, rt), quote!()),
    }
}

fn operation_file(op: &Operation, api: &Api, rt: &TokenStream) -> Result<TokenStream, SpecError> {
    let owner = format!("apis.{}", op.name);
    check_unique_idents(&op.params, &owner)?;
    check_unique_idents(&op.response, &owner)?;
    let request = format_ident!("{}Request", op.name);
    let response = format_ident!("{}Response", op.name);
    let fluent = format_ident!("{}Fluent", op.name);
    let method = field_ident(&op.name);
    let action = &op.name;
    let version = &api.version;
    let product = &api.product;
    let http_method = op.method;
    let idempotent = op.idempotent;

    let required: Vec<&Field> = op.params.iter().filter(|f| f.required).collect();
    let optional: Vec<&Field> = op.params.iter().filter(|f| !f.required).collect();

    // The request struct.
    let request_fields = op.params.iter().map(|f| {
        let fident = field_ident(&f.name);
        let ty = rust_type(&f.ty, rt);
        let fdoc = field_docs(f);
        if f.required {
            quote!(#fdoc pub #fident: #ty,)
        } else {
            quote!(#fdoc pub #fident: Option<#ty>,)
        }
    });
    let ctor_args: Vec<TokenStream> = required
        .iter()
        .map(|f| {
            let fident = field_ident(&f.name);
            let (ty, _) = argument(&f.ty, rt);
            quote!(#fident: #ty)
        })
        .collect();
    let ctor_inits = op.params.iter().map(|f| {
        let fident = field_ident(&f.name);
        if f.required {
            let (_, conv) = argument(&f.ty, rt);
            quote!(#fident: #fident #conv,)
        } else {
            quote!(#fident: None,)
        }
    });
    let ctor_names: Vec<Ident> = required.iter().map(|f| field_ident(&f.name)).collect();

    // Parameters on the wire.
    let writes = op.params.iter().map(|f| {
        let fident = field_ident(&f.name);
        let wire = &f.name;
        let in_form = f.in_form;
        let write = |value: TokenStream| {
            if f.json_style {
                quote!(params.push_json(#wire, #value, #in_form)?;)
            } else {
                quote!(params.push(#wire, #value, #in_form);)
            }
        };
        if f.required {
            write(quote!(&self.#fident))
        } else {
            let w = write(quote!(value));
            quote!(if let Some(value) = &self.#fident { #w })
        }
    });

    // Client-side validation, from the spec.
    let checks = op.params.iter().filter_map(|f| {
        let fident = field_ident(&f.name);
        let wire = &f.name;
        let mut parts = Vec::new();
        if f.required && matches!(f.ty, Ty::String | Ty::Enum(_)) {
            parts.push(quote! {
                if self.#fident.to_string().trim().is_empty() {
                    return Err(#rt::InvalidInput::new(#wire, "is required and must not be empty"));
                }
            });
        }
        if let Some(min) = f.minimum {
            let check = quote! {
                if i64::from(*value) < #min {
                    return Err(#rt::InvalidInput::new(#wire, format!("must be at least {}, got {}", #min, value)));
                }
            };
            parts.push(if f.required {
                quote!({ let value = &self.#fident; #check })
            } else {
                quote!(if let Some(value) = &self.#fident { #check })
            });
        }
        (!parts.is_empty()).then(|| quote!(#(#parts)*))
    });

    // Fluent builder methods for optional parameters.
    let reserved = ["send", "options", "as_request", "into_request"];
    let setters = optional.iter().map(|f| {
        let fident = field_ident(&f.name);
        let snake = f.name.to_snake_case();
        let setter = if reserved.contains(&snake.as_str()) {
            format_ident!("set_{}", snake)
        } else {
            fident.clone()
        };
        let (ty, conv) = argument(&f.ty, rt);
        let fdoc = field_docs(f);
        quote! {
            #fdoc
            pub fn #setter(mut self, value: #ty) -> Self {
                self.request.#fident = Some(value #conv);
                self
            }
        }
    });

    let summary = op.summary.as_str();
    let description = op.description.as_str();
    let request_doc = docs(&[&format!("The request of `{action}`: {summary}")]);
    let response_doc_text = format!("The response of `{action}`.");
    let response_struct = response_struct(
        &response.to_string(),
        &[&response_doc_text],
        &op.response,
        api,
        rt,
    );
    let idempotency = if idempotent {
        "Idempotent: retried on transient failures."
    } else {
        "Not idempotent: retried only when the request provably never reached the service."
    };
    let method_doc = docs(&[
        summary,
        description,
        &format!("Action `{action}`. {idempotency}"),
    ]);
    let mut required_lines = vec![if required.is_empty() {
        " Every parameter is optional: set them with the builder's methods.".to_owned()
    } else {
        " Required parameters, the method's arguments:".to_owned()
    }];
    required_lines.extend(required.iter().map(|f| {
        format!(
            " - `{}`: {}",
            field_ident(&f.name),
            f.description.lines().next().unwrap_or_default()
        )
    }));
    let required_args = required_lines.iter().map(|line| quote!(#[doc = #line]));
    let deprecated = if op.deprecated {
        quote!(#[deprecated(note = "deprecated by the service")])
    } else {
        quote!()
    };
    let request_derive = derives(&op.params, api);
    let fluent_doc =
        format!("A `{action}` call being built: set optional parameters, then `.send().await`.");

    Ok(quote! {
        #request_doc
        #request_derive
        #[non_exhaustive]
        pub struct #request { #(#request_fields)* }

        impl #request {
            /// A request with its required parameters; optional ones start unset.
            pub fn new(#(#ctor_args),*) -> Self {
                Self { #(#ctor_inits)* }
            }
        }

        impl #rt::Operation for #request {
            type Output = #response;

            const META: #rt::OperationMeta = #rt::OperationMeta {
                product: #product,
                action: #action,
                version: #version,
                method: #http_method,
                idempotent: #idempotent,
            };

            fn validate(&self) -> Result<(), #rt::InvalidInput> {
                #(#checks)*
                Ok(())
            }

            fn write_params(&self, params: &mut #rt::Params) -> Result<(), #rt::InvalidInput> {
                #(#writes)*
                Ok(())
            }
        }

        #response_struct

        #[doc = #fluent_doc]
        #[derive(Debug, Clone)]
        #[must_use = "a call does nothing until `.send().await`"]
        pub struct #fluent {
            pub(crate) client: crate::Client,
            pub(crate) request: #request,
            pub(crate) options: #rt::CallOptions,
        }

        impl #fluent {
            #(#setters)*

            /// Per-call options (retries, timeouts), overriding the client's.
            pub fn options(mut self, options: #rt::CallOptions) -> Self {
                self.options = options;
                self
            }

            /// The request as built so far.
            pub fn as_request(&self) -> &#request {
                &self.request
            }

            /// The request as built so far, by value.
            pub fn into_request(self) -> #request {
                self.request
            }

            /// Sends the request and waits for the response.
            pub async fn send(self) -> Result<#response, #rt::Error> {
                self.client.invoke(&self.request, &self.options).await
            }
        }

        impl crate::Client {
            #method_doc
            ///
            #(#required_args)*
            #deprecated
            pub fn #method(&self, #(#ctor_args),*) -> #fluent {
                #fluent {
                    client: self.clone(),
                    request: #request::new(#(#ctor_names),*),
                    options: #rt::CallOptions::default(),
                }
            }
        }
    })
}

fn header(options: &EmitOptions) -> String {
    format!(
        "// @generated by `cargo xtask codegen` from {}. Do not edit by hand: change the spec or\n// cams-codegen, then run `cargo xtask codegen`.\n\n",
        options.source_name
    )
}

fn format_file(
    tokens: TokenStream,
    options: &EmitOptions,
    what: &str,
) -> Result<String, SpecError> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| {
        SpecError::new(
            what,
            format!("the generator produced invalid Rust ({e}); this is a bug in cams-codegen"),
        )
    })?;
    Ok(format!(
        "{}{}",
        header(options),
        prettyplease::unparse(&file)
    ))
}

/// Emits every file for `api`.
pub fn emit(api: &Api, options: &EmitOptions) -> Result<Vec<GeneratedFile>, SpecError> {
    let rt: TokenStream = options.runtime_path.parse().map_err(|_| {
        SpecError::new(
            "",
            format!("runtime path {:?} is not a Rust path", options.runtime_path),
        )
    })?;
    let mut files = Vec::new();

    let mut modules = Vec::new();
    for op in &api.operations {
        let module = op.name.to_snake_case();
        let tokens = operation_file(op, api, &rt)?;
        let tokens = quote! {
            #[allow(unused_imports)]
            use super::*;
            #tokens
        };
        files.push(GeneratedFile {
            name: format!("{module}.rs"),
            contents: format_file(tokens, options, &format!("apis.{}", op.name))?,
        });
        modules.push(format_ident!("{}", module));
    }

    let mut types = Vec::new();
    for def in &api.enums {
        types.push(enum_def(def, &rt));
    }
    for def in &api.structs {
        check_unique_idents(&def.fields, &format!("(nested object {})", def.name))?;
        types.push(if def.is_request {
            request_struct(def, api, &rt)
        } else {
            response_struct(&def.name, &[&def.description], &def.fields, api, &rt)
        });
    }
    let types_tokens = quote! {
        #[allow(unused_imports)]
        use super::*;
        #(#types)*
    };
    files.push(GeneratedFile {
        name: "types.rs".to_owned(),
        contents: format_file(types_tokens, options, "types")?,
    });

    let product = &api.product;
    let version = &api.version;
    let endpoints = api
        .endpoints
        .iter()
        .map(|(region, host)| quote!((#region, #host)));
    let module_doc = format!(
        " Types and client methods generated from the `{product}` {version} API spec: one module per operation (its request, response and call builder), and the shared types."
    );
    let mod_tokens = quote! {
        #![doc = #module_doc]
        #![allow(clippy::all, rustdoc::bare_urls, rustdoc::invalid_html_tags, rustdoc::broken_intra_doc_links)]

        mod types;
        #(mod #modules;)*

        pub use types::*;
        #(pub use #modules::*;)*

        /// The product code.
        pub const PRODUCT: &str = #product;
        /// The API version every operation is sent with.
        pub const API_VERSION: &str = #version;
        /// The endpoints the spec lists, as `(region, host)`.
        pub const ENDPOINTS: &[(&str, &str)] = &[#(#endpoints),*];
    };
    files.push(GeneratedFile {
        name: "mod.rs".to_owned(),
        contents: format_file(mod_tokens, options, "mod")?,
    });
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}
