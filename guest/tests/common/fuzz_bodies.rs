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
//! - no multi-valued attribute of a PATCH result has two `primary: true` elements.

// Each fuzz target uses one body; the others are dead code there.
#![allow(dead_code)]

use scim_engine::{Context, Engine, ScimError};
use serde_json::{json, Value};

/// Names of the targets, which are also the seed and regression directory names.
pub const TARGETS: [&str; 3] = ["filter_parser", "resource_parser", "patch"];

/// Runs one target's body by name; `false` if the name is unknown.
pub fn run(target: &str, data: &[u8]) -> bool {
    match target {
        "filter_parser" => filter_parser(data),
        "resource_parser" => resource_parser(data),
        "patch" => patch(data),
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
