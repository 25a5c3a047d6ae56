//! The in-memory instances and the five operations on them.

use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

/// An instance as the emulator keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// `InstanceId`, assigned on creation.
    pub instance_id: String,
    /// `ChannelType`, lower-case.
    pub channel_type: String,
    /// `InstanceName`.
    pub instance_name: String,
    /// `SubmitTime`, `YYYY-MM-DD HH:MM:SS` (UTC).
    pub submit_time: String,
    /// Every other parameter it was created or last updated with (`ContactMail`, …).
    pub attributes: BTreeMap<String, String>,
}

/// The optional fields Create and Update store and Query and List return.
const ATTRIBUTES: [&str; 8] = [
    "InstanceDescription",
    "ResourceGroupId",
    "OfficeAddress",
    "ContactMail",
    "CountryId",
    "FacebookBmId",
    "IsvTerms",
    "IsConfirmAudit",
];

/// The code CAMS answers, in an HTTP 200, for an instance that does not exist.
pub(crate) const NOT_FOUND_CODE: &str = "Instance.NotExist";

#[derive(Debug, Default)]
pub(crate) struct Store {
    /// Creation order, which List follows.
    order: Vec<String>,
    by_id: HashMap<String, Instance>,
}

/// What an operation answers: the body's fields beyond `RequestId`.
pub(crate) enum Outcome {
    Ok(serde_json::Map<String, Value>),
    /// A business error, reported in an HTTP 200 with `Success: false`.
    Business {
        code: &'static str,
        message: String,
    },
}

impl Store {
    pub(crate) fn instances(&self) -> Vec<Instance> {
        self.order
            .iter()
            .filter_map(|id| self.by_id.get(id).cloned())
            .collect()
    }

    pub(crate) fn run(
        &mut self,
        action: &str,
        params: &HashMap<String, String>,
        new_id: impl FnOnce() -> String,
        now: &str,
        region: &str,
    ) -> Outcome {
        let get = |name: &str| params.get(name).cloned().unwrap_or_default();
        match action {
            "CreateInstance" => {
                let instance = Instance {
                    instance_id: new_id(),
                    channel_type: get("ChannelType").to_ascii_lowercase(),
                    instance_name: get("InstanceName"),
                    submit_time: now.to_owned(),
                    attributes: attributes(params),
                };
                let data = json!({
                    "ChannelType": instance.channel_type,
                    "InstanceDescription": instance.attributes.get("InstanceDescription").cloned().unwrap_or_default(),
                    "InstanceId": instance.instance_id,
                    "InstanceName": instance.instance_name,
                    "ResourceRegionId": region,
                    "SubmitTime": instance.submit_time,
                });
                self.order.push(instance.instance_id.clone());
                self.by_id.insert(instance.instance_id.clone(), instance);
                ok_with("Data", data)
            }
            "QueryInstance" => match self.by_id.get(&get("InstanceId")) {
                Some(instance) => ok_with("Data", describe(instance, region, false)),
                None => not_found(&get("InstanceId")),
            },
            "UpdateInstance" => match self.by_id.get_mut(&get("InstanceId")) {
                Some(instance) => {
                    instance.instance_name = get("InstanceName");
                    for (k, v) in attributes(params) {
                        instance.attributes.insert(k, v);
                    }
                    let description = instance
                        .attributes
                        .get("InstanceDescription")
                        .cloned()
                        .unwrap_or_default();
                    ok_with(
                        "Data",
                        json!({
                            "ChannelType": instance.channel_type,
                            "Description": description,
                            "InstanceDescription": description,
                            "InstanceId": instance.instance_id,
                            "InstanceName": instance.instance_name,
                            "ResourceRegionId": region,
                            "SubmitTime": instance.submit_time,
                        }),
                    )
                }
                None => not_found(&get("InstanceId")),
            },
            "DeleteInstance" => {
                let id = get("InstanceId");
                match self.by_id.remove(&id) {
                    Some(_) => {
                        self.order.retain(|i| *i != id);
                        Outcome::Ok(serde_json::Map::new())
                    }
                    None => not_found(&id),
                }
            }
            "ListInstance" => self.list(params, region),
            _ => Outcome::Business {
                code: "InvalidAction",
                message: format!("{action} is not implemented by the emulator."),
            },
        }
    }

    fn list(&self, params: &HashMap<String, String>, region: &str) -> Outcome {
        let filter = |name: &str| params.get(name).filter(|v| !v.is_empty());
        let channel = filter("ChannelType").map(|c| c.to_ascii_lowercase());
        let matching: Vec<&Instance> = self
            .order
            .iter()
            .filter_map(|id| self.by_id.get(id))
            .filter(|i| channel.as_ref().is_none_or(|c| i.channel_type == *c))
            .filter(|i| filter("InstanceName").is_none_or(|n| i.instance_name.contains(n.as_str())))
            .filter(|i| filter("InstanceId").is_none_or(|id| i.instance_id == *id))
            .filter(|i| {
                filter("ResourceGroupId")
                    .is_none_or(|g| i.attributes.get("ResourceGroupId") == Some(g))
            })
            .filter(|i| {
                filter("FilterStr").is_none_or(|f| {
                    i.instance_name.contains(f.as_str())
                        || i.instance_id.contains(f.as_str())
                        || i.attributes
                            .get("InstanceDescription")
                            .is_some_and(|d| d.contains(f.as_str()))
                })
            })
            .collect();
        let number = |name: &str, default: usize| {
            filter(name)
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(default)
                .max(1)
        };
        let size = number("PageSize", 10).min(100);
        let index = number("PageIndex", 1);
        let page: Vec<Value> = matching
            .iter()
            .skip((index - 1).saturating_mul(size))
            .take(size)
            .map(|i| describe(i, region, true))
            .collect();
        let mut body = serde_json::Map::new();
        body.insert("Data".to_owned(), Value::Array(page));
        body.insert("TotalCount".to_owned(), json!(matching.len()));
        Outcome::Ok(body)
    }
}

