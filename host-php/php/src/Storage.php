<?php

declare(strict_types=1);

namespace Scim\Host;

/**
 * Where a SCIM server keeps its resources. The engine decides everything SCIM; storage only
 * stores JSON texts, keeps unique values unique and versions consistent, and pushes down
 * what it can of a search. Resources are JSON text with canonical attribute names and
 * `meta.version` set by the engine; storage stores them as given.
 */
interface Storage
{
    /** Loads one resource: `Outcome::resource(json)` or `Outcome::missing()`. */
    public function load(string $resourceType, string $id): Outcome;

    /**
     * Searches one resource type; answers `Outcome::page(total, resources, exact)`.
     *
     * - exact = true: storage applied the WHOLE plan, the sort and the paging: `resources` is the
     *   requested page (at most $count from the 1-based $startIndex) and `total` counts every match.
     * - exact = false: `resources` are ALL candidates (a superset of the matches, unpaged, any order;
     *   `total` is ignored); the engine filters, sorts and pages itself.
     * Never answer exact = true unless the result is exactly right.
     *
     * @param array<string, mixed>|null $plan the compiled filter as plan JSON decoded (null = all)
     * @param string|null $sortBy canonical attribute path (null = any stable order)
     * @param int $count how many at most (0: only the total)
     */
    public function search(string $resourceType, ?array $plan, ?string $sortBy, bool $descending, int $startIndex, int $count): Outcome;

    /**
     * Creates a resource that must not exist yet: `written(json)` or `conflict(attribute)` when one of
     * `$write->unique` is held by another resource of the type (or the id exists).
     */
    public function create(WriteOp $write): Outcome;

    /**
     * Replaces a stored resource: `written(json)`, `missing()`, `conflict(attribute)`, or
     * `versionMismatch()` when `$write->expectedVersion` is set and differs from the stored `meta.version`.
     */
    public function replace(WriteOp $write): Outcome;

    /** Deletes a resource: `deleted()`, `missing()` or `versionMismatch()` (when $expectedVersion differs). */
    public function delete(string $resourceType, string $id, ?string $expectedVersion): Outcome;
}
