<?php

declare(strict_types=1);

namespace Scim\Host\Tests;

use PHPUnit\Framework\TestCase;
use Scim\Host\Ffi\ArtefactMissing;
use Scim\Host\Ffi\EngineLibrary;
use Scim\Host\Request;
use Scim\Host\Server;
use Scim\Host\Storage\SqliteStorage;

/** The PHP host through the REAL FFI library and REAL SQLite (skipped until ./build.sh has run). */
final class EngineIntegrationTest extends TestCase
{
    private ?string $dir = null;

    protected function setUp(): void
    {
        Support::requireEngine($this);
        $this->dir = Support::tempDir();
    }

    protected function tearDown(): void
    {
        if ($this->dir !== null) {
            Support::removeDir($this->dir);
        }
    }

    private static function post(string $path, array $body): Request
    {
        return new Request('POST', $path, '', [['Content-Type', 'application/scim+json']], json_encode($body));
    }

    private static function user(string $userName): array
    {
        return ['schemas' => ['urn:ietf:params:scim:schemas:core:2.0:User'], 'userName' => $userName];
    }

    public function testInfoReportsTheLoadedArtefact(): void
    {
        $info = EngineLibrary::open()->info();
        self::assertSame(1, $info['abi']);
        self::assertSame('loaded', $info['artefact']);
        self::assertFileExists($info['artefactPath']);
    }

    public function testLibraryPreloadedByFfiPreloadIsUsedWithoutTheHeader(): void
    {
        $preload = PhpFpmTest::preloadHeader() ?? $this->markTestSkipped('needs dist/scim_host.preload.h (run ./build.sh)');
        $autoload = var_export(dirname(__DIR__) . '/autoload.php', true);
        $code = "require {$autoload}; \$e = Scim\\Host\\Ffi\\EngineLibrary::open(['header' => '/nowhere/scim_host.h', 'library' => '/nowhere/libscim_host.so']);"
            . " echo \$e->info()['abi'];";
        [$rc, $out, $err] = Support::php(['-d', 'ffi.enable=1', '-d', 'ffi.preload=' . $preload], $code);
        self::assertSame(0, $rc, $out . $err);
        self::assertSame('1', $out, $err);
    }

    public function testRequiredFfiScopeWithoutPreloadSaysWhatToSet(): void
    {
        $autoload = var_export(dirname(__DIR__) . '/autoload.php', true);
        $code = "require {$autoload}; try { Scim\\Host\\Ffi\\EngineLibrary::open(['ffiScope' => 'SCIM_HOST']); echo 'opened'; }"
            . ' catch (Throwable $e) { echo get_class($e), ": ", $e->getMessage(); }';
        [$rc, $out, $err] = Support::php(['-d', 'ffi.enable=1', '-d', 'ffi.preload='], $code);
        self::assertSame(0, $rc, $out . $err);
        self::assertStringContainsString('Scim\Host\Ffi\LibraryMissing: FFI scope "SCIM_HOST" is not defined (ffi.preload is not set): set ffi.preload=<dist>/scim_host.preload.h', $out);
    }

    public function testMissingArtefactIsReportedClearly(): void
    {
        copy(EngineLibrary::paths()['component'], $this->dir . '/scim_engine.wasm');
        mkdir($this->dir . '/empty');
        try {
            EngineLibrary::open(['component' => $this->dir . '/scim_engine.wasm', 'precompiledDir' => $this->dir . '/empty']);
            self::fail('opened without an artefact');
        } catch (ArtefactMissing $e) {
            self::assertStringContainsString('build.sh', $e->getMessage());
            self::assertStringContainsString($this->dir . '/empty', $e->getMessage());
        }
    }

    public function testMemoryTrapInOneRequestDoesNotAffectTheNext(): void
    {
        $limit = 32 * 1024 * 1024;
        $engine = EngineLibrary::open(['memoryLimitBytes' => 8 * 1024 * 1024, 'config' => ['server' => ['maxBodyBytes' => $limit]]]);
        $logger = Support::logger();
        $server = new Server($engine, new SqliteStorage($this->dir . '/db.sqlite'), $logger, $limit);

        $huge = self::user('huge') + ['displayName' => str_repeat('x', 12 * 1024 * 1024)];
        $response = $server->handle(self::post('/Users', $huge));
        self::assertSame(500, $response->status, $response->body);
        self::assertSame('warning', $logger->records[0][0] ?? null);
        self::assertMatchesRegularExpression('/engine (memory|trap)/', $logger->records[0][1]);

        $response = $server->handle(self::post('/Users', self::user('after-the-trap')));
        self::assertSame(201, $response->status, $response->body);
        $response = $server->handle(new Request('GET', '/Users', 'filter=' . rawurlencode('userName eq "after-the-trap"')));
        self::assertSame(1, json_decode($response->body, true)['totalResults']);
    }

