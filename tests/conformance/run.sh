#!/usr/bin/env bash
# Conformance: starts the one-command server (serve.sh) on a free port with a throwaway data dir, runs
# scim2-tester (pinned in requirements.txt) against it, and fails when a check fails that is not listed
# in ACCEPTED.md. Set SCIM_SKIP_BUILD=1 when ./build.sh has already run (serve.sh then skips it).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
here="$root/tests/conformance"

python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore -r "$here/requirements.txt" >&2

data_dir="$(mktemp -d "${TMPDIR:-/tmp}/scim-conformance-XXXXXX")"
log="$data_dir/serve.log"
: >"$log"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$data_dir"
}
trap cleanup EXIT

SCIM_PORT="$port" SCIM_DATA_DIR="$data_dir/var" bash "$root/serve.sh" >"$log" 2>&1 &
server_pid=$!

base_url=""
token=""
# serve.sh may build first (about 10 minutes from scratch on 2 cores): wait up to SCIM_START_TIMEOUT seconds.
deadline=$((SECONDS + ${SCIM_START_TIMEOUT:-1800}))
while [ "$SECONDS" -lt "$deadline" ]; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "conformance: serve.sh exited early:" >&2
        cat "$log" >&2
        exit 1
    fi
    base_url="$(sed -n 's/^SCIM base URL: //p' "$log" | head -n1)"
    token="$(sed -n 's/^Bearer token: //p' "$log" | head -n1)"
    if [ -n "$base_url" ] && [ -n "$token" ] &&
        curl -s -o /dev/null -H "Authorization: Bearer $token" "$base_url/ServiceProviderConfig"; then
        ready=1
        break
    fi
    sleep 0.1
done
if [ -z "${ready:-}" ]; then
    echo "conformance: the server did not answer in time:" >&2
    cat "$log" >&2
    exit 1
fi
echo "conformance: server at $base_url" >&2

status=0
SCIM_TOKEN="$token" python3 "$here/check.py" "$base_url" "$here/ACCEPTED.md" || status=$?
if [ "$status" -ne 0 ]; then
    echo "--- server log (tail) ---" >&2
    tail -n 40 "$log" >&2
fi
exit "$status"
