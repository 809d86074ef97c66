//! The C ABI exercised from Rust exactly as PHP's FFI uses it: open, call, free, close.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use scim_host::{scim_free, scim_host_abi_version, scim_host_call, scim_host_close, scim_host_open, ScimHost};
use serde_json::{json, Value};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The component: $SCIM_COMPONENT, else the guest built fresh (release, wasm32-wasip2) into a target
/// directory of its own, so the nested cargo never waits on the lock of the build running these tests.
fn component() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        if let Ok(p) = std::env::var("SCIM_COMPONENT") {
            return PathBuf::from(p);
        }
        let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("guest-target");
        let status = std::process::Command::new(env!("CARGO"))
            .args(["build", "-q", "-p", "scim-engine", "--target", "wasm32-wasip2", "--release", "--target-dir"])
            .arg(&target)
            .current_dir(workspace())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the guest component failed");
        target.join("wasm32-wasip2/release/scim_engine.wasm")
    })
    .clone()
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("scim-host").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A directory holding a freshly precompiled artefact (made once per test process).
fn precompiled() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tmp("precompiled");
        let wasm = std::fs::read(component()).expect("component readable");
        scim_precompile::precompile(&wasm, &dir).expect("precompile");
        dir
    })
    .clone()
}

fn take(ptr: *mut u8, len: usize) -> String {
    assert!(!ptr.is_null());
    // SAFETY: buffer returned by the library with this length.
    let s = String::from_utf8(unsafe { std::slice::from_raw_parts(ptr, len) }.to_vec()).expect("UTF-8 output");
    // SAFETY: freed once, as returned.
    unsafe { scim_free(ptr, len) };
    s
}

fn open_with(options: Value) -> Result<*mut ScimHost, String> {
    let path = component().display().to_string();
    let config = "{}";
    let options = options.to_string();
    let mut err = std::ptr::null_mut();
    let mut err_len = 0usize;
    // SAFETY: valid (pointer, length) pairs and writable out-parameters.
    let host = unsafe {
        scim_host_open(
            path.as_ptr(),
            path.len(),
            config.as_ptr(),
            config.len(),
            options.as_ptr(),
            options.len(),
            &mut err,
            &mut err_len,
        )
    };
    if host.is_null() {
        Err(take(err, err_len))
    } else {
        Ok(host)
    }
}

fn open() -> *mut ScimHost {
    open_with(json!({"precompiledDir": precompiled()})).expect("open")
}

fn call(host: *mut ScimHost, op: &str, input: &Value) -> (i32, Value) {
    let input = input.to_string();
    let mut out = std::ptr::null_mut();
    let mut out_len = 0usize;
    // SAFETY: live handle, valid pairs, writable out-parameters.
    let rc =
        unsafe { scim_host_call(host, op.as_ptr(), op.len(), input.as_ptr(), input.len(), &mut out, &mut out_len) };
    let text = take(out, out_len);
    (rc, serde_json::from_str(&text).unwrap_or_else(|e| panic!("output is JSON ({e}): {text}")))
}

fn close(host: *mut ScimHost) {
    // SAFETY: handle from open, closed once.
    unsafe { scim_host_close(host) };
}

#[test]
fn abi_version_is_one() {
    assert_eq!(scim_host_abi_version(), 1);
}

#[test]
fn open_loads_the_precompiled_artefact_and_host_info_says_so() {
    let host = open();
    let (rc, info) = call(host, "host.info", &json!({}));
    assert_eq!(rc, 0, "{info}");
    assert_eq!(info["abi"], 1);
    assert_eq!(info["wasmtime"], "48.0.8");
    assert_eq!(info["artefact"], "loaded");
    let path = info["artefactPath"].as_str().expect("artefactPath");
    assert!(path.ends_with(".cwasm") && Path::new(path).exists(), "{path}");
    assert!(path.contains("scim_engine-wasmtime48.0.8-"), "{path}");
    close(host);
}

/// Only stdout/stderr are implemented; any other import traps when called. A new kind of import (e.g.
/// `wasi:random` from a HashMap, `wasi:clocks`) would fail at run time, so it must fail here first.
#[test]
fn component_imports_only_the_wasi_interfaces_the_host_provides_or_never_calls() {
    let host = open();
    let (_, info) = call(host, "host.info", &json!({}));
    let allowed = [
        "wasi:cli/environment@",
        "wasi:cli/exit@",
        "wasi:cli/stdin@",
        "wasi:cli/stdout@",
        "wasi:cli/stderr@",
        "wasi:cli/terminal-input@",
        "wasi:cli/terminal-output@",
        "wasi:cli/terminal-stdin@",
        "wasi:cli/terminal-stdout@",
        "wasi:cli/terminal-stderr@",
        "wasi:io/error@",
        "wasi:io/poll@",
        "wasi:io/streams@",
        // Types only (records used by the exports), nothing to call.
        "scim:engine/types@",
    ];
    let imports = info["imports"].as_array().expect("imports");
    assert!(imports.iter().any(|i| i.as_str().is_some_and(|i| i.starts_with("wasi:cli/stderr@"))), "{info}");
    for import in imports {
        let name = import.as_str().expect("name");
        assert!(allowed.iter().any(|a| name.starts_with(a)), "new import {name}: provide it or remove its cause");
    }
    close(host);
}

