<?php

declare(strict_types=1);

namespace Scim\Host;

/** The answer to one engine call: a result, or a SCIM error (status, scimType, detail). */
final class CallResult
{
    /** @param array<string, mixed> $data the result, or the SCIM error array when $isError */
    private function __construct(public readonly bool $isError, public readonly array $data)
    {
    }

    /** A successful result. */
    public static function ok(array $value): self
    {
        return new self(false, $value);
    }

    /** A SCIM-level error `{"status":..,"scimType":..,"detail":..}`. */
    public static function scimError(array $error): self
    {
        return new self(true, $error);
    }

    /** The result; throws when the call gave a SCIM error. */
    public function value(): array
    {
        if ($this->isError) {
            $detail = is_string($this->data['detail'] ?? null) ? $this->data['detail'] : 'SCIM error';
            throw new \UnexpectedValueException('engine answered a SCIM error: ' . $detail);
        }
        return $this->data;
    }
}
