<?php

declare(strict_types=1);

namespace Scim\Host;

use Scim\Host\Ffi\EngineException;
use Scim\Host\Ffi\EngineLibrary;
use Scim\Host\Storage\Exclusive;

/**
 * The SCIM server loop: hands the raw request to the engine, performs each effect the engine
 * asks for against a Storage, feeds the outcome back, and returns the engine's response.
 *
 * Logger: any object with PSR-3 style `info(string $message, array $context = [])` and
 * `warning(string $message, array $context = [])` methods (a psr/log LoggerInterface works;
 * psr/log itself is not required). Tolerance reports go to `info`, failures to `warning`.
 */
final class Server
{
    /** Upper bound on effects in one request (a guard against a looping conversation). */
    public const MAX_EFFECTS = 10000;

    /** @var Engine|\Closure(): Engine */
    private Engine|\Closure $engine;

    /** @var \Closure(): string */
    private \Closure $clock;

    /** @var \Closure(): string */
    private \Closure $ids;

    /** Nanoseconds spent opening, calling and closing the engine, and in storage (see timing()). */
    private int $engineNs = 0;
    private int $storageNs = 0;

    /** Whether the engine came from the factory (then release() closes it). */
    private bool $ownsEngine = false;

    /**
     * @param Engine|\Closure(): Engine $engine the engine, or a factory called on the first request that needs it
     * @param object|null $logger PSR-3 compatible (see class doc)
     * @param int $maxBodyBytes bodies larger than this get 413 before the engine sees them
     * @param (\Closure(): string)|null $clock RFC 3339 "now" (default: UTC with microseconds)
     * @param (\Closure(): string)|null $ids new resource ids (default: random UUID v4)
     */
    public function __construct(
        Engine|\Closure $engine,
        private readonly Storage $storage,
        private readonly ?object $logger = null,
        private readonly int $maxBodyBytes = 1048576,
        ?\Closure $clock = null,
        ?\Closure $ids = null,
    ) {
        $this->engine = $engine;
        $this->clock = $clock ?? static fn (): string => self::now();
        $this->ids = $ids ?? static fn (): string => self::uuid4();
    }

    /** Serves one request. Never throws for engine or storage failures: they become 500 responses. */
    public function handle(Request $request): Response
    {
        $declared = $request->header('Content-Length');
        if (($declared !== null && is_numeric(trim($declared)) && (int) trim($declared) > $this->maxBodyBytes)
            || strlen($request->body) > $this->maxBodyBytes) {
            return Response::error(413, "request body larger than {$this->maxBodyBytes} bytes");
        }
        try {
            if ($this->storage instanceof Exclusive && !in_array(strtoupper($request->method), ['GET', 'HEAD'], true)) {
                return $this->storage->exclusively(fn (): Response => $this->converse($request));
            }
            return $this->converse($request);
        } catch (\Throwable $e) {
            $this->warn('SCIM request failed: ' . $e->getMessage(), ['exception' => $e]);
            return Response::error(500, 'internal error; see the server log');
        }
    }

    /** Runs the engine conversation of one request. */
    private function converse(Request $request): Response
    {
        try {
            $engine = $this->engine();
            $result = $this->call($engine, 'server.start', [
                'request' => [
                    'method' => $request->method,
                    'path' => $request->path,
                    'query' => $request->query,
                    'headers' => array_map(static fn (array $h): array => [(string) $h[0], (string) $h[1]], $request->headers),
                    'body' => self::utf8($request->body),
                ],
                'now' => ($this->clock)(),
                'newId' => ($this->ids)(),
            ]);
            for ($step = 0; $step < self::MAX_EFFECTS; $step++) {
                if ($result->isError) {
                    return $this->fromScimError($result->data);
                }
                $answer = $result->data;
                $effect = is_array($answer['effect'] ?? null) ? $answer['effect'] : [];
                if (($effect['effect'] ?? null) === 'respond') {
                    return $this->respond($effect);
                }
                $started = hrtime(true);
                $outcome = $this->perform($effect);
                $this->storageNs += hrtime(true) - $started;
                $result = $this->call($engine, 'server.next', [
                    'conversation' => $answer['conversation'] ?? null,
                    'outcome' => $outcome->toArray(),
                ]);
            }
            $this->warn('SCIM conversation exceeded ' . self::MAX_EFFECTS . ' effects', []);
            return Response::error(500, 'the request needed too many storage operations');
        } catch (EngineException $e) {
            $this->warn('SCIM engine failure: ' . $e->getMessage(), ['exception' => $e]);
            return Response::error(500, 'internal error in the SCIM engine; see the server log');
        } catch (\Throwable $e) {
            $this->warn('SCIM request failed: ' . $e->getMessage(), ['exception' => $e]);
            return Response::error(500, 'internal error; see the server log');
        }
    }

