<?php

declare(strict_types=1);

namespace Scim\Host;

use Scim\Host\Ffi\EngineFailure;

/** One engine instance the host talks to in JSON ops (the C ABI's `scim_host_call`). */
interface Engine
{
    /**
     * Runs one op (`server.start`, `server.next`, `primitives.<name>`, `host.info`).
     *
     * @param array<string, mixed> $input encoded as a JSON object
     * @throws EngineFailure when the host failed (trap, deadline, memory, panic)
     */
    public function call(string $op, array $input): CallResult;
}
