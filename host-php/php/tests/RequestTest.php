<?php

declare(strict_types=1);

namespace Scim\Host\Tests;

use PHPUnit\Framework\TestCase;
use Scim\Host\Request;

/** Request::fromGlobals: path below the base URL, raw query, headers once each. */
final class RequestTest extends TestCase
{
    public function testFromGlobals(): void
    {
        $saved = $_SERVER;
        try {
            $_SERVER = [
                'REQUEST_METHOD' => 'PATCH', 'REQUEST_URI' => '/scim/v2/Users/abc?attributes=userName%2Cid',
                'QUERY_STRING' => 'attributes=userName%2Cid', 'CONTENT_TYPE' => 'application/scim+json',
                'HTTP_CONTENT_TYPE' => 'application/scim+json', 'HTTP_IF_MATCH' => 'W/"1"', 'argv' => [],
            ];
            $r = Request::fromGlobals('/scim/v2', 100);
            self::assertSame(['PATCH', '/Users/abc', 'attributes=userName%2Cid'], [$r->method, $r->path, $r->query]);
            self::assertSame([['Content-Type', 'application/scim+json'], ['If-Match', 'W/"1"']], $r->headers);
            self::assertSame('W/"1"', $r->header('if-match'));
        } finally {
            $_SERVER = $saved;
        }
    }
}
