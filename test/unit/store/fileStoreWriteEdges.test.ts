import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isStoreError } from '../../../extension/core/store/errors';
import { FileStore } from '../../../extension/core/store/fileStoreWriter';
import { mlflowEnv, mlflowPython, runPythonJson } from '../../support/python';
import { normalisedTree, normaliser } from '../../support/storeTrees';

const tmp = mkdtempSync(join(tmpdir(), 'mlwb-fsw-edges-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('a version registered from a logged model (models:/<model_id>) matches MLflow byte for byte', async () => {
  const py = join(tmp, 'pyA', 'mlruns');
  const ts = join(tmp, 'tsA', 'mlruns');
  // One Python process (mlflow's import is the slow part): build the store, fork a copy for us, then register.
  const made = runPythonJson<{ model_id: string; run_id: string }>(
    `import json, os, shutil
from mlflow import MlflowClient
c = MlflowClient()
e = c.create_experiment('lm')
r = c.create_run(e, run_name='src')
m = c.create_logged_model(e, name='my-model', source_run_id=r.info.run_id)
c.create_registered_model('from logged')
shutil.copytree(os.environ['STORE'], os.environ['COPY'])
c.create_model_version('from logged', 'models:/' + m.model_id, model_id=m.model_id)
print(json.dumps({'model_id': m.model_id, 'run_id': r.info.run_id}))`,
    { STORE: py, COPY: ts, MLFLOW_TRACKING_URI: `file://${py}`, MLFLOW_REGISTRY_URI: `file://${py}` },
    tmp,
  );
  const mv = await new FileStore(ts).createModelVersion('from logged', { source: `models:/${made.model_id}`, modelId: made.model_id });
  assert.equal(mv.runId, made.run_id, 'run id taken from the logged model');
  assert.match(mv.storageLocation ?? '', /\/models\/m-[0-9a-f]+\/artifacts$/);
  const a = normalisedTree(py, normaliser([], [['/pyA/', '/XX/']]));
  assert.ok(a.has('models/from logged/version-1/meta.yaml'));
  // The forked copy still names pyA in paths MLflow wrote before the fork.
  const b = normalisedTree(ts, normaliser([], [['/tsA/', '/XX/'], ['/pyA/', '/XX/']]));
  assert.deepEqual([...b.keys()], [...a.keys()]);
  for (const [k, v] of a) assert.equal(b.get(k), v, k);
});

