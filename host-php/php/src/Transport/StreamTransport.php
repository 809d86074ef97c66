<?php

declare(strict_types=1);

namespace Scim\Host\Transport;

use Scim\Host\HttpTransport;
use Scim\Host\Response;

/** HttpTransport over PHP's http stream wrapper (no curl needed); TLS verified by default. */
final class StreamTransport implements HttpTransport
{
    /** @param float $timeoutSeconds read timeout of one request */
    public function __construct(private readonly float $timeoutSeconds = 30.0)
    {
    }

    public function send(string $method, string $url, array $headers, string $body): Response
    {
        $lines = [];
        foreach ($headers as [$name, $value]) {
            if (preg_match('/[\r\n]/', $name . $value) === 1) {
                throw new \InvalidArgumentException('header with a line break');
            }
            $lines[] = "{$name}: {$value}";
        }
        $context = stream_context_create([
            'http' => [
                'method' => $method, 'header' => implode("\r\n", $lines), 'content' => $body,
                'ignore_errors' => true, 'follow_location' => 0, 'timeout' => $this->timeoutSeconds,
                'protocol_version' => 1.1,
            ],
            'ssl' => ['verify_peer' => true, 'verify_peer_name' => true],
        ]);
        $stream = @fopen($url, 'rb', false, $context);
        if ($stream === false) {
            $error = error_get_last();
            throw new \RuntimeException("no response from {$method} {$url}: " . ($error['message'] ?? 'unknown error'));
        }
        try {
            $content = (string) stream_get_contents($stream);
            $meta = stream_get_meta_data($stream);
        } finally {
            fclose($stream);
        }
        $status = 0;
        $out = [];
        foreach ($meta['wrapper_data'] ?? [] as $line) {
            if (!is_string($line)) {
                continue;
            }
            if (preg_match('#^HTTP/\S+\s+(\d{3})#', $line, $m) === 1) {
                // A new status line starts a new header block (e.g. after 100 Continue).
                $status = (int) $m[1];
                $out = [];
            } elseif (str_contains($line, ':')) {
                [$name, $value] = explode(':', $line, 2);
                $out[] = [trim($name), trim($value)];
            }
        }
        return new Response($status, $out, $content);
    }
}