#[test]
fn primitives_round_trip_compile_filter_and_evaluate() {
    let host = open();
    let (rc, out) =
        call(host, "primitives.parse-filter", &json!({"resourceType": "User", "filter": "userName EQ \"bjensen\""}));
    assert_eq!(rc, 0, "{out}");
    assert!(out["json"].as_str().expect("json text").contains("eq"), "{out}");
    assert!(out["tolerances"].is_array(), "{out}");

    let (rc, out) =
        call(host, "primitives.compile-filter", &json!({"resourceType": "User", "filter": "userName eq \"bjensen\""}));
    assert_eq!(rc, 0, "{out}");
    let plan: Value = serde_json::from_str(out["json"].as_str().expect("plan text")).expect("plan is JSON");
    assert!(plan.is_object() || plan.is_array(), "{plan}");

    let user = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "1", "userName": "bjensen"});
    let (rc, out) = call(
        host,
        "primitives.evaluate-filter",
        &json!({"resourceType": "User", "filter": "userName eq \"BJENSEN\"", "resource": user.to_string()}),
    );
    assert_eq!(rc, 0, "{out}");
    assert_eq!(out["matches"], true, "userName is caseExact=false: {out}");

    let (rc, out) = call(
        host,
        "primitives.validate-resource",
        &json!({"resourceType": "User", "ctx": "creation-request", "body": user.to_string()}),
    );
    assert_eq!(rc, 0, "{out}");

    let (rc, out) = call(host, "primitives.schemas", &json!({}));
    assert_eq!(rc, 0);
    let schemas: Value = serde_json::from_str(out.as_str().expect("schemas text")).expect("schemas JSON");
    assert!(schemas.as_array().is_some_and(|a| !a.is_empty()));
    close(host);
}

#[test]
fn primitives_scim_error_is_rc_1_with_status_and_scim_type() {
    let host = open();
    let (rc, out) = call(host, "primitives.parse-filter", &json!({"resourceType": "User", "filter": "userName eq"}));
    assert_eq!(rc, 1, "{out}");
    assert_eq!(out["status"], 400);
    assert_eq!(out["scimType"], "invalidFilter");
    assert!(out["detail"].is_string());
    close(host);
}

#[test]
fn bad_input_is_an_input_error_and_keeps_the_instance() {
    let host = open();
    let (rc, out) = call(host, "primitives.parse-filter", &json!({"resourceType": "User"}));
    assert_eq!((rc, out["error"].as_str()), (2, Some("input")), "{out}");
    let (rc, out) = call(host, "primitives.no-such-function", &json!({}));
    assert_eq!((rc, out["error"].as_str()), (2, Some("input")), "{out}");
    let (rc, out) = call(host, "nope", &json!({}));
    assert_eq!((rc, out["error"].as_str()), (2, Some("input")), "{out}");
    let (rc, out) =
        call(host, "primitives.validate-resource", &json!({"resourceType": "User", "ctx": "sideways", "body": "{}"}));
    assert_eq!((rc, out["error"].as_str()), (2, Some("input")), "{out}");
    let (rc, out) = call(host, "primitives.parse-filter", &json!({"resourceType": "User", "filter": "id pr"}));
    assert_eq!(rc, 0, "{out}");
    close(host);
}

#[test]
fn null_arguments_never_crash() {
    let mut out = std::ptr::null_mut();
    let mut out_len = 0usize;
    // SAFETY: NULL host is allowed and reported.
    let rc = unsafe {
        scim_host_call(std::ptr::null_mut(), std::ptr::null(), 0, std::ptr::null(), 0, &mut out, &mut out_len)
    };
    assert_eq!(rc, 2);
    let reply: Value = serde_json::from_str(&take(out, out_len)).expect("JSON");
    assert_eq!(reply["error"], "input");
    // SAFETY: NULL is allowed.
    unsafe {
        scim_free(std::ptr::null_mut(), 0);
        scim_host_close(std::ptr::null_mut());
    }
    let host = open();
    // SAFETY: NULL op with a non-zero length is reported, not read.
    let rc = unsafe { scim_host_call(host, std::ptr::null(), 5, std::ptr::null(), 0, &mut out, &mut out_len) };
    assert_eq!(rc, 2);
    let _ = take(out, out_len);
    close(host);
}

