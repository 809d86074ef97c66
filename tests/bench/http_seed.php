<?php

declare(strict_types=1);

// Seeds a running SCIM server over HTTP: POSTs users bench.user0..bench.user<n-1>, writes their ids
// one a line to <ids file>. Usage: php http_seed.php <base url> <token> <n> <ids file>

require __DIR__ . '/lib.php';

[$base, $token, $n, $idsFile] = [$argv[1], $argv[2], (int) $argv[3], $argv[4]];
$ids = [];
for ($i = 0; $i < $n; $i++) {
    $body = Scim\Bench\userBody('bench.user' . $i);
    $ctx = stream_context_create(['http' => [
        'method' => 'POST',
        'header' => "Authorization: Bearer {$token}\r\nContent-Type: application/scim+json\r\nAccept: application/scim+json\r\nConnection: close\r\n",
        'content' => $body,
        'ignore_errors' => true,
        'timeout' => 10,
    ]]);
    $resp = @file_get_contents($base . '/Users', false, $ctx);
    $user = is_string($resp) ? json_decode($resp, true) : null;
    if (!is_array($user) || !isset($user['id'])) {
        fwrite(STDERR, "seeding {$base} failed at user {$i}: " . var_export($resp, true) . ' ' . implode(' | ', $http_response_header ?? []) . "\n");
        exit(1);
    }
    $ids[] = $user['id'];
}
file_put_contents($idsFile, implode("\n", $ids) . "\n");
