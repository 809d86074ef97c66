<?php

declare(strict_types=1);

namespace Scim\Host\Auth;

/**
 * Bearer tokens kept as SHA-256 hashes in a JSON file (`{"tokens":[{"sha256":..,"created":..}]}`).
 * Tokens are 256-bit random values, so a plain SHA-256 is enough; the clear token is never stored.
 * Several tokens may be live at once (rotation).
 */
final class TokenStore
{
    public function __construct(private readonly string $file)
    {
    }

    /** Generates a fresh token, stores its hash next to the live ones, and returns it (show it once). */
    public function issue(): string
    {
        $token = rtrim(strtr(base64_encode(random_bytes(32)), '+/', '-_'), '=');
        $tokens = $this->hashes();
        $tokens[] = ['sha256' => hash('sha256', $token), 'created' => gmdate('Y-m-d\TH:i:s\Z')];
        $dir = dirname($this->file);
        if (!is_dir($dir) && !mkdir($dir, 0700, true) && !is_dir($dir)) {
            throw new \RuntimeException("cannot create {$dir}");
        }
        $tmp = $this->file . '.' . bin2hex(random_bytes(4)) . '.tmp';
        file_put_contents($tmp, json_encode(['tokens' => $tokens], JSON_PRETTY_PRINT | JSON_THROW_ON_ERROR) . "\n");
        chmod($tmp, 0600);
        rename($tmp, $this->file);
        return $token;
    }

    /** Whether an `Authorization` header value carries a live token (constant-time comparison against every hash). */
    public function verify(?string $authorization): bool
    {
        if ($authorization === null || preg_match('/^\s*Bearer\s+(\S+)\s*$/i', $authorization, $m) !== 1) {
            return false;
        }
        $presented = hash('sha256', $m[1]);
        $ok = false;
        foreach ($this->hashes() as $entry) {
            // No early exit: every stored hash is compared.
            $ok = hash_equals((string) ($entry['sha256'] ?? ''), $presented) || $ok;
        }
        return $ok;
    }

    /** @return list<array{sha256: string, created?: string}> */
    private function hashes(): array
    {
        if (!is_file($this->file)) {
            return [];
        }
        $data = json_decode((string) file_get_contents($this->file), true);
        $tokens = is_array($data) && is_array($data['tokens'] ?? null) ? $data['tokens'] : [];
        return array_values(array_filter($tokens, static fn ($t): bool => is_array($t) && is_string($t['sha256'] ?? null)));
    }
}
