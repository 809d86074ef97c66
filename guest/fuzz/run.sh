#!/usr/bin/env bash
# Runs every fuzz target for N seconds (default 60): guest/fuzz/run.sh [seconds-per-target] [target...]
# The guest has no unsafe code, so no sanitizer (twice the speed); debug assertions catch overflows.
# One libFuzzer process per target, one after another (no -jobs/-workers: one core each time).
# A crash, timeout or OOM input is copied into regressions/<target>/ and the script exits non-zero.
set -euo pipefail

cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(filter_parser resource_parser patch request)
fi

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "Installing cargo-fuzz with the nightly toolchain..."
    cargo +nightly install cargo-fuzz --locked || cargo +nightly install cargo-fuzz
fi

# Small inputs keep libFuzzer fast (a first run with 128 KB ran filter_parser at 25 exec/s). The big hostile seeds
# (10,000-term filters, ~120 KB) are truncated here but replayed whole by the stable test.
max_len="${FUZZ_MAX_LEN:-8192}"

status=0
for t in "${targets[@]}"; do
    # libFuzzer writes new inputs into the first corpus directory only: a gitignored scratch corpus that starts as a
    # copy of the seeds (README.md excluded) and keeps growing across runs. seeds/ stays as committed.
    mkdir -p "corpus/$t" "artifacts/$t" "regressions/$t"
    find "seeds/$t" -maxdepth 1 -type f ! -name README.md -exec cp -n {} "corpus/$t/" \;
    marker="$(mktemp)"
    echo "== fuzzing $t for ${seconds}s"
    if ! cargo +nightly fuzz run --sanitizer=none --debug-assertions "$t" "corpus/$t" -- \
        -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1; then
        status=1
        found=0
        while IFS= read -r -d '' crash; do
            cp "$crash" "regressions/$t/"
            echo "!! $t failed on $crash; saved as guest/fuzz/regressions/$t/$(basename "$crash")"
            found=1
        done < <(find "artifacts/$t" -maxdepth 1 -type f -newer "$marker" -print0)
        if [ "$found" -eq 0 ]; then
            echo "!! $t failed without leaving an artifact (build error?)"
        fi
    fi
    rm -f "$marker"
done

if [ "$status" -ne 0 ]; then
    echo
    echo "Fuzzing found failures. Fix the bug, then commit the files under guest/fuzz/regressions/ so that"
    echo "'cargo test -p scim-engine --test fuzz_regressions' replays them on stable from now on."
fi
exit "$status"