fn attributes(params: &HashMap<String, String>) -> BTreeMap<String, String> {
    ATTRIBUTES
        .iter()
        .filter_map(|name| params.get(*name).map(|v| ((*name).to_owned(), v.clone())))
        .collect()
}

/// The Query (and, with `listed`, List) shape of an instance.
fn describe(instance: &Instance, region: &str, listed: bool) -> Value {
    let attribute = |name: &str| instance.attributes.get(name).cloned().unwrap_or_default();
    let mut data = json!({
        "ChannelType": instance.channel_type,
        "ContactMail": attribute("ContactMail"),
        "CountryId": attribute("CountryId"),
        "FacebookBmId": attribute("FacebookBmId"),
        "InstanceDescription": attribute("InstanceDescription"),
        "InstanceId": instance.instance_id,
        "InstanceName": instance.instance_name,
        "IsvTerms": attribute("IsvTerms"),
        "OfficeAddress": attribute("OfficeAddress"),
        "ResourceGroupId": attribute("ResourceGroupId"),
        "ResourceRegionId": region,
        "SubmitTime": instance.submit_time,
    });
    if let Some(map) = data.as_object_mut() {
        if listed {
            map.insert("CustSpaceId".to_owned(), json!(""));
            map.insert("State".to_owned(), json!("published"));
        } else {
            map.insert("CustType".to_owned(), json!("normal"));
        }
    }
    data
}

fn ok_with(key: &str, value: Value) -> Outcome {
    let mut body = serde_json::Map::new();
    body.insert(key.to_owned(), value);
    Outcome::Ok(body)
}

fn not_found(id: &str) -> Outcome {
    Outcome::Business {
        code: NOT_FOUND_CODE,
        message: format!("The instance {id:?} does not exist."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn ids(outcome: Outcome) -> (Vec<String>, u64) {
        let Outcome::Ok(body) = outcome else {
            panic!("a business error")
        };
        let data = body["Data"].as_array().cloned().unwrap_or_default();
        let ids = data
            .iter()
            .filter_map(|d| d["InstanceId"].as_str().map(str::to_owned))
            .collect();
        (ids, body["TotalCount"].as_u64().unwrap_or_default())
    }

    #[test]
    fn list_filters_and_pages() {
        let mut store = Store::default();
        let mut n = 0;
        for (channel, name, group, description) in [
            ("whatsapp", "shop-eu", "rg-1", "europe"),
            ("whatsapp", "shop-us", "rg-2", "americas"),
            ("VIBER", "shop-eu-viber", "rg-1", ""),
        ] {
            let p = params(&[
                ("ChannelType", channel),
                ("InstanceName", name),
                ("ResourceGroupId", group),
                ("InstanceDescription", description),
            ]);
            store.run(
                "CreateInstance",
                &p,
                || {
                    n += 1;
                    format!("ins-{n}")
                },
                "2026-01-01 00:00:00",
                "r",
            );
        }
        let list = |store: &mut Store, pairs: &[(&str, &str)]| {
            ids(store.run("ListInstance", &params(pairs), || unreachable!(), "", "r"))
        };
        assert_eq!(list(&mut store, &[]).1, 3);
        assert_eq!(list(&mut store, &[("ChannelType", "viber")]).0, ["ins-3"]);
        assert_eq!(
            list(&mut store, &[("InstanceName", "shop-eu")]).0,
            ["ins-1", "ins-3"]
        );
        assert_eq!(list(&mut store, &[("InstanceId", "ins-2")]).0, ["ins-2"]);
        assert_eq!(
            list(&mut store, &[("ResourceGroupId", "rg-1")]).0,
            ["ins-1", "ins-3"]
        );
        assert_eq!(list(&mut store, &[("FilterStr", "americas")]).0, ["ins-2"]);
        assert_eq!(
            list(&mut store, &[("PageSize", "2"), ("PageIndex", "2")]),
            (vec!["ins-3".to_owned()], 3)
        );
        assert_eq!(
            list(&mut store, &[("PageSize", "2"), ("PageIndex", "9")]),
            (vec![], 3)
        );
    }

    #[test]
    fn missing_instances_are_business_errors() {
        let mut store = Store::default();
        for action in ["QueryInstance", "UpdateInstance", "DeleteInstance"] {
            let outcome = store.run(
                action,
                &params(&[("InstanceId", "ins-x")]),
                || unreachable!(),
                "",
                "r",
            );
            match outcome {
                Outcome::Business { code, message } => {
                    assert_eq!(code, NOT_FOUND_CODE);
                    assert!(message.contains("ins-x"));
                }
                Outcome::Ok(_) => panic!("{action} found a missing instance"),
            }
        }
    }
}
