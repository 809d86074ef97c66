#!/usr/bin/env bash
# PHP full-path benchmark (a script, not a test). One run reports:
#  1. engine cost per request, warm (one PHP process, Server::handle + SqliteStorage, timing decorators)
#     and fresh (php CLI start-up + FFI load + first request, repeated processes);
#  2. requests/s under wrk (10 s, 2 threads, few connections, 127.0.0.1 only) for GET-by-filter, POST,
#     PATCH against: the one-command server (php -S, single-threaded), PHP-FPM behind nginx (when
#     php-fpm8.2 and nginx are installed), and scim2-server (PyPI, pinned) as a peer;
#  3. list-by-`userName eq` latency at 1k vs 100k users;
#  4. one SQLite write per connection life cycle (why served writes are slow).
# Prints a Markdown report on stdout (and into the file $BENCH_OUT when set).
# Needs the built artefacts: dist/ (./build.sh) or SCIM_HOST_LIBRARY, SCIM_COMPONENT, SCIM_HOST_HEADER,
# SCIM_PRECOMPILED_DIR. Environment: BENCH_DURATION (10s), BENCH_CONNECTIONS (4), BENCH_THREADS (2),
# BENCH_SKIP_FPM=1, BENCH_FPM_MODE (preload | simple: README's two FPM set-ups), BENCH_SKIP_PEER=1, BENCH_VENV (~/.cache/scim-bench/venv).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
bench="$root/tests/bench"
duration="${BENCH_DURATION:-10s}"
conns="${BENCH_CONNECTIONS:-4}"
threads="${BENCH_THREADS:-2}"
peer_version="0.8.3"
venv="${BENCH_VENV:-$HOME/.cache/scim-bench/venv}"

for tool in php wrk curl python3; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (apt-get install -y wrk php8.2-cli php8.2-sqlite3 curl python3)" >&2; exit 1; }
done

work="$(mktemp -d /tmp/scim-bench.XXXXXX)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/out"
log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }

