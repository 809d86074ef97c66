//! Runs the `scim-engine` WASI component (`dist/scim_engine.wasm`) under
//! wasmtime, with typed methods mirroring `wit/scim-engine.wit`, and converts
//! native [`scim_engine::Engine`] results into the same types so tests and
//! benchmarks can compare the two directly.
//!
//! No WASI implementation is linked: every import the Rust standard library
//! drags in is stubbed with a trap (`define_unknown_imports_as_traps`), so a
//! guest that actually calls one fails loudly. `tests/component_imports.rs`
//! keeps the import list pinned.

pub mod fixtures;

use std::path::PathBuf;
use std::sync::OnceLock;
use wasmtime::component::{Component, Linker, ResourceAny};
use wasmtime::error::Context as _;
use wasmtime::{bail, Result, Store};

wasmtime::component::bindgen!({
    path: "../../wit",
    world: "scim-engine",
    additional_derives: [PartialEq, Eq],
});

pub use exports::scim::engine::primitives::{Context, Outcome, Verdict};
/// The `server` interface's types (request, effect, outcome, ...).
pub use exports::scim::engine::server as wit_server;
pub use scim::engine::types::{ScimError, ToleranceReport};

/// What a component call returns: `Err` when the guest trapped (the instance
/// is then unusable), `Ok(Err)` for a SCIM error the engine answered with.
pub type Call<T> = Result<std::result::Result<T, ScimError>>;

/// Where the component is read from: `$SCIM_ENGINE_WASM` or `<repo>/dist/scim_engine.wasm`.
pub fn component_path() -> PathBuf {
    match std::env::var_os("SCIM_ENGINE_WASM") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../dist/scim_engine.wasm"),
    }
}

/// The wasmtime engine and the compiled component, shared by every instance in this process.
pub fn compiled() -> &'static (wasmtime::Engine, Component) {
    static COMPILED: OnceLock<(wasmtime::Engine, Component)> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let path = component_path();
        if !path.is_file() {
            panic!("{} does not exist: run ./build.sh first", path.display());
        }
        // `SCIM_WASMTIME_PERFMAP=1` writes /tmp/perf-<pid>.map so `perf report` names the guest's functions.
        let mut config = wasmtime::Config::new();
        if std::env::var_os("SCIM_WASMTIME_PERFMAP").is_some() {
            config.profiler(wasmtime::ProfilingStrategy::PerfMap);
        }
        let engine = wasmtime::Engine::new(&config).unwrap_or_else(|e| panic!("wasmtime engine: {e:#}"));
        let component =
            Component::from_file(&engine, &path).unwrap_or_else(|e| panic!("cannot compile {}: {e:#}", path.display()));
        (engine, component)
    })
}

/// Every import of the component, sorted: each imported instance by name and
/// each function in it as `instance#function`.
pub fn component_imports() -> Vec<String> {
    let (engine, component) = compiled();
    let mut out = Vec::new();
    for (name, item) in component.component_type().imports(engine) {
        out.push(name.to_string());
        if let wasmtime::component::types::ComponentItem::ComponentInstance(instance) = item.ty {
            for (export, item) in instance.exports(engine) {
                if let wasmtime::component::types::ComponentItem::ComponentFunc(_) = item.ty {
                    out.push(format!("{name}#{export}"));
                }
            }
        }
    }
    out.sort();
    out
}

/// One component instance with one opened `engine` resource, reused across calls.
pub struct ComponentEngine {
    store: Store<()>,
    bindings: ScimEngine,
    engine: ResourceAny,
}

impl ComponentEngine {
    /// Instantiates the component and opens an engine with the defaults (`{}`).
    pub fn new() -> Result<ComponentEngine> {
        match ComponentEngine::open("{}")? {
            Ok(e) => Ok(e),
            Err(e) => bail!("the default configuration was refused: {e:?}"),
        }
    }

    /// Instantiates the component and opens an engine from configuration JSON.
    pub fn open(config: &str) -> Call<ComponentEngine> {
        let (engine, component) = compiled();
        let mut linker = Linker::new(engine);
        linker.define_unknown_imports_as_traps(component).context("stubbing imports")?;
        let mut store = Store::new(engine, ());
        let bindings = ScimEngine::instantiate(&mut store, component, &linker).context("instantiating")?;
        let opened = bindings.scim_engine_primitives().engine().call_open(&mut store, config)?;
        Ok(opened.map(|engine| ComponentEngine { store, bindings, engine }))
    }

