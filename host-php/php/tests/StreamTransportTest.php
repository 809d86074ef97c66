<?php

declare(strict_types=1);

namespace Scim\Host\Tests;

use PHPUnit\Framework\TestCase;
use Scim\Host\Transport\StreamTransport;

/** StreamTransport against a php -S echo server on 127.0.0.1. */
final class StreamTransportTest extends TestCase
{
    public function testSendsMethodHeadersBodyAndReadsTheResponse(): void
    {
        $dir = Support::tempDir();
        file_put_contents($dir . '/echo.php', '<?php http_response_code(409); header("Content-Type: application/scim+json");'
            . ' echo json_encode(["method" => $_SERVER["REQUEST_METHOD"], "auth" => $_SERVER["HTTP_AUTHORIZATION"] ?? null, "body" => file_get_contents("php://input")]);');
        $port = Support::freePort();
        $proc = proc_open([PHP_BINARY, '-S', "127.0.0.1:{$port}", $dir . '/echo.php'], [1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
        try {
            Support::waitForPort($port);
            $response = (new StreamTransport())->send('PATCH', "http://127.0.0.1:{$port}/Users/1", [['Authorization', 'Bearer t']], '{"a":1}');
            self::assertSame(409, $response->status);
            self::assertSame('application/scim+json', $response->header('content-type'));
            self::assertSame(['method' => 'PATCH', 'auth' => 'Bearer t', 'body' => '{"a":1}'], json_decode($response->body, true));
        } finally {
            proc_terminate($proc);
            proc_close($proc);
            Support::removeDir($dir);
        }
    }

    public function testNoResponseThrows(): void
    {
        $this->expectException(\RuntimeException::class);
        (new StreamTransport(2.0))->send('GET', 'http://127.0.0.1:' . Support::freePort() . '/', [], '');
    }
}
