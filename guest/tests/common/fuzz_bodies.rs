//! The bodies of the fuzz targets, shared by the cargo-fuzz crate (`guest/fuzz/`, nightly) and the stable
//! regression replay (`guest/tests/fuzz_regressions.rs`).
//!
//! Why a file included with `#[path]` rather than a library crate: the fuzz crate is its own workspace (cargo-fuzz
//! needs nightly and libfuzzer-sys), so `scim-engine` cannot dev-depend on it, and a third shared crate would be
//! one more workspace member for three functions. This file depends only on `scim_engine` and `serde_json`, which
//! both crates already have, so both compile it as a private module: the fuzz targets with
//! `#[path = "../../tests/common/fuzz_bodies.rs"] mod fuzz_bodies;`, the test with
//! `#[path = "common/fuzz_bodies.rs"] mod fuzz_bodies;`.
//!
//! Each body panics only when an invariant that holds on correct code is broken (or when the engine panics):
//! - every error has a status in 400..=599 and a non-empty detail;
//! - a successful PATCH result re-validates in `Context::QueryResponse`;
//! - no multi-valued attribute of a PATCH result has two `primary: true` elements;
//! - a whole request (`request`) is answered within a bounded number of effects, with a status in 200..=599,
//!   a JSON body with `Content-Type: application/scim+json` whenever there is a body, and none for 204/304.

// Each fuzz target uses one body; the others are dead code there.
#![allow(dead_code)]

// The reference store of the conversation tests (depends only on scim_engine and serde_json too).
#[path = "../support/memory_store.rs"]
mod memory_store;

use memory_store::MemoryStore;
use scim_engine::server::{Conversation, Effect, Request, Response};
use scim_engine::{Context, Engine, ScimError};
use serde_json::{json, Value};

/// Names of the targets, which are also the seed and regression directory names.
pub const TARGETS: [&str; 4] = ["filter_parser", "resource_parser", "patch", "request"];

/// Runs one target's body by name; `false` if the name is unknown.
pub fn run(target: &str, data: &[u8]) -> bool {
    match target {
        "filter_parser" => filter_parser(data),
        "resource_parser" => resource_parser(data),
        "patch" => patch(data),
        "request" => request(data),
        _ => return false,
    }
    true
}

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const CORE_USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const CORE_GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";

/// A realistic stored User (RFC 7643 §8.2 "bjensen", with the enterprise extension).
pub fn fixed_user() -> Value {
    json!({
        "schemas": [CORE_USER, ENTERPRISE],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "externalId": "bjensen",
        "userName": "bjensen@example.com",
        "name": {"formatted": "Ms. Barbara J Jensen III", "familyName": "Jensen", "givenName": "Barbara",
                 "middleName": "Jane", "honorificPrefix": "Ms.", "honorificSuffix": "III"},
        "displayName": "Babs Jensen",
        "nickName": "Babs",
        "profileUrl": "https://login.example.com/bjensen",
        "title": "Tour Guide",
        "userType": "Employee",
        "preferredLanguage": "en-US",
        "locale": "en-US",
        "timezone": "America/Los_Angeles",
        "active": true,
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": true},
            {"value": "babs@jensen.org", "type": "home"}
        ],
        "phoneNumbers": [
            {"value": "555-555-5555", "type": "work"},
            {"value": "555-555-4444", "type": "mobile"}
        ],
        "ims": [{"value": "someaimhandle", "type": "aim"}],
        "addresses": [
            {"type": "work", "streetAddress": "100 Universal City Plaza", "locality": "Hollywood", "region": "CA",
             "postalCode": "91608", "country": "USA", "primary": true},
            {"type": "home", "streetAddress": "456 Hollywood Blvd", "locality": "Hollywood", "region": "CA",
             "postalCode": "91608", "country": "USA"}
        ],
        "groups": [
            {"value": "e9e30dba-f08f-4109-8486-d5c6a331660a", "display": "Tour Guides", "type": "direct"}
        ],
        "meta": {
            "resourceType": "User",
            "created": "2010-01-23T04:56:22Z",
            "lastModified": "2011-05-13T04:42:34.1234567Z",
            "version": "W/\"3694e05e9dff591\"",
            "location": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646"
        },
        ENTERPRISE: {
            "employeeNumber": "701984",
            "costCenter": "4130",
            "organization": "Universal Studios",
            "division": "Theme Park",
            "department": "Tour Operations",
            "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d", "displayName": "John Smith"}
        }
    })
}