    /// `engine.parse-filter`.
    pub fn parse_filter(&mut self, resource_type: &str, filter: &str) -> Call<Outcome> {
        let g = self.bindings.scim_engine_primitives().engine();
        g.call_parse_filter(&mut self.store, self.engine, resource_type, filter)
    }

    /// `engine.compile-filter`.
    pub fn compile_filter(&mut self, resource_type: &str, filter: &str) -> Call<Outcome> {
        let g = self.bindings.scim_engine_primitives().engine();
        g.call_compile_filter(&mut self.store, self.engine, resource_type, filter)
    }

    /// `engine.evaluate-filter`.
    pub fn evaluate_filter(&mut self, resource_type: &str, filter: &str, resource: &str) -> Call<Verdict> {
        let g = self.bindings.scim_engine_primitives().engine();
        g.call_evaluate_filter(&mut self.store, self.engine, resource_type, filter, resource)
    }

    /// `engine.validate-resource`.
    pub fn validate_resource(
        &mut self,
        resource_type: &str,
        ctx: Context,
        body: &str,
        existing: Option<&str>,
    ) -> Call<Outcome> {
        let g = self.bindings.scim_engine_primitives().engine();
        g.call_validate_resource(&mut self.store, self.engine, resource_type, ctx, body, existing)
    }

    /// `engine.apply-patch`.
    pub fn apply_patch(&mut self, resource_type: &str, resource: &str, patch: &str) -> Call<Outcome> {
        let g = self.bindings.scim_engine_primitives().engine();
        g.call_apply_patch(&mut self.store, self.engine, resource_type, resource, patch)
    }

    /// `engine.project`.
    pub fn project(
        &mut self,
        resource_type: &str,
        resource: &str,
        attributes: Option<&str>,
        excluded_attributes: Option<&str>,
    ) -> Call<Outcome> {
        let g = self.bindings.scim_engine_primitives().engine();
        g.call_project(&mut self.store, self.engine, resource_type, resource, attributes, excluded_attributes)
    }

    /// `engine.schemas`.
    pub fn schemas(&mut self) -> Result<String> {
        let g = self.bindings.scim_engine_primitives().engine();
        g.call_schemas(&mut self.store, self.engine)
    }

    /// `server.serve`: starts a conversation; hand its handle to [`ComponentEngine::next`].
    pub fn serve(&mut self, request: &wit_server::Request, now: &str, new_id: &str) -> Result<ResourceAny> {
        self.bindings.scim_engine_server().call_serve(&mut self.store, self.engine, request, now, new_id)
    }

    /// `conversation.next`: hands back an outcome (none on the first call), returns the next effect.
    pub fn next(
        &mut self,
        conversation: ResourceAny,
        outcome: Option<&wit_server::Outcome>,
    ) -> Result<wit_server::Effect> {
        let c = self.bindings.scim_engine_server().conversation();
        c.call_next(&mut self.store, conversation, outcome)
    }

    /// Drops a conversation handle (after `respond`, or to abandon it).
    pub fn end(&mut self, conversation: ResourceAny) -> Result<()> {
        conversation.resource_drop(&mut self.store)
    }

    /// Serves one native request through the component, performing every
    /// effect with `perform`, and returns the response as native types.
    pub fn converse(
        &mut self,
        request: &scim_engine::server::Request,
        now: &str,
        new_id: &str,
        mut perform: impl FnMut(&scim_engine::server::Effect) -> scim_engine::server::Outcome,
    ) -> Result<scim_engine::server::Response> {
        let conversation = self.serve(&native::request(request), now, new_id)?;
        let mut effect = native::effect(self.next(conversation, None)?)?;
        for _ in 0..100 {
            if let scim_engine::server::Effect::Respond(r) = effect {
                self.end(conversation)?;
                return Ok(r);
            }
            let outcome = native::outcome_to_wit(perform(&effect));
            effect = native::effect(self.next(conversation, Some(&outcome))?)?;
        }
        bail!("the conversation did not respond within 100 effects")
    }

    /// `render-error` (a free function of the `primitives` interface).
    pub fn render_error(&mut self, error: &ScimError) -> Result<String> {
        self.bindings.scim_engine_primitives().call_render_error(&mut self.store, error)
    }
}

impl Drop for ComponentEngine {
    fn drop(&mut self) {
        // A trapped instance refuses further calls; nothing to clean up then.
        let _ = self.engine.resource_drop(&mut self.store);
    }
}

