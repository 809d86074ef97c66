<?php

declare(strict_types=1);

namespace Scim\Host\Storage;

use Scim\Host\Outcome;
use Scim\Host\Storage;
use Scim\Host\WriteOp;

/**
 * Storage in one SQLite table (PDO sqlite), safe for several processes writing at once
 * (WAL, busy_timeout, writes in BEGIN IMMEDIATE transactions with version checks).
 *
 * One row per resource: `id` (primary key), `resource_type`, lookup columns `user_name`,
 * `external_id`, `display_name`, the stored `version` (meta.version), the JSON text as the engine
 * gave it, and `password_hash` (password_hash()). `user_name` and `display_name` hold the value
 * lowercased (PlanSql::fold) for case-insensitive lookup; the JSON stays the source of truth.
 *
 * Write requests run under one BEGIN IMMEDIATE transaction from load to write (Exclusive), so
 * concurrent writers to one resource (e.g. two processes adding Group members) queue instead of
 * exhausting the engine's optimistic retries.
 *
 * Searches push the filter plan down to SQL where that is exactly right (see PlanSql); the rest is
 * answered with a candidate superset (exact=false) for the engine to filter.
 */
final class SqliteStorage implements Storage, Exclusive
{
    private readonly \PDO $pdo;

    /** Whether this object has a transaction open (PDO::inTransaction() does not see exec('BEGIN')). */
    private bool $inTransaction = false;

    /**
     * @param \PDO|string $database a PDO sqlite connection, or a file path (":memory:" for tests)
     * @param int $busyTimeoutMs how long a writer waits for another process's lock
     */
    public function __construct(\PDO|string $database, private readonly string $table = 'scim_resource', int $busyTimeoutMs = 15000)
    {
        if (preg_match('/^[A-Za-z_][A-Za-z0-9_]*$/', $table) !== 1) {
            throw new \InvalidArgumentException("invalid table name {$table}");
        }
        if (is_string($database)) {
            $database = new \PDO('sqlite:' . $database, null, null, [\PDO::ATTR_ERRMODE => \PDO::ERRMODE_EXCEPTION]);
        }
        $this->pdo = $database;
        $this->pdo->setAttribute(\PDO::ATTR_ERRMODE, \PDO::ERRMODE_EXCEPTION);
        $this->pdo->setAttribute(\PDO::ATTR_DEFAULT_FETCH_MODE, \PDO::FETCH_ASSOC);
        if ($this->pdo->getAttribute(\PDO::ATTR_PERSISTENT)) {
            // A persistent connection outlives its request: one that died mid-write (fatal error,
            // timeout) must not hand its open transaction, and the write lock, to the next request.
            self::rollBackQuietly($this->pdo);
        }
        $this->pdo->exec('PRAGMA busy_timeout = ' . max(0, $busyTimeoutMs));
        $this->pdo->exec('PRAGMA journal_mode = WAL');
        $this->pdo->exec('PRAGMA synchronous = NORMAL');
        $this->pdo->sqliteCreateFunction('scim_lower', static fn ($v) => is_string($v) ? mb_strtolower($v, 'UTF-8') : $v, 1, \PDO::SQLITE_DETERMINISTIC);
        $this->migrate();
    }

    /** The PDO connection (for tests and maintenance). */
    public function pdo(): \PDO
    {
        return $this->pdo;
    }

    /** Creates the table and its indexes when missing. */
    private function migrate(): void
    {
        $t = $this->table;
        $this->pdo->exec("CREATE TABLE IF NOT EXISTS {$t} (
            id TEXT NOT NULL PRIMARY KEY,
            resource_type TEXT NOT NULL,
            user_name TEXT COLLATE NOCASE,
            external_id TEXT,
            display_name TEXT COLLATE NOCASE,
            version TEXT,
            json TEXT NOT NULL,
            password_hash TEXT
        )");
        $this->pdo->exec("CREATE UNIQUE INDEX IF NOT EXISTS {$t}_user_name ON {$t} (resource_type, user_name)");
        $this->pdo->exec("CREATE INDEX IF NOT EXISTS {$t}_external_id ON {$t} (resource_type, external_id)");
        $this->pdo->exec("CREATE INDEX IF NOT EXISTS {$t}_display_name ON {$t} (resource_type, display_name)");
        $this->pdo->exec("CREATE INDEX IF NOT EXISTS {$t}_type_id ON {$t} (resource_type, id)");
        $this->pdo->exec("CREATE INDEX IF NOT EXISTS {$t}_version ON {$t} (version)");
    }

    public function load(string $resourceType, string $id): Outcome
    {
        $stmt = $this->pdo->prepare("SELECT json FROM {$this->table} WHERE id = ? AND resource_type = ?");
        $stmt->execute([$id, $resourceType]);
        $json = $stmt->fetchColumn();
        return is_string($json) ? Outcome::resource($json) : Outcome::missing();
    }

