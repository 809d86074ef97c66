<?php

declare(strict_types=1);

// Worker of EngineIntegrationTest's concurrency test: PATCH-adds each given user id to one group,
// one request per member, through the real engine and SQLite. Prints {"status": count, ...} as JSON.
// Usage: php patch-worker.php <sqlite file> <group id> <member ids file (one a line)>

use Scim\Host\Ffi\EngineLibrary;
use Scim\Host\Request;
use Scim\Host\Server;
use Scim\Host\Storage\SqliteStorage;

require dirname(__DIR__, 2) . '/autoload.php';

[, $db, $group, $idsFile] = $argv;
$server = new Server(EngineLibrary::open(), new SqliteStorage($db));
$statuses = [];
foreach (file($idsFile, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) ?: [] as $id) {
    $patch = json_encode(['schemas' => ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        'Operations' => [['op' => 'add', 'path' => 'members', 'value' => [['value' => $id]]]]]);
    $response = $server->handle(new Request('PATCH', "/Groups/{$group}", '', [['Content-Type', 'application/scim+json']], $patch));
    $statuses[$response->status] = ($statuses[$response->status] ?? 0) + 1;
    if ($response->status >= 300) {
        fwrite(STDERR, "{$response->status} {$response->body}\n");
    }
}
echo json_encode($statuses), "\n";
