//! Precompiles the component to the artefact the scim-host library loads (the library has no compiler).

use std::io::Write;
use std::path::{Path, PathBuf};

use wasmtime::{Engine, Result};

/// Compiles `wasm` (component bytes) into `out_dir`, atomically; returns the artefact path.
pub fn precompile(wasm: &[u8], out_dir: &Path) -> Result<PathBuf> {
    let compile_engine = Engine::new(&scim_engine_config::compile_config())?;
    let path = scim_engine_config::artefact_path(out_dir, wasm)?;
    let bytes = compile_engine.precompile_component(wasm)?;
    std::fs::create_dir_all(out_dir)?;
    // Write next to the target and rename: a reader never sees a half-written artefact.
    let tmp = out_dir.join(format!(".{}.tmp{}", file_name(&path), std::process::id()));
    let written = (|| -> std::io::Result<()> {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, &path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(wasmtime::Error::msg(format!("cannot write {}: {e}", path.display())));
    }
    Ok(path)
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}
