<?php

declare(strict_types=1);

namespace Scim\Host;

/** The HTTP response to send (the WIT `server.response`). */
final class Response
{
    /**
     * @param list<array{0: string, 1: string}> $headers
     * @param list<array{rule: string, detail: string}> $tolerances tolerance rules that fired
     */
    public function __construct(
        public readonly int $status,
        public readonly array $headers,
        public readonly string $body,
        public readonly array $tolerances = [],
    ) {
    }

    /** A header's value by name (case-insensitive), or null. */
    public function header(string $name): ?string
    {
        foreach ($this->headers as [$key, $value]) {
            if (strcasecmp($key, $name) === 0) {
                return $value;
            }
        }
        return null;
    }

    /** The same response with one more header. */
    public function withHeader(string $name, string $value): self
    {
        return new self($this->status, [...$this->headers, [$name, $value]], $this->body, $this->tolerances);
    }

    /** An RFC 7644 §3.12 error response produced by the host itself. */
    public static function error(int $status, string $detail, ?string $scimType = null): self
    {
        $body = ['schemas' => ['urn:ietf:params:scim:api:messages:2.0:Error'], 'status' => (string) $status];
        if ($scimType !== null) {
            $body['scimType'] = $scimType;
        }
        $body['detail'] = $detail;
        return new self($status, [['Content-Type', 'application/scim+json']], json_encode($body, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES));
    }

    /** Sends status, headers and body through PHP's SAPI. */
    public function send(): void
    {
        http_response_code($this->status);
        foreach ($this->headers as [$key, $value]) {
            header($key . ': ' . $value, false);
        }
        echo $this->body;
    }
}
