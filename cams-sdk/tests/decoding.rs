//! Responses decode from the published examples of all five operations, leniently, and errors
//! are classified as users rely on: a non-`OK` `Code` in an HTTP 200 is an error, while
//! `"Success": false` with `"Code": "OK"` is a success.

use cams_sdk::runtime::Operation;
use cams_sdk::{
    CallOptions, ChannelType, Client, Config, Credentials, ErrorKind, HttpRequest, RawResponse,
    Transport, TransportFuture,
};
use serde_json::json;
use std::sync::{Arc, Mutex};

/// Answers every call with one canned response and records what it was asked to send.
#[derive(Clone)]
struct Canned {
    status: u16,
    body: String,
    sent: Arc<Mutex<Vec<HttpRequest>>>,
}

impl Transport for Canned {
    fn send<'a>(&'a self, request: &'a HttpRequest) -> TransportFuture<'a> {
        self.sent.lock().expect("lock").push(request.clone());
        let response = RawResponse {
            status: self.status,
            headers: vec![],
            body: self.body.clone().into_bytes(),
        };
        Box::pin(async move { Ok(response) })
    }
}

/// The business parameters of a V1 request: its query minus the common parameters.
fn business_params(request: &HttpRequest) -> Vec<(String, String)> {
    const COMMON: [&str; 9] = [
        "Action",
        "Format",
        "Version",
        "Timestamp",
        "SignatureNonce",
        "SignatureMethod",
        "SignatureVersion",
        "AccessKeyId",
        "Signature",
    ];
    let query = request
        .url
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or_default();
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| {
            let decode = |s: &str| cams_signer::percent_decode(s).expect("valid encoding");
            (decode(k), decode(v))
        })
        .filter(|(k, _)| !COMMON.contains(&k.as_str()))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn canned(status: u16, body: impl ToString) -> (Client, Arc<Mutex<Vec<HttpRequest>>>) {
    let sent = Arc::new(Mutex::new(Vec::new()));
    let transport = Canned {
        status,
        body: body.to_string(),
        sent: sent.clone(),
    };
    let config = Config::builder()
        .credentials(Credentials::new("LTAI5tTestAccessKeyId", "test-secret"))
        .transport(transport)
        .build()
        .expect("valid config");
    (Client::new(config), sent)
}

#[tokio::test]
async fn create_instance_published_example_with_integer_name() {
    let (client, sent) = canned(
        200,
        json!({
            "AccessDeniedDetail": "None", "RequestId": "2992939*****", "Message": "NULL",
            "Data": {"InstanceName": 0, "ResourceRegionId": "example", "InstanceId": "2999292",
                     "InstanceDescription": "des", "SubmitTime": "example", "ChannelType": "example"},
            "Code": "OK", "Success": false
        }),
    );
    let out = client
        .create_instance(ChannelType::Whatsapp, "shop-eu")
        .contact_mail("ops@example.com")
        .send()
        .await
        .expect("Code OK is a success");
    assert_eq!(out.success, Some(false));
    assert_eq!(out.code.as_deref(), Some("OK"));
    assert_eq!(out.access_denied_detail, Some(json!("None")));
    let data = out.data.expect("data");
    assert_eq!(
        data.instance_name.as_deref(),
        Some("0"),
        "the published integer decodes as text"
    );
    assert_eq!(data.instance_id.as_deref(), Some("2999292"));
    assert_eq!(
        data.channel_type,
        Some(ChannelType::Unknown("example".into()))
    );

    let sent = sent.lock().expect("lock");
    let request = &sent[0];
    assert_eq!(
        (
            request.header("x-acs-action"),
            request.header("x-acs-version"),
            request.method
        ),
        (Some("CreateInstance"), Some("2020-06-06"), "POST")
    );
    assert_eq!(
        business_params(request),
        pairs(&[
            ("ChannelType", "whatsapp"),
            ("InstanceName", "shop-eu"),
            ("ContactMail", "ops@example.com")
        ])
    );
}

#[tokio::test]
async fn create_instance_real_string_name() {
    let (client, _) = canned(
        200,
        r#"{"Code":"OK","Data":{"InstanceName":"shop-eu","ChannelType":"WhatsApp"}}"#,
    );
    let data = client
        .create_instance("whatsapp", "shop-eu")
        .send()
        .await
        .expect("ok")
        .data
        .expect("data");
    assert_eq!(data.instance_name.as_deref(), Some("shop-eu"));
    assert_eq!(
        data.channel_type,
        Some(ChannelType::Whatsapp),
        "parsed case-insensitively"
    );
}

