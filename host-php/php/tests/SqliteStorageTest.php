<?php

declare(strict_types=1);

namespace Scim\Host\Tests;

use PHPUnit\Framework\TestCase;
use Scim\Host\Storage\SqliteStorage;
use Scim\Host\WriteOp;

/** SqliteStorage on its own (no FFI): uniqueness, versions, paging, push-down exact vs candidates. */
final class SqliteStorageTest extends TestCase
{
    private static function user(string $id, string $userName, string $version = 'W/"1"', array $extra = []): string
    {
        return json_encode(['id' => $id, 'userName' => $userName, 'meta' => ['version' => $version]] + $extra, JSON_THROW_ON_ERROR);
    }

    private static function eq(string $attr, string $value, bool $caseExact = false): array
    {
        return ['op' => 'eq', 'attr' => $attr, 'type' => 'string', 'caseExact' => $caseExact, 'multiValued' => false, 'value' => $value];
    }

    private function create(SqliteStorage $s, string $id, string $userName, array $extra = []): array
    {
        return $s->create(new WriteOp('User', $id, self::user($id, $userName, 'W/"1"', $extra), null, [['userName', mb_strtolower($userName)]]))->toArray();
    }

    public function testCreateThenLoadReturnsTheJsonAsGiven(): void
    {
        $s = new SqliteStorage(':memory:');
        $out = $this->create($s, 'a', 'bjensen');
        self::assertSame(['outcome' => 'written', 'value' => self::user('a', 'bjensen')], $out);
        self::assertSame(['outcome' => 'resource', 'value' => self::user('a', 'bjensen')], $s->load('User', 'a')->toArray());
        self::assertSame(['outcome' => 'missing'], $s->load('Group', 'a')->toArray());
        self::assertSame(['outcome' => 'missing'], $s->load('User', 'nope')->toArray());
    }

    public function testExclusivelyHoldsTheWriteLockAndNestsWrites(): void
    {
        $file = sys_get_temp_dir() . '/scim-exclusive-' . bin2hex(random_bytes(4)) . '.sqlite';
        try {
            $s = new SqliteStorage($file);
            $other = new SqliteStorage($file, 'scim_resource', 0);
            $out = $s->exclusively(function () use ($s, $other): array {
                $written = $this->create($s, 'a', 'inside');
                try {
                    $this->create($other, 'b', 'other');
                    self::fail('another connection wrote while the lock was held');
                } catch (\PDOException $e) {
                    self::assertStringContainsString('locked', $e->getMessage());
                }
                return $written;
            });
            self::assertSame('written', $out['outcome']);
            self::assertSame('resource', $other->load('User', 'a')->toArray()['outcome'], 'committed at the end');
            self::assertSame('written', $this->create($other, 'b', 'other')['outcome'], 'lock released');

            try {
                $s->exclusively(function () use ($s): void {
                    $this->create($s, 'c', 'rolled-back');
                    throw new \RuntimeException('boom');
                });
            } catch (\RuntimeException) {
            }
            self::assertSame(['outcome' => 'missing'], $other->load('User', 'c')->toArray(), 'rolled back on exception');
        } finally {
            foreach (['', '-wal', '-shm'] as $suffix) {
                @unlink($file . $suffix);
            }
        }
    }

    public function testAPersistentConnectionLeftInATransactionIsRolledBackForTheNextRequest(): void
    {
        $file = sys_get_temp_dir() . '/scim-persistent-' . bin2hex(random_bytes(4)) . '.sqlite';
        $dsn = 'sqlite:' . $file;
        try {
            $first = new SqliteStorage(new \PDO($dsn, null, null, [\PDO::ATTR_PERSISTENT => true]));
            // A request that died mid-write (fatal error: no finally ran) leaves this behind.
            $first->pdo()->exec('BEGIN IMMEDIATE');
            $first->pdo()->exec("INSERT INTO scim_resource (id, resource_type, json) VALUES ('x', 'User', '{}')");
            unset($first);

            $next = new SqliteStorage(new \PDO($dsn, null, null, [\PDO::ATTR_PERSISTENT => true]));
            $other = new SqliteStorage($file, 'scim_resource', 0);
            self::assertSame(['outcome' => 'missing'], $other->load('User', 'x')->toArray(), 'rolled back');
            self::assertSame('written', $this->create($other, 'b', 'other')['outcome'], 'write lock released');
            self::assertSame('written', $this->create($next, 'c', 'next')['outcome']);
        } finally {
            foreach (['', '-wal', '-shm'] as $suffix) {
                @unlink($file . $suffix);
            }
        }
    }