    public function testDeadlineInOneCallDoesNotAffectTheNext(): void
    {
        $limit = 64 * 1024 * 1024;
        $engine = EngineLibrary::open(['deadlineMs' => 100, 'memoryLimitBytes' => 512 * 1024 * 1024, 'config' => ['server' => ['maxBodyBytes' => $limit]]]);
        $logger = Support::logger();
        $server = new Server($engine, new SqliteStorage($this->dir . '/db.sqlite'), $logger, $limit);
        // 1.5 million small objects (about 16 MB of JSON) keep the guest busy well past 100 ms.
        $busy = self::user('busy') + ['x' => array_fill(0, 1500000, ['a' => 'b'])];
        $response = $server->handle(self::post('/Users', $busy));
        self::assertContains($response->status, [400, 500], 'an error, never a hang');
        if ($response->status === 500) {
            self::assertMatchesRegularExpression('/engine (deadline|memory)/', $logger->records[0][1] ?? '');
        }
        $response = $server->handle(self::post('/Users', self::user('after-the-deadline')));
        self::assertSame(201, $response->status, $response->body);
    }

    public function testBodyOverTheLimitGets413WithoutReachingTheEngine(): void
    {
        $engine = EngineLibrary::open();
        $calls = 0;
        $spy = new class ($engine, $calls) implements \Scim\Host\Engine {
            public function __construct(private EngineLibrary $engine, private int &$calls)
            {
            }

            public function call(string $op, array $input): \Scim\Host\CallResult
            {
                $this->calls++;
                return $this->engine->call($op, $input);
            }
        };
        $server = new Server($spy, new SqliteStorage(':memory:'), null, 1024);
        $response = $server->handle(self::post('/Users', self::user('big') + ['displayName' => str_repeat('x', 2000)]));
        self::assertSame(413, $response->status);
        self::assertSame(0, $calls);

        // The engine enforces its own limit too (config server.maxBodyBytes).
        $strict = EngineLibrary::open(['config' => ['server' => ['maxBodyBytes' => 1024]]]);
        $response = (new Server($strict, new SqliteStorage(':memory:'), null, 1 << 20))->handle(self::post('/Users', self::user('big') + ['displayName' => str_repeat('x', 2000)]));
        self::assertSame(413, $response->status, $response->body);
    }

    public function testTwoProcessesPatchingOneGroupKeepEveryMember(): void
    {
        $db = $this->dir . '/db.sqlite';
        $server = new Server(EngineLibrary::open(['config' => ['server' => ['maxPageSize' => 1000]]]), new SqliteStorage($db));
        $response = $server->handle(self::post('/Groups', ['schemas' => ['urn:ietf:params:scim:schemas:core:2.0:Group'], 'displayName' => 'everyone']));
        self::assertSame(201, $response->status, $response->body);
        $group = json_decode($response->body, true)['id'];
        $ids = [[], []];
        for ($i = 0; $i < 400; $i++) {
            $response = $server->handle(self::post('/Users', self::user("member{$i}")));
            self::assertSame(201, $response->status, $response->body);
            $ids[$i % 2][] = json_decode($response->body, true)['id'];
        }
        $procs = [];
        foreach ($ids as $n => $list) {
            file_put_contents($this->dir . "/ids{$n}", implode("\n", $list));
            $procs[] = proc_open(
                [PHP_BINARY, __DIR__ . '/bin/patch-worker.php', $db, $group, $this->dir . "/ids{$n}"],
                [1 => ['pipe', 'w'], 2 => ['file', $this->dir . "/worker{$n}.log", 'w']],
                $pipes[$n],
            );
        }
        foreach ($procs as $n => $proc) {
            $out = stream_get_contents($pipes[$n][1]);
            fclose($pipes[$n][1]);
            self::assertSame(0, proc_close($proc), (string) file_get_contents($this->dir . "/worker{$n}.log"));
            self::assertSame(['200' => 200], json_decode((string) $out, true), $out . file_get_contents($this->dir . "/worker{$n}.log"));
        }
        $response = $server->handle(new Request('GET', "/Groups/{$group}"));
        $members = array_column(json_decode($response->body, true)['members'] ?? [], 'value');
        sort($members);
        $expected = array_merge(...$ids);
        sort($expected);
        self::assertSame($expected, $members, 'every one of the 2 x 200 adds is kept');
    }
}
