<?php

declare(strict_types=1);

// Warm benchmark in ONE PHP process: Server::handle over SqliteStorage with the engine and the storage
// wrapped in timing decorators. Seeds <users> users, then runs <requests> requests of each kind
// (GET by userName filter, POST, PATCH) and prints one JSON object with per-kind timings.
// Usage: php warm.php <db dir> <users> <requests> [kinds=get,post,patch]

namespace Scim\Bench;

use Scim\Host\Ffi\EngineLibrary;
use Scim\Host\Server;
use Scim\Host\Storage\SqliteStorage;

require __DIR__ . '/lib.php';

[$dir, $users, $requests] = [$argv[1], (int) $argv[2], (int) $argv[3]];
$kinds = explode(',', $argv[4] ?? 'get,post,patch');
@mkdir($dir, 0700, true);
$db = $dir . "/warm-{$users}.sqlite";
foreach ([$db, "{$db}-wal", "{$db}-shm"] as $f) {
    @unlink($f);
}
$sqlite = new SqliteStorage($db);
$storage = new TimingStorage($sqlite);
$engine = new TimingEngine(openEngine());
$server = new Server($engine, $storage, null);

$t = hrtime(true);
$ids = seed($server, $sqlite, $users);
$seedS = (hrtime(true) - $t) / 1e9;

// Per-request engine lifecycle as php -S / FPM see it: every request opens (and closes) its engine.
$opens = [];
for ($i = 0; $i < 50; $i++) {
    $t = hrtime(true);
    $e = openEngine();
    $e->close();
    $opens[] = (hrtime(true) - $t) / 1e6;
}

$make = [
    'get' => static fn (int $i) => request('GET', '/Users', filterQuery('bench.user' . (($i * 7919) % $users))),
    'post' => static fn (int $i) => request('POST', '/Users', '', userBody('bench.new' . $i)),
    'patch' => static fn (int $i) => request('PATCH', '/Users/' . $ids[($i * 7919) % $users], '', patchBody($i)),
];
$expect = ['get' => 200, 'post' => 201, 'patch' => 200];
$out = ['users' => $users, 'requests' => $requests, 'seedSeconds' => round($seedS, 2), 'openMs' => ['median' => round(median($opens), 3), 'p95' => round(percentile($opens, 95), 3)]];
foreach ($kinds as $kind) {
    // Warm-up, not counted.
    for ($i = 0; $i < 20; $i++) {
        $server->handle($make[$kind]($requests + $i));
    }
    $totals = [];
    $engines = [];
    $storages = [];
    $calls = 0;
    $bad = 0;
    for ($i = 0; $i < $requests; $i++) {
        $req = $make[$kind]($i);
        [$e0, $s0, $c0] = [$engine->ns, $storage->ns, $engine->calls];
        $t = hrtime(true);
        $resp = $server->handle($req);
        $totals[] = (hrtime(true) - $t) / 1e3;
        $engines[] = ($engine->ns - $e0) / 1e3;
        $storages[] = ($storage->ns - $s0) / 1e3;
        $calls += $engine->calls - $c0;
        if ($resp->status !== $expect[$kind] || ($kind === 'get' && !str_contains($resp->body, '"totalResults":1'))) {
            $bad++;
            if ($bad === 1) {
                fwrite(STDERR, "{$kind}: unexpected {$resp->status} {$resp->body}\n");
            }
        }
    }
    $sumT = array_sum($totals);
    $out[$kind] = [
        'totalUsMean' => round($sumT / $requests, 1),
        'engineUsMean' => round(array_sum($engines) / $requests, 1),
        'totalUsMedian' => round(median($totals), 1),
        'totalUsP95' => round(percentile($totals, 95), 1),
        'engineUsMedian' => round(median($engines), 1),
        'storageUsMedian' => round(median($storages), 1),
        'enginePct' => round(100 * array_sum($engines) / $sumT, 1),
        'storagePct' => round(100 * array_sum($storages) / $sumT, 1),
        'engineCallsPerRequest' => round($calls / $requests, 2),
        'unexpected' => $bad,
    ];
}
// Served mode: what one request costs in a long-lived php -S / FPM worker, where PHP resets statics
// between requests: new SqliteStorage (persistent connection as public/index.php opens it + migrate),
// FFI::cdef (header parse) + engine open (a pooled instance after the first), one GET-by-filter, engine close
// (back to the pool), connection release. The compiled component stays cached in the process.
if (in_array('get', $kinds, true)) {
    unset($server, $storage, $sqlite, $engine); // no connection stays open, as in a served request
    gc_collect_cycles();
    $cache = new \ReflectionProperty(EngineLibrary::class, 'ffiCache');
    $phases = ['sqliteOpen' => [], 'engineOpen' => [], 'handle' => [], 'handleEngine' => [], 'engineClose' => [], 'sqliteClose' => [], 'total' => []];
    for ($i = 0; $i < 300; $i++) {
        $cache->setValue(null, []);
        $t0 = hrtime(true);
        $st = new SqliteStorage(new \PDO('sqlite:' . $db, null, null, [\PDO::ATTR_PERSISTENT => true]));
        $t1 = hrtime(true);
        $lib = openEngine();
        $t2 = hrtime(true);
        $te = new TimingEngine($lib);
        $resp = (new Server($te, $st, null))->handle(request('GET', '/Users', filterQuery('bench.user' . (($i * 7919) % $users))));
        $t3 = hrtime(true);
        $handleEngine = $te->ns;
        $lib->close();
        unset($lib, $te);
        $t4 = hrtime(true);
        unset($st);
        $t5 = hrtime(true);
        if ($resp->status !== 200) {
            fwrite(STDERR, "served get: unexpected {$resp->status}\n");
        }
        if ($i < 5) {
            continue; // warm-up
        }
        foreach (['sqliteOpen' => $t1 - $t0, 'engineOpen' => $t2 - $t1, 'handle' => $t3 - $t2, 'handleEngine' => $handleEngine, 'engineClose' => $t4 - $t3, 'sqliteClose' => $t5 - $t4, 'total' => $t5 - $t0] as $k => $ns) {
            $phases[$k][] = $ns / 1e3;
        }
    }
    $served = [];
    foreach ($phases as $k => $xs) {
        $served[$k . 'UsMedian'] = round(median($xs), 1);
    }
    $served['enginePct'] = round(100 * ($served['engineOpenUsMedian'] + $served['handleEngineUsMedian'] + $served['engineCloseUsMedian']) / $served['totalUsMedian'], 1);
    $out['servedGet'] = $served;
}
echo json_encode($out, JSON_PRETTY_PRINT), "\n";