    public function search(string $resourceType, ?array $plan, ?string $sortBy, bool $descending, int $startIndex, int $count): Outcome
    {
        $query = $this->plan($resourceType, $plan, $sortBy);
        if ($query['exact']) {
            $total = $this->pdo->prepare("SELECT COUNT(*) FROM {$this->table} WHERE {$query['where']}");
            $total->execute($query['params']);
            $dir = $descending ? 'DESC' : 'ASC';
            $order = $query['sortColumn'] === 'id' ? "id {$dir}" : "{$query['sortColumn']} {$dir}, id {$dir}";
            $stmt = $this->pdo->prepare("SELECT json FROM {$this->table} WHERE {$query['where']} ORDER BY {$order} LIMIT ? OFFSET ?");
            $stmt->execute([...$query['params'], max(0, $count), max(0, $startIndex - 1)]);
            return Outcome::page((int) $total->fetchColumn(), $stmt->fetchAll(\PDO::FETCH_COLUMN), true);
        }
        $stmt = $this->pdo->prepare("SELECT json FROM {$this->table} WHERE {$query['where']} ORDER BY id");
        $stmt->execute($query['params']);
        $rows = $stmt->fetchAll(\PDO::FETCH_COLUMN);
        return Outcome::page(count($rows), $rows, false);
    }

    /**
     * How a search would run: the WHERE clause, its parameters, whether it is exact, and the sort column
     * (null when the sort cannot be done in SQL, which makes the answer inexact).
     *
     * @return array{where: string, params: list<mixed>, exact: bool, sortColumn: ?string}
     */
    public function plan(string $resourceType, ?array $plan, ?string $sortBy): array
    {
        $where = 'resource_type = ?';
        $params = [$resourceType];
        $exact = true;
        if ($plan !== null) {
            $pushed = PlanSql::translate($plan);
            if ($pushed === null) {
                $exact = false;
            } else {
                $where .= ' AND (' . $pushed->sql . ')';
                array_push($params, ...$pushed->params);
                $exact = $pushed->exact;
            }
        }
        $sortColumn = match ($sortBy) {
            null, 'id' => 'id',
            'userName' => $resourceType === 'User' ? 'user_name' : null,
            default => null,
        };
        if ($sortColumn === null) {
            $exact = false;
        }
        return ['where' => $where, 'params' => $params, 'exact' => $exact, 'sortColumn' => $sortColumn];
    }

    /** SQLite's EXPLAIN QUERY PLAN details for the rows a search reads (tests assert index use). */
    public function explainSearch(string $resourceType, ?array $plan): string
    {
        $query = $this->plan($resourceType, $plan, null);
        $stmt = $this->pdo->prepare("EXPLAIN QUERY PLAN SELECT json FROM {$this->table} WHERE {$query['where']}");
        $stmt->execute($query['params']);
        return implode("\n", array_map(static fn (array $r): string => (string) $r['detail'], $stmt->fetchAll()));
    }

