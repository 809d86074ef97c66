#!/usr/bin/env bash
# Builds every shipped artefact into dist/. Idempotent and non-interactive.
#
#   dist/scim_engine.wasm        the component (wasm32-wasip2)
#   dist/libscim_host.so         the PHP host library (wasmtime runtime only, no compiler)
#   dist/scim_host.h             its C ABI header (PHP FFI::cdef)
#   dist/scim_host.preload.h     the same for php.ini ffi.preload (scope SCIM_HOST, this dist's absolute path)
#   dist/precompiled/*.cwasm     the component precompiled for that library (never compiled per request)
#
# Usage: ./build.sh [component|host|all]   (default: all)
# Needs rustup and cargo; the first run downloads crates.
set -euo pipefail
cd "$(dirname "$0")"

readonly TARGET=wasm32-wasip2
readonly DIST=${DIST:-dist}
readonly TARGET_DIR=${CARGO_TARGET_DIR:-target}

log() { printf '==> %s\n' "$*" >&2; }

# Adds the wasm32-wasip2 target to the active toolchain when it is missing.
ensure_target() {
    if ! rustup target list --installed | grep -qx "$TARGET"; then
        log "installing Rust target $TARGET"
        rustup target add "$TARGET"
    fi
}

# Copies $1 to $2 only when the contents differ (keeps mtimes stable).
install_if_changed() {
    local src=$1 dst=$2
    mkdir -p "$(dirname "$dst")"
    if [[ -f "$dst" ]] && cmp -s "$src" "$dst"; then
        return 0
    fi
    cp "$src" "$dst.tmp"
    mv "$dst.tmp" "$dst"
    log "updated $dst"
}

# Prints path, size and sha256 of a built artefact.
report() {
    local f=$1
    printf 'built %s  %s bytes  sha256 %s\n' "$f" "$(wc -c <"$f" | tr -d ' ')" "$(sha256sum "$f" | cut -d' ' -f1)"
}

# The guest: scim-engine as a WASI preview 2 component.
build_component() {
    ensure_target
    log "building scim-engine for $TARGET (release)"
    cargo build --quiet -p scim-engine --release --target "$TARGET"
    install_if_changed "$TARGET_DIR/$TARGET/release/scim_engine.wasm" "$DIST/scim_engine.wasm"
    report "$DIST/scim_engine.wasm"
}

# The host library and the precompile tool are built by separate cargo invocations on purpose: cargo unifies
# features within one build, and one build of both would put Cranelift into the library PHP loads.
build_host() {
    [[ -f "$DIST/scim_engine.wasm" ]] || build_component
    log "building the PHP host library (release)"
    cargo build --quiet -p scim-host --release
    log "building the precompile tool (profile tool: no LTO, it only runs at build time)"
    cargo build --quiet -p scim-precompile --profile tool
    mkdir -p "$DIST/precompiled"
    local artefact
    artefact="$("$TARGET_DIR/tool/scim-precompile" "$DIST/scim_engine.wasm" "$DIST/precompiled")"
    # Loaded as native code: nobody but the deploying user may write it (see host-php/ABI.md).
    chmod 0644 "$artefact"
    # Artefacts of older builds never load again; drop them.
    find "$DIST/precompiled" -name 'scim_engine-*.cwasm' ! -path "$artefact" -delete
    chmod 0755 "$DIST/precompiled"
    install_if_changed "$TARGET_DIR/release/libscim_host.so" "$DIST/libscim_host.so"
    install_if_changed host-php/include/scim_host.h "$DIST/scim_host.h"
    write_preload_header
    report "$DIST/libscim_host.so"
    report "$artefact"
}

# ffi.preload loads the library once at PHP start-up and names it by scope (FFI::scope), so requests neither
# parse the header nor dlopen the library. FFI_LIB must be absolute: FPM workers run with cwd /.
write_preload_header() {
    local lib generated
    lib="$(cd "$DIST" && pwd)/libscim_host.so"
    generated="$(mktemp)"
    {
        printf '#define FFI_SCOPE "SCIM_HOST"\n#define FFI_LIB "%s"\n' "$lib"
        cat host-php/include/scim_host.h
    } >"$generated"
    install_if_changed "$generated" "$DIST/scim_host.preload.h"
    rm -f "$generated"
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