    public function testUserNameIsUniquePerTypeCaseInsensitively(): void
    {
        $s = new SqliteStorage(':memory:');
        $this->create($s, 'a', 'BJensen');
        self::assertSame(['outcome' => 'conflict', 'value' => 'userName'], $this->create($s, 'b', 'bjENSEN'));
        self::assertSame('written', $this->create($s, 'c', 'ÄRGER')['outcome']);
        self::assertSame(['outcome' => 'conflict', 'value' => 'userName'], $this->create($s, 'd', 'ärger'), 'non-ASCII case folding too');
        self::assertSame(['outcome' => 'conflict', 'value' => 'id'], $this->create($s, 'a', 'other'));
        // A group may carry any displayName; userName uniqueness is per resource type.
        $group = json_encode(['id' => 'g', 'displayName' => 'bjensen', 'meta' => ['version' => 'W/"1"']]);
        self::assertSame('written', $s->create(new WriteOp('Group', 'g', $group))->case);
    }

    public function testUniqueValueOfAnotherAttributeIsCheckedInTheJson(): void
    {
        $s = new SqliteStorage(':memory:');
        $op = fn (string $id, string $emp) => new WriteOp('User', $id, self::user($id, "u{$id}", 'W/"1"', ['employeeNumber' => $emp]), null, [['employeeNumber', mb_strtolower($emp)]]);
        self::assertSame('written', $s->create($op('a', 'E-1'))->case);
        self::assertSame(['outcome' => 'conflict', 'value' => 'employeeNumber'], $s->create($op('b', 'e-1'))->toArray());
        self::assertSame('written', $s->replace($op('a', 'E-1'))->case, 'a resource does not conflict with itself');
    }

    public function testReplaceChecksTheExpectedVersion(): void
    {
        $s = new SqliteStorage(':memory:');
        $this->create($s, 'a', 'bjensen');
        $v2 = self::user('a', 'bjensen', 'W/"2"');
        self::assertSame(['outcome' => 'version-mismatch'], $s->replace(new WriteOp('User', 'a', $v2, 'W/"0"'))->toArray());
        self::assertSame(['outcome' => 'written', 'value' => $v2], $s->replace(new WriteOp('User', 'a', $v2, 'W/"1"'))->toArray());
        self::assertSame(['outcome' => 'version-mismatch'], $s->replace(new WriteOp('User', 'a', $v2, 'W/"1"'))->toArray());
        self::assertSame(['outcome' => 'missing'], $s->replace(new WriteOp('User', 'zz', $v2, null))->toArray());
        $this->create($s, 'b', 'other');
        $clash = self::user('b', 'BJENSEN', 'W/"3"');
        self::assertSame(['outcome' => 'conflict', 'value' => 'userName'], $s->replace(new WriteOp('User', 'b', $clash, null, [['userName', 'bjensen']]))->toArray());
    }

    public function testDeleteChecksTheExpectedVersion(): void
    {
        $s = new SqliteStorage(':memory:');
        $this->create($s, 'a', 'bjensen');
        self::assertSame(['outcome' => 'version-mismatch'], $s->delete('User', 'a', 'W/"9"')->toArray());
        self::assertSame(['outcome' => 'deleted'], $s->delete('User', 'a', 'W/"1"')->toArray());
        self::assertSame(['outcome' => 'missing'], $s->delete('User', 'a', null)->toArray());
        self::assertSame('written', $this->create($s, 'b', 'bjensen')['outcome'], 'the userName is free again');
    }

