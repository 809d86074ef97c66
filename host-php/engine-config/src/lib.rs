//! The wasmtime engine configuration of the PHP host, shared by the library that runs the component
//! (`scim-host`, no compiler) and the tool that precompiles it (`scim-precompile`, with Cranelift).
//!
//! A precompiled artefact only loads into an engine with the same configuration, so both sides build
//! their `Config` here. The tool names the artefact after the *runtime* engine's compatibility hash
//! (computed with the compiler switched off, i.e. exactly the library's engine); the library, which has
//! no compiler and so no `precompile_compatibility_hash`, picks it by wasmtime version and component
//! digest and relies on wasmtime's own compatibility check when deserialising.

#[cfg(feature = "compiler")]
use std::hash::Hash;
use std::hash::Hasher;
#[cfg(feature = "compiler")]
use std::path::{Path, PathBuf};

use wasmtime::Config;
#[cfg(feature = "compiler")]
use wasmtime::Engine;

/// The wasmtime version both crates are pinned to.
pub const WASMTIME_VERSION: &str = "48.0.8";

/// Interval of the epoch ticker; deadlines are counted in these ticks.
pub const EPOCH_TICK_MS: u64 = 10;

/// The configuration the library runs the component with (never compiles).
pub fn runtime_config() -> Config {
    #[cfg_attr(not(feature = "compiler"), allow(unused_mut))]
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

/// Digest of the component bytes, as it appears in artefact names.
///
/// It only tells builds apart (the artefact directory is trusted, see `host-php/ABI.md`), and the library
/// computes it on every first open in a process, so it reads 32 bytes a step in four independent lanes
/// instead of FNV's byte at a time (a 600 KB component: ~0.05 ms instead of ~0.8 ms).
pub fn component_digest(wasm: &[u8]) -> String {
    component_digest_of(wasm).expect("reading a slice cannot fail")
}

/// [`component_digest`] of everything `reader` yields, read 64 KB at a time into one buffer: a fresh PHP
/// process then neither allocates nor page-faults a buffer the size of the component.
pub fn component_digest_of(mut reader: impl std::io::Read) -> std::io::Result<String> {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut lanes = [0xcbf2_9ce4_8422_2325_u64, 0x6a09_e667_f3bc_c908, 0xbb67_ae85_84ca_a73b, 0x3c6e_f372_fe94_f82b];
    let mut buffer = vec![0u8; 64 << 10];
    let mut total: u64 = 0;
    loop {
        // Fill the buffer completely (short reads happen) so only the last one has a partial block.
        let mut filled = 0;
        while filled < buffer.len() {
            match reader.read(&mut buffer[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        total += filled as u64;
        let mut blocks = buffer[..filled].chunks_exact(32);
        for block in &mut blocks {
            for (lane, word) in lanes.iter_mut().zip(block.chunks_exact(8)) {
                let word = u64::from_le_bytes(word.try_into().expect("chunks_exact(8) yields 8 bytes"));
                *lane = (*lane ^ word).wrapping_mul(K).rotate_left(31);
            }
        }
        if filled < buffer.len() {
            let mut h = StableHasher::default();
            for lane in lanes {
                h.write(&lane.to_le_bytes());
            }
            h.write(blocks.remainder());
            h.write(&total.to_le_bytes());
            return Ok(format!("{:016x}", h.finish()));
        }
    }
}

/// The artefact file name for the component `wasm` and an engine compatibility hash.
pub fn artefact_file_name(engine_hash: u64, wasm: &[u8]) -> String {
    format!("scim_engine-wasmtime{WASMTIME_VERSION}-{engine_hash:016x}-{}.cwasm", component_digest(wasm))
}

/// Whether `file_name` is an artefact of this wasmtime version for the component `wasm`.
///
/// The library cannot compute the engine hash itself (wasmtime only offers
/// `Engine::precompile_compatibility_hash` with a compiler built in), so it matches version and component
/// and lets wasmtime check engine compatibility when deserialising.
pub fn is_artefact_for(file_name: &str, wasm_digest: &str) -> bool {
    file_name.starts_with(&format!("scim_engine-wasmtime{WASMTIME_VERSION}-"))
        && file_name.ends_with(&format!("-{wasm_digest}.cwasm"))
}

/// `Engine::precompile_compatibility_hash()` of the library's runtime engine, as a stable number.
#[cfg(feature = "compiler")]
pub fn runtime_engine_hash() -> wasmtime::Result<u64> {
    let engine = Engine::new(&runtime_config())?;
    let mut h = StableHasher::default();
    engine.precompile_compatibility_hash().hash(&mut h);
    Ok(h.finish())
}

/// The artefact path in `dir` for `wasm` under the library's runtime engine configuration.
#[cfg(feature = "compiler")]
pub fn artefact_path(dir: &Path, wasm: &[u8]) -> wasmtime::Result<PathBuf> {
    Ok(dir.join(artefact_file_name(runtime_engine_hash()?, wasm)))
}

#[cfg(test)]
mod tests {
    use super::component_digest;

    #[test]
    fn digest_is_stable_across_builds() {
        // Pinned: artefact names written by one build must be found by the next.
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        // The values were computed independently (a Python transcription of the function).
        assert_eq!(component_digest(&bytes), "421f39e1506269e3");
        assert_eq!(component_digest(b""), "56e5c36161d9fcf1");
    }

    #[test]
    fn every_byte_position_changes_the_digest() {
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let original = component_digest(&bytes);
        for at in [0, 7, 8, 15, 16, 24, 31, 32, 500, 991, 992, 999] {
            let mut changed = bytes.clone();
            changed[at] ^= 1;
            assert_ne!(component_digest(&changed), original, "a change at byte {at} went unnoticed");
        }
        assert_ne!(component_digest(&bytes[..999]), original, "a truncated component must differ");
    }

    #[test]
    fn reading_in_chunks_gives_the_digest_of_the_whole() {
        // Longer than the 64 KB buffer, not a multiple of it or of 32, read back in odd short pieces.
        struct Dribble<'a>(&'a [u8]);
        impl std::io::Read for Dribble<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let n = out.len().min(self.0.len()).min(1000);
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        for len in [0, 31, 65536, 65537, 200_003] {
            let bytes: Vec<u8> = (0..len as u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
            let whole = component_digest(&bytes);
            assert_eq!(super::component_digest_of(Dribble(&bytes)).expect("reads"), whole, "length {len}");
        }
    }
}
