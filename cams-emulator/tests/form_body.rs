//! Parameters in an urlencoded form body are read and signed like query parameters, in both
//! signature versions.

use cams_emulator::Emulator;
use cams_signer::v3::{self, V3Request};

const ID: &str = "LTAI5tFormKey";
const SECRET: &str = "form-secret";

fn encode_pairs(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                cams_signer::percent_encode(k),
                cams_signer::percent_encode(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

async fn post(url: String, headers: &[(&str, String)], body: String) -> serde_json::Value {
    let mut request = reqwest::Client::new().post(url).body(body);
    for (k, v) in headers {
        request = request.header(*k, v.as_str());
    }
    let response = request.send().await.expect("answered");
    serde_json::from_slice(&response.bytes().await.expect("body")).expect("JSON")
}

#[tokio::test]
async fn v1_with_business_parameters_in_the_body() {
    let emulator = Emulator::builder()
        .access_key(ID, SECRET)
        .start()
        .await
        .expect("starts");
    let timestamp = cams_signer::timestamp_now();
    let nonce = cams_signer::new_nonce();
    let mut query = vec![
        ("Action", "CreateInstance"),
        ("Format", "json"),
        ("Version", "2020-06-06"),
        ("Timestamp", timestamp.as_str()),
        ("SignatureNonce", nonce.as_str()),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("AccessKeyId", ID),
    ];
    let form = [
        ("ChannelType", "whatsapp"),
        ("InstanceName", "form name & more"),
    ];
    let signed = cams_signer::v1::sign("POST", query.iter().chain(form.iter()).copied(), SECRET);
    query.push(("Signature", &signed.signature));
    let body = post(
        format!("{}/?{}", emulator.base_url(), encode_pairs(&query)),
        &[(
            "content-type",
            "application/x-www-form-urlencoded".to_owned(),
        )],
        encode_pairs(&form),
    )
    .await;
    assert_eq!(body["Code"], "OK", "{body}");
    assert_eq!(body["Data"]["InstanceName"], "form name & more");

    // The same body signed as if it were absent does not verify.
    let nonce = cams_signer::new_nonce();
    let mut query: Vec<(&str, &str)> = query[..8].to_vec();
    query[4] = ("SignatureNonce", nonce.as_str());
    let unsigned_body = cams_signer::v1::sign("POST", query.iter().copied(), SECRET);
    query.push(("Signature", &unsigned_body.signature));
    let body = post(
        format!("{}/?{}", emulator.base_url(), encode_pairs(&query)),
        &[(
            "content-type",
            "application/x-www-form-urlencoded".to_owned(),
        )],
        encode_pairs(&form),
    )
    .await;
    assert_eq!(body["Code"], "SignatureDoesNotMatch", "{body}");
}

#[tokio::test]
async fn v3_with_business_parameters_in_the_body() {
    let emulator = Emulator::builder()
        .access_key(ID, SECRET)
        .start()
        .await
        .expect("starts");
    let form = encode_pairs(&[("ChannelType", "viber"), ("InstanceName", "v3 form")]);
    let host = emulator.addr().to_string();
    let headers = vec![
        ("host", host),
        ("x-acs-action", "CreateInstance".to_owned()),
        ("x-acs-version", "2020-06-06".to_owned()),
        ("x-acs-date", cams_signer::timestamp_now()),
        ("x-acs-signature-nonce", cams_signer::new_nonce()),
        ("x-acs-content-sha256", v3::hash_payload(form.as_bytes())),
        (
            "content-type",
            "application/x-www-form-urlencoded".to_owned(),
        ),
    ];
    let borrowed: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let request = V3Request {
        method: "POST",
        path: "/",
        query: &[],
        headers: &borrowed,
        body: form.as_bytes(),
    };
    let signed = v3::sign(&request, ID, SECRET);
    let mut all = headers.clone();
    all.push(("authorization", signed.authorization));
    let body = post(format!("{}/", emulator.base_url()), &all, form.clone()).await;
    assert_eq!(body["Code"], "OK", "{body}");
    assert_eq!(body["Data"]["ChannelType"], "viber");

    // A body changed after signing is caught by its hash.
    let mut replayed = all.clone();
    replayed[4] = ("x-acs-signature-nonce", cams_signer::new_nonce());
    let body = post(
        format!("{}/", emulator.base_url()),
        &replayed,
        form.replace("viber", "whatsapp"),
    )
    .await;
    assert_eq!(body["Code"], "IncompleteSignature", "{body}");
    assert!(
        body["Message"]
            .as_str()
            .unwrap_or_default()
            .contains("x-acs-content-sha256"),
        "{body}"
    );
}
