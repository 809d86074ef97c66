#!/usr/bin/env bash
# Builds every artefact of the project. Idempotent and non-interactive:
# running it twice does no work the second time.
#
#   ./build.sh        builds dist/scim_engine.wasm (the WASI component)
#
# Needs rustup and cargo; the first run downloads crates (internet).
set -euo pipefail
cd "$(dirname "$0")"

readonly TARGET=wasm32-wasip2
readonly DIST=dist

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
    local target_dir
    target_dir=${CARGO_TARGET_DIR:-target}
    install_if_changed "$target_dir/$TARGET/release/scim_engine.wasm" "$DIST/scim_engine.wasm"
    report "$DIST/scim_engine.wasm"
}

# Future artefacts (the PHP host library, the Drupal module package) get
# their own build_* function here and a line in main.
main() {
    build_component
}

main "$@"