/// Conversions between native values and the component's types, for comparisons.
pub mod native {
    use super::{wit_server as w, Context, Outcome, ScimError, ToleranceReport, Verdict};
    use scim_engine::server as n;
    use scim_engine::tolerance::{Fired, Rule};
    use wasmtime::{bail, Result};

    /// A native error as the component reports it.
    pub fn error(e: scim_engine::ScimError) -> ScimError {
        ScimError { status: e.status, scim_type: e.scim_type.map(|t| t.as_str().to_string()), detail: e.detail }
    }

    /// Fired rules as the component reports them.
    pub fn reports(fired: Vec<Fired>) -> Vec<ToleranceReport> {
        fired.into_iter().map(|f| ToleranceReport { rule: f.rule.name().to_string(), detail: f.detail }).collect()
    }

    /// A native string outcome as the component reports it.
    pub fn outcome(r: scim_engine::error::Result<scim_engine::Outcome<String>>) -> Result<Outcome, ScimError> {
        r.map(|o| Outcome { json: o.value, tolerances: reports(o.fired) }).map_err(error)
    }

    /// A native filter verdict as the component reports it.
    pub fn verdict(r: scim_engine::error::Result<scim_engine::Outcome<bool>>) -> Result<Verdict, ScimError> {
        r.map(|o| Verdict { matches: o.value, tolerances: reports(o.fired) }).map_err(error)
    }

    /// The WIT context as the native enum.
    pub fn context(c: Context) -> scim_engine::Context {
        match c {
            Context::CreationRequest => scim_engine::Context::CreationRequest,
            Context::ReplaceRequest => scim_engine::Context::ReplaceRequest,
            Context::QueryResponse => scim_engine::Context::QueryResponse,
        }
    }

    /// A native request as the component takes it.
    pub fn request(r: &n::Request) -> w::Request {
        w::Request {
            method: r.method.clone(),
            path: r.path.clone(),
            query: r.query.clone(),
            headers: r.headers.clone(),
            body: r.body.clone(),
        }
    }

    /// A native outcome as the component takes it.
    pub fn outcome_to_wit(o: n::Outcome) -> w::Outcome {
        match o {
            n::Outcome::Resource(r) => w::Outcome::Resource(r),
            n::Outcome::Missing => w::Outcome::Missing,
            n::Outcome::Page(p) => w::Outcome::Page(w::Page { total: p.total, resources: p.resources, exact: p.exact }),
            n::Outcome::Written(r) => w::Outcome::Written(r),
            n::Outcome::Deleted => w::Outcome::Deleted,
            n::Outcome::Conflict(a) => w::Outcome::Conflict(a),
            n::Outcome::VersionMismatch => w::Outcome::VersionMismatch,
        }
    }

    fn write(op: w::WriteOp) -> n::WriteOp {
        n::WriteOp {
            resource_type: op.resource_type,
            id: op.id,
            resource: op.resource,
            expected_version: op.expected_version,
            unique: op.unique,
            password: op.password,
        }
    }

    /// A component effect as the native type; fails on an unknown tolerance rule name.
    pub fn effect(e: w::Effect) -> Result<n::Effect> {
        Ok(match e {
            w::Effect::Load(op) => n::Effect::Load(n::LoadOp { resource_type: op.resource_type, id: op.id }),
            w::Effect::Search(op) => n::Effect::Search(n::SearchOp {
                resource_type: op.resource_type,
                plan: op.plan,
                sort_by: op.sort_by,
                descending: op.descending,
                start_index: op.start_index,
                count: op.count,
            }),
            w::Effect::Create(op) => n::Effect::Create(write(op)),
            w::Effect::Replace(op) => n::Effect::Replace(write(op)),
            w::Effect::Delete(op) => n::Effect::Delete(n::DeleteOp {
                resource_type: op.resource_type,
                id: op.id,
                expected_version: op.expected_version,
            }),
            w::Effect::Respond(r) => {
                let mut tolerances = Vec::with_capacity(r.tolerances.len());
                for t in r.tolerances {
                    let Some(rule) = Rule::from_name(&t.rule) else { bail!("unknown tolerance rule {:?}", t.rule) };
                    tolerances.push(Fired { rule, detail: t.detail });
                }
                n::Effect::Respond(n::Response { status: r.status, headers: r.headers, body: r.body, tolerances })
            }
        })
    }
}
