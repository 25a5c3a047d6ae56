//! Turns an operation's parameters into a signed [`HttpRequest`] for one attempt.

use crate::config::{Endpoint, SignatureVersion};
use crate::credentials::Credentials;
use crate::runtime::{OperationMeta, Params};
use crate::transport::HttpRequest;
use cams_signer::{v1, v3};

/// What changes from one attempt to the next.
#[derive(Debug, Clone)]
pub(crate) struct AttemptInfo {
    /// `Timestamp` / `x-acs-date`.
    pub(crate) timestamp: String,
    /// `SignatureNonce` / `x-acs-signature-nonce`.
    pub(crate) nonce: String,
    /// The retry number and the delay before it, for `x-acs-retry-attempts`/`-delay`.
    pub(crate) retry: Option<(u32, u128)>,
}

/// A signed request and the string to sign it carries (kept to explain a
/// `SignatureDoesNotMatch`; never sent, never logged).
pub(crate) struct Signed {
    pub(crate) request: HttpRequest,
    pub(crate) string_to_sign: String,
}

pub(crate) struct RequestContext<'a> {
    pub(crate) meta: &'a OperationMeta,
    pub(crate) params: &'a Params,
    pub(crate) endpoint: &'a Endpoint,
    pub(crate) version: SignatureVersion,
    pub(crate) user_agent: &'a str,
}

/// Signs one attempt.
pub(crate) fn sign(ctx: &RequestContext<'_>, creds: &Credentials, attempt: &AttemptInfo) -> Signed {
    let body = form_body(ctx.params);
    let mut headers: Vec<(&'static str, String)> = vec![
        ("host", ctx.endpoint.host().to_owned()),
        ("x-acs-version", ctx.meta.version.to_owned()),
        ("x-acs-action", ctx.meta.action.to_owned()),
        ("user-agent", ctx.user_agent.to_owned()),
        (
            "x-acs-credentials-provider",
            creds.provider_name().to_owned(),
        ),
    ];
    if !body.is_empty() {
        headers.push((
            "content-type",
            "application/x-www-form-urlencoded".to_owned(),
        ));
    }
    if let Some((number, delay)) = attempt.retry {
        headers.push(("x-acs-retry-attempts", number.to_string()));
        headers.push(("x-acs-retry-delay", delay.to_string()));
    }
    match ctx.version {
        SignatureVersion::V1 => sign_v1(ctx, creds, attempt, headers, body),
        SignatureVersion::V3 => sign_v3(ctx, creds, attempt, headers, body),
    }
}

fn sign_v1(
    ctx: &RequestContext<'_>,
    creds: &Credentials,
    attempt: &AttemptInfo,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
) -> Signed {
    let mut query: Vec<(&str, &str)> = vec![
        ("Action", ctx.meta.action),
        ("Format", "json"),
        ("Version", ctx.meta.version),
        ("Timestamp", &attempt.timestamp),
        ("SignatureNonce", &attempt.nonce),
    ];
    query.extend(ctx.params.query().iter().map(|(k, v)| (*k, v.as_str())));
    if let Some(token) = creds.security_token() {
        query.push(("SecurityToken", token));
    }
    query.push(("SignatureMethod", v1::SIGNATURE_METHOD));
    query.push(("SignatureVersion", v1::SIGNATURE_VERSION));
    query.push(("AccessKeyId", creds.access_key_id()));
    // The signed set is the query and the form body together: the form's pairs are appended
    // for signing and taken off again, since the URL carries only the query.
    let in_query = query.len();
    query.extend(ctx.params.form().iter().map(|(k, v)| (*k, v.as_str())));
    let signature = v1::sign_pairs(ctx.meta.method, &query, creds.access_key_secret());
    query.truncate(in_query);
    query.push(("Signature", &signature.signature));
    Signed {
        request: HttpRequest {
            method: ctx.meta.method,
            url: url(ctx.endpoint, &query),
            headers,
            body,
        },
        string_to_sign: signature.string_to_sign,
    }
}

fn sign_v3(
    ctx: &RequestContext<'_>,
    creds: &Credentials,
    attempt: &AttemptInfo,
    mut headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
) -> Signed {
    headers.push(("x-acs-date", attempt.timestamp.clone()));
    headers.push(("x-acs-signature-nonce", attempt.nonce.clone()));
    headers.push(("accept", "application/json".to_owned()));
    headers.push(("x-acs-content-sha256", v3::hash_payload(&body)));
    if let Some(token) = creds.security_token() {
        headers.push(("x-acs-accesskey-id", creds.access_key_id().to_owned()));
        headers.push(("x-acs-security-token", token.to_owned()));
    }
    let query: Vec<(&str, &str)> = ctx
        .params
        .query()
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    let signed: Vec<(&str, &str)> = headers
        .iter()
        .filter(|(k, _)| v3::is_signed_by_default(k))
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    let request = v3::V3Request {
        method: ctx.meta.method,
        path: "/",
        query: &query,
        headers: &signed,
        body: &body,
    };
    let signature = v3::sign(&request, creds.access_key_id(), creds.access_key_secret());
    let url = url(ctx.endpoint, &query);
    headers.push(("authorization", signature.authorization));
    Signed {
        request: HttpRequest {
            method: ctx.meta.method,
            url,
            headers,
            body,
        },
        string_to_sign: signature.string_to_sign,
    }
}

