<?php

declare(strict_types=1);

namespace Scim\Host\Storage;

/**
 * A storage that can run a whole write request under its write lock, so that the load, the
 * engine's work and the write cannot interleave with another process's write to the same data.
 */
interface Exclusive
{
    /**
     * Runs $work holding the storage's write lock (nested calls run inside the outer lock).
     *
     * @template T
     * @param callable(): T $work
     * @return T
     */
    public function exclusively(callable $work): mixed;
}
