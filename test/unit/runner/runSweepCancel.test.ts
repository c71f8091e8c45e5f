import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSweep } from '../../../extension/core/runner';
import { mlflowEnv } from '../../support/python';
import { collect, PYTHON, readRuns, tempDir, TRAIN_PROJECT, writeFiles } from './helpers';

/** Cancelling a sweep: the running child ends KILLED, the rest never start, the parent ends KILLED. */

describe('sweep cancel', () => {
  const tmp = tempDir('runner-sweep-cancel');
  const project = join(tmp.path, 'project');
  const uri = `file://${join(tmp.path, 'mlruns')}`;
  const env = { ...mlflowEnv() };
  delete env.MLFLOW_TRACKING_URI;
  before(() => writeFiles(project, TRAIN_PROJECT));
  after(() => tmp.remove());

  test('cancel during the first child', async () => {
    const out = collect();
    const children: string[] = [];
    // `round` is not declared by `sleep`: mlflow run appends it as --round V, which sleep.py ignores.
    const h = startSweep({ project, entryPoint: 'sleep', base: {}, sweep: { round: ['1', '2', '3'] }, parallel: 1, python: PYTHON, storeUri: uri, experimentName: 'cancel' }, out, {
      env,
      cacheDir: join(tmp.path, 'cache'),
      onChild: (id) => children.push(id),
    });
    const parentId = await h.parentRunId;
    await out.waitFor(/started/);
    h.cancel();
    const r = await h.done;
    assert.equal(r.parent.runId, parentId);
    assert.equal(r.parent.status, 'KILLED');
    assert.deepEqual(r.children.map((c) => c.status), ['KILLED', 'NOT_STARTED', 'NOT_STARTED']);
    assert.equal(r.children[1].runId, undefined);
    assert.deepEqual(children, [r.children[0].runId]);
    const runs = readRuns(uri, [parentId, r.children[0].runId!]);
    assert.equal(runs[parentId].status, 'KILLED');
    assert.equal(runs[r.children[0].runId!].status, 'KILLED');
    assert.equal(runs[r.children[0].runId!].tags['mlflow.parentRunId'], parentId);
    assert.equal(runs[r.children[0].runId!].params.round, '1');
  });
});
