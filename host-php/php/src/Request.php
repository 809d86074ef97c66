<?php

declare(strict_types=1);

namespace Scim\Host;

/** A raw HTTP request as the host received it (the WIT `server.request`). */
final class Request
{
    /**
     * @param string $path path below the SCIM base URL, e.g. "/Users/2819c223"
     * @param string $query raw query string without "?", still percent-encoded
     * @param list<array{0: string, 1: string}> $headers name/value pairs as received
     */
    public function __construct(
        public readonly string $method,
        public readonly string $path,
        public readonly string $query = '',
        public readonly array $headers = [],
        public readonly string $body = '',
    ) {
    }

    /** A header's first value by name (case-insensitive), or null. */
    public function header(string $name): ?string
    {
        foreach ($this->headers as [$key, $value]) {
            if (strcasecmp($key, $name) === 0) {
                return $value;
            }
        }
        return null;
    }

    /**
     * Builds a request from PHP's globals for a SCIM base path such as "/scim/v2".
     * Reads at most $maxBodyBytes + 1 bytes of the body, so an oversized body is never held whole.
     */
    public static function fromGlobals(string $basePath, int $maxBodyBytes): self
    {
        $uri = (string) ($_SERVER['REQUEST_URI'] ?? '/');
        $path = (string) parse_url($uri, PHP_URL_PATH);
        $query = (string) ($_SERVER['QUERY_STRING'] ?? (parse_url($uri, PHP_URL_QUERY) ?? ''));
        $basePath = rtrim($basePath, '/');
        if ($basePath !== '' && str_starts_with($path, $basePath)) {
            $path = substr($path, strlen($basePath));
        }
        $byName = [];
        foreach ($_SERVER as $key => $value) {
            if (!is_string($value) || !is_string($key)) {
                continue;
            }
            if (str_starts_with($key, 'HTTP_')) {
                $key = substr($key, 5);
            } elseif ($key !== 'CONTENT_TYPE' && $key !== 'CONTENT_LENGTH') {
                continue;
            }
            // CONTENT_TYPE and HTTP_CONTENT_TYPE may both be set: keep one.
            $byName[str_replace(' ', '-', ucwords(strtolower(str_replace('_', ' ', $key))))] = $value;
        }
        $headers = [];
        foreach ($byName as $name => $value) {
            $headers[] = [(string) $name, $value];
        }
        $body = '';
        $in = fopen('php://input', 'rb');
        if ($in !== false) {
            $body = (string) stream_get_contents($in, $maxBodyBytes + 1);
            fclose($in);
        }
        return new self((string) ($_SERVER['REQUEST_METHOD'] ?? 'GET'), $path === '' ? '/' : $path, $query, $headers, $body);
    }
}
