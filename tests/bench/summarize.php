<?php

declare(strict_types=1);

// Turns the JSON results of run.sh into the Markdown report. Usage: php summarize.php <out dir> <peer version>

[$dir, $peerVersion] = [$argv[1], $argv[2]];
$read = static function (string $name) use ($dir): ?array {
    $f = "{$dir}/{$name}.json";
    if (!is_file($f)) {
        return null;
    }
    $v = json_decode((string) file_get_contents($f), true);
    return is_array($v) ? $v : null;
};
$warm = $read('warm-1k');
$big = $read('warm-100k');
$fresh = $read('fresh');
$servers = ['php-s' => 'php -S (one-command server, single-threaded)', 'fpm' => 'PHP-FPM 2 workers + nginx', 'scim2-server' => "scim2-server {$peerVersion} (Python, in-memory)"];
$rps = [];
foreach (array_keys($servers) as $s) {
    foreach (['get', 'post', 'patch'] as $m) {
        $rps[$s][$m] = $read("wrk-{$s}-{$m}");
    }
}

echo "### Engine cost per request, warm (one PHP process, Server::handle + SqliteStorage, 1k users)\n\n";
echo "Engine = time inside `Engine::call` (PHP JSON encode/decode + FFI + wasm), storage = time inside `Storage`; 2000 requests of each kind after 20 warm-up requests.\n\n";
echo "| request | engine calls | total µs (median / mean) | engine µs (median / mean) | storage µs (median) | engine % of Server::handle (sum) |\n| --- | --- | --- | --- | --- | --- |\n";
foreach (['get' => 'GET ?filter=userName eq', 'post' => 'POST /Users', 'patch' => 'PATCH /Users/{id}'] as $k => $label) {
    $w = $warm[$k] ?? null;
    if ($w !== null) {
        printf("| %s | %s | %s / %s | %s / %s | %s | %s %% |\n", $label, $w['engineCallsPerRequest'], $w['totalUsMedian'], $w['totalUsMean'], $w['engineUsMedian'], $w['engineUsMean'], $w['storageUsMedian'], $w['enginePct']);
    }
}
$sv = $warm['servedGet'] ?? null;
if ($sv !== null) {
    echo "\n### Engine cost per request as a php -S / FPM worker pays it (statics reset per request)\n\n";
    echo "Simulated in one process, 300 GET-by-filter cycles: new SqliteStorage, FFI cache cleared + `EngineLibrary::open`, `Server::handle`, engine close, connection close (the compiled component stays cached in the process, as in a worker). Medians, µs:\n\n";
    printf("| SQLite open (+ migrate) | engine open | handle (of which engine calls) | engine close | SQLite close | total | engine share (open + calls + close) |\n| --- | --- | --- | --- | --- | --- | --- |\n| %s | %s | %s (%s) | %s | %s | %s | %s %% |\n",
        $sv['sqliteOpenUsMedian'], $sv['engineOpenUsMedian'], $sv['handleUsMedian'], $sv['handleEngineUsMedian'], $sv['engineCloseUsMedian'], $sv['sqliteCloseUsMedian'], $sv['totalUsMedian'], $sv['enginePct']);
}
echo "\n### Engine share of served requests (measured inside each request)\n\n";
echo "Every request of the wrk runs below carries `Server-Timing` (SCIM_SERVER_TIMING=1): engine = opening the engine (FFI scope, `scim_host_open`), its calls with their PHP JSON encoding, and closing it; storage = `Storage`; app = the whole front controller script. Means over all requests of the run. php -S is single-threaded, so 1 / rps is the full cost of a request (PHP start-up, compile, the script, the socket); for PHP-FPM with N workers it is N / rps.\n\n";
echo "| server | request | rps | request µs (workers / rps) | app µs | engine µs | storage µs | engine % of request | engine % of app |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
foreach (['php-s' => 1, 'fpm' => (int) (getenv('BENCH_FPM_CHILDREN') ?: 2)] as $s => $workers) {
    foreach (['get' => 'GET by filter', 'post' => 'POST', 'patch' => 'PATCH'] as $k => $label) {
        $r = $rps[$s][$k] ?? null;
        if ($r === null || ($r['timed'] ?? 0) === 0 || $r['rps'] <= 0) {
            continue;
        }
        $requestUs = 1e6 * $workers / $r['rps'];
        printf("| %s | %s | %.0f | %.0f | %.0f | %.1f | %.1f | %.1f %% | %.1f %% |\n", $s === 'php-s' ? 'php -S' : "PHP-FPM ({$workers} workers)", $label, $r['rps'], $requestUs,
            1000 * $r['appMs'], 1000 * $r['engineMs'], 1000 * $r['storageMs'], 100 * 1000 * $r['engineMs'] / $requestUs, 100 * $r['engineMs'] / max($r['appMs'], 1e-9));
    }
}
if ($warm !== null) {
    printf("\nEngine open alone, FFI already loaded, warm process: median %s ms, p95 %s ms.\n", $warm['openMs']['median'], $warm['openMs']['p95']);
}
if ($fresh !== null) {
    echo "\n### Fresh process (`php` CLI start + autoload + FFI load + engine open + first GET-by-filter)\n\n";
    printf("| | median ms |\n| --- | --- |\n| process wall | %s (p95 %s) |\n| bare `php -r ''` | %s |\n| autoload + SQLite open | %s |\n| FFI load + engine open | %s |\n| first request | %s |\n| of which engine calls | %s |\n",
        $fresh['wallMsMedian'], $fresh['wallMsP95'], $fresh['bareStartMsMedian'], $fresh['bootMsMedian'], $fresh['ffiOpenMsMedian'], $fresh['firstRequestMsMedian'], $fresh['firstRequestEngineMsMedian']);
    printf("\nEngine (open + calls) as %% of the whole fresh process: %s %% (median of %d runs).\n", $fresh['enginePctOfProcess'], $fresh['runs']);
}

