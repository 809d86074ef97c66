//! The request path (`server.start`, `server.next`) in the component's own types: the ABI JSON
//! (host-php/ABI.md) is read straight into the WIT records and the effect written straight out, with
//! typed calls. The generic mapping in `json.rs` (serde `Value` <-> wasmtime `Val`) stays for the
//! `primitives.*` ops; every PHP request takes this path at least twice, so it allocates as little as
//! it can (a request body is one byte string, not a list of one value per byte).

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Serialize, Serializer};

wasmtime::component::bindgen!({
    path: "../wit",
    world: "scim-engine",
});

pub use exports::scim::engine::server::{Effect, Outcome, Page, Request};
use scim::engine::types::ToleranceReport;

/// The input of `server.start`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartInput {
    pub request: RequestInput,
    pub now: String,
    pub new_id: String,
}

/// `server.request`; the body is text (ABI: `list<u8>` as a string).
#[derive(Deserialize)]
pub struct RequestInput {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl From<RequestInput> for Request {
    fn from(r: RequestInput) -> Request {
        Request { method: r.method, path: r.path, query: r.query, headers: r.headers, body: r.body.into_bytes() }
    }
}

/// The input of `server.next`.
#[derive(Deserialize)]
pub struct NextInput {
    pub conversation: Option<u32>,
    pub outcome: Option<OutcomeInput>,
}

/// `server.outcome`: `{"outcome": "<case>", ...}`.
#[derive(Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum OutcomeInput {
    Resource { value: String },
    Missing,
    Page { total: u32, resources: Vec<String>, exact: bool },
    Written { value: String },
    Deleted,
    Conflict { value: String },
    VersionMismatch,
}

impl From<OutcomeInput> for Outcome {
    fn from(o: OutcomeInput) -> Outcome {
        match o {
            OutcomeInput::Resource { value } => Outcome::Resource(value),
            OutcomeInput::Missing => Outcome::Missing,
            OutcomeInput::Page { total, resources, exact } => Outcome::Page(Page { total, resources, exact }),
            OutcomeInput::Written { value } => Outcome::Written(value),
            OutcomeInput::Deleted => Outcome::Deleted,
            OutcomeInput::Conflict { value } => Outcome::Conflict(value),
            OutcomeInput::VersionMismatch => Outcome::VersionMismatch,
        }
    }
}

/// The output of both ops: `{"conversation": <handle>, "effect": <effect>}`.
#[derive(Serialize)]
pub struct Step<'a> {
    pub conversation: u32,
    pub effect: EffectJson<'a>,
}

/// `server.effect` as ABI JSON: the case under `"effect"`, then the record's fields, absent options left out.
pub struct EffectJson<'a>(pub &'a Effect);

impl Serialize for EffectJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        match self.0 {
            Effect::Load(op) => {
                m.serialize_entry("effect", "load")?;
                m.serialize_entry("resourceType", &op.resource_type)?;
                m.serialize_entry("id", &op.id)?;
            }
            Effect::Search(op) => {
                m.serialize_entry("effect", "search")?;
                m.serialize_entry("resourceType", &op.resource_type)?;
                optional(&mut m, "plan", &op.plan)?;
                optional(&mut m, "sortBy", &op.sort_by)?;
                m.serialize_entry("descending", &op.descending)?;
                m.serialize_entry("startIndex", &op.start_index)?;
                m.serialize_entry("count", &op.count)?;
            }
            Effect::Create(op) | Effect::Replace(op) => {
                m.serialize_entry("effect", if matches!(self.0, Effect::Create(_)) { "create" } else { "replace" })?;
                m.serialize_entry("resourceType", &op.resource_type)?;
                m.serialize_entry("id", &op.id)?;
                m.serialize_entry("resource", &op.resource)?;
                optional(&mut m, "expectedVersion", &op.expected_version)?;
                m.serialize_entry("unique", &op.unique)?;
                optional(&mut m, "password", &op.password)?;
            }
            Effect::Delete(op) => {
                m.serialize_entry("effect", "delete")?;
                m.serialize_entry("resourceType", &op.resource_type)?;
                m.serialize_entry("id", &op.id)?;
                optional(&mut m, "expectedVersion", &op.expected_version)?;
            }
            Effect::Respond(r) => {
                m.serialize_entry("effect", "respond")?;
                m.serialize_entry("status", &r.status)?;
                m.serialize_entry("headers", &r.headers)?;
                m.serialize_entry("body", &r.body)?;
                m.serialize_entry("tolerances", &Tolerances(&r.tolerances))?;
            }
        }
        m.end()
    }
}

fn optional<M: SerializeMap>(m: &mut M, key: &str, value: &Option<String>) -> Result<(), M::Error> {
    match value {
        Some(v) => m.serialize_entry(key, v),
        None => Ok(()),
    }
}