    public function create(WriteOp $write): Outcome
    {
        return $this->transaction(function () use ($write): Outcome {
            $exists = $this->pdo->prepare("SELECT 1 FROM {$this->table} WHERE id = ?");
            $exists->execute([$write->id]);
            if ($exists->fetchColumn() !== false) {
                return Outcome::conflict('id');
            }
            $taken = $this->taken($write);
            if ($taken !== null) {
                return Outcome::conflict($taken);
            }
            $cols = self::columns($write->resource);
            $stmt = $this->pdo->prepare("INSERT INTO {$this->table}
                (id, resource_type, user_name, external_id, display_name, version, json, password_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
            try {
                $stmt->execute([
                    $write->id, $write->resourceType, $cols['user_name'], $cols['external_id'], $cols['display_name'],
                    $cols['version'], $write->resource, $write->password === null ? null : password_hash($write->password, PASSWORD_DEFAULT),
                ]);
            } catch (\PDOException $e) {
                if (self::isUniqueViolation($e)) {
                    return Outcome::conflict('userName');
                }
                throw $e;
            }
            return Outcome::written($write->resource);
        });
    }

    public function replace(WriteOp $write): Outcome
    {
        return $this->transaction(function () use ($write): Outcome {
            $stored = $this->storedVersion($write->resourceType, $write->id);
            if ($stored === false) {
                return Outcome::missing();
            }
            if ($write->expectedVersion !== null && $stored !== $write->expectedVersion) {
                return Outcome::versionMismatch();
            }
            $taken = $this->taken($write);
            if ($taken !== null) {
                return Outcome::conflict($taken);
            }
            $cols = self::columns($write->resource);
            $set = 'user_name = ?, external_id = ?, display_name = ?, version = ?, json = ?';
            $params = [$cols['user_name'], $cols['external_id'], $cols['display_name'], $cols['version'], $write->resource];
            if ($write->password !== null) {
                $set .= ', password_hash = ?';
                $params[] = password_hash($write->password, PASSWORD_DEFAULT);
            }
            $params[] = $write->id;
            $params[] = $write->resourceType;
            try {
                $this->pdo->prepare("UPDATE {$this->table} SET {$set} WHERE id = ? AND resource_type = ?")->execute($params);
            } catch (\PDOException $e) {
                if (self::isUniqueViolation($e)) {
                    return Outcome::conflict('userName');
                }
                throw $e;
            }
            return Outcome::written($write->resource);
        });
    }

    public function delete(string $resourceType, string $id, ?string $expectedVersion): Outcome
    {
        return $this->transaction(function () use ($resourceType, $id, $expectedVersion): Outcome {
            $stored = $this->storedVersion($resourceType, $id);
            if ($stored === false) {
                return Outcome::missing();
            }
            if ($expectedVersion !== null && $stored !== $expectedVersion) {
                return Outcome::versionMismatch();
            }
            $this->pdo->prepare("DELETE FROM {$this->table} WHERE id = ? AND resource_type = ?")->execute([$id, $resourceType]);
            return Outcome::deleted();
        });
    }

    /** Checks a password against the stored hash (for hosts that authenticate SCIM-provisioned users). */
    public function verifyPassword(string $resourceType, string $id, string $password): bool
    {
        $stmt = $this->pdo->prepare("SELECT password_hash FROM {$this->table} WHERE id = ? AND resource_type = ?");
        $stmt->execute([$id, $resourceType]);
        $hash = $stmt->fetchColumn();
        return is_string($hash) && password_verify($password, $hash);
    }

    /** @return string|null|false the stored version, null when none, false when the resource is missing */
    private function storedVersion(string $resourceType, string $id): string|null|false
    {
        $stmt = $this->pdo->prepare("SELECT version FROM {$this->table} WHERE id = ? AND resource_type = ?");
        $stmt->execute([$id, $resourceType]);
        $row = $stmt->fetch();
        if ($row === false) {
            return false;
        }
        return is_string($row['version']) ? $row['version'] : null;
    }

    /** The first unique attribute of $write that another resource of the type already holds. */
    private function taken(WriteOp $write): ?string
    {
        foreach ($write->unique as [$attribute, $value]) {
            $column = ['userName' => 'user_name', 'displayName' => 'display_name'][$attribute] ?? null;
            if ($column !== null) {
                $stmt = $this->pdo->prepare("SELECT 1 FROM {$this->table} WHERE resource_type = ? AND {$column} = ? AND id <> ? LIMIT 1");
                $stmt->execute([$write->resourceType, PlanSql::fold($value), $write->id]);
            } else {
                // Values of case-insensitive attributes arrive lowercased; compare those case-insensitively.
                $path = '$."' . str_replace(['\\', '"'], ['\\\\', '\\"'], $attribute) . '"';
                $insensitive = $value === mb_strtolower($value, 'UTF-8');
                $cond = $insensitive ? 'scim_lower(json_extract(json, ?)) = ?' : 'json_extract(json, ?) = ?';
                $stmt = $this->pdo->prepare("SELECT 1 FROM {$this->table} WHERE resource_type = ? AND {$cond} AND id <> ? LIMIT 1");
                $stmt->execute([$write->resourceType, $path, $value, $write->id]);
            }
            if ($stmt->fetchColumn() !== false) {
                return $attribute;
            }
        }
        return null;
    }

    /** @return array{user_name: ?string, external_id: ?string, display_name: ?string, version: ?string} */
    private static function columns(string $json): array
    {
        $data = json_decode($json, true);
        $data = is_array($data) ? $data : [];
        $str = static fn (mixed $v): ?string => is_string($v) ? $v : null;
        $lower = static fn (mixed $v): ?string => is_string($v) ? PlanSql::fold($v) : null;
        return [
            'user_name' => $lower($data['userName'] ?? null),
            'external_id' => $str($data['externalId'] ?? null),
            'display_name' => $lower($data['displayName'] ?? null),
            'version' => $str(is_array($data['meta'] ?? null) ? ($data['meta']['version'] ?? null) : null),
        ];
    }

    public function exclusively(callable $work): mixed
    {
        return $this->transaction($work);
    }

    /**
     * Runs $work in a BEGIN IMMEDIATE transaction, or inside the one already open.
     *
     * @template T
     * @param callable(): T $work
     * @return T
     */
    private function transaction(callable $work): mixed
    {
        if ($this->inTransaction) {
            return $work();
        }
        $this->pdo->exec('BEGIN IMMEDIATE');
        $this->inTransaction = true;
        $committed = false;
        try {
            $result = $work();
            $this->pdo->exec('COMMIT');
            $committed = true;
            return $result;
        } finally {
            if (!$committed) {
                // Also when COMMIT itself failed: the connection may be persistent and serve the next request.
                self::rollBackQuietly($this->pdo);
            }
            $this->inTransaction = false;
        }
    }

    /** Rolls back the connection's transaction if one is open (PDO cannot tell for exec('BEGIN')). */
    private static function rollBackQuietly(\PDO $pdo): void
    {
        try {
            $pdo->exec('ROLLBACK');
        } catch (\PDOException) {
            // "cannot rollback - no transaction is active"
        }
    }

    private static function isUniqueViolation(\PDOException $e): bool
    {
        return str_contains($e->getMessage(), 'UNIQUE constraint failed');
    }
}