printf("\n### Requests per second under wrk (127.0.0.1, 2 threads, few connections, %s each)\n\n", getenv('BENCH_DURATION') ?: '10s');
echo "| server | GET by filter rps (p50 / p99 ms) | POST rps (p50 / p99 ms) | PATCH rps (p50 / p99 ms) |\n| --- | --- | --- | --- |\n";
foreach ($servers as $s => $label) {
    if (array_filter($rps[$s]) === []) {
        continue;
    }
    $cells = [];
    foreach (['get', 'post', 'patch'] as $m) {
        $r = $rps[$s][$m];
        $cells[] = $r === null ? 'n/a' : sprintf('%.0f (%.1f / %.1f)%s', $r['rps'], $r['p50ms'], $r['p99ms'],
            ($r['non2xx'] > 0 ? sprintf(' — %d non-2xx', $r['non2xx']) : '')
            . (($r['socketErrors'] > 0 && !($s === 'php-s' && $r['socketErrors'] === $r['requests'])) ? sprintf(' — %d socket errors', $r['socketErrors']) : ''));
    }
    printf("| %s | %s |\n", $label, implode(' | ', $cells));
}
echo "\nphp -S answers every request with `Connection: close`; wrk counts that as one read error per request (not shown above).\n";

if ($warm !== null && $big !== null) {
    echo "\n### List by `userName eq` latency, 1k vs 100k users (Server::handle, one process, 2000 lookups)\n\n";
    echo "| users | median µs | p95 µs | mean µs | engine µs (median) | storage µs (median) |\n| --- | --- | --- | --- | --- | --- |\n";
    foreach (['1k' => $warm, '100k' => $big] as $label => $w) {
        printf("| %s | %s | %s | %s | %s | %s |\n", $label, $w['get']['totalUsMedian'], $w['get']['totalUsP95'], $w['get']['totalUsMean'], $w['get']['engineUsMedian'], $w['get']['storageUsMedian']);
    }
    printf("\nRatio 100k / 1k: %.2fx (median), %.2fx (mean); target < 1.5x. Seeding 100k users through SqliteStorage::create took %s s.\n",
        $big['get']['totalUsMedian'] / $warm['get']['totalUsMedian'], $big['get']['totalUsMean'] / $warm['get']['totalUsMean'], $big['seedSeconds']);
}
$lc = $read('sqlite-lifecycle');
if ($lc !== null) {
    echo "\n### One SqliteStorage::create per connection life cycle (median ms)\n\n";
    printf("| fresh connection per request | same, another connection held open | persistent PDO connection |\n| --- | --- | --- |\n| %s | %s | %s |\n",
        $lc['perRequestConnectionMsMedian'], $lc['anotherConnectionOpenMsMedian'], $lc['persistentPdoMsMedian']);
}
$bad = 0;
foreach ([$warm, $big] as $w) {
    foreach (['get', 'post', 'patch'] as $k) {
        $bad += (int) ($w[$k]['unexpected'] ?? 0);
    }
}
if ($bad > 0) {
    echo "\nWARNING: {$bad} in-process requests got an unexpected status (see stderr).\n";
}
