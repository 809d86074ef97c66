//! Whole server conversations, natively and through the component: one HTTP
//! request from Entra ID driven to its response against the reference
//! in-memory store (`guest/tests/support/memory_store.rs`, the same store for
//! both sides) holding 1,000 users. `native` drives
//! `scim_engine::server::Conversation`; `component` drives `server.serve` /
//! `conversation.next` through wasmtime with one reused instance, converting
//! every effect and outcome as a host does. See BENCHMARKS.md.

#[allow(dead_code)]
#[path = "../../../guest/tests/support/memory_store.rs"]
mod memory_store;

use criterion::{criterion_group, criterion_main, Criterion};
use memory_store::MemoryStore;
use scim_component_tests::ComponentEngine;
use scim_engine::server::{Conversation, Effect, Outcome, Request, Response};
use scim_engine::Engine;
use serde_json::json;
use std::hint::black_box;
use std::time::Duration;

const USERS: usize = 1_000;
const NOW: &str = "2026-01-01T00:00:00Z";
const NEW_ID: &str = "00000000-0000-4000-8000-0000000fffff";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const CORE_USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";

fn perform(store: &mut MemoryStore, effect: &Effect) -> Outcome {
    match effect {
        Effect::Load(op) => store.load(op),
        Effect::Search(op) => store.search(op),
        Effect::Create(op) => store.create(op),
        Effect::Replace(op) => store.replace(op),
        Effect::Delete(op) => store.delete(op),
        Effect::Respond(_) => unreachable!("respond is not performed"),
    }
}

fn serve_native(engine: &Engine, store: &mut MemoryStore, request: Request, new_id: &str) -> Response {
    let (mut conversation, mut effect) = Conversation::start(engine, request, NOW, new_id);
    loop {
        if let Effect::Respond(r) = effect {
            return r;
        }
        let outcome = perform(store, &effect);
        effect = conversation.resume(engine, outcome);
    }
}

fn serve_component(component: &mut ComponentEngine, store: &mut MemoryStore, request: &Request) -> Response {
    component.converse(request, NOW, NEW_ID, |e| perform(store, e)).expect("the component does not trap")
}

fn request(method: &str, path: &str, query: &str, body: Option<serde_json::Value>) -> Request {
    let mut headers = vec![("Authorization".to_string(), "Bearer secret-token".to_string())];
    if body.is_some() {
        headers.push(("Content-Type".to_string(), "application/scim+json; charset=utf-8".to_string()));
    }
    Request {
        method: method.into(),
        path: path.into(),
        query: query.into(),
        headers,
        body: body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
    }
}

fn user_id(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// An Entra ID shaped create body (as in tests/fixtures/conversations/entra/002-create-user.json).
fn entra_user(n: usize) -> serde_json::Value {
    json!({
        "schemas": [CORE_USER, ENTERPRISE],
        "externalId": format!("0a21f0f2-8d2a-4f8e-bf98-{n:012}"),
        "userName": format!("user{n:04}@contoso.com"),
        "active": true,
        "displayName": format!("User {n}"),
        "emails": [{"primary": true, "type": "work", "value": format!("user{n:04}@contoso.com")}],
        "meta": {"resourceType": "User"},
        "name": {"familyName": format!("Family{n}"), "formatted": format!("Given{n} Family{n}"), "givenName": format!("Given{n}")},
        "roles": [],
        ENTERPRISE: {"department": "Engineering", "employeeNumber": format!("{n}")}
    })
}

/// A store holding USERS users, created through the native server.
fn populated(engine: &Engine) -> MemoryStore {
    let mut store = MemoryStore::default();
    for n in 1..=USERS {
        let r = serve_native(engine, &mut store, request("POST", "/Users", "", Some(entra_user(n))), &user_id(n));
        assert_eq!(r.status, 201, "{}", r.body);
    }
    store
}

fn whole_conversations(c: &mut Criterion) {
    let engine = Engine::default();
    let mut component = ComponentEngine::new().expect("component instantiates");
    let mut store = populated(&engine);
    let target = user_id(USERS / 2);
    let entra_patch = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [
            {"op": "Replace", "path": "active", "value": "False"},
            {"op": "Add", "path": "title", "value": "Tour Guide"},
            {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "moved@contoso.com"},
            {"op": "Replace", "value": {"displayName": "Renamed", "name.givenName": "Renamed",
                ENTERPRISE.to_string() + ":department": "Sales"}},
            {"op": "Add", "path": format!("{ENTERPRISE}:manager"), "value": user_id(1)}
        ]
    });
    let cases = [
        ("entra_create_user", request("POST", "/Users", "", Some(entra_user(USERS + 1)))),
        ("entra_patch_capitalised_multi_op", request("PATCH", &format!("/Users/{target}"), "", Some(entra_patch))),
        (
            "entra_get_filter_username_eq",
            request("GET", "/Users", &format!("filter=userName+eq+%22user{:04}%40contoso.com%22", USERS / 2), None),
        ),
    ];
    let mut group = c.benchmark_group("conversations");
    for (name, req) in cases {
        // The create is undone after each run so every run sees the same 1,000 users.
        let undo = |store: &mut MemoryStore| {
            if let Some(users) = store.resources.get_mut("User") {
                users.remove(NEW_ID);
            }
        };
        let native = serve_native(&engine, &mut store, req.clone(), NEW_ID);
        undo(&mut store);
        let through = serve_component(&mut component, &mut store, &req);
        undo(&mut store);
        assert!(native.status < 300, "{name}: {} {}", native.status, native.body);
        assert_eq!(through, native, "{name}: component and native disagree");
        group.bench_function(format!("{name}/native"), |b| {
            b.iter(|| {
                let r = serve_native(&engine, &mut store, black_box(req.clone()), NEW_ID);
                undo(&mut store);
                r
            })
        });
        group.bench_function(format!("{name}/component"), |b| {
            b.iter(|| {
                let r = serve_component(&mut component, &mut store, black_box(&req));
                undo(&mut store);
                r
            })
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3)).sample_size(30)
}

criterion_group! {
    name = benches;
    config = config();
    targets = whole_conversations
}
criterion_main!(benches);