#[tokio::test]
async fn query_instance_published_example() {
    let (client, sent) = canned(
        200,
        json!({
            "AccessDeniedDetail": "None", "Message": "NULL", "RequestId": "29kskkd******",
            "Data": {"CountryId": "1", "ContactMail": "1@alibaba.com", "CustType": "01", "ResourceRegionId": "1",
                     "ResourceGroupId": "111", "InstanceId": "293939*****", "OfficeAddress": "example",
                     "SubmitTime": "140092992", "InstanceName": "viber_ins", "IsvTerms": "https://alibaba.com/1.pdf",
                     "FacebookBmId": "39929****", "InstanceDescription": "ins", "ChannelType": "VIBER",
                     "SomethingNew": {"nested": true}},
            "Code": "OK", "Success": true, "AnotherNewField": 1
        }),
    );
    let out = client
        .query_instance("293939*****")
        .send()
        .await
        .expect("ok");
    let data = out.data.expect("data");
    assert_eq!(data.channel_type, Some(ChannelType::Viber));
    assert_eq!(data.cust_type.as_deref(), Some("01"));
    assert_eq!(data.submit_time.as_deref(), Some("140092992"));
    assert_eq!(out.request_id.as_deref(), Some("29kskkd******"));
    assert_eq!(sent.lock().expect("lock").len(), 1);
}

#[tokio::test]
async fn list_instance_published_example_and_parameters() {
    let (client, sent) = canned(
        200,
        json!({
            "AccessDeniedDetail": "{}", "TotalCount": 15, "RequestId": "2993*****", "Message": "NULL",
            "Data": [{"CountryId": "1", "ContactMail": "ma**@gmail.com", "ResourceRegionId": "11", "ResourceGroupId": "12",
                      "InstanceId": "29339****", "OfficeAddress": "example", "SubmitTime": "2023-12-12 00:00:00",
                      "InstanceName": "viber_ins", "CustSpaceId": "dad-gf**", "IsvTerms": "aa", "FacebookBmId": "1",
                      "InstanceDescription": "ins", "ChannelType": "VIBER", "State": "published"}],
            "Code": "OK", "Success": true
        }),
    );
    let out = client
        .list_instance()
        .channel_type(ChannelType::Viber)
        .page_size(20)
        .page_index(2)
        .is_bind(true)
        .send()
        .await
        .expect("ok");
    assert_eq!(out.total_count, Some(15));
    let items = out.data.expect("data");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].state.as_deref(), Some("published"));
    assert_eq!(items[0].cust_space_id.as_deref(), Some("dad-gf**"));
    assert_eq!(
        business_params(&sent.lock().expect("lock")[0]),
        pairs(&[
            ("ChannelType", "viber"),
            ("PageSize", "20"),
            ("PageIndex", "2"),
            ("IsBind", "true")
        ])
    );
}

#[tokio::test]
async fn numbers_as_strings_and_strings_as_numbers() {
    let (client, _) = canned(
        200,
        r#"{"Code":"OK","TotalCount":"42","Data":[{"InstanceId":12345,"ChannelType":"telegram"}]}"#,
    );
    let out = client.list_instance().send().await.expect("ok");
    assert_eq!(out.total_count, Some(42));
    let item = &out.data.expect("data")[0];
    assert_eq!(item.instance_id.as_deref(), Some("12345"));
    let unknown = item.channel_type.clone().expect("channel");
    assert_eq!(unknown, ChannelType::Unknown("telegram".into()));
    assert_eq!(
        unknown.to_string(),
        "telegram",
        "unknown values round-trip unchanged"
    );
}

#[tokio::test]
async fn update_and_delete_published_examples() {
    let (client, sent) = canned(
        200,
        json!({
            "AccessDeniedDetail": "None", "RequestId": "example", "Message": "NULL",
            "Data": {"InstanceName": "ins", "ResourceRegionId": "example", "InstanceId": "293992992", "InstanceDescription": "des",
                     "ChannelType": "VIBER", "SubmitTime": "2020-12-01 00:00:00", "Description": "des"},
            "Code": "OK", "Success": false
        }),
    );
    let data = client
        .update_instance("293992992", "ins")
        .instance_description("des")
        .send()
        .await
        .expect("ok")
        .data
        .expect("data");
    assert_eq!(data.description.as_deref(), Some("des"));
    assert_eq!(sent.lock().expect("lock").len(), 1);

    let (client, _) = canned(
        200,
        r#"{"AccessDeniedDetail":"{}","RequestId":"3993939******","Message":"NULL","Code":"OK","Success":false}"#,
    );
    let out = client
        .delete_instance("2399393****")
        .send()
        .await
        .expect("Code OK is a success");
    assert_eq!(out.request_id.as_deref(), Some("3993939******"));
}