/// A realistic stored Group (RFC 7643 §8.4).
pub fn fixed_group() -> Value {
    json!({
        "schemas": [CORE_GROUP],
        "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
        "displayName": "Tour Guides",
        "members": [
            {"value": "2819c223-7f76-453a-919d-413861904646", "display": "Babs Jensen", "type": "User"},
            {"value": "902c246b-6245-4190-8e05-00816be7344a", "display": "Mandy Pepperidge", "type": "User"}
        ],
        "meta": {"resourceType": "Group", "created": "2010-01-23T04:56:22Z", "lastModified": "2011-05-13T04:42:34Z"}
    })
}

/// Checks the invariants every error must keep.
pub fn check_error(what: &str, e: &ScimError) {
    assert!((400..=599).contains(&e.status), "{what}: status {} out of 400..=599: {e}", e.status);
    assert!(!e.detail.trim().is_empty(), "{what}: empty detail: {e:?}");
    // The rendered body must itself be valid JSON.
    let rendered: Value = serde_json::from_str(&e.render()).unwrap_or_else(|err| panic!("{what}: render: {err}"));
    assert_eq!(rendered["status"], Value::String(e.status.to_string()), "{what}");
}

/// Filter text: parse, compile and evaluate against the fixed User (and parse/compile against Group).
pub fn filter_parser(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let engine = Engine::default();
    let user = fixed_user().to_string();
    let group = fixed_group().to_string();
    for (rt, resource) in [("User", &user), ("Group", &group)] {
        let parsed = engine.parse_filter(rt, &text);
        match &parsed {
            Ok(out) => {
                // The canonical print parses back to the same print.
                match engine.parse_filter(rt, &out.value) {
                    Ok(again) => assert_eq!(again.value, out.value, "printing is not idempotent for {text:?}"),
                    Err(e) => panic!("printed filter {:?} (from {text:?}) does not parse: {e}", out.value),
                }
            }
            Err(e) => check_error("parse_filter", e),
        }
        let compiled = engine.compile_filter(rt, &text);
        match &compiled {
            Ok(plan) => {
                assert!(parsed.is_ok(), "compiles but does not parse: {text:?}");
                assert!(serde_json::from_str::<Value>(&plan.value).is_ok(), "plan is not JSON: {:?}", plan.value);
            }
            Err(e) => check_error("compile_filter", e),
        }
        match engine.evaluate_filter(rt, &text, resource) {
            Ok(_) => assert!(compiled.is_ok(), "evaluates but does not compile: {text:?}"),
            Err(e) => {
                check_error("evaluate_filter", &e);
                assert!(compiled.is_err(), "compiles but does not evaluate: {text:?}: {e}");
            }
        }
    }
}

/// A resource body: validated as User and Group in every context, from `&str` and from bytes.
pub fn resource_parser(data: &[u8]) {
    let engine = Engine::default();
    // Bytes straight from the wire: serde_json checks UTF-8 inside strings; any failure maps to a SCIM error
    // exactly as `engine::parse_json` maps text failures.
    let from_bytes = serde_json::from_slice::<Value>(data)
        .map_err(|e| ScimError::invalid_syntax(format!("the request body is not valid JSON: {e}")));
    let text = match std::str::from_utf8(data) {
        Ok(t) => t.to_string(),
        Err(_) => {
            // Invalid UTF-8 anywhere (inside a string or not) is never valid JSON.
            match &from_bytes {
                Ok(v) => panic!("invalid UTF-8 accepted as JSON: {v}"),
                Err(e) => check_error("from_slice", e),
            }
            return;
        }
    };
    match (&from_bytes, scim_engine::engine::parse_json(&text, "request body")) {
        (Ok(a), Ok(b)) => assert_eq!(a, &b, "from_slice and from_str disagree"),
        (Err(a), Err(b)) => {
            check_error("from_slice", a);
            check_error("parse_json", &b);
        }
        (a, b) => panic!("from_slice {a:?} but from_str {b:?}"),
    }
    let existing_user = fixed_user().to_string();
    let existing_group = fixed_group().to_string();
    for (rt, existing) in [("User", &existing_user), ("Group", &existing_group)] {
        for ctx in [Context::CreationRequest, Context::ReplaceRequest, Context::PatchValue, Context::QueryResponse] {
            let existing = (ctx == Context::ReplaceRequest).then_some(existing.as_str());
            match engine.validate_resource(rt, ctx, &text, existing) {
                Ok(out) => {
                    // Validation output is canonical: it validates again in a response.
                    if let Err(e) = engine.validate_resource(rt, Context::QueryResponse, &out.value, None) {
                        panic!("validated {rt} in {ctx:?} does not re-validate as a response: {e}\n{}", out.value);
                    }
                }
                Err(e) => check_error("validate_resource", &e),
            }
        }
    }
}

