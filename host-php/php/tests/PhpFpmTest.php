<?php

declare(strict_types=1);

namespace Scim\Host\Tests;

use PHPUnit\Framework\TestCase;
use Scim\Host\Ffi\EngineLibrary;
use Scim\Host\Auth\TokenStore;

/**
 * PHP-FPM (Debian php8.2-fpm) started by the test on 127.0.0.1 with its own pool, driven over FastCGI
 * with cgi-fcgi (Debian libfcgi-bin). Checks both documented FFI set-ups:
 * - ffi.enable=preload + opcache.preload=host-php/php/preload.php (FFI allowed in preloaded classes)
 * - ffi.enable=true
 * - the preload settings plus ffi.preload=dist/scim_host.preload.h (no header parsing or dlopen per request)
 * and that plain ffi.enable=preload without preloading is reported as FfiDisabled.
 */
final class PhpFpmTest extends TestCase
{
    /** @var list<array{resource, string}> */
    private array $started = [];

    protected function tearDown(): void
    {
        foreach ($this->started as [$proc, $dir]) {
            proc_terminate($proc);
            proc_close($proc);
            Support::removeDir($dir);
        }
        $this->started = [];
    }

    private static function fpmBinary(): ?string
    {
        foreach (['/usr/sbin/php-fpm8.2', '/usr/sbin/php-fpm'] as $bin) {
            if (is_executable($bin)) {
                return $bin;
            }
        }
        return null;
    }

    /**
     * Starts php-fpm with the given -d settings; returns [port, data dir].
     *
     * @param list<string> $ini "name=value" settings
     */
    private function startFpm(array $ini, array $env = []): array
    {
        $fpm = self::fpmBinary() ?? $this->markTestSkipped('php8.2-fpm is not installed (tests/php/run.sh installs it)');
        if (trim((string) shell_exec('command -v cgi-fcgi')) === '') {
            $this->markTestSkipped('cgi-fcgi (libfcgi-bin) is not installed (tests/php/run.sh installs it)');
        }
        $dir = Support::tempDir('scim-fpm-');
        $port = Support::freePort();
        $user = function_exists('posix_geteuid') && posix_geteuid() === 0 ? "user = root\ngroup = root\n" : '';
        $envLines = '';
        foreach ($env + ['SCIM_DATA_DIR' => $dir] as $k => $v) {
            $envLines .= "env[{$k}] = {$v}\n";
        }
        file_put_contents($dir . '/fpm.conf', "[global]\nerror_log = {$dir}/fpm.log\ndaemonize = no\npid = {$dir}/fpm.pid\n\n"
            . "[scim]\n{$user}listen = 127.0.0.1:{$port}\npm = static\npm.max_children = 2\ncatch_workers_output = yes\n"
            . "php_admin_value[error_log] = {$dir}/php.log\n{$envLines}");
        $args = [$fpm, '--nodaemonize', '--fpm-config', $dir . '/fpm.conf', '-R'];
        foreach ($ini as $setting) {
            array_push($args, '-d', $setting);
        }
        $proc = proc_open($args, [1 => ['file', $dir . '/stdout.log', 'a'], 2 => ['file', $dir . '/stderr.log', 'a']], $pipes);
        $this->started[] = [$proc, $dir];
        try {
            Support::waitForPort($port);
        } catch (\RuntimeException $e) {
            self::fail($e->getMessage() . "\n" . @file_get_contents($dir . '/stderr.log') . @file_get_contents($dir . '/fpm.log'));
        }
        return [$port, $dir];
    }

    /** Writes a script that tries to open the engine through the fake library and prints what happened. */
    private static function probe(string $dir): string
    {
        $lib = Support::fakeLibrary(1);
        $header = Support::root() . '/host-php/include/scim_host.h';
        $autoload = dirname(__DIR__) . '/autoload.php';
        file_put_contents($dir . '/probe.php', '<?php require ' . var_export($autoload, true) . ';'
            . ' try { Scim\Host\Ffi\EngineLibrary::open(["library" => ' . var_export($lib, true) . ', "header" => ' . var_export($header, true) . ', "component" => "/nowhere.wasm"]); }'
            . ' catch (Throwable $e) { echo get_class($e), ": ", $e->getMessage(); }');
        return $dir . '/probe.php';
    }