free_port() { php -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo explode(":", stream_socket_get_name($s, false))[1];'; }
wait_port() {
    for _ in $(seq 1 100); do
        if php -r 'exit(@fsockopen("127.0.0.1", (int) $argv[1]) ? 0 : 1);' "$1"; then return 0; fi
        sleep 0.1
    done
    echo "run.sh: nothing listens on 127.0.0.1:$1" >&2
    return 1
}

# wrk_all <name> <base url> <base path> <token>: seeds 200 users, runs get/post/patch, keeps BENCH_JSON lines.
wrk_all() {
    local name="$1" url="$2" path="$3" token="$4"
    php "$bench/http_seed.php" "$url" "$token" 200 "$work/$name.ids"
    for mode in get post patch; do
        log "wrk $name $mode ($duration, $threads threads, $conns connections)"
        BENCH_MODE="$mode" BENCH_BASE="$path" BENCH_TOKEN="$token" BENCH_USERS=200 BENCH_IDS="$work/$name.ids" \
            BENCH_RUN="$name$$" wrk -t"$threads" -c"$conns" -d"$duration" -s "$bench/bench.lua" "http://127.0.0.1:${url##*:}" \
            >"$work/wrk-$name-$mode.txt" 2>&1 || true
        grep '^BENCH_JSON ' "$work/wrk-$name-$mode.txt" | sed 's/^BENCH_JSON //' >"$work/out/wrk-$name-$mode.json" || true
    done
}

log "warm, 1k users"
php "$bench/warm.php" "$work/db" 1000 2000 >"$work/out/warm-1k.json"
log "warm, 100k users (seeding through SqliteStorage)"
php "$bench/warm.php" "$work/db" 100000 2000 get >"$work/out/warm-100k.json"
log "SQLite connection life cycle"
php "$bench/sqlite_lifecycle.php" "$work/db" >"$work/out/sqlite-lifecycle.json"
log "fresh processes"
php "$bench/fresh.php" "$work/db" 20 >"$work/out/fresh.json"

# One-command server: what serve.sh runs, minus install/build.
preload_header="$(dirname "${SCIM_HOST_LIBRARY:-$root/dist/libscim_host.so}")/scim_host.preload.h"
port="$(free_port)"
mkdir -p "$work/phps" && chmod 700 "$work/phps"
php -r 'require $argv[1]; new Scim\Host\Storage\SqliteStorage($argv[2]);' "$root/host-php/php/autoload.php" "$work/phps/scim.sqlite"
token="$(php host-php/php/bin/new-token.php "$work/phps")"
SCIM_DATA_DIR="$work/phps" SCIM_BASE_URL="http://127.0.0.1:$port/scim/v2" SCIM_SERVER_TIMING=1 \
    php -d ffi.enable=1 -d ffi.preload="$preload_header" -S "127.0.0.1:$port" host-php/php/public/index.php >"$work/phps.log" 2>&1 &
pids+=($!)
wait_port "$port"
wrk_all php-s "http://127.0.0.1:$port/scim/v2" /scim/v2 "$token"
kill "${pids[-1]}" 2>/dev/null || true

# PHP-FPM (README "recommended": ffi.enable=preload + opcache.preload) behind nginx.
fpm="$(command -v php-fpm8.2 || echo /usr/sbin/php-fpm8.2)"
nginx="$(command -v nginx || echo /usr/sbin/nginx)"
if [ "${BENCH_SKIP_FPM:-0}" != 1 ] && [ -x "$fpm" ] && [ -x "$nginx" ]; then
    d="$work/fpm"; mkdir -p "$d/data" "$d/nginx" && chmod 700 "$d/data"
    fport="$(free_port)"; hport="$(free_port)"
    php -r 'require $argv[1]; new Scim\Host\Storage\SqliteStorage($argv[2]);' "$root/host-php/php/autoload.php" "$d/data/scim.sqlite"
    ftoken="$(php host-php/php/bin/new-token.php "$d/data")"
    user=""; [ "$(id -u)" = 0 ] && user=$'user = root\ngroup = root'
    cat >"$d/fpm.conf" <<CONF
[global]
error_log = $d/fpm.log
daemonize = no
pid = $d/fpm.pid

[scim]
$user
listen = 127.0.0.1:$fport
pm = static
pm.max_children = ${BENCH_FPM_CHILDREN:-2}
clear_env = no
env[SCIM_DATA_DIR] = $d/data
env[SCIM_BASE_URL] = http://127.0.0.1:$hport/scim/v2
env[SCIM_SERVER_TIMING] = 1
CONF
    preload_user="www-data"; [ "$(id -u)" = 0 ] && preload_user=root
    fpm_ini=(-d ffi.enable=preload -d ffi.preload="$preload_header" -d opcache.enable=1 -d opcache.preload="$root/host-php/php/preload.php" -d opcache.preload_user="$preload_user")
    [ "${BENCH_FPM_MODE:-preload}" = simple ] && fpm_ini=(-d ffi.enable=true)
    "$fpm" --nodaemonize --fpm-config "$d/fpm.conf" -R "${fpm_ini[@]}" >"$d/fpm.out" 2>&1 &
    pids+=($!)
    nuser=""; [ "$(id -u)" = 0 ] && nuser="user root;"
    cat >"$d/nginx.conf" <<CONF
daemon off;
$nuser
worker_processes 1;
pid $d/nginx.pid;
error_log $d/nginx-error.log;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $d/nginx/body;
    fastcgi_temp_path $d/nginx/fastcgi;
    proxy_temp_path $d/nginx/proxy;
    uwsgi_temp_path $d/nginx/uwsgi;
    scgi_temp_path $d/nginx/scgi;
    server {
        listen 127.0.0.1:$hport;
        location /scim/v2 {
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME $root/host-php/php/public/index.php;
            fastcgi_param HTTP_AUTHORIZATION \$http_authorization;
            fastcgi_pass 127.0.0.1:$fport;
        }
    }
}
CONF
    "$nginx" -c "$d/nginx.conf" -p "$d/nginx" >"$d/nginx.out" 2>&1 &
    pids+=($!)
    wait_port "$fport"; wait_port "$hport"
    wrk_all fpm "http://127.0.0.1:$hport/scim/v2" /scim/v2 "$ftoken"
else
    log "skipping PHP-FPM (needs php8.2-fpm and nginx)"
fi

# Peer: scim2-server (in-memory, Python wsgiref threading server), pinned.
if [ "${BENCH_SKIP_PEER:-0}" != 1 ]; then
    installed="$("$venv/bin/pip" show scim2-server 2>/dev/null || true)"
    if ! grep -qx "Version: $peer_version" <<<"$installed"; then
        log "installing scim2-server==$peer_version into $venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q "scim2-server==$peer_version"
    fi
    pport="$(free_port)"; ptoken="bench-$RANDOM$RANDOM"
    "$venv/bin/scim2-server" --hostname 127.0.0.1 --port "$pport" --bearer-token "$ptoken" >"$work/peer.log" 2>&1 &
    pids+=($!)
    wait_port "$pport"
    wrk_all scim2-server "http://127.0.0.1:$pport" "" "$ptoken"
fi

php "$bench/summarize.php" "$work/out" "$peer_version" | tee "${BENCH_OUT:-/dev/null}"
