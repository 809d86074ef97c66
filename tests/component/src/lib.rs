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

/// Conversions from native results into the component's types, for comparisons.
pub mod native {
    use super::{Context, Outcome, ScimError, ToleranceReport, Verdict};
    use scim_engine::tolerance::Fired;

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
}
