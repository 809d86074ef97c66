//! The wasmtime engine configuration of the PHP host, shared by the library that runs the component
//! (`scim-host`, no compiler) and the tool that precompiles it (`scim-precompile`, with Cranelift).
//!
//! A precompiled artefact only loads into an engine with the same configuration, so both sides build
//! their `Config` here and name the artefact after the *runtime* engine's compatibility hash.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use wasmtime::{Config, Engine};

/// The wasmtime version both crates are pinned to.
pub const WASMTIME_VERSION: &str = "48.0.8";

/// Interval of the epoch ticker; deadlines are counted in these ticks.
pub const EPOCH_TICK_MS: u64 = 10;

/// The configuration the library runs the component with (never compiles).
pub fn runtime_config() -> Config {
    let mut config = base_config();
    #[cfg(feature = "compiler")]
    config.enable_compiler(false);
    config
}

/// The same configuration with Cranelift on, for producing the artefact.
#[cfg(feature = "compiler")]
pub fn compile_config() -> Config {
    let mut config = base_config();
    config.enable_compiler(true);
    config
}

fn base_config() -> Config {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.epoch_interruption(true);
    config
}

/// FNV-1a 64: a hasher whose output is stable across processes, builds and Rust releases.
#[derive(Debug, Clone, Copy)]
pub struct StableHasher(u64);

impl Default for StableHasher {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for StableHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The file name of the artefact for `wasm` (component bytes) and a runtime engine.
pub fn artefact_file_name(runtime_engine: &Engine, wasm: &[u8]) -> String {
    let mut engine_hash = StableHasher::default();
    runtime_engine.precompile_compatibility_hash().hash(&mut engine_hash);
    let mut wasm_hash = StableHasher::default();
    wasm_hash.write(wasm);
    format!("scim_engine-wasmtime{WASMTIME_VERSION}-{:016x}-{:016x}.cwasm", engine_hash.finish(), wasm_hash.finish())
}

/// The artefact path in `dir` for `wasm` and a runtime engine.
pub fn artefact_path(dir: &Path, runtime_engine: &Engine, wasm: &[u8]) -> PathBuf {
    dir.join(artefact_file_name(runtime_engine, wasm))
}
