//! Drives server conversations against the in-memory store, with a
//! deterministic clock and ids, and replays fixture files of recorded
//! exchanges (`tests/fixtures/conversations/<idp>/NNN-description.json`).

use super::memory_store::MemoryStore;
use scim_engine::server::{Conversation, Effect, Request, Response};
use scim_engine::Engine;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

/// The clock of the n-th request (minutes after a fixed instant).
pub fn now(seq: u32) -> String {
    format!("2026-01-01T{:02}:{:02}:00Z", seq / 60 % 24, seq % 60)
}

/// The id a create in the n-th request gets.
pub fn new_id(seq: u32) -> String {
    format!("00000000-0000-4000-8000-{seq:012}")
}

/// An engine, a store and a request counter.
pub struct Replay {
    pub engine: Engine,
    pub store: MemoryStore,
    pub seq: u32,
}

impl Replay {
    /// A replay with an engine and an empty store.
    pub fn new(engine: Engine) -> Self {
        Replay { engine, store: MemoryStore::default(), seq: 0 }
    }

    /// Serves one request to its response.
    pub fn serve(&mut self, request: Request) -> Response {
        self.serve_with(request, |_, _| {})
    }

    /// Serves one request; `before` sees every effect before the store performs it.
    pub fn serve_with(&mut self, request: Request, mut before: impl FnMut(&Effect, &mut MemoryStore)) -> Response {
        self.seq += 1;
        let (mut conversation, mut effect) =
            Conversation::start(&self.engine, request, &now(self.seq), &new_id(self.seq));
        for _ in 0..100 {
            before(&effect, &mut self.store);
            let outcome = match &effect {
                Effect::Respond(r) => {
                    assert!(conversation.is_done());
                    return r.clone();
                }
                Effect::Load(op) => self.store.load(op),
                Effect::Search(op) => self.store.search(op),
                Effect::Create(op) => self.store.create(op),
                Effect::Replace(op) => self.store.replace(op),
                Effect::Delete(op) => self.store.delete(op),
            };
            effect = conversation.resume(&self.engine, outcome);
        }
        panic!("the conversation did not respond within 100 effects");
    }
}

/// A request from parts; `body` is JSON text.
pub fn request(method: &str, path: &str, query: &str, body: Option<&str>) -> Request {
    let mut headers = vec![("Authorization".to_string(), "Bearer t".to_string())];
    if body.is_some() {
        headers.push(("Content-Type".to_string(), "application/scim+json".to_string()));
    }
    Request {
        method: method.into(),
        path: path.into(),
        query: query.into(),
        headers,
        body: body.unwrap_or_default().as_bytes().to_vec(),
    }
}

/// The response body as JSON (Null when empty).
pub fn body(r: &Response) -> Value {
    if r.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&r.body).expect("response body is JSON")
    }
}

/// Where the conversation fixtures live (repository root `tests/fixtures`).
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/conversations")
}

fn request_of(fixture: &Value) -> Request {
    let r = &fixture["request"];
    let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    let headers = r
        .get("headers")
        .and_then(Value::as_object)
        .map(|h| h.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
        .unwrap_or_default();
    let body = match (r.get("body"), r.get("bodyText")) {
        (Some(b), _) => b.to_string().into_bytes(),
        (None, Some(Value::String(t))) => t.clone().into_bytes(),
        _ => Vec::new(),
    };
    Request { method: s("method"), path: s("path"), query: s("query"), headers, body }
}

fn fired_names(r: &Response) -> Vec<String> {
    let mut names: Vec<String> = r.tolerances.iter().map(|f| f.rule.name().to_string()).collect();
    names.sort();
    names.dedup();
    names
}

/// Where transcripts go: `$CARGO_TARGET_DIR/transcripts/<host>` (a relative
/// `CARGO_TARGET_DIR` counts from the repository root), else `target/transcripts/<host>`.
pub fn transcripts_dir(host: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(t) if !t.is_empty() => root.join(t),
        _ => root.join("target"),
    };
    target.join("transcripts").join(host)
}

/// One exchange's actual response as a transcript entry; the JavaScript host
/// (`tests/js-host`) writes the same shape and compares the files byte for byte.
fn transcript_entry(file: &str, r: &Response) -> Value {
    let headers: Vec<Value> = r.headers.iter().map(|(k, v)| json!([k, v])).collect();
    let tolerances: Vec<Value> =
        r.tolerances.iter().map(|f| json!({"rule": f.rule.name(), "detail": f.detail})).collect();
    json!({"file": file, "status": r.status, "headers": headers, "body": r.body, "tolerances": tolerances})
}

/// Replays every exchange of one IdP directory, in file order, against one
/// store; `SCIM_BLESS=1` rewrites the expected responses instead. Writes a
/// transcript of every actual response to `transcripts_dir("rust")/<idp>.json`.
pub fn replay_dir(dir: &Path) -> usize {
    let config = std::fs::read_to_string(dir.join("config.json")).unwrap_or_else(|_| "{}".into());
    let engine = Engine::from_config_json(&config).expect("fixture engine configuration");
    let mut replay = Replay::new(engine);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fixture directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.as_bytes()[0].is_ascii_digit()))
        .collect();
    files.sort();
    let bless = std::env::var("SCIM_BLESS").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    let mut transcript = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("fixture file");
        let mut fixture: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let response = replay.serve(request_of(&fixture));
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        transcript.push(transcript_entry(&name, &response));
        if bless {
            let mut headers = Map::new();
            for (k, v) in &response.headers {
                headers.insert(k.clone(), Value::String(v.clone()));
            }
            let mut expected = json!({"status": response.status, "headers": headers});
            if !response.body.is_empty() {
                expected["body"] = body(&response);
            }
            fixture["response"] = expected;
            fixture["tolerances"] = json!(fired_names(&response));
            std::fs::write(file, serde_json::to_string_pretty(&fixture).expect("JSON") + "\n").expect("write");
            continue;
        }
        let want = &fixture["response"];
        let mut problems = Vec::new();
        if want["status"] != json!(response.status) {
            problems.push(format!("status {} != expected {}", response.status, want["status"]));
        }
        for (k, v) in want.get("headers").and_then(Value::as_object).into_iter().flatten() {
            if response.header(k) != v.as_str() {
                problems.push(format!("header {k}: {:?} != expected {v}", response.header(k)));
            }
        }
        let got = body(&response);
        let want_body = want.get("body").cloned().unwrap_or(Value::Null);
        if got != want_body {
            problems.push(format!(
                "body differs:\n  got      {}\n  expected {}",
                serde_json::to_string(&got).unwrap_or_default(),
                serde_json::to_string(&want_body).unwrap_or_default()
            ));
        }
        let want_fired: Vec<String> = fixture
            .get("tolerances")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        let mut want_fired = want_fired;
        want_fired.sort();
        if fired_names(&response) != want_fired {
            problems.push(format!("tolerances {:?} != expected {want_fired:?}", fired_names(&response)));
        }
        if !problems.is_empty() {
            failures.push(format!("{}/{name}:\n  {}", dir.display(), problems.join("\n  ")));
        }
    }
    let out = transcripts_dir("rust");
    let idp = dir.file_name().and_then(|n| n.to_str()).unwrap_or("unknown");
    std::fs::create_dir_all(&out).expect("transcripts directory");
    let text = serde_json::to_string_pretty(&Value::Array(transcript)).expect("JSON") + "\n";
    std::fs::write(out.join(format!("{idp}.json")), text).expect("write transcript");
    assert!(failures.is_empty(), "{} of {} exchanges differ:\n{}", failures.len(), files.len(), failures.join("\n"));
    files.len()
}
