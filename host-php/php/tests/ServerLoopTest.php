<?php

declare(strict_types=1);

namespace Scim\Host\Tests;

use PHPUnit\Framework\TestCase;
use Scim\Host\CallResult;
use Scim\Host\Engine;
use Scim\Host\Ffi\EngineFailure;
use Scim\Host\Request;
use Scim\Host\Server;
use Scim\Host\Storage\SqliteStorage;

/** The effect loop against a scripted engine (no FFI): effects performed, outcomes fed back, limits. */
final class ServerLoopTest extends TestCase
{
    /** An engine answering from a script of callables, recording every call. */
    private static function scripted(array $script): Engine
    {
        return new class ($script) implements Engine {
            public array $calls = [];

            public function __construct(private array $script)
            {
            }

            public function call(string $op, array $input): CallResult
            {
                $this->calls[] = [$op, $input];
                $next = array_shift($this->script);
                if ($next === null) {
                    throw new \LogicException('engine called more often than scripted');
                }
                return $next($input);
            }
        };
    }

    public function testBodyOverTheLimitGets413WithoutReachingTheEngine(): void
    {
        $reached = false;
        $server = new Server(static function () use (&$reached): Engine {
            $reached = true;
            throw new \LogicException('engine must not be opened');
        }, new SqliteStorage(':memory:'), null, 100);

        $big = new Request('POST', '/Users', '', [['Content-Type', 'application/scim+json']], str_repeat('x', 101));
        $response = $server->handle($big);
        self::assertSame(413, $response->status);
        self::assertSame('413', json_decode($response->body, true)['status']);
        self::assertSame('urn:ietf:params:scim:api:messages:2.0:Error', json_decode($response->body, true)['schemas'][0]);

        $declared = new Request('POST', '/Users', '', [['content-length', '5000']], '{}');
        self::assertSame(413, $server->handle($declared)->status, 'Content-Length alone is enough');
        self::assertFalse($reached);
    }

    public function testEffectsArePerformedAndOutcomesFedBack(): void
    {
        $storage = new SqliteStorage(':memory:');
        $resource = json_encode(['id' => 'u1', 'userName' => 'bjensen', 'meta' => ['version' => 'W/"1"']]);
        $engine = self::scripted([
            fn (array $in) => CallResult::ok(['conversation' => 7, 'effect' => [
                'effect' => 'create', 'resourceType' => 'User', 'id' => $in['newId'], 'resource' => $resource,
                'unique' => [['userName', 'bjensen']], 'password' => 'pw',
            ]]),
            fn (array $in) => CallResult::ok(['conversation' => 7, 'effect' => [
                'effect' => 'search', 'resourceType' => 'User',
                'plan' => json_encode(['op' => 'eq', 'attr' => 'userName', 'type' => 'string', 'caseExact' => false, 'multiValued' => false, 'value' => 'BJENSEN']),
                'descending' => false, 'startIndex' => 1, 'count' => 10,
            ]]),
            fn (array $in) => CallResult::ok(['conversation' => 7, 'effect' => [
                'effect' => 'respond', 'status' => 201, 'headers' => [['Content-Type', 'application/scim+json']],
                'body' => $resource, 'tolerances' => [['rule' => 'string-booleans', 'detail' => 'active "True"']],
            ]]),
        ]);
        $logger = Support::logger();
        $server = new Server($engine, $storage, $logger, 1000, static fn () => '2026-01-01T00:00:00.000001Z', static fn () => 'u1');
        $response = $server->handle(new Request('POST', '/Users', 'a=b', [['Content-Type', 'application/scim+json']], '{"x":1}'));

        self::assertSame(201, $response->status);
        self::assertSame('application/scim+json', $response->header('content-type'));
        self::assertSame([['rule' => 'string-booleans', 'detail' => 'active "True"']], $response->tolerances);
        self::assertSame([['info', 'SCIM tolerance string-booleans: active "True"', ['rule' => 'string-booleans', 'detail' => 'active "True"']]], $logger->records);

        [$start, $next1, $next2] = $engine->calls;
        self::assertSame('server.start', $start[0]);
        self::assertSame(['method' => 'POST', 'path' => '/Users', 'query' => 'a=b', 'headers' => [['Content-Type', 'application/scim+json']], 'body' => '{"x":1}'], $start[1]['request']);
        self::assertSame('2026-01-01T00:00:00.000001Z', $start[1]['now']);
        self::assertSame(['server.next', ['conversation' => 7, 'outcome' => ['outcome' => 'written', 'value' => $resource]]], $next1);
        self::assertSame(['outcome' => 'page', 'total' => 1, 'resources' => [$resource], 'exact' => true], $next2[1]['outcome']);
        self::assertTrue($storage->verifyPassword('User', 'u1', 'pw'));
    }

    public function testEngineFailureBecomes500AndIsLogged(): void
    {
        $engine = self::scripted([fn () => throw new EngineFailure('trap', 'unreachable executed')]);
        $logger = Support::logger();
        $response = (new Server($engine, new SqliteStorage(':memory:'), $logger))->handle(new Request('GET', '/Users'));
        self::assertSame(500, $response->status);
        self::assertStringNotContainsString('unreachable', $response->body, 'internals stay in the log');
        self::assertSame('warning', $logger->records[0][0]);
        self::assertStringContainsString('unreachable executed', $logger->records[0][1]);
    }

    public function testScimErrorFromTheEngineBecomesAnErrorResponse(): void
    {
        $engine = self::scripted([fn () => CallResult::scimError(['status' => 400, 'scimType' => 'invalidFilter', 'detail' => 'bad'])]);
        $response = (new Server($engine, new SqliteStorage(':memory:')))->handle(new Request('GET', '/Users'));
        self::assertSame(400, $response->status);
        self::assertSame('invalidFilter', json_decode($response->body, true)['scimType']);
    }

    public function testNowHasMicrosecondsAndIdsAreUuidV4(): void
    {
        self::assertMatchesRegularExpression('/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/', Server::now());
        self::assertMatchesRegularExpression('/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/', Server::uuid4());
        self::assertNotSame(Server::uuid4(), Server::uuid4());
    }
}
