import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startProjectRun } from '../../../extension/core/runner';
import { mlflowEnv } from '../../support/python';
import { allRunIds, collect, fakePythonDir, PYTHON, readRuns, tempDir, TRAIN_PROJECT, writeFiles } from './helpers';

/**
 * One entry point run end to end on a file store with the real `mlflow run`, with a `python`
 * that has no mlflow first on PATH: the run we create carries `mlflow run`'s tags and our params,
 * the script logs into it, and its end is right whichever way it ends.
 */

describe('project runner on a file store', () => {
  const tmp = tempDir('runner-file');
  const project = join(tmp.path, 'project');
  const store = join(tmp.path, 'mlruns');
  const uri = `file://${store}`;
  let env: NodeJS.ProcessEnv;
  const cacheDir = join(tmp.path, 'cache');
  before(() => {
    writeFiles(project, TRAIN_PROJECT);
    env = { ...mlflowEnv(), PATH: `${fakePythonDir(tmp.path)}${delimiter}${process.env.PATH}` };
    delete env.MLFLOW_TRACKING_URI;
  });
  after(() => tmp.remove());

  test('a run logs like `mlflow run`, with the chosen python, and a shell-looking value stays a value', async () => {
    const out = collect();
    const h = startProjectRun(
      { project, entryPoint: 'main', parameters: { lr: '0.5', note: '; touch x' }, python: PYTHON, storeUri: store, experimentName: 'runner', runName: 'first' },
      out,
      { env, cacheDir },
    );
    const early = await h.runId;
    const r = await h.done;
    assert.equal(r.runId, early);
    assert.equal(r.status, 'FINISHED', out.text());
    assert.equal(r.exitCode, 0);
    assert.match(out.text(), new RegExp(`executable ${PYTHON.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(out.text(), /note '; touch x'/);
    for (const dir of [project, tmp.path, process.cwd()]) assert.ok(!existsSync(join(dir, 'x')), `no file x in ${dir}`);
    const run = readRuns(uri, [r.runId])[r.runId];
    assert.equal(run.status, 'FINISHED');
    assert.equal(run.run_name, 'first');
    // Exactly what `mlflow run` logs: declared params with defaults, values shell-quoted.
    assert.deepEqual(run.params, { lr: '0.5', note: "'; touch x'" });
    assert.equal(run.metrics.loss, 1 / 1.5);
    assert.equal(run.tags['mlflow.project.entryPoint'], 'main');
    assert.equal(run.tags['mlflow.source.type'], 'PROJECT');
    assert.equal(run.tags['mlflow.source.name'], project);
    assert.equal(run.tags['mlflow.project.backend'], 'local');
    assert.ok(run.tags['mlflow.user']);
    assert.equal(run.tags['mlflow.runName'], 'first');
  });

  test('a failing entry point ends FAILED; a script that ended its own run is left alone', async () => {
    const failed = await startProjectRun({ project, entryPoint: 'fail', parameters: {}, python: PYTHON, storeUri: uri, experimentName: 'runner' }, collect(), { env, cacheDir }).done;
    assert.equal(failed.status, 'FAILED');
    assert.notEqual(failed.exitCode, 0);
    const out = collect();
    const own = await startProjectRun({ project, entryPoint: 'self_end', parameters: {}, python: PYTHON, storeUri: uri, experimentName: 'runner' }, out, { env, cacheDir }).done;
    assert.equal(own.exitCode, 0, out.text());
    assert.equal(own.status, 'FAILED');
    const runs = readRuns(uri, [failed.runId, own.runId]);
    assert.equal(runs[failed.runId].status, 'FAILED');
    assert.equal(runs[own.runId].status, 'FAILED');
    assert.equal(runs[own.runId].metrics.seen, 1);
  });

  test('cancel stops the whole process group and ends the run KILLED', async () => {
    const out = collect();
    const h = startProjectRun({ project, entryPoint: 'sleep', parameters: {}, python: PYTHON, storeUri: uri, experimentName: 'runner' }, out, { env, cacheDir });
    await out.waitFor(/started/);
    const pid = Number(readFileSync(join(project, 'sleep.pid'), 'utf8'));
    h.cancel();
    const r = await h.done;
    assert.equal(r.status, 'KILLED');
    assert.equal(r.exitCode, null);
    assert.equal(readRuns(uri, [r.runId])[r.runId].status, 'KILLED');
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the entry point process is gone');
  });

  test('nothing starts and no run is made for a bad value or an interpreter without mlflow', async () => {
    const before = allRunIds(uri);
    const bad = startProjectRun({ project, entryPoint: 'main', parameters: { lr: 'abc' }, python: PYTHON, storeUri: uri }, collect(), { env, cacheDir });
    await assert.rejects(bad.done, /parameter 'lr' \(float\): 'abc' is not a number/);
    await assert.rejects(bad.runId, /not a number/);
    const fake = join(tmp.path, 'fake-bin', 'python');
    const noMlflow = startProjectRun({ project, entryPoint: 'main', parameters: {}, python: fake, storeUri: uri }, collect(), { env, cacheDir });
    await assert.rejects(noMlflow.done, (e: Error) => e.message.includes(`mlflow is not installed for ${fake}`) && e.message.includes(`${fake} -m pip install mlflow`));
    await assert.rejects(startProjectRun({ project, entryPoint: 'nope', parameters: {}, python: PYTHON, storeUri: uri }, collect(), { env, cacheDir }).done, /entry point 'nope' is not in .*MLproject \(entry points: main, fail, sleep, self_end\)/);
    await assert.rejects(startProjectRun({ project, entryPoint: 'main', parameters: {}, python: PYTHON, storeUri: uri, envManager: 'conda' }, collect(), { env: { ...env, PATH: '/nonexistent' }, cacheDir }).done, /env manager 'conda' needs conda/);
    assert.deepEqual(allRunIds(uri).sort(), before.sort());
    assert.deepEqual(readdirSync(project).filter((f) => f === 'x'), []);
  });
});
