<?php

declare(strict_types=1);

// Why writes are slow when served: each request opens and closes its own SQLite connection, and closing
// the last connection of a WAL database checkpoints it (with fsync). Times one SqliteStorage::create per
// connection life cycle: fresh connection each time (as index.php does), with another connection held
// open (no checkpoint on close), and with a persistent PDO connection. Usage: php sqlite_lifecycle.php <dir>

namespace Scim\Bench;

use Scim\Host\Storage\SqliteStorage;
use Scim\Host\WriteOp;

require __DIR__ . '/lib.php';

$dir = $argv[1];
@mkdir($dir, 0700, true);
$out = [];
foreach (['perRequestConnection', 'anotherConnectionOpen', 'persistentPdo'] as $mode) {
    $db = "{$dir}/lifecycle-{$mode}.sqlite";
    foreach ([$db, "{$db}-wal", "{$db}-shm"] as $f) {
        @unlink($f);
    }
    new SqliteStorage($db);
    $hold = $mode === 'anotherConnectionOpen' ? new SqliteStorage($db) : null;
    $ts = [];
    for ($i = 0; $i < 40; $i++) {
        $t = hrtime(true);
        $s = new SqliteStorage($mode === 'persistentPdo' ? new \PDO('sqlite:' . $db, null, null, [\PDO::ATTR_PERSISTENT => true]) : $db);
        $id = sprintf('id-%d', $i);
        $s->create(new WriteOp('User', $id, json_encode(['id' => $id, 'userName' => "u{$i}", 'meta' => ['version' => 'W/"1"']]), null, [['userName', "u{$i}"]]));
        unset($s);
        $ts[] = (hrtime(true) - $t) / 1e6;
    }
    unset($hold);
    $out[$mode . 'MsMedian'] = round(median($ts), 3);
}
echo json_encode($out, JSON_PRETTY_PRINT), "\n";