#[tokio::test]
async fn a_business_error_in_http_200_is_an_error() {
    let (client, _) = canned(
        200,
        r#"{"RequestId":"r-9","Code":"Instance.NotExist","Message":"The instance does not exist.","Success":false}"#,
    );
    let error = client
        .query_instance("ins-missing")
        .send()
        .await
        .expect_err("non-OK Code");
    assert_eq!(error.kind(), ErrorKind::Service);
    assert_eq!(
        (error.code(), error.request_id(), error.status()),
        (Some("Instance.NotExist"), Some("r-9"), Some(200))
    );
    assert_eq!(
        error.to_string(),
        "Instance.NotExist: The instance does not exist. (HTTP 200) [request id r-9]"
    );
}

#[tokio::test]
async fn a_gateway_error_keeps_its_metadata() {
    let (client, _) = canned(
        403,
        json!({
            "RequestId": "r-403", "HostId": "cams.ap-southeast-1.aliyuncs.com", "Code": "Forbidden.RAM",
            "Message": "User not authorized", "Recommend": "https://error-center.aliyun.com/status/search?Keyword=Forbidden.RAM",
            "AccessDeniedDetail": {"AuthAction": "cams:QueryInstance", "NoPermissionType": "ImplicitDeny"}
        }),
    );
    let error = client
        .query_instance("ins-1")
        .send()
        .await
        .expect_err("403");
    assert_eq!(error.status(), Some(403));
    assert_eq!(error.host_id(), Some("cams.ap-southeast-1.aliyuncs.com"));
    assert!(
        error
            .recommend()
            .is_some_and(|r| r.contains("Forbidden.RAM"))
    );
    assert_eq!(
        error
            .access_denied_detail()
            .and_then(|d| d["AuthAction"].as_str()),
        Some("cams:QueryInstance")
    );
}

#[tokio::test]
async fn an_undecodable_body_is_reported_with_an_excerpt() {
    // A proxy's HTML error page is still an HTTP error, and a 502 is worth retrying.
    let (client, sent) = canned(502, "<html>Bad Gateway</html>");
    let error = client
        .query_instance("ins-1")
        .options(CallOptions::no_retries())
        .send()
        .await
        .expect_err("HTML");
    assert_eq!(error.kind(), ErrorKind::Service);
    assert_eq!(error.status(), Some(502));
    assert!(error.is_retryable());
    assert!(
        error.message().contains("<html>Bad Gateway</html>"),
        "{}",
        error.message()
    );
    assert_eq!(sent.lock().expect("lock").len(), 1);

    let (client, _) = canned(200, "<html>OK</html>");
    let error = client
        .query_instance("ins-1")
        .send()
        .await
        .expect_err("HTML");
    assert_eq!(error.kind(), ErrorKind::Undecodable);
    assert_eq!(error.status(), Some(200));
    assert!(!error.is_retryable());
    assert!(error.message().contains("<html>OK</html>"), "{error}");

    let (client, _) = canned(
        200,
        format!(
            r#"{{"Code":"OK","RequestId":"r-5","TotalCount":{{"x":1}},"Pad":"{}"}}"#,
            "z".repeat(5000)
        ),
    );
    let error = client.list_instance().send().await.expect_err("wrong type");
    assert_eq!(
        (error.kind(), error.request_id()),
        (ErrorKind::Undecodable, Some("r-5"))
    );
    assert!(
        error.message().contains("expected a whole number"),
        "{}",
        error.message()
    );
    assert!(error.message().len() < 1200, "the body excerpt is bounded");
}

