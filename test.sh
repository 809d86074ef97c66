#!/usr/bin/env bash
# THE test command: builds everything, then runs every check CI runs, on a fresh machine
# (it installs what it needs: the wasm target, Debian's PHP packages, npm and PyPI tools).
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

# --all-targets also runs every criterion benchmark once, in criterion's test mode.
step "Rust tests (cargo test --workspace --all-targets: guest, component in wasmtime, C ABI)"
cargo test --workspace --all-targets

step "second host: the same fixtures through jco in Node.js (tests/js-host/run.sh)"
bash tests/js-host/run.sh </dev/null

step "PHP library through real FFI and SQLite (tests/php/run.sh)"
bash tests/php/run.sh </dev/null

step "conformance: scim2-tester against the one-command server (tests/conformance/run.sh)"
SCIM_SKIP_BUILD=1 bash tests/conformance/run.sh </dev/null

step "fuzz, bounded (guest/fuzz/run.sh ${FUZZ_SECONDS:-60} s per target)"
bash guest/fuzz/run.sh "${FUZZ_SECONDS:-60}" </dev/null

step "all checks passed"
