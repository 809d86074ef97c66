<?php

declare(strict_types=1);

namespace Scim\Host\Tests;

use PHPUnit\Framework\TestCase;
use Scim\Host\Ffi\EngineLibrary;

/** Shared helpers of the test suite: paths, the built engine, temp dirs, free ports. */
final class Support
{
    /** The repository root. */
    public static function root(): string
    {
        return dirname(__DIR__, 3);
    }

    /** Skips the test unless ./build.sh has produced the library, header and component. */
    public static function requireEngine(TestCase $test): void
    {
        $paths = EngineLibrary::paths();
        foreach (['library', 'header', 'component'] as $key) {
            if (!is_file((string) $paths[$key])) {
                $test->markTestSkipped("needs the built engine: {$paths[$key]} is missing (run ./build.sh)");
            }
        }
    }

    /** A fresh temporary directory. */
    public static function tempDir(string $prefix = 'scim-php-'): string
    {
        $dir = sys_get_temp_dir() . '/' . $prefix . bin2hex(random_bytes(6));
        mkdir($dir, 0700, true);
        return $dir;
    }

    /** Removes a directory tree made by tempDir(). */
    public static function removeDir(string $dir): void
    {
        if (!is_dir($dir)) {
            return;
        }
        $items = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($dir, \FilesystemIterator::SKIP_DOTS), \RecursiveIteratorIterator::CHILD_FIRST);
        foreach ($items as $item) {
            $item->isDir() ? rmdir($item->getPathname()) : unlink($item->getPathname());
        }
        rmdir($dir);
    }

    /** A TCP port on 127.0.0.1 that was free a moment ago. */
    public static function freePort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0', $errno, $error);
        if ($socket === false) {
            throw new \RuntimeException("no free port: {$error}");
        }
        $name = stream_socket_get_name($socket, false);
        fclose($socket);
        return (int) substr((string) strrchr((string) $name, ':'), 1);
    }

    /** Waits until something listens on 127.0.0.1:$port (at most $seconds). */
    public static function waitForPort(int $port, float $seconds = 10.0): void
    {
        $deadline = microtime(true) + $seconds;
        while (microtime(true) < $deadline) {
            $c = @stream_socket_client("tcp://127.0.0.1:{$port}", $errno, $error, 0.2);
            if ($c !== false) {
                fclose($c);
                return;
            }
            usleep(50000);
        }
        throw new \RuntimeException("nothing listens on 127.0.0.1:{$port} after {$seconds}s");
    }

    /** Compiles tests/fixtures/fake_scim_host.c with the given ABI version; null when no C compiler. */
    public static function fakeLibrary(int $abi): ?string
    {
        $out = sys_get_temp_dir() . "/scim-fake-host-{$abi}-" . getmypid() . '.so';
        if (is_file($out)) {
            return $out;
        }
        $cc = trim((string) shell_exec('command -v cc gcc 2>/dev/null | head -n1'));
        if ($cc === '') {
            return null;
        }
        $src = __DIR__ . '/fixtures/fake_scim_host.c';
        exec(escapeshellarg($cc) . " -shared -fPIC -DFAKE_ABI={$abi} -o " . escapeshellarg($out) . ' ' . escapeshellarg($src) . ' 2>&1', $lines, $rc);
        return $rc === 0 ? $out : null;
    }

    /**
     * Runs PHP code in a child process with extra php options; returns [exit code, stdout, stderr].
     *
     * @param list<string> $phpArgs
     */
    public static function php(array $phpArgs, string $code, array $env = []): array
    {
        $cmd = array_merge([PHP_BINARY], $phpArgs, ['-r', $code]);
        $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env === [] ? null : array_merge(getenv(), $env));
        $stdout = stream_get_contents($pipes[1]);
        $stderr = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [proc_close($proc), (string) $stdout, (string) $stderr];
    }

    /** A minimal logger collecting PSR-3 style calls. */
    public static function logger(): object
    {
        return new class () {
            /** @var list<array{string, string, array}> */
            public array $records = [];

            public function info(string $message, array $context = []): void
            {
                $this->records[] = ['info', $message, $context];
            }

            public function warning(string $message, array $context = []): void
            {
                $this->records[] = ['warning', $message, $context];
            }
        };
    }

    /**
     * One HTTP request with PHP streams; returns [status, headers (lowercase name => value), body].
     *
     * @param array<string, string> $headers
     * @return array{0: int, 1: array<string, string>, 2: string}
     */
    public static function http(string $method, string $url, array $headers = [], string $body = ''): array
    {
        $lines = [];
        foreach ($headers as $k => $v) {
            $lines[] = "{$k}: {$v}";
        }
        $context = stream_context_create(['http' => [
            'method' => $method, 'header' => implode("\r\n", $lines), 'content' => $body,
            'ignore_errors' => true, 'timeout' => 30, 'protocol_version' => 1.0,
        ]]);
        $text = @file_get_contents($url, false, $context);
        $responseHeaders = $http_response_header ?? [];
        $status = 0;
        $out = [];
        foreach ($responseHeaders as $i => $line) {
            if ($i === 0 && preg_match('#^HTTP/\S+\s+(\d{3})#', $line, $m) === 1) {
                $status = (int) $m[1];
            } elseif (str_contains($line, ':')) {
                [$k, $v] = explode(':', $line, 2);
                $out[strtolower(trim($k))] = trim($v);
            }
        }
        return [$status, $out, $text === false ? '' : $text];
    }

    /**
     * Sends one request through FastCGI with Debian's cgi-fcgi; returns [status, headers, body].
     *
     * @param array<string, string> $params FastCGI params (REQUEST_METHOD, REQUEST_URI, HTTP_AUTHORIZATION, ...)
     * @return array{0: int, 1: array<string, string>, 2: string}
     */
    public static function fastcgi(int $port, string $script, array $params, string $body = ''): array
    {
        $uri = $params['REQUEST_URI'] ?? '/';
        $env = array_merge([
            'PATH' => (string) getenv('PATH'),
            'SCRIPT_FILENAME' => $script, 'SCRIPT_NAME' => '/index.php', 'REQUEST_METHOD' => 'GET',
            'QUERY_STRING' => (string) parse_url($uri, PHP_URL_QUERY), 'SERVER_NAME' => '127.0.0.1', 'SERVER_PORT' => '80',
            'HTTP_HOST' => '127.0.0.1', 'SERVER_PROTOCOL' => 'HTTP/1.1', 'GATEWAY_INTERFACE' => 'CGI/1.1',
            'CONTENT_LENGTH' => (string) strlen($body), 'REMOTE_ADDR' => '127.0.0.1',
        ], $params);
        $proc = proc_open(['cgi-fcgi', '-bind', '-connect', "127.0.0.1:{$port}"], [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
        fwrite($pipes[0], $body);
        fclose($pipes[0]);
        $raw = (string) stream_get_contents($pipes[1]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        proc_close($proc);
        [$head, $content] = array_pad(preg_split("/\r?\n\r?\n/", $raw, 2) ?: [], 2, '');
        $headers = [];
        foreach (preg_split("/\r?\n/", (string) $head) ?: [] as $line) {
            if (str_contains($line, ':')) {
                [$k, $v] = explode(':', $line, 2);
                $headers[strtolower(trim($k))] = trim($v);
            }
        }
        $status = isset($headers['status']) ? (int) $headers['status'] : 200;
        return [$status, $headers, (string) $content];
    }
}
