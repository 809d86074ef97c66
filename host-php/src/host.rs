//! One opened engine: a ready instance reused across calls, re-created after a trap or limit.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use wasmtime::component::{ComponentExportIndex, Func, Instance, ResourceAny, Val};
use wasmtime::{ResourceLimiter, Store, StoreLimits, StoreLimitsBuilder, Trap};

use crate::cache::{self, Loaded};
use crate::json::{camel, to_json, to_text, to_val};
use crate::server_json;

/// What one call returns: the ABI return code and the output JSON text.
pub type CallResult = (i32, String);

/// Store data: limits and the guest's captured stdout/stderr.
pub struct HostState {
    limits: Limits,
    /// Bytes the guest wrote to stdout/stderr during the current call.
    pub stderr: Vec<u8>,
}

/// `StoreLimits` that remembers whether it refused a memory growth.
struct Limits {
    inner: StoreLimits,
    cap: usize,
    refused: bool,
}

impl ResourceLimiter for Limits {
    fn memory_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        let allowed = self.inner.memory_growing(current, desired, maximum)?;
        self.refused |= !allowed;
        Ok(allowed)
    }

    fn table_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        self.inner.table_growing(current, desired, maximum)
    }

    fn instances(&self) -> usize {
        self.inner.instances()
    }

    fn tables(&self) -> usize {
        self.inner.tables()
    }

    fn memories(&self) -> usize {
        self.inner.memories()
    }
}

/// A failure outside SCIM semantics: `kind` is one of the ABI's host error kinds.
struct HostError {
    kind: &'static str,
    message: String,
}

impl HostError {
    fn input(message: impl Into<String>) -> Self {
        Self { kind: "input", message: message.into() }
    }

    fn abi(message: impl Into<String>) -> Self {
        Self { kind: "abi", message: message.into() }
    }
}

/// A ready instance with its opened engine and open conversations.
struct Live {
    store: Store<HostState>,
    instance: Instance,
    engine: ResourceAny,
    conversations: BTreeMap<u32, ResourceAny>,
    next_conversation: u32,
    /// The typed exports, looked up once per instance (every request calls `server`).
    typed: Option<server_json::ScimEngine>,
}

impl Live {
    fn typed(&mut self) -> Result<(), HostError> {
        if self.typed.is_none() {
            let bindings = server_json::ScimEngine::new(&mut self.store, &self.instance)
                .map_err(|e| HostError::abi(format!("the component's exports do not match this library: {e:#}")))?;
            self.typed = Some(bindings);
        }
        Ok(())
    }
}

/// What makes two opens interchangeable: the loaded artefact (by identity: a reloaded artefact is another
/// component), engine config and memory cap (the deadline is set per call).
struct PoolKey {
    loaded: Arc<Loaded>,
    config_json: String,
    memory_limit: usize,
}

impl PartialEq for PoolKey {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.loaded, &other.loaded)
            && self.config_json == other.config_json
            && self.memory_limit == other.memory_limit
    }
}

/// Ready instances kept per process for one pool key.
const POOL_SIZE: usize = 4;
/// Ready instances kept per process across all keys.
const POOL_TOTAL: usize = 32;

/// Ready instances handed back by `scim_host_close`, reused by the next `scim_host_open` with the same key.
static POOL: Mutex<Vec<(PoolKey, Live)>> = Mutex::new(Vec::new());

/// An opened engine behind the C ABI.
pub struct ScimHost {
    loaded: Arc<Loaded>,
    config_json: String,
    deadline_ms: u64,
    memory_limit: usize,
    live: Option<Live>,
    /// Whether the instance in use at open came from the per-process pool.
    pooled: bool,
}