/// Separates a stored resource from a PATCH body in a `patch` input (ASCII record separator, 0x1E).
pub const PATCH_SEPARATOR: u8 = 0x1e;

/// A PATCH: `<resource> 0x1E <patch body>` (resource validated first, as stored resources are), or just a
/// PatchOp body applied to the fixed User and the fixed Group.
pub fn patch(data: &[u8]) {
    let engine = Engine::default();
    let (resource, body) = match data.iter().position(|&b| b == PATCH_SEPARATOR) {
        Some(i) => {
            let (resource, rest) = data.split_at(i);
            (Some(resource), rest.get(1..).unwrap_or_default())
        }
        None => (None, data),
    };
    let body = String::from_utf8_lossy(body);
    let stored: Vec<(&str, String)> = match resource {
        None => vec![("User", fixed_user().to_string()), ("Group", fixed_group().to_string())],
        Some(r) => {
            let r = String::from_utf8_lossy(r);
            ["User", "Group"]
                .into_iter()
                .filter_map(|rt| match engine.validate_resource(rt, Context::QueryResponse, &r, None) {
                    Ok(v) => Some((rt, v.value)),
                    Err(e) => {
                        check_error("validate_resource", &e);
                        None
                    }
                })
                .collect()
        }
    };
    for (rt, resource) in stored {
        match engine.apply_patch(rt, &resource, &body) {
            Ok(out) => check_patch_result(&engine, rt, &out.value),
            Err(e) => check_error("apply_patch", &e),
        }
    }
}

fn check_patch_result(engine: &Engine, rt: &str, out: &str) {
    if let Err(e) = engine.validate_resource(rt, Context::QueryResponse, out, None) {
        panic!("PATCH result does not validate as a {rt} response: {e}\n{out}");
    }
    let value: Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("PATCH result is not JSON: {e}"));
    let Some(obj) = value.as_object() else { panic!("PATCH result is not an object: {out}") };
    // Core attributes, and attributes of extension objects (keys that are URNs).
    let mut attrs: Vec<(String, &Value)> = obj.iter().map(|(k, v)| (k.clone(), v)).collect();
    for (urn, ext) in obj.iter().filter(|(k, _)| k.starts_with("urn:")) {
        if let Some(ext) = ext.as_object() {
            attrs.extend(ext.iter().map(|(k, v)| (format!("{urn}:{k}"), v)));
        }
    }
    for (name, v) in attrs {
        if let Some(items) = v.as_array() {
            let primaries = items.iter().filter(|i| i.get("primary") == Some(&Value::Bool(true))).count();
            assert!(primaries <= 1, "{name} has {primaries} primary elements after PATCH: {out}");
        }
    }
}

/// Separates the parts of a `request` input (ASCII record separator, 0x1E).
pub const REQUEST_SEPARATOR: u8 = 0x1e;

/// The methods a `request` input's first byte picks from (modulo), junk included.
pub const METHODS: [&str; 12] =
    ["GET", "POST", "PUT", "PATCH", "DELETE", "get", "Patch", "HEAD", "OPTIONS", "BREW", "", "G\u{e9}T"];

/// Most effects a conversation may ask for before it must respond.
pub const MAX_EFFECTS: usize = 64;

