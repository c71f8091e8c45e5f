import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { directSqliteAvailable, SqliteReader } from '../../../extension/core/store/sqliteReader';
import { describeReaderConformance } from '../../support/readerConformance';
import { repoRoot } from '../../support/python';
import type { Expected } from '../../support/fixture';
import { readFileSync } from 'node:fs';

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