#[test]
fn memory_cap_fails_one_call_and_the_next_call_works() {
    let host = open_with(json!({"precompiledDir": precompiled(), "memoryLimitBytes": 4 << 20})).expect("open");
    let big = format!(
        "{{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"b\",\"displayName\":\"{}\"}}",
        "x".repeat(5 << 20)
    );
    let (rc, out) = call(
        host,
        "primitives.validate-resource",
        &json!({"resourceType": "User", "ctx": "creation-request", "body": big}),
    );
    assert_eq!((rc, out["error"].as_str()), (2, Some("memory")), "{out}");
    let (rc, out) =
        call(host, "primitives.parse-filter", &json!({"resourceType": "User", "filter": "userName eq \"a\""}));
    assert_eq!(rc, 0, "{out}");
    close(host);
}

#[test]
fn runaway_call_hits_the_deadline_and_the_next_call_works() {
    let host = open_with(json!({"precompiledDir": precompiled(), "deadlineMs": 1})).expect("open");
    let terms: Vec<String> = (0..10_000).map(|i| format!("userName eq \"user{i}\"")).collect();
    let filter = terms.join(" or ");
    let user = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "1", "userName": "nobody"});
    let mut saw_deadline = false;
    for _ in 0..20 {
        let (rc, out) = call(
            host,
            "primitives.evaluate-filter",
            &json!({"resourceType": "User", "filter": filter, "resource": user.to_string()}),
        );
        if rc == 2 && out["error"] == "deadline" {
            saw_deadline = true;
            break;
        }
    }
    assert!(saw_deadline, "a 10,000-term filter never ran past a 1 ms deadline");
    // The deadline is one 10 ms epoch tick, which can land inside even a tiny call: allow a retry or two.
    let ok = (0..5)
        .any(|_| call(host, "primitives.parse-filter", &json!({"resourceType": "User", "filter": "id pr"})).0 == 0);
    assert!(ok, "the instance was not re-created after the deadline");
    close(host);
}

#[test]
fn missing_artefact_says_to_run_build_sh() {
    let dir = tmp("empty");
    let err = open_with(json!({"precompiledDir": dir})).expect_err("no artefact");
    assert!(err.contains("run ./build.sh"), "{err}");
    assert!(err.contains(&dir.display().to_string()) && err.contains(".cwasm"), "{err}");
}

#[test]
fn corrupt_artefact_names_the_file_and_what_to_do() {
    let dir = tmp("corrupt");
    let wasm = std::fs::read(component()).expect("component");
    let path = scim_precompile::precompile(&wasm, &dir).expect("precompile");
    std::fs::write(&path, b"\x7fELF not really").expect("write");
    let err = open_with(json!({"precompiledDir": dir})).expect_err("corrupt artefact");
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("damaged") && err.contains("./build.sh"), "{err}");
}

#[test]
fn unknown_conversation_is_an_input_error() {
    let host = open();
    let (rc, out) = call(host, "server.next", &json!({"conversation": 4242, "outcome": {"outcome": "missing"}}));
    assert_eq!(rc, 2, "{out}");
    assert_eq!(out["error"], "input", "{out}");
    close(host);
}

/// Performs the engine's effects on an in-memory store until it responds; returns the respond effect.
fn converse(host: *mut ScimHost, store: &mut Vec<(String, String, String)>, start: &Value) -> Value {
    let (rc, mut reply) = call(host, "server.start", start);
    assert_eq!(rc, 0, "{reply}");
    let conversation = reply["conversation"].clone();
    for _ in 0..20 {
        let effect = reply["effect"].clone();
        let rt = effect["resourceType"].as_str().unwrap_or_default().to_string();
        let outcome = match effect["effect"].as_str().expect("effect tag") {
            "respond" => {
                let (rc, after) = call(
                    host,
                    "server.next",
                    &json!({"conversation": conversation, "outcome": {"outcome": "missing"}}),
                );
                assert_eq!((rc, after["error"].as_str()), (2, Some("input")), "closed after respond: {after}");
                return effect;
            }
            "load" => match store.iter().find(|(t, id, _)| *t == rt && effect["id"] == id.as_str()) {
                Some((_, _, json)) => json!({"outcome": "resource", "value": json}),
                None => json!({"outcome": "missing"}),
            },
            "search" => {
                let all: Vec<&String> = store.iter().filter(|(t, _, _)| *t == rt).map(|(_, _, j)| j).collect();
                json!({"outcome": "page", "total": all.len(), "resources": all, "exact": false})
            }
            "create" | "replace" => {
                let id = effect["id"].as_str().expect("id").to_string();
                let resource = effect["resource"].as_str().expect("resource text").to_string();
                store.retain(|(t, i, _)| !(*t == rt && *i == id));
                store.push((rt.clone(), id, resource.clone()));
                json!({"outcome": "written", "value": resource})
            }
            "delete" => {
                store.retain(|(t, i, _)| !(*t == rt && effect["id"] == i.as_str()));
                json!({"outcome": "deleted"})
            }
            other => panic!("unexpected effect {other}: {effect}"),
        };
        let (rc, next) = call(host, "server.next", &json!({"conversation": conversation, "outcome": outcome}));
        assert_eq!(rc, 0, "{next}");
        assert_eq!(next["conversation"], conversation);
        reply = next;
    }
    panic!("conversation did not respond within 20 steps");
}

