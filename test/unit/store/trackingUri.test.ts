import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileStorePath, redactUri, resolveTrackingUri, sqlitePath, storeKindOf } from '../../../extension/core/store/trackingUri';

const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function workspace(opts: { mlrunsWithData?: boolean; mlrunsArtifactsOnly?: boolean; db?: boolean }): string {
  const ws = mkdtempSync(join(tmpdir(), 'mlwb-ws-'));
  made.push(ws);
  if (opts.mlrunsWithData) {
    mkdirSync(join(ws, 'mlruns', '0'), { recursive: true });
    writeFileSync(join(ws, 'mlruns', '0', 'meta.yaml'), 'name: Default\n');
  }
  if (opts.mlrunsArtifactsOnly) mkdirSync(join(ws, 'mlruns', '1', 'abc', 'artifacts'), { recursive: true });
  if (opts.db) writeFileSync(join(ws, 'mlflow.db'), '');
  return ws;
}

test('environment wins over the setting, which wins over the workspace', () => {
  const ws = workspace({ db: true });
  assert.deepEqual(resolveTrackingUri({ env: { MLFLOW_TRACKING_URI: 'http://h:5000' }, setting: 'sqlite:///x.db', workspaceFolders: [ws] }), { uri: 'http://h:5000', source: 'environment' });
  assert.deepEqual(resolveTrackingUri({ env: {}, setting: 'sqlite:///x.db', workspaceFolders: [ws] }), { uri: 'sqlite:///x.db', source: 'setting' });
  assert.deepEqual(resolveTrackingUri({ env: {}, workspaceFolders: [ws] }), { uri: `sqlite:///${ws}/mlflow.db`, source: 'workspace' });
});

test('mlruns with file-store data wins over mlflow.db, as in MLflow 3.7+', () => {
  const ws = workspace({ mlrunsWithData: true, db: true });
  assert.equal(resolveTrackingUri({ env: {}, workspaceFolders: [ws] })!.uri, `file://${ws}/mlruns`);
});

test('an mlruns folder holding only SQLite-store artifacts is not a file store', () => {
  const ws = workspace({ mlrunsArtifactsOnly: true, db: true });
  assert.equal(resolveTrackingUri({ env: {}, workspaceFolders: [ws] })!.uri, `sqlite:///${ws}/mlflow.db`);
  assert.equal(resolveTrackingUri({ env: {}, workspaceFolders: [workspace({ mlrunsArtifactsOnly: true })] }), undefined);
});

test('store kinds and paths', () => {
  assert.equal(storeKindOf('file:///a/mlruns'), 'file');
  assert.equal(storeKindOf('/a/mlruns'), 'file');
  assert.equal(storeKindOf('./mlruns'), 'file');
  assert.equal(storeKindOf('sqlite:///mlflow.db'), 'sqlite');
  assert.equal(storeKindOf('postgresql+psycopg2://u@h/db'), 'sql');
  assert.equal(storeKindOf('https://mlflow.example.com'), 'rest');
  assert.equal(storeKindOf('databricks'), 'file'); // bare word = relative path, as MLflow would treat it
  assert.equal(storeKindOf('databricks://profile'), 'unsupported');
  assert.equal(fileStorePath('file:///a/b'), '/a/b');
  assert.equal(fileStorePath('mlruns', '/ws'), '/ws/mlruns');
  assert.equal(sqlitePath('sqlite:////abs/mlflow.db'), '/abs/mlflow.db');
  assert.equal(sqlitePath('sqlite:///mlflow.db', '/ws'), '/ws/mlflow.db');
  assert.equal(redactUri('https://user:secret@host:5000/x'), 'https://***@host:5000/x');
});
