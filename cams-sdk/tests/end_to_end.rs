//! The SDK against the emulator over loopback: the five operations in both signature versions,
//! every gateway rejection, every injected fault, retries, pagination and concurrency.

use cams_emulator::{Emulator, Fault};
use cams_sdk::transport::ReqwestTransport;
use cams_sdk::{
    CallOptions, ChannelType, Client, Config, Credentials, ErrorKind, HttpRequest, RetryPolicy,
    SignatureVersion, Transport, TransportFuture,
};
use std::collections::HashSet;
use std::time::Duration;

const KEY_ID: &str = "LTAI5tEndToEndKey";
const SECRET: &str = "end-to-end-secret";

async fn emulator(faults: &[(&str, Fault)]) -> Emulator {
    let mut builder = Emulator::builder().access_key(KEY_ID, SECRET).sts_key(
        "STS.EndToEnd",
        "sts-secret",
        "sts-token-value",
    );
    for (action, fault) in faults {
        builder = builder.fault(*action, fault.clone());
    }
    builder.start().await.expect("emulator starts")
}

/// Fast retries so the tests do not sleep long.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(20))
}

fn client_for(emulator: &Emulator, version: SignatureVersion, creds: Credentials) -> Client {
    let config = Config::builder()
        .endpoint(emulator.base_url())
        .credentials(creds)
        .signature_version(version)
        .retry_policy(fast_retries())
        .build()
        .expect("valid config");
    Client::new(config)
}

fn client(emulator: &Emulator, version: SignatureVersion) -> Client {
    client_for(emulator, version, Credentials::new(KEY_ID, SECRET))
}

async fn lifecycle(client: &Client, emulator: &Emulator) {
    let created = client
        .create_instance(ChannelType::Viber, "测试 a*b~c/d+e=f&g")
        .contact_mail("ops+waba@example.com")
        .instance_description("")
        .resource_group_id("rg-1")
        .send()
        .await
        .expect("create");
    let data = created.data.expect("data");
    let id = data.instance_id.expect("id");
    assert_eq!(data.instance_name.as_deref(), Some("测试 a*b~c/d+e=f&g"));
    assert_eq!(data.channel_type, Some(ChannelType::Viber));
    assert!(created.request_id.is_some());

    let queried = client.query_instance(&id).send().await.expect("query");
    let found = queried.data.expect("data");
    assert_eq!(found.contact_mail.as_deref(), Some("ops+waba@example.com"));
    assert_eq!(found.resource_group_id.as_deref(), Some("rg-1"));

    let listed = client
        .list_instance()
        .channel_type(ChannelType::Viber)
        .instance_id(&id)
        .send()
        .await
        .expect("list");
    assert_eq!(listed.total_count, Some(1));
    assert_eq!(
        listed.data.expect("data")[0].instance_id.as_deref(),
        Some(id.as_str())
    );

    let updated = client
        .update_instance(&id, "renamed")
        .instance_description("new description")
        .send()
        .await
        .expect("update");
    let updated = updated.data.expect("data");
    assert_eq!(updated.instance_name.as_deref(), Some("renamed"));
    assert_eq!(updated.description.as_deref(), Some("new description"));

    client.delete_instance(&id).send().await.expect("delete");
    let gone = client
        .query_instance(&id)
        .send()
        .await
        .expect_err("deleted");
    assert_eq!(gone.kind(), ErrorKind::Service);
    assert_eq!(gone.code(), Some("Instance.NotExist"));
    assert_eq!(gone.status(), Some(200), "CAMS reports it in an HTTP 200");
    assert!(gone.request_id().is_some());
    assert!(!gone.is_retryable());
    assert!(emulator.instances().is_empty());
}

#[tokio::test]
async fn all_five_operations_with_signature_v1() {
    let emulator = emulator(&[]).await;
    lifecycle(&client(&emulator, SignatureVersion::V1), &emulator).await;
    let versions: HashSet<_> = emulator
        .requests()
        .iter()
        .map(|r| r.signature_version)
        .collect();
    assert_eq!(versions, HashSet::from([Some("v1")]));
}

