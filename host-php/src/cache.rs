//! Per-process state: one wasmtime engine with its epoch ticker, and each loaded component (with its
//! linker) kept for the life of the process, keyed by artefact path.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use wasmtime::component::{Component, ComponentExportIndex, Linker};
use wasmtime::Engine;

use crate::host::HostState;

/// A component ready to instantiate: compiled code, linker and where its interfaces are exported.
pub struct Loaded {
    /// The process-wide engine.
    pub engine: Engine,
    /// The deserialised component.
    pub component: Component,
    /// Linker with the WASI stand-ins.
    pub linker: Linker<HostState>,
    /// The artefact the component was loaded from.
    pub artefact_path: PathBuf,
    /// The component `.wasm` the artefact belongs to.
    pub component_path: PathBuf,
    /// `scim:engine/primitives@..` export, when present.
    pub primitives: Option<ComponentExportIndex>,
    /// `scim:engine/server@..` export, when present.
    pub server: Option<ComponentExportIndex>,
}

static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();
static TICKER_PID: AtomicU32 = AtomicU32::new(0);

/// The process-wide engine; starts the epoch ticker in this process if it is not running.
pub fn engine() -> Result<Engine, String> {
    let engine = ENGINE
        .get_or_init(|| {
            Engine::new(&scim_engine_config::runtime_config()).map_err(|e| format!("cannot create engine: {e:#}"))
        })
        .clone()?;
    // A thread does not survive fork() (PHP-FPM forks workers from a master that may have preloaded us),
    // so the ticker is keyed on the pid and restarted in a forked child.
    let pid = std::process::id();
    if TICKER_PID.swap(pid, Ordering::SeqCst) != pid {
        let ticking = engine.clone();
        std::thread::Builder::new()
            .name("scim-epoch".into())
            .spawn(move || loop {
                std::thread::sleep(Duration::from_millis(scim_engine_config::EPOCH_TICK_MS));
                ticking.increment_epoch();
            })
            .map_err(|e| format!("cannot start the epoch ticker thread: {e}"))?;
    }
    Ok(engine)
}

type WasmKey = (PathBuf, u64, Option<SystemTime>);

static ARTEFACT_NAMES: OnceLock<Mutex<HashMap<WasmKey, PathBuf>>> = OnceLock::new();
static LOADED: OnceLock<Mutex<HashMap<PathBuf, Arc<Loaded>>>> = OnceLock::new();

/// Loads (once per process) the precompiled artefact for the component at `component_path`.
pub fn load(component_path: &Path, precompiled_dir: &Path) -> Result<Arc<Loaded>, String> {
    let engine = engine()?;
    let meta = std::fs::metadata(component_path)
        .map_err(|e| format!("cannot read component {}: {e}; run ./build.sh", component_path.display()))?;
    let key = (component_path.to_path_buf(), meta.len(), meta.modified().ok());
    let names = ARTEFACT_NAMES.get_or_init(Default::default);
    let cached_name = names.lock().map_err(|_| "artefact name cache poisoned")?.get(&key).cloned();
    let artefact = match cached_name {
        Some(a) if a.parent() == Some(precompiled_dir) => a,
        _ => {
            let wasm = std::fs::read(component_path)
                .map_err(|e| format!("cannot read component {}: {e}; run ./build.sh", component_path.display()))?;
            let a = scim_engine_config::artefact_path(precompiled_dir, &engine, &wasm);
            names.lock().map_err(|_| "artefact name cache poisoned")?.insert(key, a.clone());
            a
        }
    };
    let loaded = LOADED.get_or_init(Default::default);
    if let Some(l) = loaded.lock().map_err(|_| "component cache poisoned")?.get(&artefact) {
        return Ok(l.clone());
    }
    let l = Arc::new(deserialize(engine, component_path, artefact.clone())?);
    loaded.lock().map_err(|_| "component cache poisoned")?.insert(artefact, l.clone());
    Ok(l)
}

fn deserialize(engine: Engine, component_path: &Path, artefact: PathBuf) -> Result<Loaded, String> {
    let shown = artefact.display();
    let meta = match std::fs::metadata(&artefact) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "no precompiled artefact {shown} for component {} and this library build (wasmtime {}); \
                 this library never compiles: run ./build.sh (it runs scim-precompile <component.wasm> <dir>)",
                component_path.display(),
                scim_engine_config::WASMTIME_VERSION
            ))
        }
        Err(e) => return Err(format!("cannot read precompiled artefact {shown}: {e}")),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o002 != 0 {
            return Err(format!(
                "precompiled artefact {shown} is world-writable; it is loaded as native code, so only the \
                 deploying user may write it (chmod o-w, and keep its directory unwritable by the web server)"
            ));
        }
    }
    // SAFETY: the artefact is native code produced by scim-precompile from this build's engine config; the
    // documented deployment keeps it (and its directory) unwritable by the web server user. wasmtime
    // checks version, configuration and CPU features before using it.
    let component = unsafe { Component::deserialize_file(&engine, &artefact) }.map_err(|e| {
        format!(
            "precompiled artefact {shown} cannot be loaded ({e:#}); it is damaged or was produced by a \
             different build: delete it and run ./build.sh"
        )
    })?;
    let mut linker = Linker::new(&engine);
    crate::wasi::define(&mut linker, &component, &engine).map_err(|e| format!("cannot link {shown}: {e:#}"))?;
    let find = |prefix: &str| {
        let name =
            component.component_type().exports(&engine).map(|(n, _)| n.to_string()).find(|n| n.starts_with(prefix))?;
        component.get_export_index(None, name.as_str())
    };
    let primitives = find("scim:engine/primitives@");
    let server = find("scim:engine/server@");
    Ok(Loaded {
        engine,
        component,
        linker,
        artefact_path: artefact,
        component_path: component_path.to_path_buf(),
        primitives,
        server,
    })
}
