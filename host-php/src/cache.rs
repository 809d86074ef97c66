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
    /// The component's imports (WASI interfaces), for `host.info`.
    pub imports: Vec<String>,
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

static DIGESTS: OnceLock<Mutex<HashMap<WasmKey, String>>> = OnceLock::new();
static LOADED: OnceLock<Mutex<HashMap<PathBuf, Arc<Loaded>>>> = OnceLock::new();

/// How an open named its component and artefact directory (as given, before canonicalisation).
type OpenKey = (String, Option<String>);

/// A resolved open: the component file's size and mtime then, and what it loaded.
struct Resolved {
    len: u64,
    modified: Option<SystemTime>,
    loaded: Arc<Loaded>,
}

static RESOLVED: OnceLock<Mutex<HashMap<OpenKey, Resolved>>> = OnceLock::new();

/// [`load`] for a component path and artefact directory exactly as the caller gave them.
///
/// PHP opens the engine on every request (its state does not survive one), always with the same paths: after
/// the first open in a process, one `stat` of the component proves nothing changed, and the canonicalisation,
/// digest and artefact-directory listing are skipped. A rebuilt component (other size or mtime) is resolved again.
pub fn load_named(component: &str, precompiled_dir: Option<&str>) -> Result<Arc<Loaded>, String> {
    let key: OpenKey = (component.to_string(), precompiled_dir.map(str::to_string));
    let resolved = RESOLVED.get_or_init(Default::default);
    let meta = std::fs::metadata(component).ok();
    let stamp = meta.as_ref().map(|m| (m.len(), m.modified().ok()));
    if let Some((len, modified)) = stamp {
        let hit = resolved
            .lock()
            .map_err(|_| "open cache poisoned")?
            .get(&key)
            .and_then(|r| (r.len == len && r.modified == modified).then(|| r.loaded.clone()));
        if let Some(loaded) = hit {
            return Ok(loaded);
        }
    }
    let path = PathBuf::from(component);
    let path = std::fs::canonicalize(&path).unwrap_or(path);
    let dir = match precompiled_dir {
        Some(d) => PathBuf::from(d),
        None => path.parent().map(|p| p.join("precompiled")).unwrap_or_default(),
    };
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    let loaded = load(&path, &dir)?;
    if let Some((len, modified)) = stamp {
        resolved
            .lock()
            .map_err(|_| "open cache poisoned")?
            .insert(key, Resolved { len, modified, loaded: loaded.clone() });
    }
    Ok(loaded)
}

/// Loads (once per process) the precompiled artefact for the component at `component_path`.
pub fn load(component_path: &Path, precompiled_dir: &Path) -> Result<Arc<Loaded>, String> {
    let engine = engine()?;
    let digest = component_digest(component_path)?;
    let artefact = find_artefact(component_path, precompiled_dir, &digest)?;
    let loaded = LOADED.get_or_init(Default::default);
    if let Some(l) = loaded.lock().map_err(|_| "component cache poisoned")?.get(&artefact) {
        return Ok(l.clone());
    }
    let l = Arc::new(deserialize(engine, component_path, artefact.clone())?);
    loaded.lock().map_err(|_| "component cache poisoned")?.insert(artefact, l.clone());
    Ok(l)
}

/// The component's digest, read once per process and file version.
fn component_digest(component_path: &Path) -> Result<String, String> {
    let unreadable =
        |e: std::io::Error| format!("cannot read component {}: {e}; run ./build.sh", component_path.display());
    let meta = std::fs::metadata(component_path).map_err(unreadable)?;
    let key = (component_path.to_path_buf(), meta.len(), meta.modified().ok());
    let digests = DIGESTS.get_or_init(Default::default);
    if let Some(d) = digests.lock().map_err(|_| "digest cache poisoned")?.get(&key) {
        return Ok(d.clone());
    }
    let file = std::fs::File::open(component_path).map_err(unreadable)?;
    let d = scim_engine_config::component_digest_of(file).map_err(unreadable)?;
    digests.lock().map_err(|_| "digest cache poisoned")?.insert(key, d.clone());
    Ok(d)
}

/// The newest artefact in `dir` for this wasmtime version and component.
fn find_artefact(component_path: &Path, dir: &Path, digest: &str) -> Result<PathBuf, String> {
    let expected =
        dir.join(format!("scim_engine-wasmtime{}-<engine hash>-{digest}.cwasm", scim_engine_config::WASMTIME_VERSION));
    let missing = || {
        format!(
            "no precompiled artefact {} for component {} and this library (wasmtime {}); this library never \
             compiles: run ./build.sh (it runs scim-precompile <component.wasm> <dir>)",
            expected.display(),
            component_path.display(),
            scim_engine_config::WASMTIME_VERSION
        )
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(missing()),
        Err(e) => return Err(format!("cannot list precompiled artefacts in {}: {e}", dir.display())),
    };
    let mut best: Option<(Option<SystemTime>, PathBuf)> = None;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !scim_engine_config::is_artefact_for(name, digest) {
            continue;
        }
        let modified = entry.metadata().ok().and_then(|m| m.modified().ok());
        if best.as_ref().is_none_or(|(m, _)| modified > *m) {
            best = Some((modified, entry.path()));
        }
    }
    best.map(|(_, p)| p).ok_or_else(missing)
}

fn deserialize(engine: Engine, component_path: &Path, artefact: PathBuf) -> Result<Loaded, String> {
    let shown = artefact.display();
    let meta = std::fs::metadata(&artefact).map_err(|e| format!("cannot read precompiled artefact {shown}: {e}"))?;
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
    let imports = component.component_type().imports(&engine).map(|(n, _)| n.to_string()).collect();
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
        imports,
    })
}