#[tokio::test]
async fn all_five_operations_with_signature_v3() {
    let emulator = emulator(&[]).await;
    lifecycle(&client(&emulator, SignatureVersion::V3), &emulator).await;
    let versions: HashSet<_> = emulator
        .requests()
        .iter()
        .map(|r| r.signature_version)
        .collect();
    assert_eq!(versions, HashSet::from([Some("v3")]));
}

#[tokio::test]
async fn sts_credentials_in_both_versions() {
    let emulator = emulator(&[]).await;
    for version in [SignatureVersion::V1, SignatureVersion::V3] {
        let creds =
            Credentials::new("STS.EndToEnd", "sts-secret").with_security_token("sts-token-value");
        lifecycle(&client_for(&emulator, version, creds), &emulator).await;

        let no_token = client_for(
            &emulator,
            version,
            Credentials::new("STS.EndToEnd", "sts-secret"),
        );
        let error = no_token.list_instance().send().await.expect_err("no token");
        assert_eq!(
            (error.code(), error.status()),
            (Some("MissingSecurityToken"), Some(400))
        );

        let wrong = Credentials::new("STS.EndToEnd", "sts-secret").with_security_token("other");
        let error = client_for(&emulator, version, wrong)
            .list_instance()
            .send()
            .await
            .expect_err("wrong token");
        assert_eq!(error.code(), Some("InvalidSecurityToken.Mismatch"));
    }
}

#[tokio::test]
async fn a_wrong_secret_shows_both_strings_to_sign() {
    let emulator = emulator(&[]).await;
    for version in [SignatureVersion::V1, SignatureVersion::V3] {
        let wrong = client_for(
            &emulator,
            version,
            Credentials::new(KEY_ID, "not-the-secret"),
        );
        let error = wrong
            .query_instance("ins-1")
            .send()
            .await
            .expect_err("wrong secret");
        assert_eq!(error.kind(), ErrorKind::Service);
        assert_eq!(
            (error.code(), error.status()),
            (Some("SignatureDoesNotMatch"), Some(400))
        );
        assert!(!error.is_retryable());
        let mismatch = error.signature_mismatch().expect("compared");
        assert_eq!(
            mismatch.ours, mismatch.theirs,
            "same string to sign, so the secret is wrong"
        );
        assert_eq!(mismatch.difference, None);
        assert!(
            error.to_string().contains("the AccessKey secret is wrong"),
            "{error}"
        );
        assert!(!error.to_string().contains("not-the-secret"));
    }
}

/// Rewrites the query after signing, as a misbehaving proxy would.
struct Tamper(ReqwestTransport);

impl Transport for Tamper {
    fn send<'a>(&'a self, request: &'a HttpRequest) -> TransportFuture<'a> {
        let mut changed = request.clone();
        changed.url = changed.url.replace("InstanceId=ins-1", "InstanceId=ins-2");
        Box::pin(async move { self.0.send(&changed).await })
    }
}

#[tokio::test]
async fn a_tampered_request_shows_where_the_strings_to_sign_differ() {
    let emulator = emulator(&[]).await;
    let config = Config::builder()
        .endpoint(emulator.base_url())
        .credentials(Credentials::new(KEY_ID, SECRET))
        .transport(Tamper(
            ReqwestTransport::new(Duration::from_secs(5)).expect("transport"),
        ))
        .build()
        .expect("config");
    let error = Client::new(config)
        .query_instance("ins-1")
        .send()
        .await
        .expect_err("tampered");
    assert_eq!(error.code(), Some("SignatureDoesNotMatch"));
    let mismatch = error.signature_mismatch().expect("compared");
    let difference = mismatch.difference.as_ref().expect("they differ");
    assert!(mismatch.ours.contains("ins-1") && mismatch.theirs.contains("ins-2"));
    assert!(
        difference.ours.starts_with('1') && difference.theirs.starts_with('2'),
        "{difference}"
    );
    assert!(
        error.to_string().contains("first difference at byte"),
        "{error}"
    );
}

/// Sends every request twice, as a replay attack would.
struct Replay(ReqwestTransport);