    private function skipWithoutFakeLibrary(): void
    {
        if (Support::fakeLibrary(1) === null) {
            $this->markTestSkipped('no C compiler for the fake library');
        }
    }

    public function testPreloadSetupLetsEngineLibraryUseFfi(): void
    {
        $this->skipWithoutFakeLibrary();
        [$port, $dir] = $this->startFpm(self::preloadIni());
        [, , $body] = Support::fastcgi($port, self::probe($dir), []);
        // Getting past FFI::cdef and the ABI check to the component check proves FFI was allowed.
        self::assertStringContainsString('ArtefactMissing: engine component not found at /nowhere.wasm', $body);
    }

    public function testFfiEnableTrueLetsEngineLibraryUseFfi(): void
    {
        $this->skipWithoutFakeLibrary();
        [$port, $dir] = $this->startFpm(['ffi.enable=1']);
        [, , $body] = Support::fastcgi($port, self::probe($dir), []);
        self::assertStringContainsString('ArtefactMissing: engine component not found at /nowhere.wasm', $body);
    }

    public function testPreloadModeWithoutPreloadingIsReported(): void
    {
        $this->skipWithoutFakeLibrary();
        [$port, $dir] = $this->startFpm(['ffi.enable=preload']);
        [, , $body] = Support::fastcgi($port, self::probe($dir), []);
        self::assertStringContainsString('FfiDisabled: ffi.enable=preload allows FFI only in the CLI and in preloaded code', $body);
    }

    public function testFrontControllerUnderFpm(): void
    {
        $this->frontControllerServes(self::preloadIni(), []);
    }

    public function testFrontControllerUnderFpmWithTheLibraryPreloaded(): void
    {
        Support::requireEngine($this);
        $preload = self::preloadHeader() ?? $this->markTestSkipped('needs dist/scim_host.preload.h (run ./build.sh)');
        // A header that does not exist: serving anyway proves the workers took the library from ffi.preload.
        $this->frontControllerServes(
            array_merge(self::preloadIni(), ['ffi.preload=' . $preload]),
            ['SCIM_HOST_HEADER' => '/nowhere/scim_host.h'],
        );
    }

    /** The front controller answers 401 without a token, then creates and reads back a user. */
    private function frontControllerServes(array $ini, array $env): void
    {
        [$port, $dir] = $this->startFpm($ini, $env);
        $token = (new TokenStore($dir . '/tokens.json'))->issue();
        $index = dirname(__DIR__) . '/public/index.php';
        [$status, , $body] = Support::fastcgi($port, $index, ['REQUEST_URI' => '/scim/v2/Users']);
        self::assertSame(401, $status, $body);

        Support::requireEngine($this);
        $auth = ['HTTP_AUTHORIZATION' => "Bearer {$token}", 'CONTENT_TYPE' => 'application/scim+json'];
        $user = json_encode(['schemas' => ['urn:ietf:params:scim:schemas:core:2.0:User'], 'userName' => 'fpm-user']);
        [$status, , $body] = Support::fastcgi($port, $index, $auth + ['REQUEST_URI' => '/scim/v2/Users', 'REQUEST_METHOD' => 'POST'], $user);
        self::assertSame(201, $status, $body . @file_get_contents($dir . '/php.log'));
        $id = json_decode($body, true)['id'];
        [$status, , $body] = Support::fastcgi($port, $index, $auth + ['REQUEST_URI' => "/scim/v2/Users/{$id}"]);
        self::assertSame(200, $status, $body);
        self::assertSame('fpm-user', json_decode($body, true)['userName']);
    }

    /** dist/scim_host.preload.h beside the library the tests use, when ./build.sh wrote it. */
    public static function preloadHeader(): ?string
    {
        $header = dirname(EngineLibrary::paths()['library']) . '/scim_host.preload.h';
        return is_file($header) ? $header : null;
    }

    /** @return list<string> the documented preload settings */
    private static function preloadIni(): array
    {
        $user = function_exists('posix_getpwuid') && function_exists('posix_geteuid') ? (posix_getpwuid(posix_geteuid())['name'] ?? 'www-data') : 'www-data';
        return [
            'ffi.enable=preload',
            'opcache.enable=1',
            'opcache.preload=' . dirname(__DIR__) . '/preload.php',
            'opcache.preload_user=' . $user,
        ];
    }
}