    public function testPasswordsAreHashedAndKeptWhenAReplaceHasNone(): void
    {
        $s = new SqliteStorage(':memory:');
        $s->create(new WriteOp('User', 'a', self::user('a', 'bjensen'), null, [], 's3cret'));
        $hash = $s->pdo()->query("SELECT password_hash FROM scim_resource WHERE id = 'a'")->fetchColumn();
        self::assertNotSame('s3cret', $hash);
        self::assertTrue(password_get_info($hash)['algo'] !== null);
        $s->replace(new WriteOp('User', 'a', self::user('a', 'bjensen', 'W/"2"')));
        self::assertTrue($s->verifyPassword('User', 'a', 's3cret'));
        $s->replace(new WriteOp('User', 'a', self::user('a', 'bjensen', 'W/"3"'), null, [], 'n3w'));
        self::assertFalse($s->verifyPassword('User', 'a', 's3cret'));
        self::assertTrue($s->verifyPassword('User', 'a', 'n3w'));
    }

    public function testExactSearchPagesAndCountsInSql(): void
    {
        $s = new SqliteStorage(':memory:');
        for ($i = 0; $i < 25; $i++) {
            $this->create($s, sprintf('id%02d', $i), sprintf('user%02d', 24 - $i));
        }
        $page = $s->search('User', null, null, false, 11, 10)->toArray();
        self::assertTrue($page['exact']);
        self::assertSame(25, $page['total']);
        self::assertSame(array_map(static fn ($i) => sprintf('id%02d', $i), range(10, 19)), array_map(static fn ($j) => json_decode($j, true)['id'], $page['resources']));

        $page = $s->search('User', null, 'userName', true, 1, 3)->toArray();
        self::assertTrue($page['exact']);
        self::assertSame(['user24', 'user23', 'user22'], array_map(static fn ($j) => json_decode($j, true)['userName'], $page['resources']));

        $only = $s->search('User', null, null, false, 1, 0)->toArray();
        self::assertSame([25, []], [$only['total'], $only['resources']], 'count 0 gives only the total');

        $or = ['op' => 'or', 'args' => [self::eq('userName', 'USER03'), self::eq('id', 'id00', true)]];
        $page = $s->search('User', $or, null, false, 1, 10)->toArray();
        self::assertTrue($page['exact']);
        self::assertSame(2, $page['total']);

        $sw = ['op' => 'sw', 'attr' => 'userName', 'type' => 'string', 'caseExact' => false, 'multiValued' => false, 'value' => 'User1'];
        $page = $s->search('User', $sw, null, false, 1, 100)->toArray();
        self::assertTrue($page['exact']);
        self::assertSame(10, $page['total']);
        $literal = ['op' => 'sw', 'attr' => 'userName', 'type' => 'string', 'caseExact' => false, 'multiValued' => false, 'value' => 'user_'];
        self::assertSame(0, $s->search('User', $literal, null, false, 1, 100)->toArray()['total'], '_ is not a LIKE wildcard here');
    }

    public function testUnpushableConjunctGivesCandidatesFromThePushablePart(): void
    {
        $s = new SqliteStorage(':memory:');
        $this->create($s, 'a', 'x', ['title' => 'yes']);
        $this->create($s, 'b', 'y', ['title' => 'yes']);
        $co = ['op' => 'co', 'attr' => 'title', 'type' => 'string', 'caseExact' => false, 'multiValued' => false, 'value' => 'y'];
        $page = $s->search('User', ['op' => 'and', 'args' => [self::eq('userName', 'x'), $co]], null, false, 1, 10)->toArray();
        self::assertFalse($page['exact']);
        self::assertSame(['a'], array_map(static fn ($j) => json_decode($j, true)['id'], $page['resources']));

        $page = $s->search('User', ['op' => 'or', 'args' => [self::eq('userName', 'x'), $co]], null, false, 1, 10)->toArray();
        self::assertFalse($page['exact']);
        self::assertCount(2, $page['resources'], 'an or with an unpushable part returns every candidate');

        $page = $s->search('User', self::eq('userName', 'x'), 'name.familyName', false, 1, 10)->toArray();
        self::assertFalse($page['exact'], 'a sort SQL cannot do makes the answer inexact');
        self::assertCount(1, $page['resources']);

        $page = $s->search('User', self::eq('userName', 'X', true), null, false, 1, 10)->toArray();
        self::assertFalse($page['exact'], 'caseExact on a lowercased column is only a candidate filter');

        $page = $s->search('User', self::eq('externalId', 'x', false), null, false, 1, 10)->toArray();
        self::assertFalse($page['exact']);
        self::assertCount(2, $page['resources']);
    }

