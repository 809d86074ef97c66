<?php

declare(strict_types=1);

namespace Scim\Host;

/** A create or replace the engine asks for (the WIT `server.write-op`). */
final class WriteOp
{
    /**
     * @param string $resource JSON text to store as is (with meta.version)
     * @param ?string $expectedVersion the meta.version the replace is based on
     * @param list<array{0: string, 1: string}> $unique attribute => value no other resource of the type may hold
     *        (values of case-insensitive attributes come lowercased: compare case-insensitively)
     * @param ?string $password a writeOnly password to hash and keep; null leaves the stored one unchanged
     */
    public function __construct(
        public readonly string $resourceType,
        public readonly string $id,
        public readonly string $resource,
        public readonly ?string $expectedVersion = null,
        public readonly array $unique = [],
        public readonly ?string $password = null,
    ) {
    }

    /** Builds it from the ABI effect JSON. */
    public static function fromEffect(array $effect): self
    {
        $unique = [];
        foreach (($effect['unique'] ?? []) as $pair) {
            if (is_array($pair) && count($pair) === 2) {
                $unique[] = [(string) $pair[0], (string) $pair[1]];
            }
        }
        return new self(
            (string) ($effect['resourceType'] ?? ''),
            (string) ($effect['id'] ?? ''),
            (string) ($effect['resource'] ?? ''),
            isset($effect['expectedVersion']) ? (string) $effect['expectedVersion'] : null,
            $unique,
            isset($effect['password']) ? (string) $effect['password'] : null,
        );
    }
}
