<?php

declare(strict_types=1);

// Front controller: routes /scim/v2/* to the SCIM server, after the bearer token check.
// Environment: SCIM_DATA_DIR (default <repo>/var), SCIM_BASE_URL (default http://<Host>/scim/v2),
// SCIM_MAX_BODY_BYTES (default 1048576), SCIM_SERVER_TIMING=1 (adds a Server-Timing header: time in the
// engine, in storage and in this script, for benchmarks), plus EngineLibrary's SCIM_HOST_LIBRARY, SCIM_COMPONENT, ...

use Scim\Host\Auth\TokenStore;
use Scim\Host\Ffi\EngineLibrary;
use Scim\Host\Log\ErrorLogLogger;
use Scim\Host\Request;
use Scim\Host\Response;
use Scim\Host\Server;
use Scim\Host\Storage\SqliteStorage;

require dirname(__DIR__) . '/autoload.php';

(static function (): void {
    $started = hrtime(true);
    $env = static fn (string $name, string $default): string => is_string(getenv($name)) && getenv($name) !== '' ? (string) getenv($name) : $default;
    $basePath = '/scim/v2';
    $dataDir = $env('SCIM_DATA_DIR', dirname(__DIR__, 3) . '/var');
    $maxBody = (int) $env('SCIM_MAX_BODY_BYTES', '1048576');

    $path = (string) parse_url((string) ($_SERVER['REQUEST_URI'] ?? '/'), PHP_URL_PATH);
    if ($path !== $basePath && !str_starts_with($path, $basePath . '/')) {
        Response::error(404, "not found: the SCIM base URL is {$basePath}")->send();
        return;
    }
    $tokens = new TokenStore($dataDir . '/tokens.json');
    $authorization = $_SERVER['HTTP_AUTHORIZATION'] ?? (function_exists('getallheaders') ? (getallheaders()['Authorization'] ?? null) : null);
    if (!$tokens->verify(is_string($authorization) ? $authorization : null)) {
        $response = Response::error(401, 'a valid bearer token is required');
        header('WWW-Authenticate: Bearer realm="SCIM"');
        $response->send();
        return;
    }
    $host = (string) ($_SERVER['HTTP_HOST'] ?? '127.0.0.1');
    $baseUrl = $env('SCIM_BASE_URL', 'http://' . $host . $basePath);
    $logger = new ErrorLogLogger();
    $server = new Server(
        static fn () => EngineLibrary::open([
            'config' => ['server' => ['baseUrl' => $baseUrl, 'maxBodyBytes' => $maxBody]],
        ]),
        // Persistent: PHP state is reset per request, and opening (and, after a write, closing) a
        // connection each time costs more than the request; SqliteStorage rolls back anything left open.
        new SqliteStorage(new \PDO('sqlite:' . $dataDir . '/scim.sqlite', null, null, [
            \PDO::ATTR_PERSISTENT => true,
            \PDO::ATTR_ERRMODE => \PDO::ERRMODE_EXCEPTION,
        ])),
        $logger,
        $maxBody,
    );
    $response = $server->handle(Request::fromGlobals($basePath, $maxBody));
    $server->release();
    if ($env('SCIM_SERVER_TIMING', '0') === '1') {
        $t = $server->timing();
        $response = $response->withHeader('Server-Timing', sprintf(
            'engine;dur=%.3f, storage;dur=%.3f, app;dur=%.3f',
            $t['engine'],
            $t['storage'],
            (hrtime(true) - $started) / 1e6,
        ));
    }
    $response->send();
})();
