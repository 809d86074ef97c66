<?php

declare(strict_types=1);

// Shared helpers of the benchmark scripts: timing decorators around the engine and the storage,
// a Server over SqliteStorage, request builders and a seeding routine. Not production code.

namespace Scim\Bench;

use Scim\Host\CallResult;
use Scim\Host\Engine;
use Scim\Host\Ffi\EngineLibrary;
use Scim\Host\Outcome;
use Scim\Host\Request;
use Scim\Host\Server;
use Scim\Host\Storage;
use Scim\Host\Storage\Exclusive;
use Scim\Host\Storage\SqliteStorage;
use Scim\Host\WriteOp;

require dirname(__DIR__, 2) . '/host-php/php/autoload.php';

/** Engine decorator summing the wall time spent in call() (FFI marshalling + JSON + wasm). */
final class TimingEngine implements Engine
{
    public int $ns = 0;
    public int $calls = 0;

    public function __construct(private readonly Engine $inner)
    {
    }

    public function call(string $op, array $input): CallResult
    {
        $t = hrtime(true);
        try {
            return $this->inner->call($op, $input);
        } finally {
            $this->ns += hrtime(true) - $t;
            $this->calls++;
        }
    }
}

/**
 * Storage decorator summing the wall time spent in storage. Forwards Exclusive (the write lock
 * Server takes for write requests); the lock's own cost (BEGIN/COMMIT) counts as storage time, the
 * work run under it is timed by the decorators it calls.
 */
final class TimingStorage implements Storage, Exclusive
{
    public int $ns = 0;

    public function __construct(public readonly SqliteStorage $inner)
    {
    }

    private function timed(\Closure $f): Outcome
    {
        $t = hrtime(true);
        try {
            return $f();
        } finally {
            $this->ns += hrtime(true) - $t;
        }
    }

    public function exclusively(callable $work): mixed
    {
        $t = hrtime(true);
        $inner = 0;
        try {
            return $this->inner->exclusively(function () use ($work, &$inner) {
                $t0 = hrtime(true);
                try {
                    return $work();
                } finally {
                    $inner = hrtime(true) - $t0;
                }
            });
        } finally {
            $this->ns += hrtime(true) - $t - $inner;
        }
    }

    public function load(string $resourceType, string $id): Outcome
    {
        return $this->timed(fn () => $this->inner->load($resourceType, $id));
    }

    public function search(string $resourceType, ?array $plan, ?string $sortBy, bool $descending, int $startIndex, int $count): Outcome
    {
        return $this->timed(fn () => $this->inner->search($resourceType, $plan, $sortBy, $descending, $startIndex, $count));
    }

    public function create(WriteOp $write): Outcome
    {
        return $this->timed(fn () => $this->inner->create($write));
    }

    public function replace(WriteOp $write): Outcome
    {
        return $this->timed(fn () => $this->inner->replace($write));
    }

    public function delete(string $resourceType, string $id, ?string $expectedVersion): Outcome
    {
        return $this->timed(fn () => $this->inner->delete($resourceType, $id, $expectedVersion));
    }
}

/** Opens the engine the way public/index.php does. */
function openEngine(): EngineLibrary
{
    return EngineLibrary::open(['config' => ['server' => ['baseUrl' => 'http://127.0.0.1/scim/v2', 'maxBodyBytes' => 1048576]]]);
}

/** A request as Request::fromGlobals would build it. */
function request(string $method, string $path, string $query = '', string $body = ''): Request
{
    $headers = [['Host', '127.0.0.1'], ['Authorization', 'Bearer x'], ['Accept', 'application/scim+json']];
    if ($body !== '') {
        $headers[] = ['Content-Type', 'application/scim+json'];
        $headers[] = ['Content-Length', (string) strlen($body)];
    }
    return new Request($method, $path, $query, $headers, $body);
}

/** Body of a new user. */
function userBody(string $userName): string
{
    return json_encode([
        'schemas' => ['urn:ietf:params:scim:schemas:core:2.0:User'],
        'userName' => $userName,
        'name' => ['givenName' => 'Bench', 'familyName' => 'User'],
        'emails' => [['value' => $userName . '@example.com', 'type' => 'work', 'primary' => true]],
        'active' => true,
    ], JSON_THROW_ON_ERROR);
}

/** Body of the PATCH the benchmarks send. */
function patchBody(int $n): string
{
    return json_encode([
        'schemas' => ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        'Operations' => [['op' => 'replace', 'path' => 'displayName', 'value' => 'Bench ' . $n]],
    ], JSON_THROW_ON_ERROR);
}

/** GET-by-filter query string for a userName. */
function filterQuery(string $userName): string
{
    return 'filter=' . rawurlencode('userName eq "' . $userName . '"');
}

/**
 * Seeds $n users straight through SqliteStorage::create, cloning one engine-made user (JSON as the
 * engine would have stored it). Returns the ids in order; user i is "bench.user{i}".
 *
 * @return list<string>
 */
function seed(Server $server, SqliteStorage $storage, int $n, string $prefix = 'bench.user'): array
{
    $first = $server->handle(request('POST', '/Users', '', userBody($prefix . '0')));
    if ($first->status !== 201) {
        throw new \RuntimeException("seed POST failed: {$first->status} {$first->body}");
    }
    $template = json_decode($first->body, true, 512, JSON_THROW_ON_ERROR);
    $ids = [(string) $template['id']];
    $storage->pdo()->exec('PRAGMA synchronous = OFF');
    for ($i = 1; $i < $n; $i++) {
        $u = $template;
        $u['id'] = sprintf('00000000-0000-4000-8000-%012d', $i);
        $u['userName'] = $prefix . $i;
        $u['emails'][0]['value'] = $prefix . $i . '@example.com';
        $u['meta']['location'] = 'http://127.0.0.1/scim/v2/Users/' . $u['id'];
        $out = $storage->create(new WriteOp('User', $u['id'], json_encode($u, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES), null, [['userName', strtolower($u['userName'])]]));
        $ids[] = $u['id'];
        unset($out);
    }
    $storage->pdo()->exec('PRAGMA synchronous = NORMAL');
    return $ids;
}

/** @param list<float> $xs */
function median(array $xs): float
{
    sort($xs);
    $n = count($xs);
    return $n === 0 ? 0.0 : ($n % 2 === 1 ? $xs[intdiv($n, 2)] : ($xs[$n / 2 - 1] + $xs[$n / 2]) / 2);
}

/** @param list<float> $xs */
function percentile(array $xs, float $p): float
{
    sort($xs);
    return $xs === [] ? 0.0 : $xs[(int) min(count($xs) - 1, floor($p / 100 * count($xs)))];
}
