#!/usr/bin/env bash
# Builds the shipped artefacts into dist/:
#   dist/scim_engine.wasm           the component (wasm32-wasip2)
#   dist/libscim_host.so            the PHP host library (wasmtime runtime only, no compiler)
#   dist/scim_host.h                its C ABI header (PHP FFI::cdef)
#   dist/precompiled/*.cwasm        the component precompiled for that library (never compiled per request)
# Usage: ./build.sh [component|host|all]   (default: all)
set -euo pipefail
cd "$(dirname "$0")"
DIST="${DIST:-dist}"

build_component() {
    cargo build -p scim-engine --target wasm32-wasip2 --release
    mkdir -p "$DIST"
    cp target/wasm32-wasip2/release/scim_engine.wasm "$DIST/scim_engine.wasm"
}

# The library and the precompile tool are built by separate cargo invocations on purpose: cargo unifies
# features within one build, and one build of both would put Cranelift into the library PHP loads.
build_host() {
    cargo build -p scim-host --release
    cargo build -p scim-precompile --release
    [ -f "$DIST/scim_engine.wasm" ] || build_component
    mkdir -p "$DIST/precompiled"
    local artefact
    artefact="$(target/release/scim-precompile "$DIST/scim_engine.wasm" "$DIST/precompiled")"
    # Loaded as native code: nobody but the deploying user may write it (see host-php/ABI.md).
    chmod 0644 "$artefact"
    # Artefacts of older builds never load again; drop them.
    find "$DIST/precompiled" -name 'scim_engine-*.cwasm' ! -path "$artefact" -delete
    chmod 0755 "$DIST/precompiled"
    cp target/release/libscim_host.so "$DIST/libscim_host.so"
    cp host-php/include/scim_host.h "$DIST/scim_host.h"
    echo "host: $DIST/libscim_host.so, artefact $artefact"
}

main() {
    case "${1:-all}" in
        component) build_component ;;
        host) build_host ;;
        all) build_component && build_host ;;
        *) echo "usage: $0 [component|host|all]" >&2; exit 2 ;;
    esac
}

main "$@"