#[tokio::test]
async fn invalid_input_is_rejected_before_sending() {
    let (client, sent) = canned(200, r#"{"Code":"OK"}"#);
    let error = client
        .list_instance()
        .page_size(0)
        .send()
        .await
        .expect_err("PageSize 0");
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        error.message(),
        "invalid parameter PageSize: must be at least 1, got 0"
    );
    let error = client
        .query_instance("  ")
        .send()
        .await
        .expect_err("empty id");
    assert_eq!(
        error.message(),
        "invalid parameter InstanceId: is required and must not be empty"
    );
    let error = client
        .create_instance("", "name")
        .options(CallOptions::no_retries())
        .send()
        .await
        .expect_err("empty channel");
    assert!(error.message().contains("ChannelType"));
    assert!(sent.lock().expect("lock").is_empty(), "nothing was sent");
}

#[test]
fn channel_type_parses_case_insensitively_and_serializes_its_wire_value() {
    assert_eq!("WHATSAPP".parse::<ChannelType>(), Ok(ChannelType::Whatsapp));
    assert_eq!(ChannelType::Instagram.as_str(), "instagram");
    assert_eq!(
        ChannelType::VALUES,
        ["whatsapp", "messenger", "instagram", "viber"]
    );
    assert_eq!(
        serde_json::to_value(ChannelType::from("Viber")).expect("json"),
        json!("viber")
    );
    assert_eq!(
        serde_json::from_value::<ChannelType>(json!("line")).expect("json"),
        ChannelType::Unknown("line".into())
    );
}

#[test]
fn only_create_instance_is_not_idempotent() {
    let idempotent = [
        cams_sdk::CreateInstanceRequest::META.idempotent,
        cams_sdk::QueryInstanceRequest::META.idempotent,
        cams_sdk::ListInstanceRequest::META.idempotent,
        cams_sdk::UpdateInstanceRequest::META.idempotent,
        cams_sdk::DeleteInstanceRequest::META.idempotent,
    ];
    // CreateInstance must never be retried blindly.
    assert_eq!(idempotent, [false, true, true, true, true]);
}

#[tokio::test]
async fn a_server_repeating_the_same_page_does_not_loop_forever() {
    // Every call answers the same full page, and claims there are thousands more.
    let page = json!({
        "Code": "OK", "RequestId": "r", "TotalCount": 5000,
        "Data": (0..20).map(|i| json!({"InstanceId": format!("ins-{i}")})).collect::<Vec<_>>()
    });
    let (client, sent) = canned(200, page);
    let mut pages = client.list_instance().page_size(20).into_paginator();
    let first = pages.next_page().await.expect("a page").expect("ok");
    assert_eq!(first.data.map(|d| d.len()), Some(20));
    let error = pages
        .next_page()
        .await
        .expect("an item")
        .expect_err("the repeat is an error");
    assert!(error.message().contains("repeats instances"), "{error}");
    assert!(pages.next_page().await.is_none(), "and the stream ends");
    assert_eq!(sent.lock().expect("lock").len(), 2);

    // The same through the item stream: 20 items, then the error, then the end.
    let (client, _) = canned(
        200,
        json!({"Code": "OK", "TotalCount": 5000,
               "Data": (0..20).map(|i| json!({"InstanceId": format!("ins-{i}")})).collect::<Vec<_>>()}),
    );
    let mut items = client.list_instance().into_paginator().items();
    let mut ok = 0;
    let mut errors = 0;
    while let Some(item) = items.next().await {
        match item {
            Ok(_) => ok += 1,
            Err(_) => errors += 1,
        }
    }
    assert_eq!((ok, errors), (20, 1));
}

#[tokio::test]
async fn pages_without_a_total_stop_at_an_empty_page() {
    let (client, sent) = canned(200, json!({"Code": "OK", "Data": []}));
    let mut pages = client.list_instance().into_paginator();
    let page = pages.next_page().await.expect("a page").expect("ok");
    assert_eq!(page.data.map(|d| d.len()), Some(0));
    assert!(pages.next_page().await.is_none());
    let sent = sent.lock().expect("lock");
    assert_eq!(sent.len(), 1);
    let params = business_params(&sent[0]);
    assert!(
        params.contains(&("PageSize".to_owned(), "20".to_owned())),
        "{params:?}"
    );
    assert!(
        params.contains(&("PageIndex".to_owned(), "1".to_owned())),
        "{params:?}"
    );
}

#[test]
fn the_client_is_send_sync_and_cheap_to_clone() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Client>();
    assert_eq!(std::mem::size_of::<Client>(), std::mem::size_of::<usize>());
    assert_eq!(
        std::mem::size_of::<cams_sdk::Error>(),
        std::mem::size_of::<usize>()
    );
}