impl ScimHost {
    /// Loads the artefact, instantiates the component and opens the engine with `config_json`.
    pub fn open(component_path: &str, config_json: &str, options_json: &str) -> Result<Self, String> {
        let options: Value = if options_json.trim().is_empty() {
            json!({})
        } else {
            serde_json::from_str(options_json).map_err(|e| format!("options are not JSON: {e}"))?
        };
        let precompiled_dir = match options.get("precompiledDir") {
            Some(Value::String(d)) => Some(d.as_str()),
            None | Some(Value::Null) => None,
            Some(other) => return Err(format!("options.precompiledDir must be a string, got {other}")),
        };
        let number = |key: &str, default: u64| match options.get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(v) => v.as_u64().filter(|n| *n > 0).ok_or(format!("options.{key} must be a positive integer")),
        };
        let deadline_ms = number("deadlineMs", 2000)?;
        let memory_limit = usize::try_from(number("memoryLimitBytes", 64 << 20)?).unwrap_or(usize::MAX);
        let loaded = cache::load_named(component_path, precompiled_dir)?;
        let mut host = ScimHost {
            loaded,
            config_json: config_json.to_string(),
            deadline_ms,
            memory_limit,
            live: None,
            pooled: false,
        };
        let key = host.pool_key();
        let reused = POOL.lock().ok().and_then(|mut pool| {
            let at = pool.iter().rposition(|(k, _)| *k == key)?;
            Some(pool.remove(at).1)
        });
        if let Some(live) = reused {
            host.live = Some(live);
            host.pooled = true;
        } else {
            host.live().map_err(|e| format!("{}: {}", e.kind, e.message))?;
        }
        Ok(host)
    }

    fn pool_key(&self) -> PoolKey {
        PoolKey { loaded: self.loaded.clone(), config_json: self.config_json.clone(), memory_limit: self.memory_limit }
    }

    /// The ready instance, created (engine opened) when there is none.
    fn live(&mut self) -> Result<&mut Live, HostError> {
        if self.live.is_none() {
            self.live = Some(self.instantiate()?);
        }
        self.live.as_mut().ok_or_else(|| HostError::abi("no instance"))
    }

    fn instantiate(&self) -> Result<Live, HostError> {
        let l = &self.loaded;
        let limits = StoreLimitsBuilder::new().memory_size(self.memory_limit).build();
        let mut store = Store::new(
            &l.engine,
            HostState { limits: Limits { inner: limits, cap: self.memory_limit, refused: false }, stderr: vec![] },
        );
        store.limiter(|s| &mut s.limits);
        store.set_epoch_deadline(self.setup_ticks());
        let instance = l.linker.instantiate(&mut store, &l.component).map_err(|e| failure(&e, store.data()))?;
        let open = primitives_func(l, &instance, &mut store, "[static]engine.open")?;
        let mut results = [Val::Bool(false)];
        store.set_epoch_deadline(self.setup_ticks());
        open.call(&mut store, &[Val::String(self.config_json.clone())], &mut results)
            .map_err(|e| failure(&e, store.data()))?;
        let engine = match &results[0] {
            Val::Result(Ok(Some(v))) => match v.as_ref() {
                Val::Resource(r) => *r,
                _ => return Err(HostError::abi("engine.open returned no resource")),
            },
            Val::Result(Err(Some(e))) => {
                return Err(HostError { kind: "config", message: format!("engine.open: {}", to_json(e, "error")) })
            }
            _ => return Err(HostError::abi("engine.open returned an unexpected value")),
        };
        Ok(Live { store, instance, engine, conversations: BTreeMap::new(), next_conversation: 1, typed: None })
    }

    /// Instantiation and `engine.open` depend on the admin's config, not on request data: they get at
    /// least a second, so a tight per-call deadline cannot make opening fail.
    fn setup_ticks(&self) -> u64 {
        self.deadline_ticks().max(1000 / scim_engine_config::EPOCH_TICK_MS)
    }

    fn deadline_ticks(&self) -> u64 {
        self.deadline_ms.div_ceil(scim_engine_config::EPOCH_TICK_MS).max(1)
    }

    /// Runs one op; returns the ABI code and output JSON. A broken instance is dropped.
    pub fn call(&mut self, op: &str, input: &str) -> CallResult {
        let result = self.dispatch(op, input);
        match result {
            Ok(r) => r,
            Err(e) => {
                if e.kind != "input" {
                    self.live = None;
                }
                (2, json!({"error": e.kind, "message": e.message}).to_string())
            }
        }
    }

    /// Drops the instance (used after a host-side panic).
    pub fn reset(&mut self) {
        self.live = None;
    }

    fn dispatch(&mut self, op: &str, input: &str) -> Result<CallResult, HostError> {
        match op {
            "server.start" => {
                let input =
                    serde_json::from_str(input).map_err(|e| HostError::input(format!("server.start input: {e}")))?;
                return self.server_start(input);
            }
            "server.next" => {
                let input =
                    serde_json::from_str(input).map_err(|e| HostError::input(format!("server.next input: {e}")))?;
                return self.server_next(input);
            }
            _ => {}
        }
        let input: Value = if input.trim().is_empty() {
            json!({})
        } else {
            serde_json::from_str(input).map_err(|e| HostError::input(format!("input is not JSON: {e}")))?
        };
        if !input.is_object() {
            return Err(HostError::input("input must be a JSON object"));
        }
        if op == "host.info" {
            return Ok((0, self.info().to_string()));
        }
        if let Some(name) = op.strip_prefix("primitives.") {
            return self.primitive(name, &input);
        }
        Err(HostError::input(format!(
            "unknown op {op:?} (host.info, primitives.<function>, server.start, server.next)"
        )))
    }

    fn info(&self) -> Value {
        json!({
            "abi": crate::abi::ABI_VERSION,
            "wasmtime": scim_engine_config::WASMTIME_VERSION,
            "artefact": "loaded",
            "artefactPath": self.loaded.artefact_path.display().to_string(),
            "component": self.loaded.component_path.display().to_string(),
            "deadlineMs": self.deadline_ms,
            "memoryLimitBytes": self.memory_limit,
            "server": self.loaded.server.is_some(),
            "instance": if self.pooled { "pooled" } else { "new" },
            "imports": self.loaded.imports,
        })
    }

    fn primitive(&mut self, name: &str, input: &Value) -> Result<CallResult, HostError> {
        let loaded = self.loaded.clone();
        let ticks = self.deadline_ticks();
        let live = self.live()?;
        let (func, method) =
            match primitives_func(&loaded, &live.instance, &mut live.store, &format!("[method]engine.{name}")) {
                Ok(f) => (f, true),
                Err(_) => match primitives_func(&loaded, &live.instance, &mut live.store, name) {
                    Ok(f) => (f, false),
                    Err(_) => return Err(HostError::input(format!("unknown op primitives.{name}"))),
                },
            };
        let ty = func.ty(&live.store);
        let mut params = Vec::new();
        for (i, (pname, pty)) in ty.params().enumerate() {
            if method && i == 0 {
                params.push(Val::Resource(live.engine));
                continue;
            }
            let key = camel(pname);
            let v = input.get(&key).unwrap_or(&Value::Null);
            params.push(to_val(&pty, v, &key).map_err(HostError::input)?);
        }
        let mut results = vec![Val::Bool(false); ty.results().len()];
        call(live, ticks, &func, &params, &mut results)?;
        Ok(match results.first() {
            Some(Val::Result(Ok(v))) => (0, v.as_deref().map_or_else(|| "null".to_string(), |v| to_text(v, "value"))),
            Some(Val::Result(Err(e))) => (1, e.as_deref().map_or_else(|| "null".to_string(), |v| to_text(v, "error"))),
            Some(v) => (0, to_text(v, "value")),
            None => (0, "null".to_string()),
        })
    }

    fn server_start(&mut self, input: server_json::StartInput) -> Result<CallResult, HostError> {
        let ticks = self.deadline_ticks();
        let live = self.live()?;
        live.typed()?;
        let request = server_json::Request::from(input.request);
        arm(live, ticks);
        let Live { store, typed, engine, .. } = &mut *live;
        let server = typed.as_ref().ok_or_else(|| HostError::abi("no typed exports"))?.scim_engine_server();
        let conversation = server
            .call_serve(&mut *store, *engine, &request, &input.now, &input.new_id)
            .map_err(|e| failure(&e, store.data()))?;
        let handle = live.next_conversation;
        live.next_conversation = live.next_conversation.wrapping_add(1).max(1);
        live.conversations.insert(handle, conversation);
        step(live, ticks, handle, None)
    }

    fn server_next(&mut self, input: server_json::NextInput) -> Result<CallResult, HostError> {
        let ticks = self.deadline_ticks();
        let handle =
            input.conversation.ok_or_else(|| HostError::input("`conversation` must be a conversation handle (u32)"))?;
        let outcome = server_json::Outcome::from(
            input.outcome.ok_or_else(|| HostError::input("`outcome` is required for server.next"))?,
        );
        let live = self.live()?;
        if !live.conversations.contains_key(&handle) {
            return Err(HostError::input(format!(
                "unknown conversation {handle} (closed after respond, or dropped with a broken instance)"
            )));
        }
        live.typed()?;
        step(live, ticks, handle, Some(&outcome))
    }
}

