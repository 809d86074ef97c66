<?php

declare(strict_types=1);

namespace Scim\Host\Storage;

/**
 * A filter plan (the engine's plan JSON, see Plan::to_json in guest/src/filter) pushed down to a
 * SQL condition on SqliteStorage's columns.
 *
 * Pushed: `eq` and `sw` on `id`, `externalId` (as stored), `userName`, `displayName` (stored
 * lowercased), and `and` / `or` of pushed nodes. A node is EXACT when SQL gives precisely the
 * engine's answer (case-insensitive ASCII values, or case-exact values on as-is columns); it is a
 * CANDIDATE (superset) otherwise. An `and` with unpushable parts keeps its pushable conjuncts as a
 * candidate pre-filter; an `or` with an unpushable part is not pushed at all. Never a wrong result.
 */
final class PlanSql
{
    /** Plan attribute -> [column, stored lowercased]. */
    private const COLUMNS = [
        'id' => ['id', false],
        'externalId' => ['external_id', false],
        'userName' => ['user_name', true],
        'displayName' => ['display_name', true],
    ];

    /**
     * The form kept in lowercased columns and compared with them: mb_strtolower, with final sigma
     * folded to sigma (Rust's to_lowercase, used by the engine, treats final sigma by context).
     */
    public static function fold(string $value): string
    {
        return str_replace("\u{03C2}", "\u{03C3}", mb_strtolower($value, 'UTF-8'));
    }

    /** @param list<mixed> $params */
    private function __construct(public readonly string $sql, public readonly array $params, public readonly bool $exact)
    {
    }

    /** The pushed-down condition, or null when nothing of the plan can be pushed (scan all candidates). */
    public static function translate(array $plan): ?self
    {
        $op = $plan['op'] ?? null;
        if ($op === 'and' || $op === 'or') {
            $args = is_array($plan['args'] ?? null) ? $plan['args'] : [];
            $parts = [];
            $exact = true;
            foreach ($args as $arg) {
                $part = is_array($arg) ? self::translate($arg) : null;
                if ($part === null) {
                    if ($op === 'or') {
                        return null;
                    }
                    $exact = false;
                    continue;
                }
                $parts[] = $part;
                $exact = $exact && $part->exact;
            }
            if ($parts === []) {
                return null;
            }
            $sql = implode(' ' . strtoupper($op) . ' ', array_map(static fn (self $p): string => '(' . $p->sql . ')', $parts));
            return new self($sql, array_merge(...array_map(static fn (self $p): array => $p->params, $parts)), $exact);
        }
        if ($op !== 'eq' && $op !== 'sw') {
            return null;
        }
        $attr = $plan['attr'] ?? null;
        $value = $plan['value'] ?? null;
        if (!is_string($attr) || !isset(self::COLUMNS[$attr]) || !is_string($value) || ($plan['multiValued'] ?? false) !== false) {
            return null;
        }
        $type = $plan['type'] ?? 'string';
        if ($type !== 'string' && $type !== 'reference') {
            return null;
        }
        [$column, $lowered] = self::COLUMNS[$attr];
        $caseExact = ($plan['caseExact'] ?? false) === true;
        if ($lowered) {
            $needle = self::fold($value);
            // Lowercased columns answer exactly for case-insensitive ASCII values; otherwise a superset.
            $exact = !$caseExact && mb_check_encoding($value, 'ASCII');
            if ($op === 'eq') {
                return new self("{$column} = ?", [$needle], $exact);
            }
            return new self("{$column} LIKE ? ESCAPE '\\'", [addcslashes($needle, '\\%_') . '%'], $exact);
        }
        if (!$caseExact) {
            return null;
        }
        if ($op === 'eq') {
            return new self("{$column} = ?", [$value], true);
        }
        return new self("substr({$column}, 1, ?) = ?", [mb_strlen($value, 'UTF-8'), $value], true);
    }
}