impl Transport for Replay {
    fn send<'a>(&'a self, request: &'a HttpRequest) -> TransportFuture<'a> {
        Box::pin(async move {
            self.0.send(request).await?;
            self.0.send(request).await
        })
    }
}

#[tokio::test]
async fn a_replayed_nonce_is_rejected_in_both_versions() {
    let emulator = emulator(&[]).await;
    for version in [SignatureVersion::V1, SignatureVersion::V3] {
        let config = Config::builder()
            .endpoint(emulator.base_url())
            .credentials(Credentials::new(KEY_ID, SECRET))
            .signature_version(version)
            .transport(Replay(
                ReqwestTransport::new(Duration::from_secs(5)).expect("transport"),
            ))
            .build()
            .expect("config");
        let error = Client::new(config)
            .list_instance()
            .send()
            .await
            .expect_err("replayed");
        assert_eq!(
            (error.code(), error.status()),
            (Some("SignatureNonceUsed"), Some(400))
        );
    }
}

#[tokio::test]
async fn gateway_rejections_by_code_and_status() {
    let emulator = emulator(&[]).await;

    let unknown = client_for(
        &emulator,
        SignatureVersion::V3,
        Credentials::new("LTAI5tUnknown", SECRET),
    );
    let error = unknown
        .list_instance()
        .send()
        .await
        .expect_err("unknown key");
    assert_eq!(
        (error.code(), error.status()),
        (Some("InvalidAccessKeyId.NotFound"), Some(404))
    );

    let error = client(&emulator, SignatureVersion::V1)
        .create_instance(ChannelType::Unknown("telegram".into()), "x")
        .send()
        .await
        .expect_err("not a channel");
    assert_eq!(
        (error.code(), error.status()),
        (Some("InvalidParameter"), Some(400))
    );
    assert!(error.message().contains("ChannelType"), "{error}");
    assert!(error.host_id().is_some() && error.recommend().is_some());

    // A clock 20 minutes ahead of ours.
    let skewed = Emulator::builder()
        .access_key(KEY_ID, SECRET)
        .clock(|| time::OffsetDateTime::now_utc() + time::Duration::minutes(20))
        .start()
        .await
        .expect("starts");
    for version in [SignatureVersion::V1, SignatureVersion::V3] {
        let error = client(&skewed, version)
            .list_instance()
            .send()
            .await
            .expect_err("expired");
        assert_eq!(
            (error.code(), error.status()),
            (Some("InvalidTimeStamp.Expired"), Some(400))
        );
    }
}

/// Signs a V1 request by hand, to send what the SDK never would.
async fn raw_v1(
    emulator: &Emulator,
    method: &str,
    params: &[(&str, &str)],
    sign: bool,
) -> (u16, serde_json::Value) {
    let timestamp = cams_signer::timestamp_now();
    let nonce = cams_signer::new_nonce();
    let mut all: Vec<(&str, &str)> = vec![
        ("Format", "json"),
        ("Version", "2020-06-06"),
        ("Timestamp", &timestamp),
        ("SignatureNonce", &nonce),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("AccessKeyId", KEY_ID),
    ];
    all.extend_from_slice(params);
    let signature = cams_signer::v1::sign(method, all.iter().copied(), SECRET);
    if sign {
        all.push(("Signature", &signature.signature));
    }
    let query: Vec<String> = all
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                cams_signer::percent_encode(k),
                cams_signer::percent_encode(v)
            )
        })
        .collect();
    let url = format!("{}/?{}", emulator.base_url(), query.join("&"));
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let response = reqwest::Client::new()
        .request(method, url)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("body");
    let body = serde_json::from_slice(&bytes).expect("JSON body");
    (status, body)
}