impl Drop for ScimHost {
    /// Hands a healthy instance back to the pool: its conversations are dropped first, so only the engine
    /// (configuration) survives; an instance that trapped was already discarded, one that fails here is too.
    fn drop(&mut self) {
        let Some(mut live) = self.live.take() else { return };
        if live.store.data().limits.refused {
            return;
        }
        for (_, conversation) in std::mem::take(&mut live.conversations) {
            if conversation.resource_drop(&mut live.store).is_err() {
                return;
            }
        }
        live.next_conversation = 1;
        live.store.data_mut().stderr.clear();
        let key = self.pool_key();
        if let Ok(mut pool) = POOL.lock() {
            // At most POOL_SIZE ready instances per key (one PHP-FPM worker serves one request at a time),
            // and at most POOL_TOTAL overall, the oldest going first: it may belong to a config no longer opened.
            if pool.iter().filter(|(k, _)| *k == key).count() >= POOL_SIZE {
                if let Some(at) = pool.iter().position(|(k, _)| *k == key) {
                    pool.remove(at);
                }
            }
            if pool.len() >= POOL_TOTAL {
                pool.remove(0);
            }
            pool.push((key, live));
        }
    }
}

/// Calls `conversation.next` and closes the conversation after `respond`.
fn step(
    live: &mut Live,
    ticks: u64,
    handle: u32,
    outcome: Option<&server_json::Outcome>,
) -> Result<CallResult, HostError> {
    let conversation = *live.conversations.get(&handle).ok_or_else(|| HostError::input("unknown conversation"))?;
    arm(live, ticks);
    let Live { store, typed, .. } = &mut *live;
    let server = typed.as_ref().ok_or_else(|| HostError::abi("no typed exports"))?.scim_engine_server();
    let effect =
        server.conversation().call_next(&mut *store, conversation, outcome).map_err(|e| failure(&e, store.data()))?;
    if matches!(effect, server_json::Effect::Respond(_)) {
        live.conversations.remove(&handle);
        conversation.resource_drop(&mut live.store).map_err(|e| failure(&e, live.store.data()))?;
    }
    let text =
        serde_json::to_string(&server_json::Step { conversation: handle, effect: server_json::EffectJson(&effect) })
            .map_err(|e| HostError::abi(format!("cannot write the effect as JSON: {e}")))?;
    Ok((0, text))
}