struct Tolerances<'a>(&'a [ToleranceReport]);

impl Serialize for Tolerances<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for t in self.0 {
            seq.serialize_element(&Report(t))?;
        }
        seq.end()
    }
}

struct Report<'a>(&'a ToleranceReport);

impl Serialize for Report<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("rule", &self.0.rule)?;
        m.serialize_entry("detail", &self.0.detail)?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::exports::scim::engine::server::{DeleteOp, LoadOp, Response, SearchOp, WriteOp};
    use super::*;
    use serde_json::{json, Value};

    fn text(effect: Effect) -> Value {
        serde_json::from_str(&serde_json::to_string(&Step { conversation: 7, effect: EffectJson(&effect) }).unwrap())
            .unwrap()
    }

    #[test]
    fn effects_are_written_as_abi_md_shows_them() {
        let load = Effect::Load(LoadOp { resource_type: "User".into(), id: "1".into() });
        assert_eq!(
            text(load),
            json!({"conversation": 7, "effect": {"effect": "load", "resourceType": "User", "id": "1"}})
        );
        let search = Effect::Search(SearchOp {
            resource_type: "User".into(),
            plan: None,
            sort_by: Some("userName".into()),
            descending: false,
            start_index: 1,
            count: 100,
        });
        assert_eq!(
            text(search)["effect"],
            json!({"effect": "search", "resourceType": "User", "sortBy": "userName", "descending": false, "startIndex": 1, "count": 100})
        );
        let write = WriteOp {
            resource_type: "User".into(),
            id: "1".into(),
            resource: "{}".into(),
            expected_version: Some("W/\"a\"".into()),
            unique: vec![("userName".into(), "bjensen".into())],
            password: None,
        };
        assert_eq!(
            text(Effect::Replace(write.clone()))["effect"],
            json!({"effect": "replace", "resourceType": "User", "id": "1", "resource": "{}", "expectedVersion": "W/\"a\"", "unique": [["userName", "bjensen"]]})
        );
        assert_eq!(text(Effect::Create(write))["effect"]["effect"], "create");
        let delete = Effect::Delete(DeleteOp { resource_type: "Group".into(), id: "g".into(), expected_version: None });
        assert_eq!(text(delete)["effect"], json!({"effect": "delete", "resourceType": "Group", "id": "g"}));
        let respond = Effect::Respond(Response {
            status: 201,
            headers: vec![("Content-Type".into(), "application/scim+json".into())],
            body: "{}".into(),
            tolerances: vec![ToleranceReport { rule: "string-booleans".into(), detail: "\"True\"".into() }],
        });
        assert_eq!(
            text(respond)["effect"],
            json!({"effect": "respond", "status": 201, "headers": [["Content-Type", "application/scim+json"]], "body": "{}", "tolerances": [{"rule": "string-booleans", "detail": "\"True\""}]})
        );
    }

    #[test]
    fn every_outcome_case_is_read() {
        let read = |v: Value| Outcome::from(serde_json::from_value::<OutcomeInput>(v).expect("an outcome"));
        assert!(matches!(read(json!({"outcome": "resource", "value": "{}"})), Outcome::Resource(v) if v == "{}"));
        assert!(matches!(read(json!({"outcome": "missing"})), Outcome::Missing));
        assert!(matches!(
            read(json!({"outcome": "page", "total": 2, "resources": ["{}"], "exact": true})),
            Outcome::Page(Page { total: 2, exact: true, .. })
        ));
        assert!(matches!(read(json!({"outcome": "written", "value": "{}"})), Outcome::Written(_)));
        assert!(matches!(read(json!({"outcome": "deleted"})), Outcome::Deleted));
        assert!(
            matches!(read(json!({"outcome": "conflict", "value": "userName"})), Outcome::Conflict(a) if a == "userName")
        );
        assert!(matches!(read(json!({"outcome": "version-mismatch"})), Outcome::VersionMismatch));
        assert!(serde_json::from_value::<OutcomeInput>(json!({"outcome": "exploded"})).is_err());
    }

    #[test]
    fn the_request_body_is_text_in_and_bytes_to_the_guest() {
        let input: StartInput = serde_json::from_value(json!({
            "request": {"method": "POST", "path": "/Users", "query": "", "headers": [["Content-Type", "application/scim+json"]], "body": "{\"a\":\"é\"}"},
            "now": "2026-11-22T10:00:00Z", "newId": "id-1"
        }))
        .expect("start input");
        assert_eq!(input.new_id, "id-1");
        let request = Request::from(input.request);
        assert_eq!(request.body, "{\"a\":\"é\"}".as_bytes());
        assert_eq!(request.headers, vec![("Content-Type".to_string(), "application/scim+json".to_string())]);
    }
}
