import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { directSqliteAvailable, SqliteReader } from '../../../extension/core/store/sqliteReader';
import { describeReaderConformance } from '../../support/readerConformance';
import { repoRoot } from '../../support/python';
import type { Expected } from '../../support/fixture';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';

/**
 * The direct SQLite reader against a store written by real mlflow (sqlite:///mlflow.db, MLflow's
 * default). Runs under Node 24 — the runtime of code-server's extension host — because node:sqlite
 * does not exist in Node 20 (scripts/run-unit-tests.mjs runs *.node24.test.ts with it).
 */

const dir = join(repoRoot, 'test', 'fixtures', 'generated-sqlite');
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
const db = join(dir, 'workspace', 'mlflow.db');

test('node:sqlite is available in this runtime', () => {
  assert.ok(directSqliteAvailable(), `node ${process.version} lacks node:sqlite`);
});

describeReaderConformance('direct SQLite reader vs mlflow on a sqlite:///mlflow.db store', expected, new SqliteReader(`sqlite:///${db}`, db));

test('a file that is not an MLflow database is named in the error', () => {
  assert.throws(() => new SqliteReader('sqlite:///x', join(dir, 'workspace', 'MLproject')), /MLproject is not an MLflow SQLite store/);
  assert.throws(() => new SqliteReader('sqlite:///x', '/no/such.db'), /SQLite database not found: \/no\/such.db/);
});

test('a FIFO or a device named as the database is refused before SQLite opens it (it would block the host)', { timeout: 60_000 }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mlwb-sqlite-fifo-'));
  try {
    execFileSync('mkfifo', [join(tmp, 'mlflow.db')]);
    assert.throws(() => new SqliteReader('sqlite:///x', join(tmp, 'mlflow.db')), /mlflow\.db is a FIFO \(named pipe\), not an SQLite database file/);
    symlinkSync('/dev/zero', join(tmp, 'zero.db'));
    assert.throws(() => new SqliteReader('sqlite:///x', join(tmp, 'zero.db')), /zero\.db is a character device/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