test('Python and we append to the same metric concurrently: every point survives, no torn lines', async () => {
  const root = join(tmp, 'conc', 'mlruns');
  const s = new FileStore(root);
  const run = await s.createRun({ experimentId: '0', runName: 'shared' });
  const runId = run.info.runId;
  const py = spawn(
    mlflowPython(),
    [
      '-c',
      `import sys
from mlflow import MlflowClient
c = MlflowClient()
for i in range(200):
    c.log_metric('${runId}', 'shared', i * 0.5, timestamp=1000 + i, step=i)
    if i == 0:
        print('started', flush=True)
`,
    ],
    { env: mlflowEnv({ MLFLOW_TRACKING_URI: `file://${root}` }), cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  py.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const started = new Promise<void>((res) => py.stdout.on('data', () => res()));
  let finished = false;
  const pyDone = new Promise<number | null>((res) => py.on('close', (code) => ((finished = true), res(code))));
  let batches = 0;
  try {
    // Log for as long as Python does, so the appends really interleave.
    await Promise.race([started, pyDone]);
    while (!finished || batches < 5) {
      const b = batches++;
      await s.logBatch(runId, { metrics: Array.from({ length: 10 }, (_, i) => ({ key: 'shared', value: b + i / 10, timestamp: 5000 + b, step: 10000 + b * 10 + i })) });
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    const code = await pyDone;
    assert.equal(code, 0, stderr);
  }
  assert.ok(batches > 5, 'our writes overlapped the Python writer');
  const lines = readFileSync(join(root, '0', runId, 'metrics', 'shared'), 'utf8').split('\n');
  assert.equal(lines.pop(), '', 'file ends with a newline');
  assert.equal(lines.length, 200 + batches * 10);
  for (const l of lines) assert.match(l, /^\d+ -?[0-9.e+-]+ \d+$/, `torn line: ${JSON.stringify(l)}`);
  const steps = (await s.getMetricHistory(runId, 'shared')).map((m) => m.step).sort((x, y) => x - y);
  assert.deepEqual(steps, [...Array.from({ length: 200 }, (_, i) => i), ...Array.from({ length: batches * 10 }, (_, i) => 10000 + i)]);
});

test('clear errors: missing run, duplicate name, deleted run, changed param, bad key', async () => {
  const root = join(tmp, 'errors', 'mlruns');
  const s = new FileStore(root);
  await assert.rejects(s.logBatch('0123456789abcdef0123456789abcdef', { params: [{ key: 'a', value: '1' }] }), (e: unknown) => {
    assert.ok(isStoreError(e, 'RESOURCE_DOES_NOT_EXIST'));
    assert.match((e as Error).message, new RegExp(`Run '0123456789abcdef0123456789abcdef' not found in ${root}`));
    return true;
  });
  const exp = await s.createExperiment('dup');
  await assert.rejects(s.createExperiment('dup'), (e: unknown) => isStoreError(e, 'RESOURCE_ALREADY_EXISTS') && /Experiment 'dup' already exists/.test((e as Error).message));
  const gone = await s.createExperiment('gone');
  await s.deleteExperiment(gone);
  await assert.rejects(s.createExperiment('gone'), /already exists in deleted state/);
  const run = await s.createRun({ experimentId: exp, runName: 'r' });
  await s.logBatch(run.info.runId, { params: [{ key: 'lr', value: '0.1' }] });
  await s.logBatch(run.info.runId, { params: [{ key: 'lr', value: '0.1' }] }); // same value again is allowed
  await assert.rejects(s.logBatch(run.info.runId, { params: [{ key: 'lr', value: '0.2' }] }), (e: unknown) => {
    assert.ok(isStoreError(e, 'INVALID_PARAMETER_VALUE'));
    assert.match((e as Error).message, /Changing param values is not allowed. Param with key='lr' was already logged with value='0.1'/);
    return true;
  });
  await assert.rejects(s.logBatch(run.info.runId, { metrics: [{ key: '../escape', value: 1, timestamp: 1, step: 0 }] }), /Invalid metric name '..\/escape'/);
  await assert.rejects(s.deleteTag(run.info.runId, 'nope'), /No tag with name: nope in run with id/);
  await s.deleteRun(run.info.runId);
  await assert.rejects(s.logBatch(run.info.runId, { tags: [{ key: 'a', value: 'b' }] }), (e: unknown) => {
    assert.ok(isStoreError(e, 'INVALID_PARAMETER_VALUE'));
    assert.match((e as Error).message, /must be in 'active' lifecycle_stage/);
    assert.ok((e as Error).message.includes(root), 'names the store path');
    return true;
  });
  await assert.rejects(s.deleteExperiment('0'), /Cannot delete the default experiment/);
  await s.createRegisteredModel('m');
  await assert.rejects(s.createRegisteredModel('m'), (e: unknown) => isStoreError(e, 'RESOURCE_ALREADY_EXISTS'));
  await assert.rejects(s.createRegisteredModel('a/b'), /Invalid registered model name/);
  await s.createModelVersion('m', { source: 's3://x' });
  await assert.rejects(s.setRegisteredModelAlias('m', 'latest', '1'), /reserved/);
  await assert.rejects(s.setRegisteredModelAlias('m', 'ok', '7'), /Model Version \(name=m, version=7\) not found/);
  await assert.rejects(s.transitionModelVersionStage('m', '1', 'Archived', true), /cannot archive existing model versions/);
  // No temp files are left behind by the atomic writes.
  const leftovers = [...normalisedTree(root, (x) => x).keys()].filter((k) => k.includes('.mlwb-'));
  assert.deepEqual(leftovers, []);
});
