<?php

declare(strict_types=1);

// Fresh-process benchmark. Parent mode: php fresh.php <db dir> <runs> starts `php fresh.php child <db>`
// <runs> times and prints JSON with the process wall time and the child's own timings.
// Child mode: autoload, FFI load + engine open, one GET-by-filter request through Server::handle.

namespace Scim\Bench;

use Scim\Host\Server;
use Scim\Host\Storage\SqliteStorage;

if (($argv[1] ?? '') === 'child') {
    $t0 = hrtime(true);
    require __DIR__ . '/lib.php';
    $storage = new TimingStorage(new SqliteStorage($argv[2]));
    $t1 = hrtime(true);
    $lib = openEngine();
    $t2 = hrtime(true);
    $engine = new TimingEngine($lib);
    $server = new Server($engine, $storage, null);
    $resp = $server->handle(request('GET', '/Users', filterQuery('bench.user1')));
    $t3 = hrtime(true);
    echo json_encode([
        'status' => $resp->status,
        'bootMs' => ($t1 - $t0) / 1e6,
        'openMs' => ($t2 - $t1) / 1e6,
        'requestMs' => ($t3 - $t2) / 1e6,
        'engineMs' => $engine->ns / 1e6,
    ]), "\n";
    exit(0);
}

require __DIR__ . '/lib.php';
[$dir, $runs] = [$argv[1], (int) $argv[2]];
@mkdir($dir, 0700, true);
$db = $dir . '/fresh.sqlite';
foreach ([$db, "{$db}-wal", "{$db}-shm"] as $f) {
    @unlink($f);
}
$sqlite = new SqliteStorage($db);
seed(new Server(openEngine(), $sqlite, null), $sqlite, 100);
unset($sqlite);

$rows = [];
for ($i = 0; $i < $runs + 2; $i++) {
    $t = hrtime(true);
    $json = shell_exec(escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg(__FILE__) . ' child ' . escapeshellarg($db));
    $wall = (hrtime(true) - $t) / 1e6;
    $row = json_decode((string) $json, true);
    if (!is_array($row) || $row['status'] !== 200) {
        fwrite(STDERR, "fresh child failed: {$json}\n");
        exit(1);
    }
    if ($i >= 2) { // first two warm the page cache
        $row['wallMs'] = $wall;
        $rows[] = $row;
    }
}
// Bare interpreter start-up for comparison.
$bare = [];
for ($i = 0; $i < $runs; $i++) {
    $t = hrtime(true);
    shell_exec(escapeshellarg(PHP_BINARY) . ' -r ""');
    $bare[] = (hrtime(true) - $t) / 1e6;
}
$col = static fn (string $k): float => round(median(array_column($rows, $k)), 2);
$wall = array_column($rows, 'wallMs');
$engineShare = array_map(static fn (array $r): float => ($r['openMs'] + $r['engineMs']) / $r['wallMs'], $rows);
echo json_encode([
    'runs' => $runs,
    'wallMsMedian' => round(median($wall), 2),
    'wallMsP95' => round(percentile($wall, 95), 2),
    'bareStartMsMedian' => round(median($bare), 2),
    'bootMsMedian' => $col('bootMs'),
    'ffiOpenMsMedian' => $col('openMs'),
    'firstRequestMsMedian' => $col('requestMs'),
    'firstRequestEngineMsMedian' => $col('engineMs'),
    'enginePctOfProcess' => round(100 * median($engineShare), 1),
], JSON_PRETTY_PRINT), "\n";
