<?php

declare(strict_types=1);

namespace Scim\Host\Tests;

use PHPUnit\Framework\TestCase;
use Scim\Host\Auth\TokenStore;

/** The front controller under PHP's built-in web server (php -S) on 127.0.0.1, as serve.sh runs it. */
final class HttpServerTest extends TestCase
{
    private static string $dir;
    private static int $port;
    /** @var resource */
    private static $proc;
    private static string $token;
    private static string $otherToken;

    public static function setUpBeforeClass(): void
    {
        self::$dir = Support::tempDir();
        $tokens = new TokenStore(self::$dir . '/tokens.json');
        self::$otherToken = $tokens->issue();
        self::$token = $tokens->issue();
        self::$port = Support::freePort();
        $env = array_merge(getenv(), ['SCIM_DATA_DIR' => self::$dir, 'SCIM_MAX_BODY_BYTES' => '65536']);
        self::$proc = proc_open(
            [PHP_BINARY, '-d', 'ffi.enable=1', '-S', '127.0.0.1:' . self::$port, dirname(__DIR__) . '/public/index.php'],
            [1 => ['file', self::$dir . '/server.log', 'a'], 2 => ['file', self::$dir . '/server.log', 'a']],
            $pipes,
            null,
            $env,
        );
        Support::waitForPort(self::$port);
    }

    public static function tearDownAfterClass(): void
    {
        proc_terminate(self::$proc);
        proc_close(self::$proc);
        Support::removeDir(self::$dir);
    }

    private static function url(string $path): string
    {
        return 'http://127.0.0.1:' . self::$port . '/scim/v2' . $path;
    }

    private static function auth(?string $token = null): array
    {
        return ['Authorization' => 'Bearer ' . ($token ?? self::$token), 'Content-Type' => 'application/scim+json'];
    }

    public function testServerTimingHeaderOnlyWhenAskedFor(): void
    {
        [, $headers] = Support::http('GET', self::url('/Users'), self::auth());
        self::assertArrayNotHasKey('server-timing', $headers, 'timings are opt-in');

        $dir = Support::tempDir();
        $token = (new TokenStore($dir . '/tokens.json'))->issue();
        $port = Support::freePort();
        $env = array_merge(getenv(), ['SCIM_DATA_DIR' => $dir, 'SCIM_SERVER_TIMING' => '1']);
        $proc = proc_open(
            [PHP_BINARY, '-d', 'ffi.enable=1', '-S', '127.0.0.1:' . $port, dirname(__DIR__) . '/public/index.php'],
            [1 => ['file', $dir . '/server.log', 'a'], 2 => ['file', $dir . '/server.log', 'a']],
            $pipes,
            null,
            $env,
        );
        try {
            Support::waitForPort($port);
            [$status, $headers, $body] = Support::http('GET', "http://127.0.0.1:{$port}/scim/v2/Users?filter=" . rawurlencode('userName eq "x"'), ['Authorization' => "Bearer {$token}"]);
            self::assertSame(200, $status, $body);
            self::assertMatchesRegularExpression('/^engine;dur=(\d+\.\d{3}), storage;dur=(\d+\.\d{3}), app;dur=(\d+\.\d{3})$/', $headers['server-timing'] ?? '');
            preg_match_all('/dur=(\d+\.\d{3})/', $headers['server-timing'], $m);
            [$engine, $storage, $app] = array_map('floatval', $m[1]);
            self::assertGreaterThan(0.0, $engine, 'the engine was opened and called');
            self::assertGreaterThan(0.0, $storage, 'the search ran');
            self::assertGreaterThanOrEqual($engine + $storage, $app, 'engine and storage are parts of the script');
        } finally {
            proc_terminate($proc);
            proc_close($proc);
            Support::removeDir($dir);
        }
    }

    public function testMissingOrWrongTokenGets401WithScimError(): void
    {
        foreach ([[], ['Authorization' => 'Bearer nope'], ['Authorization' => 'Basic ' . base64_encode('a:b')], ['Authorization' => self::$token]] as $headers) {
            [$status, $h, $body] = Support::http('GET', self::url('/Users'), $headers);
            self::assertSame(401, $status, json_encode($headers));
            self::assertStringStartsWith('Bearer', $h['www-authenticate'] ?? '');
            $error = json_decode($body, true);
            self::assertSame(['urn:ietf:params:scim:api:messages:2.0:Error'], $error['schemas']);
            self::assertSame('401', $error['status']);
        }
    }

    public function testTokenFileHoldsOnlyHashes(): void
    {
        $file = (string) file_get_contents(self::$dir . '/tokens.json');
        self::assertStringNotContainsString(self::$token, $file);
        self::assertStringContainsString(hash('sha256', self::$token), $file);
        self::assertSame('0600', substr(sprintf('%o', fileperms(self::$dir . '/tokens.json')), -4));
    }

    public function testEveryLiveTokenPassesTheCheck(): void
    {
        foreach ([self::$token, self::$otherToken] as $token) {
            [$status] = Support::http('GET', self::url('/ServiceProviderConfig'), self::auth($token));
            self::assertNotSame(401, $status);
        }
    }

    public function testPathsOutsideTheBaseUrlAre404(): void
    {
        [$status] = Support::http('GET', 'http://127.0.0.1:' . self::$port . '/other', self::auth());
        self::assertSame(404, $status);
    }

    public function testBodyOverTheLimitGets413(): void
    {
        [$status, , $body] = Support::http('POST', self::url('/Users'), self::auth(), str_repeat(' ', 70000));
        self::assertSame(413, $status);
        self::assertSame('413', json_decode($body, true)['status']);
    }

    public function testCreateReadPatchListDeleteOverHttp(): void
    {
        Support::requireEngine($this);
        $user = ['schemas' => ['urn:ietf:params:scim:schemas:core:2.0:User'], 'userName' => 'bjensen@example.com', 'name' => ['givenName' => 'Barbara']];
        [$status, $h, $body] = Support::http('POST', self::url('/Users'), self::auth(), json_encode($user));
        self::assertSame(201, $status, $body);
        $created = json_decode($body, true);
        self::assertMatchesRegularExpression('/^[0-9a-f-]{36}$/', $created['id']);
        self::assertSame(self::url('/Users/' . $created['id']), $h['location'] ?? null);

        [$status, , $body] = Support::http('GET', self::url('/Users/' . $created['id']), self::auth());
        self::assertSame(200, $status, $body);
        self::assertSame('bjensen@example.com', json_decode($body, true)['userName']);

        $patch = ['schemas' => ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], 'Operations' => [['op' => 'replace', 'path' => 'displayName', 'value' => 'Babs']]];
        [$status, , $body] = Support::http('PATCH', self::url('/Users/' . $created['id']), self::auth(), json_encode($patch));
        self::assertSame(200, $status, $body);
        self::assertSame('Babs', json_decode($body, true)['displayName']);

        [$status, , $body] = Support::http('GET', self::url('/Users?filter=' . rawurlencode('userName eq "BJENSEN@example.com"')), self::auth());
        self::assertSame(200, $status, $body);
        self::assertSame(1, json_decode($body, true)['totalResults']);

        [$status] = Support::http('POST', self::url('/Users'), self::auth(), json_encode($user));
        self::assertSame(409, $status, 'userName is unique');

        [$status, , $body] = Support::http('DELETE', self::url('/Users/' . $created['id']), self::auth());
        self::assertSame(204, $status, $body);
        [$status] = Support::http('GET', self::url('/Users/' . $created['id']), self::auth());
        self::assertSame(404, $status);
    }
}