/// Decodes a `request` input: `<method byte> path 0x1E query 0x1E headers 0x1E body`, headers one
/// `Name: value` per line; missing parts are empty, text parts are lossy UTF-8, the body stays bytes.
pub fn decode_request(data: &[u8]) -> Request {
    let (method, rest) = match data.split_first() {
        Some((&m, rest)) => (METHODS.get(usize::from(m) % METHODS.len()).copied().unwrap_or_default(), rest),
        None => ("GET", data),
    };
    let mut parts = rest.splitn(4, |&b| b == REQUEST_SEPARATOR);
    let mut text = || String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let path = text();
    let query = text();
    let headers = text()
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| match l.split_once(':') {
            Some((k, v)) => (k.to_string(), v.trim_start().to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect();
    let body = parts.next().unwrap_or_default().to_vec();
    Request { method: method.to_string(), path, query, headers, body }
}

/// Encodes a request as a `request` input (the inverse of [`decode_request`] for the listed methods).
pub fn encode_request(r: &Request) -> Vec<u8> {
    let m = METHODS.iter().position(|m| *m == r.method).unwrap_or_default();
    let mut out = vec![u8::try_from(m).unwrap_or_default()];
    out.extend_from_slice(r.path.as_bytes());
    out.push(REQUEST_SEPARATOR);
    out.extend_from_slice(r.query.as_bytes());
    out.push(REQUEST_SEPARATOR);
    let headers: Vec<String> = r.headers.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    out.extend_from_slice(headers.join("\n").as_bytes());
    out.push(REQUEST_SEPARATOR);
    out.extend_from_slice(&r.body);
    out
}

/// Drives one request to its response against `store`; panics when it needs more than [`MAX_EFFECTS`].
pub fn serve(engine: &Engine, store: &mut MemoryStore, request: Request, now: &str, new_id: &str) -> Response {
    let (mut conversation, mut effect) = Conversation::start(engine, request, now, new_id);
    for _ in 0..MAX_EFFECTS {
        let outcome = match &effect {
            Effect::Respond(r) => {
                assert!(conversation.is_done(), "responded but the conversation is not done");
                return r.clone();
            }
            Effect::Load(op) => store.load(op),
            Effect::Search(op) => store.search(op),
            Effect::Create(op) => store.create(op),
            Effect::Replace(op) => store.replace(op),
            Effect::Delete(op) => store.delete(op),
        };
        effect = conversation.resume(engine, outcome);
    }
    panic!("the conversation did not respond within {MAX_EFFECTS} effects");
}

/// The store every `request` input starts from: two users and a group with the ids the conversation fixtures use
/// (`00000000-0000-4000-8000-00000000000N`, N = 1, 2, 3).
pub fn seeded_store(engine: &Engine) -> MemoryStore {
    let mut store = MemoryStore::default();
    let creates = [
        (
            "/Users",
            json!({"schemas": [CORE_USER, ENTERPRISE], "userName": "bjensen@example.com", "externalId": "bjensen",
            "name": {"givenName": "Barbara", "familyName": "Jensen"}, "active": true,
            "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true}],
            ENTERPRISE: {"employeeNumber": "701984", "manager": {"value": "00000000-0000-4000-8000-000000000002"}}}),
        ),
        ("/Users", json!({"schemas": [CORE_USER], "userName": "jsmith", "displayName": "John Smith"})),
        (
            "/Groups",
            json!({"schemas": [CORE_GROUP], "displayName": "Tour Guides",
            "members": [{"value": "00000000-0000-4000-8000-000000000001"}]}),
        ),
    ];
    for (n, (path, body)) in creates.into_iter().enumerate() {
        let request = Request {
            method: "POST".into(),
            path: path.into(),
            query: String::new(),
            headers: vec![("Content-Type".into(), "application/scim+json".into())],
            body: body.to_string().into_bytes(),
        };
        let id = format!("00000000-0000-4000-8000-{:012}", n + 1);
        let r = serve(engine, &mut store, request, "2026-01-01T00:00:00Z", &id);
        assert_eq!(r.status, 201, "seeding the store: {}", r.body);
    }
    store
}

thread_local! {
    static REQUEST_WORLD: (Engine, MemoryStore) = {
        let engine = Engine::default();
        let store = seeded_store(&engine);
        (engine, store)
    };
}

/// A whole request (see [`decode_request`]) served against a copy of [`seeded_store`].
pub fn request(data: &[u8]) {
    let request = decode_request(data);
    REQUEST_WORLD.with(|(engine, seeded)| {
        let mut store = seeded.clone();
        let r = serve(engine, &mut store, request, "2026-01-01T01:00:00Z", "00000000-0000-4000-8000-000000000099");
        check_response(&r);
    });
}

/// The invariants of every response.
pub fn check_response(r: &Response) {
    assert!((200..=599).contains(&r.status), "status {} out of range", r.status);
    if r.status == 204 || r.status == 304 {
        assert!(r.body.is_empty(), "{} with a body: {}", r.status, r.body);
        return;
    }
    if !r.body.is_empty() {
        let content_type = r.header("Content-Type").unwrap_or_default();
        assert!(
            content_type.starts_with("application/scim+json"),
            "{} answer with a body has Content-Type {content_type:?}",
            r.status
        );
        if let Err(e) = serde_json::from_str::<Value>(&r.body) {
            panic!("{} answer body is not JSON ({e}): {}", r.status, r.body);
        }
    }
}
