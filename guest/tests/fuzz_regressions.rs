//! Replays every fuzz seed and every saved fuzz crash (`guest/fuzz/seeds/<target>/`,
//! `guest/fuzz/regressions/<target>/`) through the fuzz targets' bodies, on stable, as an ordinary test.

#[path = "common/fuzz_bodies.rs"]
mod fuzz_bodies;

use std::path::{Path, PathBuf};

fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(kind).join(target);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap_or_else(|e| panic!("{}: {e}", dir.display())).path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    files
}

/// Runs each input, collecting failures so one bad input does not hide the others.
fn replay(kind: &str) -> usize {
    let mut failures = Vec::new();
    let mut count = 0;
    for target in fuzz_bodies::TARGETS {
        for file in inputs(kind, target) {
            let data = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            count += 1;
            if std::panic::catch_unwind(|| fuzz_bodies::run(target, &data)).is_err() {
                failures.push(file.display().to_string());
            }
        }
    }
    assert!(failures.is_empty(), "fuzz {kind} failing (panic messages above):\n{}", failures.join("\n"));
    count
}

#[test]
fn fuzz_seeds_replay() {
    assert!(replay("seeds") > 0, "no seeds found");
}

#[test]
fn fuzz_regressions_replay() {
    replay("regressions");
}

#[test]
fn fuzz_target_names_match_the_fuzz_crate() {
    let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/Cargo.toml"))
        .unwrap_or_else(|e| panic!("fuzz/Cargo.toml: {e}"));
    for target in fuzz_bodies::TARGETS {
        assert!(manifest.contains(&format!("name = \"{target}\"")), "{target} missing from fuzz/Cargo.toml");
        assert!(fuzz_bodies::run(target, b""), "{target}");
    }
}
