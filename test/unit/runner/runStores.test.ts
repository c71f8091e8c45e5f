import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startProjectRun } from '../../../extension/core/runner';
import { openWritableStore } from '../../../extension/core/store/openStore';
import { startMlflowServer, type TestServer } from '../../support/mlflowServer';
import { mlflowEnv } from '../../support/python';
import { collect, PYTHON, readRuns, tempDir, TRAIN_PROJECT, writeFiles } from './helpers';

/**
 * The same run on the other store kinds: SQLite (the run is created through our local
 * `mlflow server`, the script writes to the database itself) and a real `mlflow server`.
 */

describe('project runner on SQLite and on a server', () => {
  const tmp = tempDir('runner-stores');
  const project = join(tmp.path, 'project');
  let server: TestServer | undefined;
  const env = { ...mlflowEnv() };
  delete env.MLFLOW_TRACKING_URI;
  before(() => writeFiles(project, TRAIN_PROJECT));
  after(async () => {
    await server?.stop();
    tmp.remove();
  });

  test('SQLite: created RUNNING with its id at once, FINISHED with the metric', async () => {
    const uri = `sqlite:///${join(tmp.path, 'mlflow.db')}`;
    const out = collect();
    const h = startProjectRun({ project, entryPoint: 'main', parameters: { lr: '1' }, python: PYTHON, storeUri: uri, experimentName: 'sqlite-runs' }, out, { env, cacheDir: join(tmp.path, 'cache') });
    const id = await h.runId;
    const r = await h.done;
    assert.equal(r.status, 'FINISHED', out.text());
    assert.equal(r.runId, id);
    const run = readRuns(uri, [id])[id];
    assert.equal(run.status, 'FINISHED');
    assert.equal(run.metrics.loss, 0.5);
    assert.deepEqual(run.params, { lr: '1', note: 'plain' });
    assert.equal(run.tags['mlflow.project.entryPoint'], 'main');
  });

  test('SQLite through a lent store (as the extension lends its session): relative URI, FAILED on exit 3', async () => {
    const store = await openWritableStore('sqlite:///lent.db', { baseDir: tmp.path, python: PYTHON, env });
    try {
      const out = collect();
      // The relative URI names <tmp>/lent.db only through the lent store: the process must get that one.
      const r = await startProjectRun({ project, entryPoint: 'fail', parameters: {}, python: PYTHON, storeUri: 'sqlite:///lent.db', experimentName: 'lent' }, out, { env, store, cacheDir: join(tmp.path, 'cache') }).done;
      assert.equal(r.status, 'FAILED', out.text());
      assert.match(out.text(), /about to fail/);
      const run = readRuns(`sqlite:///${join(tmp.path, 'lent.db')}`, [r.runId])[r.runId];
      assert.equal(run.status, 'FAILED');
      assert.equal(run.tags['mlflow.project.entryPoint'], 'fail');
      assert.equal(run.tags['mlflow.project.backend'], 'local', 'mlflow run wrote to the same database');
    } finally {
      await store.close?.();
    }
  });

  test('mlflow server: the script ending its own run FAILED is left alone', async () => {
    server = await startMlflowServer(['--backend-store-uri', `sqlite:///${join(tmp.path, 'server.db')}`, '--default-artifact-root', join(tmp.path, 'server-artifacts')]);
    const out = collect();
    const r = await startProjectRun({ project, entryPoint: 'self_end', parameters: {}, python: PYTHON, storeUri: server.url, experimentName: 'server-runs' }, out, { env, cacheDir: join(tmp.path, 'cache') }).done;
    assert.equal(r.exitCode, 0, out.text());
    assert.equal(r.status, 'FAILED');
    const run = readRuns(server.url, [r.runId])[r.runId];
    assert.equal(run.status, 'FAILED');
    assert.equal(run.metrics.seen, 1);
    assert.equal(run.tags['mlflow.source.type'], 'PROJECT');
  });
});