    public function testNonAsciiCaseInsensitiveValuesAreCandidates(): void
    {
        $s = new SqliteStorage(':memory:');
        $this->create($s, 'a', 'Ärger');
        $page = $s->search('User', self::eq('userName', 'äRGER'), null, false, 1, 10)->toArray();
        self::assertFalse($page['exact']);
        self::assertCount(1, $page['resources']);
        $this->create($s, 'o', 'ΟΔΟΣ');
        $page = $s->search('User', self::eq('userName', 'οδος'), null, false, 1, 10)->toArray();
        self::assertSame(['o'], array_map(static fn ($j) => json_decode($j, true)['id'], $page['resources']), 'final sigma as the engine lowercases it');
        // The Kelvin sign lowercases to ASCII "k": stored lowercased, an ASCII query still finds it exactly.
        $this->create($s, 'k', "\u{212A}elvin");
        $page = $s->search('User', self::eq('userName', 'KELVIN'), null, false, 1, 10)->toArray();
        self::assertTrue($page['exact']);
        self::assertSame(1, $page['total']);
    }

    public function testUserNameEqOnOneHundredThousandUsersUsesTheIndex(): void
    {
        $s = new SqliteStorage(':memory:');
        $pdo = $s->pdo();
        $pdo->exec('BEGIN');
        $insert = $pdo->prepare('INSERT INTO scim_resource (id, resource_type, user_name, external_id, display_name, version, json) VALUES (?, ?, ?, ?, ?, ?, ?)');
        for ($i = 0; $i < 100000; $i++) {
            $insert->execute(["id{$i}", 'User', "user{$i}", "ext{$i}", "user number {$i}", 'W/"1"', self::user("id{$i}", "user{$i}")]);
        }
        $pdo->exec('COMMIT');
        $pdo->exec('ANALYZE');

        $plan = self::eq('userName', 'USER77777');
        $explain = $s->explainSearch('User', $plan);
        self::assertMatchesRegularExpression('/USING (COVERING )?INDEX scim_resource_user_name/', $explain);
        self::assertStringNotContainsString('SCAN', $explain);

        $started = hrtime(true);
        $page = $s->search('User', $plan, null, false, 1, 10)->toArray();
        $ms = (hrtime(true) - $started) / 1e6;
        self::assertTrue($page['exact']);
        self::assertSame(1, $page['total']);
        self::assertLessThan(50, $ms, 'an indexed lookup, not a scan');

        foreach (['externalId' => true, 'displayName' => false, 'id' => true] as $attr => $exact) {
            self::assertStringNotContainsString('SCAN', $s->explainSearch('User', self::eq($attr, 'v', $exact)), $attr);
        }
    }

    public function testTwoConnectionsToOneFileSeeEachOthersVersions(): void
    {
        $file = tempnam(sys_get_temp_dir(), 'scim') . '.sqlite';
        try {
            $a = new SqliteStorage($file);
            $b = new SqliteStorage($file);
            self::assertSame('wal', $a->pdo()->query('PRAGMA journal_mode')->fetchColumn());
            $this->create($a, 'a', 'bjensen');
            self::assertSame('written', $b->replace(new WriteOp('User', 'a', self::user('a', 'bjensen', 'W/"2"'), 'W/"1"'))->case);
            self::assertSame('version-mismatch', $a->replace(new WriteOp('User', 'a', self::user('a', 'bjensen', 'W/"3"'), 'W/"1"'))->case);
        } finally {
            foreach (['', '-wal', '-shm'] as $suffix) {
                @unlink($file . $suffix);
            }
        }
    }
}
