<?php

declare(strict_types=1);

namespace Scim\Host;

/** Sends the outbound HTTP requests of the SCIM client direction (the engine builds them). */
interface HttpTransport
{
    /**
     * Sends one request and returns the response; throws \RuntimeException when no response came.
     *
     * @param list<array{0: string, 1: string}> $headers
     */
    public function send(string $method, string $url, array $headers, string $body): Response;
}