#[tokio::test]
async fn rejections_the_sdk_cannot_produce() {
    let emulator = emulator(&[]).await;
    // method, parameters, signed => status, code
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], bool, u16, &'a str);
    let cases: &[Case<'_>] = &[
        (
            "POST",
            &[("Action", "QueryInstance")],
            true,
            400,
            "MissingParameter",
        ),
        (
            "POST",
            &[("Action", "ListInstance"), ("PageSize", "0")],
            true,
            400,
            "InvalidParameter",
        ),
        (
            "POST",
            &[("Action", "ListInstance"), ("IsBind", "maybe")],
            true,
            400,
            "InvalidParameter",
        ),
        (
            "POST",
            &[("Action", "DescribeEverything")],
            true,
            404,
            "InvalidApi.NotFound",
        ),
        (
            "POST",
            &[("Action", "ListInstance")],
            false,
            400,
            "IncompleteSignature",
        ),
        (
            "PUT",
            &[("Action", "ListInstance")],
            true,
            400,
            "UnsupportedHTTPMethod",
        ),
        // GET is served like POST.
        ("GET", &[("Action", "ListInstance")], true, 200, "OK"),
    ];
    for (method, params, sign, status, code) in cases {
        let (got_status, body) = raw_v1(&emulator, method, params, *sign).await;
        assert_eq!(
            (got_status, body["Code"].as_str()),
            (*status, Some(*code)),
            "{method} {params:?}: {body}"
        );
        assert!(body["RequestId"].is_string());
        if *status != 200 {
            for field in ["HostId", "Message", "Recommend"] {
                assert!(body[field].is_string(), "{field} in {body}");
            }
        }
    }
}

fn nonces(emulator: &Emulator) -> Vec<String> {
    emulator
        .requests()
        .into_iter()
        .filter_map(|r| r.nonce)
        .collect()
}

#[tokio::test]
async fn throttling_then_success_with_fresh_nonces_and_retry_headers() {
    let emulator = emulator(&[(
        "QueryInstance",
        Fault::Throttle {
            times: 2,
            retry_after: Some(Duration::from_millis(30)),
        },
    )])
    .await;
    let client = client(&emulator, SignatureVersion::V3);
    let error = client
        .query_instance("ins-x")
        .send()
        .await
        .expect_err("not found in the end");
    assert_eq!(
        error.code(),
        Some("Instance.NotExist"),
        "the third attempt got through"
    );
    let requests = emulator.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(
        requests.iter().map(|r| r.retry_attempt).collect::<Vec<_>>(),
        [None, Some(1), Some(2)]
    );
    assert_eq!(requests[0].code.as_deref(), Some("Throttling.User"));
    let nonces = nonces(&emulator);
    assert_eq!(
        nonces.iter().collect::<HashSet<_>>().len(),
        3,
        "a fresh nonce per attempt"
    );
}

#[tokio::test]
async fn throttling_is_retried_even_for_create_instance() {
    let emulator = emulator(&[(
        "CreateInstance",
        Fault::Throttle {
            times: 1,
            retry_after: None,
        },
    )])
    .await;
    let client = client(&emulator, SignatureVersion::V1);
    client
        .create_instance("whatsapp", "shop")
        .send()
        .await
        .expect("created on the retry");
    assert_eq!(emulator.requests().len(), 2);
    assert_eq!(emulator.instances().len(), 1);
}

#[tokio::test]
async fn a_503_storm_exhausts_the_policy() {
    let emulator = emulator(&[(
        "ListInstance",
        Fault::Status {
            times: 10,
            status: 503,
        },
    )])
    .await;
    let client = client(&emulator, SignatureVersion::V1);
    let error = client.list_instance().send().await.expect_err("storm");
    assert_eq!(
        (error.code(), error.status()),
        (Some("ServiceUnavailable"), Some(503))
    );
    assert!(error.is_retryable());
    assert_eq!(error.attempts(), 3);
    assert!(error.to_string().contains("after 3 attempts"), "{error}");
    assert_eq!(emulator.requests().len(), 3);

    // Per call, retries can be turned off.
    let error = client
        .list_instance()
        .options(CallOptions::no_retries())
        .send()
        .await
        .expect_err("storm");
    assert_eq!(error.attempts(), 1);
    assert_eq!(emulator.requests().len(), 4);

    // And per client.
    let once = Client::new(
        Config::builder()
            .endpoint(emulator.base_url())
            .credentials(Credentials::new(KEY_ID, SECRET))
            .retry_policy(RetryPolicy::disabled())
            .build()
            .expect("config"),
    );
    once.list_instance().send().await.expect_err("storm");
    assert_eq!(emulator.requests().len(), 5);
}

