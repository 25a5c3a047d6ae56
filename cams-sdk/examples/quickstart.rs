//! The quickstart: create an instance, query it, list it, update it and delete it.
//!
//! ```text
//! cargo run -p cams-sdk --example quickstart            # against an in-process emulator
//! cargo run -p cams-sdk --example quickstart -- --live  # against the real CAMS
//! ```
//!
//! With `--live` the client reads its region from `ALIBABA_CLOUD_REGION_ID` (default
//! `ap-southeast-1`) and its credentials from the default chain (environment, Aliyun CLI
//! config, credentials file, ECS RAM role, credentials URI). Without it, nothing leaves the
//! machine.

use cams_emulator::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator};
use cams_sdk::{ChannelType, Client, Config, Credentials};
use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let live = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--live") => true,
        Some(other) => {
            eprintln!("unknown argument {other:?}; usage: quickstart [--live]");
            return ExitCode::FAILURE;
        }
    };
    match run(live).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quickstart failed: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(live: bool) -> Result<(), Box<dyn std::error::Error>> {
    // Keep the emulator alive until the end of `run`.
    let mut _emulator = None;
    let client = if live {
        println!("Using the real CAMS endpoint and the default credentials chain.");
        Client::new(Config::from_env().build()?)
    } else {
        let emulator = Emulator::builder().start().await?;
        println!("Started the CAMS emulator at {}", emulator.base_url());
        let config = Config::builder()
            .endpoint(emulator.base_url())
            .credentials(Credentials::new(
                DEFAULT_ACCESS_KEY_ID,
                DEFAULT_ACCESS_KEY_SECRET,
            ))
            .build()?;
        _emulator = Some(emulator);
        Client::new(config)
    };

    let created = client
        .create_instance(ChannelType::Whatsapp, "quickstart-shop")
        .instance_description("Created by the cams-sdk quickstart")
        .contact_mail("ops@example.com")
        .send()
        .await?;
    let data = created.data.unwrap_or_default();
    let id = data
        .instance_id
        .ok_or("CreateInstance returned no InstanceId")?;
    println!(
        "1. CreateInstance: created {id} at {} [request id {}]",
        data.submit_time.unwrap_or_default(),
        created.request_id.unwrap_or_default()
    );

    let queried = client.query_instance(&id).send().await?;
    let found = queried.data.unwrap_or_default();
    println!(
        "2. QueryInstance: {id} is {:?} on {} [request id {}]",
        found.instance_name.unwrap_or_default(),
        found
            .channel_type
            .map(|c| c.to_string())
            .unwrap_or_default(),
        queried.request_id.unwrap_or_default()
    );

    let mut pages = client
        .list_instance()
        .channel_type(ChannelType::Whatsapp)
        .page_size(10)
        .into_paginator();
    let mut listed = 0;
    while let Some(page) = pages.next_page().await {
        let page = page?;
        let items = page.data.unwrap_or_default();
        listed += items.len();
        println!(
            "3. ListInstance: a page of {} (total {}) [request id {}]",
            items.len(),
            page.total_count.unwrap_or_default(),
            page.request_id.unwrap_or_default()
        );
        for item in items {
            println!(
                "   - {} {:?}",
                item.instance_id.unwrap_or_default(),
                item.instance_name.unwrap_or_default()
            );
        }
    }
    if listed == 0 {
        return Err(format!("ListInstance did not list {id}").into());
    }

    let updated = client
        .update_instance(&id, "quickstart-shop-renamed")
        .instance_description("Renamed by the quickstart")
        .send()
        .await?;
    println!(
        "4. UpdateInstance: renamed to {:?} [request id {}]",
        updated
            .data
            .and_then(|d| d.instance_name)
            .unwrap_or_default(),
        updated.request_id.unwrap_or_default()
    );

    let deleted = client.delete_instance(&id).send().await?;
    println!(
        "5. DeleteInstance: deleted {id} [request id {}]",
        deleted.request_id.unwrap_or_default()
    );

    match client.query_instance(&id).send().await {
        Err(e) if e.code() == Some("Instance.NotExist") => {
            println!("6. QueryInstance after delete: {e}");
        }
        Err(e) if live => println!("6. QueryInstance after delete: {e}"),
        Err(e) => return Err(e.into()),
        Ok(_) => return Err(format!("{id} still exists after DeleteInstance").into()),
    }
    println!("Done.");
    Ok(())
}