/// `base/?k=v&…`, each name and value in the signer's RFC 3986 encoding (`%20` for a space),
/// which the service decodes to exactly the signed values.
fn url(endpoint: &Endpoint, query: &[(&str, &str)]) -> String {
    let mut url = String::with_capacity(
        endpoint.base_url().len()
            + 2
            + query
                .iter()
                .map(|(k, v)| k.len() + v.len() * 3 + 2)
                .sum::<usize>(),
    );
    url.push_str(endpoint.base_url());
    url.push('/');
    if !query.is_empty() {
        url.push('?');
    }
    encode_pairs(&mut url, query.iter().copied());
    url
}

fn form_body(params: &Params) -> Vec<u8> {
    let mut body = String::new();
    encode_pairs(
        &mut body,
        params.form().iter().map(|(k, v)| (*k, v.as_str())),
    );
    body.into_bytes()
}

/// Appends `k=v&k=v…`, each name and value percent-encoded.
fn encode_pairs<'a>(out: &mut String, pairs: impl Iterator<Item = (&'a str, &'a str)>) {
    for (i, (k, v)) in pairs.enumerate() {
        if i > 0 {
            out.push('&');
        }
        cams_signer::encode_into(out, k);
        out.push('=');
        cams_signer::encode_into(out, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const META: OperationMeta = OperationMeta {
        product: "cams",
        action: "CreateInstance",
        version: "2020-06-06",
        method: "POST",
        idempotent: false,
    };

    fn params() -> Params {
        let mut params = Params::default();
        params.push("ChannelType", &"whatsapp", false);
        params.push("ContactMail", &"ops+waba@example.com", false);
        params.push("InstanceDescription", &"", false);
        params.push("InstanceName", &"测试 a*b~c/d+e=f&g", false);
        params
    }

    fn attempt() -> AttemptInfo {
        AttemptInfo {
            timestamp: "2025-01-02T03:04:05Z".to_owned(),
            nonce: "0123456789abcdef0123456789abcdef".to_owned(),
            retry: None,
        }
    }

    /// The captured V1 CreateInstance URL of protocol.md 1.7, with `%20` where Python's
    /// form encoding sends `+`.
    #[test]
    fn v1_reproduces_the_official_clients_request() {
        let endpoint = Endpoint::parse("cams.ap-southeast-1.aliyuncs.com").expect("endpoint");
        let params = params();
        let ctx = RequestContext {
            meta: &META,
            params: &params,
            endpoint: &endpoint,
            version: SignatureVersion::V1,
            user_agent: "ua",
        };
        let creds = Credentials::new("LTAI5tTestAccessKeyId", "TestAccessKeySecret0123456789ab");
        let signed = sign(&ctx, &creds, &attempt());
        assert_eq!(
            signed.request.url,
            "https://cams.ap-southeast-1.aliyuncs.com/?Action=CreateInstance&Format=json&Version=2020-06-06&Timestamp=2025-01-02T03%3A04%3A05Z&SignatureNonce=0123456789abcdef0123456789abcdef&ChannelType=whatsapp&ContactMail=ops%2Bwaba%40example.com&InstanceDescription=&InstanceName=%E6%B5%8B%E8%AF%95%20a%2Ab~c%2Fd%2Be%3Df%26g&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&AccessKeyId=LTAI5tTestAccessKeyId&Signature=k0PpKWYoytdi12r5UHSdZKYK1%2FE%3D"
        );
        assert!(signed.request.body.is_empty());
        assert_eq!(
            signed.request.header("x-acs-action"),
            Some("CreateInstance")
        );
        assert_eq!(signed.request.header("authorization"), None);
    }

    #[test]
    fn v3_signs_the_retry_and_sts_headers() {
        let endpoint = Endpoint::parse("http://127.0.0.1:8080").expect("endpoint");
        let params = params();
        let ctx = RequestContext {
            meta: &META,
            params: &params,
            endpoint: &endpoint,
            version: SignatureVersion::V3,
            user_agent: "ua",
        };
        let creds = Credentials::new("STS.id", "secret").with_security_token("token");
        let mut info = attempt();
        info.retry = Some((1, 250));
        let signed = sign(&ctx, &creds, &info);
        let request = &signed.request;
        assert!(
            request
                .url
                .starts_with("http://127.0.0.1:8080/?ChannelType=whatsapp&")
        );
        assert!(!request.url.contains("Signature"));
        assert_eq!(request.header("host"), Some("127.0.0.1:8080"));
        assert_eq!(request.header("x-acs-retry-attempts"), Some("1"));
        assert_eq!(request.header("x-acs-retry-delay"), Some("250"));
        let authorization = request.header("authorization").expect("authorization");
        assert!(authorization.starts_with("ACS3-HMAC-SHA256 Credential=STS.id,SignedHeaders=host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-retry-attempts;x-acs-retry-delay;x-acs-security-token;x-acs-signature-nonce;x-acs-version,Signature="), "{authorization}");
        // What the service will recompute from the request as received.
        let query: Vec<(String, String)> = request
            .url
            .split_once('?')
            .map(|(_, q)| q)
            .unwrap_or_default()
            .split('&')
            .map(|pair| {
                let (k, v) = pair.split_once('=').expect("k=v");
                let decode = |s: &str| cams_signer::percent_decode(s).expect("decodes");
                (decode(k), decode(v))
            })
            .collect();
        let query: Vec<(&str, &str)> = query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        let received = v3::V3Request {
            method: "POST",
            path: "/",
            query: &query,
            headers: &headers,
            body: b"",
        };
        let verified = cams_signer::verify_v3(&received, "secret").expect("verifies");
        assert_eq!(verified.string_to_sign, signed.string_to_sign);
    }
}
