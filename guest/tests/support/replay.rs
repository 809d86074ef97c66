//! Drives server conversations against the in-memory store, with a
//! deterministic clock and ids, and replays fixture files of recorded
//! exchanges (`tests/fixtures/conversations/<idp>/NNN-description.json`).

use super::memory_store::MemoryStore;
use scim_engine::server::{Conversation, Effect, Outcome, Request, Response};
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

/// What serves conversations: the native [`Engine`], or the component
/// (`tests/component`), so one driver and one store check both.
pub trait Server {
    /// One request being served.
    type Conversation;
    /// Starts serving a request; returns the conversation and its first effect.
    fn start(&mut self, request: Request, now: &str, new_id: &str) -> (Self::Conversation, Effect);
    /// Hands back the outcome of the last effect; returns the next effect.
    fn resume(&mut self, conversation: &mut Self::Conversation, outcome: Outcome) -> Effect;
}

impl Server for Engine {
    type Conversation = Conversation;

    fn start(&mut self, request: Request, now: &str, new_id: &str) -> (Conversation, Effect) {
        Conversation::start(self, request, now, new_id)
    }

    fn resume(&mut self, conversation: &mut Conversation, outcome: Outcome) -> Effect {
        let effect = conversation.resume(self, outcome);
        assert_eq!(conversation.is_done(), matches!(effect, Effect::Respond(_)));
        effect
    }
}

/// A server, a store and a request counter.
pub struct Replay<S: Server = Engine> {
    pub engine: S,
    pub store: MemoryStore,
    pub seq: u32,
}

impl<S: Server> Replay<S> {
    /// A replay with a server and an empty store.
    pub fn new(engine: S) -> Self {
        Replay { engine, store: MemoryStore::default(), seq: 0 }
    }

    /// Serves one request to its response.
    pub fn serve(&mut self, request: Request) -> Response {
        self.serve_with(request, |_, _| {})
    }

    /// Serves one request; `before` sees every effect before the store performs it.
    pub fn serve_with(&mut self, request: Request, mut before: impl FnMut(&Effect, &mut MemoryStore)) -> Response {
        self.seq += 1;
        let (mut conversation, mut effect) = self.engine.start(request, &now(self.seq), &new_id(self.seq));
        for _ in 0..100 {
            before(&effect, &mut self.store);
            let outcome = match &effect {
                Effect::Respond(r) => return r.clone(),
                Effect::Load(op) => self.store.load(op),
                Effect::Search(op) => self.store.search(op),
                Effect::Create(op) => self.store.create(op),
                Effect::Replace(op) => self.store.replace(op),
                Effect::Delete(op) => self.store.delete(op),
            };
            effect = self.engine.resume(&mut conversation, outcome);
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

/// The repository root: the nearest ancestor of this crate holding
/// `tests/fixtures/conversations` (this file is compiled into `guest` and `tests/component`).
pub fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.ancestors().find(|d| d.join("tests/fixtures/conversations").is_dir()).unwrap_or(manifest).to_path_buf()
}

/// Where the conversation fixtures live (repository root `tests/fixtures`).
pub fn fixtures_dir() -> PathBuf {
    repo_root().join("tests/fixtures/conversations")
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
    let root = repo_root();
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(t) if !t.is_empty() => root.join(t),
        _ => root.join("target"),
    };
    target.join("transcripts").join(host)
}

/// One exchange's actual response as a transcript entry; the JavaScript host
/// (`tests/js-host`) writes the same shape and compares the files byte for byte.
pub fn transcript_entry(file: &str, r: &Response) -> Value {
    let headers: Vec<Value> = r.headers.iter().map(|(k, v)| json!([k, v])).collect();
    let tolerances: Vec<Value> =
        r.tolerances.iter().map(|f| json!({"rule": f.rule.name(), "detail": f.detail})).collect();
    json!({"file": file, "status": r.status, "headers": headers, "body": r.body, "tolerances": tolerances})
}

/// The result of replaying one IdP directory.
pub struct Replayed {
    /// How many exchanges were replayed.
    pub exchanges: usize,
    /// The transcript of every actual response (JSON text, see [`transcript_entry`]).
    pub transcript: String,
    /// One message per exchange whose response differs from the fixture.
    pub failures: Vec<String>,
}

/// The fixture files of one IdP directory, in replay order.
pub fn fixture_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fixture directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.as_bytes()[0].is_ascii_digit()))
        .collect();
    files.sort();
    files
}

/// The request of a fixture file.
pub fn fixture_request(file: &Path) -> Request {
    let text = std::fs::read_to_string(file).expect("fixture file");
    let fixture: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    request_of(&fixture)
}

/// Replays every exchange of one IdP directory, in file order, against one
/// store, with the server `open` makes from the directory's `config.json`;
/// `bless` rewrites the expected responses instead of comparing.
pub fn replay_on<S: Server>(dir: &Path, open: impl FnOnce(&str) -> S, bless: bool) -> Replayed {
    let config = std::fs::read_to_string(dir.join("config.json")).unwrap_or_else(|_| "{}".into());
    let mut replay = Replay::new(open(&config));
    let files = fixture_files(dir);
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
    let transcript = serde_json::to_string_pretty(&Value::Array(transcript)).expect("JSON") + "\n";
    Replayed { exchanges: files.len(), transcript, failures }
}

/// Writes a transcript to `transcripts_dir(host)/<idp>.json`.
pub fn write_transcript(host: &str, dir: &Path, transcript: &str) {
    let out = transcripts_dir(host);
    let idp = dir.file_name().and_then(|n| n.to_str()).unwrap_or("unknown");
    std::fs::create_dir_all(&out).expect("transcripts directory");
    std::fs::write(out.join(format!("{idp}.json")), transcript).expect("write transcript");
}

/// Replays one IdP directory natively (see [`replay_on`]); `SCIM_BLESS=1`
/// rewrites the expected responses instead. Writes a transcript of every
/// actual response to `transcripts_dir("rust")/<idp>.json`.
pub fn replay_dir(dir: &Path) -> usize {
    let bless = std::env::var("SCIM_BLESS").is_ok_and(|v| v == "1");
    let open = |config: &str| Engine::from_config_json(config).expect("fixture engine configuration");
    let r = replay_on(dir, open, bless);
    write_transcript("rust", dir, &r.transcript);
    assert!(
        r.failures.is_empty(),
        "{} of {} exchanges differ:\n{}",
        r.failures.len(),
        r.exchanges,
        r.failures.join("\n")
    );
    r.exchanges
}
