<?php

declare(strict_types=1);

namespace Scim\Host\Tests;

use PHPUnit\Framework\TestCase;
use Scim\Host\Ffi\AbiMismatch;
use Scim\Host\Ffi\ArtefactMissing;
use Scim\Host\Ffi\EngineLibrary;
use Scim\Host\Ffi\LibraryMissing;

/** Each way of failing to load the engine gives its own exception with a clear message. */
final class EngineLibraryTest extends TestCase
{
    private static function header(): string
    {
        return Support::root() . '/host-php/include/scim_host.h';
    }

    public function testMissingLibraryIsReported(): void
    {
        $this->expectException(LibraryMissing::class);
        $this->expectExceptionMessageMatches('/host library not found at \/nowhere\/libscim_host\.so: run \.\/build\.sh/');
        EngineLibrary::open(['library' => '/nowhere/libscim_host.so', 'header' => self::header()]);
    }

    public function testMissingHeaderIsReported(): void
    {
        $lib = Support::fakeLibrary(1) ?? $this->markTestSkipped('no C compiler for the fake library');
        $this->expectException(LibraryMissing::class);
        $this->expectExceptionMessageMatches('/C header not found at \/nowhere\/scim_host\.h/');
        EngineLibrary::open(['library' => $lib, 'header' => '/nowhere/scim_host.h']);
    }

    public function testAbiMismatchIsReported(): void
    {
        $lib = Support::fakeLibrary(99) ?? $this->markTestSkipped('no C compiler for the fake library');
        $this->expectException(AbiMismatch::class);
        $this->expectExceptionMessageMatches('/speaks ABI version 99, this PHP library needs 1/');
        EngineLibrary::open(['library' => $lib, 'header' => self::header()]);
    }

    public function testMissingComponentIsReported(): void
    {
        $lib = Support::fakeLibrary(1) ?? $this->markTestSkipped('no C compiler for the fake library');
        $this->expectException(ArtefactMissing::class);
        $this->expectExceptionMessageMatches('/engine component not found at \/nowhere\/scim_engine\.wasm: run \.\/build\.sh/');
        EngineLibrary::open(['library' => $lib, 'header' => self::header(), 'component' => '/nowhere/scim_engine.wasm']);
    }

    public function testOpenFailureMessageFromTheLibraryIsFreedAndReported(): void
    {
        $lib = Support::fakeLibrary(1) ?? $this->markTestSkipped('no C compiler for the fake library');
        $component = tempnam(sys_get_temp_dir(), 'wasm');
        try {
            $this->expectException(ArtefactMissing::class);
            $this->expectExceptionMessage('precompiled artefact /nowhere/x.cwasm is missing: run ./build.sh');
            EngineLibrary::open(['library' => $lib, 'header' => self::header(), 'component' => $component]);
        } finally {
            unlink($component);
        }
    }

    public function testFfiExtensionMissingIsReported(): void
    {
        // php -n loads no extensions from php.ini; FFI is a shared extension on Debian.
        [$rc, $out] = Support::php(['-n'], self::probe());
        if (str_contains($out, 'FFI-LOADED')) {
            $this->markTestSkipped('FFI is compiled into this PHP; cannot unload it');
        }
        self::assertSame(0, $rc, $out);
        self::assertStringContainsString('Scim\Host\Ffi\FfiMissing: the PHP FFI extension is not loaded', $out);
    }

    public function testFfiEnableOffIsReported(): void
    {
        [$rc, $out] = Support::php(['-d', 'ffi.enable=0'], self::probe());
        self::assertSame(0, $rc, $out);
        self::assertStringContainsString('Scim\Host\Ffi\FfiDisabled: ffi.enable is off', $out);
    }

    public function testFfiEnablePreloadOutsideTheCliIsReported(): void
    {
        // PHP's built-in web server (SAPI cli-server) is not "cli": ffi.enable=preload forbids FFI there.
        $dir = Support::tempDir();
        file_put_contents($dir . '/probe.php', '<?php ' . self::probe());
        $port = Support::freePort();
        $proc = proc_open([PHP_BINARY, '-d', 'ffi.enable=preload', '-S', "127.0.0.1:{$port}", $dir . '/probe.php'], [1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
        try {
            Support::waitForPort($port);
            $out = (string) file_get_contents("http://127.0.0.1:{$port}/");
            self::assertStringContainsString('Scim\Host\Ffi\FfiDisabled: ffi.enable=preload allows FFI only in the CLI and in preloaded code', $out);
        } finally {
            proc_terminate($proc);
            proc_close($proc);
            Support::removeDir($dir);
        }
    }

    /** PHP code that tries to open the engine and prints the exception class and message. */
    private static function probe(): string
    {
        $autoload = var_export(dirname(__DIR__) . '/autoload.php', true);
        $lib = var_export(Support::fakeLibrary(1) ?? '/nowhere/lib.so', true);
        $header = var_export(self::header(), true);
        return "require {$autoload}; if (class_exists('FFI', false)) { echo 'FFI-LOADED '; }"
            . " try { Scim\\Host\\Ffi\\EngineLibrary::open(['library' => {$lib}, 'header' => {$header}]); echo 'opened'; }"
            . ' catch (Throwable $e) { echo get_class($e), ": ", $e->getMessage(); }';
    }
}
