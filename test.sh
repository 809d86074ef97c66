#!/usr/bin/env bash
# THE test command: builds everything, then runs every check CI runs.
# Exits non-zero on the first failure. Non-interactive (no stdin needed).
set -euo pipefail
cd "$(dirname "$0")"

step() { printf '\n==> %s\n' "$*" >&2; }

step "build (./build.sh)"
./build.sh </dev/null

step "format (cargo fmt --all --check)"
cargo fmt --all --check

step "lint, native (cargo clippy --workspace --all-targets)"
cargo clippy --workspace --all-targets -- -D warnings

step "lint, guest as wasm32-wasip2 (cargo clippy -p scim-engine)"
cargo clippy -p scim-engine --target wasm32-wasip2 -- -D warnings

step "tests (cargo test --workspace, includes the component tests)"
cargo test --workspace

step "benchmarks, one iteration each (cargo bench --workspace -- --test)"
cargo bench --workspace -- --test

# ---- fuzz step ---------------------------------------------------------
# guest/fuzz/run.sh (cargo-fuzz on the nightly toolchain) is owned by the
# fuzzing work; it runs here only once it exists.
if [[ -f guest/fuzz/run.sh ]]; then
    step "fuzz (guest/fuzz/run.sh)"
    bash guest/fuzz/run.sh </dev/null
else
    step "fuzz: guest/fuzz/run.sh not present, skipped"
fi
# ------------------------------------------------------------------------

step "all checks passed"