#[tokio::test]
async fn server_errors_are_not_retried_for_create_instance() {
    for status in [500, 502, 503, 504] {
        let emulator = emulator(&[("CreateInstance", Fault::Status { times: 1, status })]).await;
        let client = client(&emulator, SignatureVersion::V1);
        let error = client
            .create_instance("whatsapp", "shop")
            .send()
            .await
            .expect_err("5xx");
        assert_eq!(error.status(), Some(status));
        assert!(error.is_retryable() && !error.is_retryable_for(false));
        assert_eq!(emulator.requests().len(), 1, "HTTP {status}: sent once");
    }
}

#[tokio::test]
async fn a_read_timeout_is_retried_for_reads_but_never_for_create_instance() {
    let delay = Fault::Delay {
        times: 1,
        delay: Duration::from_millis(600),
    };
    let emulator = emulator(&[("QueryInstance", delay.clone()), ("CreateInstance", delay)]).await;
    let config = Config::builder()
        .endpoint(emulator.base_url())
        .credentials(Credentials::new(KEY_ID, SECRET))
        .retry_policy(fast_retries())
        .attempt_timeout(Duration::from_millis(200))
        .build()
        .expect("config");
    let client = Client::new(config);

    let error = client
        .query_instance("ins-x")
        .send()
        .await
        .expect_err("not found");
    assert_eq!(
        error.code(),
        Some("Instance.NotExist"),
        "the retry answered"
    );

    let error = client
        .create_instance("whatsapp", "slow")
        .send()
        .await
        .expect_err("timeout");
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert_eq!(error.attempts(), 1);
    tokio::time::sleep(Duration::from_millis(700)).await;
    let creates = emulator
        .requests()
        .into_iter()
        .filter(|r| r.action.as_deref() == Some("CreateInstance"))
        .count();
    assert_eq!(creates, 1, "the server saw exactly one CreateInstance");
    assert!(emulator.instances().len() <= 1);
}

#[tokio::test]
async fn the_operation_timeout_bounds_retries() {
    let emulator = emulator(&[(
        "ListInstance",
        Fault::Throttle {
            times: 100,
            retry_after: Some(Duration::from_millis(200)),
        },
    )])
    .await;
    let config = Config::builder()
        .endpoint(emulator.base_url())
        .credentials(Credentials::new(KEY_ID, SECRET))
        .retry_policy(RetryPolicy::default().with_max_attempts(10))
        .build()
        .expect("config");
    let client = Client::new(config);
    let error = client
        .list_instance()
        .options(CallOptions::default().operation_timeout(Duration::from_millis(300)))
        .send()
        .await
        .expect_err("bounded");
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert!(error.message().contains("operation timeout"), "{error}");
    assert_eq!(
        emulator.requests().len(),
        2,
        "at 0 ms and 200 ms; the third would start at 400 ms"
    );
}

#[tokio::test]
async fn a_dropped_response_never_duplicates_create_instance() {
    let emulator = emulator(&[("CreateInstance", Fault::ProcessThenDrop { times: 1 })]).await;
    let client = client(&emulator, SignatureVersion::V1);
    let error = client
        .create_instance("whatsapp", "shop")
        .send()
        .await
        .expect_err("dropped");
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert!(error.is_retryable() && !error.is_retryable_for(false));
    assert_eq!(emulator.requests().len(), 1);
    assert_eq!(emulator.instances().len(), 1, "processed once, never twice");
}

#[tokio::test]
async fn a_reset_connection_is_retried_for_reads_only() {
    let emulator = emulator(&[
        ("ListInstance", Fault::Reset { times: 1 }),
        ("CreateInstance", Fault::Reset { times: 1 }),
    ])
    .await;
    let client = client(&emulator, SignatureVersion::V3);
    client.list_instance().send().await.expect("recovered");
    let error = client
        .create_instance("whatsapp", "x")
        .send()
        .await
        .expect_err("reset");
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert_eq!(emulator.requests().len(), 3);
    assert!(emulator.instances().is_empty());
}