/// Resets the captured guest output and sets the call's deadline.
fn arm(live: &mut Live, ticks: u64) {
    live.store.data_mut().stderr.clear();
    live.store.set_epoch_deadline(ticks);
}

/// One guest call under the deadline, with captured output reset first.
fn call(live: &mut Live, ticks: u64, func: &Func, params: &[Val], results: &mut [Val]) -> Result<(), HostError> {
    arm(live, ticks);
    func.call(&mut live.store, params, results).map_err(|e| failure(&e, live.store.data()))
}

/// Names a trap: deadline, memory, guest panic (with its message) or any other trap.
fn failure(err: &wasmtime::Error, state: &HostState) -> HostError {
    if err.downcast_ref::<Trap>() == Some(&Trap::Interrupt) {
        return HostError { kind: "deadline", message: "the call ran past its deadline (options.deadlineMs)".into() };
    }
    let output = String::from_utf8_lossy(&state.stderr);
    if state.limits.refused {
        let said = output.trim();
        let said = if said.is_empty() { String::new() } else { format!(" (guest said: {said})") };
        return HostError {
            kind: "memory",
            message: format!(
                "the guest needed more than options.memoryLimitBytes ({} bytes) of memory{said}",
                state.limits.cap
            ),
        };
    }
    if let Some(message) = panic_message(&output) {
        return HostError { kind: "panic", message };
    }
    HostError { kind: "trap", message: format!("{err:#}") }
}

/// The panic text the guest's panic hook wrote to stderr ("panicked at <file>:<line>:<col>:\n<message>").
fn panic_message(output: &str) -> Option<String> {
    let at = output.find("panicked at")?;
    let text = output[at..].lines().filter(|l| !l.starts_with("note: run with")).collect::<Vec<_>>().join("\n");
    Some(text.trim().to_string())
}

fn primitives_func(
    l: &Loaded,
    instance: &Instance,
    store: &mut Store<HostState>,
    name: &str,
) -> Result<Func, HostError> {
    export_func(l.primitives.as_ref(), "primitives", l, instance, store, name)
}

fn export_func(
    iface: Option<&ComponentExportIndex>,
    iface_name: &str,
    l: &Loaded,
    instance: &Instance,
    store: &mut Store<HostState>,
    name: &str,
) -> Result<Func, HostError> {
    let iface = iface.ok_or_else(|| {
        HostError::abi(format!("the component does not export the `{iface_name}` interface; rebuild it (./build.sh)"))
    })?;
    let idx = l
        .component
        .get_export_index(Some(iface), name)
        .ok_or_else(|| HostError::abi(format!("the component's `{iface_name}` has no function `{name}`")))?;
    instance.get_func(store, idx).ok_or_else(|| HostError::abi(format!("`{iface_name}.{name}` is not a function")))
}

#[cfg(test)]
mod tests {
    use super::panic_message;

    #[test]
    fn guest_panic_text_is_taken_from_captured_stderr() {
        let out = "\nthread '<unnamed>' panicked at src/lib.rs:3:5:\nboom: index 7\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
        assert_eq!(panic_message(out).as_deref(), Some("panicked at src/lib.rs:3:5:\nboom: index 7"));
        assert_eq!(panic_message("some other output"), None);
    }
}