    /** Performs one effect against storage. */
    private function perform(array $effect): Outcome
    {
        $type = (string) ($effect['resourceType'] ?? '');
        switch ($effect['effect'] ?? null) {
            case 'load':
                return $this->storage->load($type, (string) ($effect['id'] ?? ''));
            case 'search':
                $plan = null;
                if (isset($effect['plan']) && is_string($effect['plan'])) {
                    $plan = json_decode($effect['plan'], true, 512, JSON_THROW_ON_ERROR);
                    $plan = is_array($plan) ? $plan : null;
                }
                return $this->storage->search(
                    $type,
                    $plan,
                    isset($effect['sortBy']) ? (string) $effect['sortBy'] : null,
                    (bool) ($effect['descending'] ?? false),
                    max(1, (int) ($effect['startIndex'] ?? 1)),
                    max(0, (int) ($effect['count'] ?? 0)),
                );
            case 'create':
                return $this->storage->create(WriteOp::fromEffect($effect));
            case 'replace':
                return $this->storage->replace(WriteOp::fromEffect($effect));
            case 'delete':
                return $this->storage->delete(
                    $type,
                    (string) ($effect['id'] ?? ''),
                    isset($effect['expectedVersion']) ? (string) $effect['expectedVersion'] : null,
                );
            default:
                throw new \UnexpectedValueException('engine asked for an unknown effect: ' . json_encode($effect['effect'] ?? null));
        }
    }

    private function respond(array $effect): Response
    {
        $tolerances = [];
        foreach (($effect['tolerances'] ?? []) as $report) {
            $rule = (string) ($report['rule'] ?? '');
            $detail = (string) ($report['detail'] ?? '');
            $tolerances[] = ['rule' => $rule, 'detail' => $detail];
            if ($this->logger !== null && method_exists($this->logger, 'info')) {
                $this->logger->info("SCIM tolerance {$rule}: {$detail}", ['rule' => $rule, 'detail' => $detail]);
            }
        }
        $headers = [];
        foreach (($effect['headers'] ?? []) as $pair) {
            if (is_array($pair) && count($pair) === 2) {
                $headers[] = [(string) $pair[0], (string) $pair[1]];
            }
        }
        return new Response((int) ($effect['status'] ?? 500), $headers, (string) ($effect['body'] ?? ''), $tolerances);
    }

    private function fromScimError(array $error): Response
    {
        $status = (int) ($error['status'] ?? 500);
        return Response::error($status >= 400 && $status < 600 ? $status : 500, (string) ($error['detail'] ?? 'error'), isset($error['scimType']) ? (string) $error['scimType'] : null);
    }

    private function engine(): Engine
    {
        if ($this->engine instanceof \Closure) {
            $started = hrtime(true);
            try {
                $this->engine = ($this->engine)();
                $this->ownsEngine = true;
            } finally {
                $this->engineNs += hrtime(true) - $started;
            }
        }
        return $this->engine;
    }

    private function call(Engine $engine, string $op, array $input): CallResult
    {
        $started = hrtime(true);
        try {
            return $engine->call($op, $input);
        } finally {
            $this->engineNs += hrtime(true) - $started;
        }
    }

    /**
     * Closes the engine this server opened through its factory (its ready instance goes back to the
     * process's pool at once instead of when PHP frees the object). An engine passed in is left open.
     */
    public function release(): void
    {
        if ($this->ownsEngine && $this->engine instanceof EngineLibrary) {
            $started = hrtime(true);
            $this->engine->close();
            $this->engineNs += hrtime(true) - $started;
        }
    }

    /**
     * Time spent so far in the engine (open, calls with their JSON encoding, close) and in storage,
     * in milliseconds; what the front controller's optional `Server-Timing` header reports.
     *
     * @return array{engine: float, storage: float}
     */
    public function timing(): array
    {
        return ['engine' => $this->engineNs / 1e6, 'storage' => $this->storageNs / 1e6];
    }

    private function warn(string $message, array $context): void
    {
        if ($this->logger !== null && method_exists($this->logger, 'warning')) {
            $this->logger->warning($message, $context);
        }
    }

    /** The body as a JSON string field: the ABI carries bodies as UTF-8 text; invalid bytes become U+FFFD. */
    private static function utf8(string $body): string
    {
        return mb_check_encoding($body, 'UTF-8') ? $body : mb_convert_encoding($body, 'UTF-8', 'UTF-8');
    }

    /** Current time as RFC 3339 UTC with microseconds, e.g. 2026-11-22T07:07:02.123456Z. */
    public static function now(): string
    {
        return (new \DateTimeImmutable('now', new \DateTimeZone('UTC')))->format('Y-m-d\TH:i:s.u\Z');
    }

    /** A random (version 4) UUID. */
    public static function uuid4(): string
    {
        $b = random_bytes(16);
        $b[6] = chr((ord($b[6]) & 0x0f) | 0x40);
        $b[8] = chr((ord($b[8]) & 0x3f) | 0x80);
        return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($b), 4));
    }
}