#[tokio::test]
async fn malformed_and_truncated_bodies_are_undecodable() {
    let emulator = emulator(&[
        ("ListInstance", Fault::Malformed { times: 1 }),
        ("QueryInstance", Fault::Truncated { times: 1 }),
    ])
    .await;
    let client = client(&emulator, SignatureVersion::V1);
    let error = client.list_instance().send().await.expect_err("malformed");
    assert_eq!(error.kind(), ErrorKind::Undecodable);
    assert_eq!(error.status(), Some(200));
    assert!(error.request_id().is_some(), "taken from x-acs-request-id");
    assert!(error.message().contains("<html>"), "{error}");
    let error = client
        .query_instance("ins-1")
        .send()
        .await
        .expect_err("truncated");
    assert_eq!(error.kind(), ErrorKind::Undecodable);
    assert_eq!(
        emulator.requests().len(),
        2,
        "an undecodable answer is not retried"
    );
}

#[tokio::test]
async fn connection_refused_is_a_connect_error_retried_even_for_create() {
    // Bind, learn the port, close: nothing listens there.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let config = Config::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .credentials(Credentials::new(KEY_ID, SECRET))
        .retry_policy(fast_retries())
        .build()
        .expect("config");
    let error = Client::new(config)
        .create_instance("whatsapp", "x")
        .send()
        .await
        .expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::Connect);
    assert!(error.is_retryable_for(false));
    assert_eq!(error.attempts(), 3, "never sent, so safe to retry");
}

#[tokio::test]
async fn pagination_across_three_pages() {
    let emulator = emulator(&[]).await;
    let client = client(&emulator, SignatureVersion::V3);
    for i in 0..45 {
        client
            .create_instance("whatsapp", format!("shop-{i:02}"))
            .send()
            .await
            .expect("create");
    }
    client
        .create_instance("viber", "other")
        .send()
        .await
        .expect("create");
    let mut pages = client
        .list_instance()
        .channel_type(ChannelType::Whatsapp)
        .page_size(20)
        .into_paginator();
    let mut sizes = Vec::new();
    while let Some(page) = pages.next_page().await {
        sizes.push(page.expect("page").data.unwrap_or_default().len());
    }
    assert_eq!(sizes, [20, 20, 5]);

    let mut items = client
        .list_instance()
        .channel_type(ChannelType::Whatsapp)
        .page_size(20)
        .into_paginator()
        .items();
    let mut names = Vec::new();
    while let Some(item) = items.next().await {
        names.push(item.expect("item").instance_name.unwrap_or_default());
    }
    let expected: Vec<String> = (0..45).map(|i| format!("shop-{i:02}")).collect();
    assert_eq!(names, expected);
    let lists = emulator
        .requests()
        .iter()
        .filter(|r| r.action.as_deref() == Some("ListInstance"))
        .count();
    assert_eq!(
        lists, 6,
        "three pages per pass, no extra call after the short page"
    );

    // An exact multiple of the page size stops on TotalCount, without asking for an empty page.
    let mut pages = client
        .list_instance()
        .channel_type(ChannelType::Whatsapp)
        .page_size(15)
        .into_paginator();
    let mut count = 0;
    while let Some(page) = pages.next_page().await {
        page.expect("page");
        count += 1;
    }
    assert_eq!(count, 3);
}

#[tokio::test]
async fn two_hundred_concurrent_creates_make_two_hundred_instances() {
    let emulator = emulator(&[]).await;
    let client = client(&emulator, SignatureVersion::V3);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..200 {
        let client = client.clone();
        tasks.spawn(async move {
            client
                .create_instance(ChannelType::Messenger, format!("page-{i}"))
                .send()
                .await
                .map(|r| r.data.and_then(|d| d.instance_id))
        });
    }
    let mut ids = HashSet::new();
    while let Some(result) = tasks.join_next().await {
        let id = result.expect("task").expect("created").expect("id");
        assert!(ids.insert(id), "unique ids");
    }
    assert_eq!(ids.len(), 200);
    assert_eq!(emulator.instances().len(), 200);
    assert_eq!(nonces(&emulator).iter().collect::<HashSet<_>>().len(), 200);
}