#[test]
fn rfc7644_3_3_post_users_conversation_through_the_c_abi() {
    let host = open();
    let mut store = Vec::new();
    let body = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "bjensen", "name": {"givenName": "Barbara"}});
    let start = json!({
        "request": {"method": "POST", "path": "/Users", "query": "", "headers": [["Content-Type", "application/scim+json"]], "body": body.to_string()},
        "now": "2026-11-22T07:00:00Z",
        "newId": "2819c223-7f76-453a-919d-413861904646"
    });
    let respond = converse(host, &mut store, &start);
    assert_eq!(respond["status"], 201, "{respond}");
    let created: Value = serde_json::from_str(respond["body"].as_str().expect("body text")).expect("body JSON");
    assert_eq!(created["id"], "2819c223-7f76-453a-919d-413861904646");
    assert_eq!(created["userName"], "bjensen");
    let headers = respond["headers"].as_array().expect("headers");
    assert!(headers.iter().any(|h| h[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case("location"))), "{respond}");
    assert_eq!(store.len(), 1);

    let get = json!({
        "request": {"method": "GET", "path": "/Users/2819c223-7f76-453a-919d-413861904646", "query": "", "headers": [], "body": ""},
        "now": "2026-11-22T07:00:01Z", "newId": "unused"
    });
    let respond = converse(host, &mut store, &get);
    assert_eq!(respond["status"], 200, "{respond}");
    close(host);
}

/// Opens with a memory cap no other test uses, so this test owns its pool key.
fn open_keyed(memory: u64) -> *mut ScimHost {
    open_with(json!({"precompiledDir": precompiled(), "memoryLimitBytes": memory})).expect("open")
}

fn instance_kind(host: *mut ScimHost) -> String {
    let (rc, info) = call(host, "host.info", &json!({}));
    assert_eq!(rc, 0, "{info}");
    info["instance"].as_str().expect("host.info names the instance").to_string()
}

#[test]
fn close_then_open_reuses_the_pooled_instance_without_its_conversations() {
    let memory = (48 << 20) + 65536;
    let host = open_keyed(memory);
    assert_eq!(instance_kind(host), "new");
    let start = json!({"request": {"method": "GET", "path": "/Users/abc", "query": "", "headers": [], "body": ""},
        "now": "2026-11-22T07:00:00Z", "newId": "n1"});
    let (rc, reply) = call(host, "server.start", &start);
    assert_eq!((rc, reply["effect"]["effect"].as_str()), (0, Some("load")), "{reply}");
    let left_open = reply["conversation"].clone();
    close(host);

    let host = open_keyed(memory);
    assert_eq!(instance_kind(host), "pooled");
    let (rc, out) = call(host, "server.next", &json!({"conversation": left_open, "outcome": {"outcome": "missing"}}));
    assert_eq!((rc, out["error"].as_str()), (2, Some("input")), "the conversation leaked into the next open: {out}");
    let (rc, out) =
        call(host, "primitives.parse-filter", &json!({"resourceType": "User", "filter": "userName eq \"a\""}));
    assert_eq!(rc, 0, "{out}");
    close(host);
}

#[test]
fn an_instance_that_trapped_is_not_pooled() {
    let memory = (4 << 20) + 2 * 65536;
    let host = open_keyed(memory);
    let big = format!(
        "{{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"b\",\"displayName\":\"{}\"}}",
        "x".repeat(5 << 20)
    );
    let (rc, out) = call(
        host,
        "primitives.validate-resource",
        &json!({"resourceType": "User", "ctx": "creation-request", "body": big}),
    );
    assert_eq!((rc, out["error"].as_str()), (2, Some("memory")), "{out}");
    close(host);
    let host = open_keyed(memory);
    assert_eq!(instance_kind(host), "new");
    close(host);
}
