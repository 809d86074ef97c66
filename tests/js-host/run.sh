#!/usr/bin/env bash
# Replays the conversation fixtures through the component under Node.js (jco)
# and compares the transcripts byte for byte with the Rust run. Run
# `cargo test -p scim-engine --test conversations` first (the project's
# test.sh does, then calls this script).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

wasm="$root/dist/scim_engine.wasm"
if [[ ! -f "$wasm" ]]; then
  if [[ -f ./build.sh ]]; then
    bash ./build.sh
  else
    cargo build -p scim-engine --release --target wasm32-wasip2
    mkdir -p dist
    cp "${CARGO_TARGET_DIR:-target}/wasm32-wasip2/release/scim_engine.wasm" "$wasm"
  fi
fi
[[ -f "$wasm" ]] || { echo "js-host: $wasm was not built" >&2; exit 1; }

cd "$here"
npm ci --no-audit --no-fund --loglevel=error
rm -rf gen
npx --no-install jco transpile "$wasm" --name scim_engine -o gen --quiet
node --test --test-reporter=spec json.test.js replay.test.js
