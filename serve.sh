#!/usr/bin/env bash
# The one command: installs what is missing, builds, creates the database and a bearer token,
# and serves SCIM on http://127.0.0.1:${SCIM_PORT:-8080}/scim/v2 with PHP's built-in server.
# Environment: SCIM_PORT (8080), SCIM_DATA_DIR (./var), SCIM_MAX_BODY_BYTES (1048576),
# SCIM_SKIP_BUILD=1 (the caller has already run ./build.sh: serve the artefacts in dist/ as they are).
set -euo pipefail
cd "$(dirname "$0")"
root="$(pwd)"
port="${SCIM_PORT:-8080}"
export SCIM_DATA_DIR="${SCIM_DATA_DIR:-$root/var}"
export SCIM_BASE_URL="http://127.0.0.1:${port}/scim/v2"

bash host-php/php/bin/install-debian-deps.sh
if [ "${SCIM_SKIP_BUILD:-0}" = "1" ]; then
    echo "serve.sh: SCIM_SKIP_BUILD=1, serving the artefacts already in dist/" >&2
elif [ -x ./build.sh ]; then
    ./build.sh
else
    echo "serve.sh: ./build.sh is missing; cannot build the engine" >&2
    exit 1
fi

mkdir -p "$SCIM_DATA_DIR"
chmod 700 "$SCIM_DATA_DIR"
# Creates the database file and its schema.
php -r 'require $argv[1]; new Scim\Host\Storage\SqliteStorage($argv[2]);' \
    "$root/host-php/php/autoload.php" "$SCIM_DATA_DIR/scim.sqlite"
token="$(php host-php/php/bin/new-token.php "$SCIM_DATA_DIR")"

echo "SCIM base URL: $SCIM_BASE_URL"
echo "Bearer token: $token"
unset token
# The built-in server is SAPI "cli-server", which ffi.enable=preload does not cover: enable FFI for it.
# ffi.preload loads the host library once at start-up, so requests neither parse its header nor dlopen it.
exec php -d ffi.enable=1 -d ffi.preload="$root/dist/scim_host.preload.h" -S "127.0.0.1:${port}" host-php/php/public/index.php
