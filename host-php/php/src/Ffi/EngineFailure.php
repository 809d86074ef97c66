<?php

declare(strict_types=1);

namespace Scim\Host\Ffi;

/** A call failed in the host (trap, deadline, memory, panic, ...); the next call works again. */
final class EngineFailure extends EngineException
{
    /** @param string $kind the host's error kind: trap, deadline, memory, panic, abi, input, open */
    public function __construct(public readonly string $kind, string $message)
    {
        parent::__construct("engine {$kind}: {$message}");
    }
}
