<?php

declare(strict_types=1);

namespace Scim\Host;

/**
 * What the host answers after performing an effect (the WIT `server.outcome`).
 * `toArray()` is the ABI JSON (host-php/ABI.md): `{"outcome":"<case>", ...record fields}`, a
 * non-record payload under `value`.
 */
final class Outcome
{
    /** @param array<string, mixed> $fields */
    private function __construct(public readonly string $case, public readonly array $fields = [])
    {
    }

    /** The loaded resource (JSON text). */
    public static function resource(string $json): self
    {
        return new self('resource', ['value' => $json]);
    }

    /** No resource with that id (load, replace, delete). */
    public static function missing(): self
    {
        return new self('missing');
    }

    /**
     * The answer to a search (see `Storage::search` for the exact/total contract).
     *
     * @param list<string> $resources JSON texts
     */
    public static function page(int $total, array $resources, bool $exact): self
    {
        return new self('page', ['total' => $total, 'resources' => array_values($resources), 'exact' => $exact]);
    }

    /** The stored JSON after a create or replace. */
    public static function written(string $json): self
    {
        return new self('written', ['value' => $json]);
    }

    /** The resource was deleted. */
    public static function deleted(): self
    {
        return new self('deleted');
    }

    /** A unique value is taken by another resource; names the attribute. */
    public static function conflict(string $attribute): self
    {
        return new self('conflict', ['value' => $attribute]);
    }

    /** The expected version did not match the stored one. */
    public static function versionMismatch(): self
    {
        return new self('version-mismatch');
    }

    /** @return array<string, mixed> the ABI JSON object */
    public function toArray(): array
    {
        return ['outcome' => $this->case] + $this->fields;
    }
}
