import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, test } from 'node:test';
import { main } from '../../../extension/cli/main';
import { FileStore } from '../../../extension/core/store/fileStoreWriter';
import { copyFixtureStore, loadExpected } from '../../support/fixture';
import { pythonLoggedModels } from '../../support/loggedModelStore';
import { runPythonJson } from '../../support/python';

/** `mlwb logged-models` and `mlwb register` on a copy of the store real mlflow wrote, read back by Python. */

const expected = loadExpected();
const root = copyFixtureStore();
const uri = `file://${root}`;
after(() => rmSync(dirname(root), { recursive: true, force: true }));

async function mlwb(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s + '\n'), err: (s) => (err += s + '\n'), env: {}, cwd: dirname(root) });
  return { code, out, err };
}

const iris = expected.experiments.find((e) => e.name === 'iris-classifier')!;

test('mlwb logged-models --json lists what the Python client lists', async () => {
  const r = await mlwb(['logged-models', '--experiment', 'iris-classifier', '--store', uri, '--json']);
  assert.equal(r.code, 0, r.err);
  const rows = JSON.parse(r.out) as { model_id: string; name: string; status: string; source_run_id: string; params: Record<string, string>; tags: Record<string, string> }[];
  const py = pythonLoggedModels(uri, iris.experiment_id);
  assert.deepEqual(
    rows.map((m) => ({ model_id: m.model_id, name: m.name, status: m.status, source_run_id: m.source_run_id, params: m.params, tags: m.tags })),
    py.map((m) => ({ model_id: m.model_id, name: m.name, status: m.status, source_run_id: m.source_run_id, params: m.params, tags: m.tags })),
  );
  assert.equal(rows[0].source_run_id, expected.parent_run_id);
  const table = await mlwb(['logged-models', '--experiment', iris.experiment_id, '--store', uri]);
  assert.match(table.out, /MODEL ID\s+NAME\s+STATUS/);
  const missing = await mlwb(['logged-models', '--store', uri]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /--experiment is required/);
});

test('mlwb register: a new version with an alias, printed as JSON and read back by Python; bad input exits 2 before the store is touched', async () => {
  const listed = JSON.parse((await mlwb(['logged-models', '--experiment', 'iris-classifier', '--store', uri, '--json'])).out) as { model_id: string }[];
  const modelId = listed[0].model_id;
  const r = await mlwb(['register', '--source', `models:/${modelId}`, '--name', 'iris-model', '--alias', 'candidate', '--store', uri, '--json']);
  assert.equal(r.code, 0, r.err);
  const v = JSON.parse(r.out) as { name: string; version: string; aliases: string[]; source: string; run_id: string; model_id: string };
  assert.deepEqual([v.name, v.version, v.aliases, v.source, v.run_id, v.model_id], ['iris-model', '4', ['candidate'], `models:/${modelId}`, expected.parent_run_id, modelId]);
  assert.match(r.err, /created version 4 of 'iris-model'/);
  const py = runPythonJson<{ version: string; run_id: string }>(`
import json, mlflow
c = mlflow.MlflowClient(${JSON.stringify(uri)}, ${JSON.stringify(uri)})
v = c.get_model_version_by_alias("iris-model", "candidate")
print(json.dumps({"version": str(v.version), "run_id": v.run_id}))
`, {}, dirname(root));
  assert.deepEqual(py, { version: '4', run_id: expected.parent_run_id });

  const bad = await mlwb(['register', '--source', `models:/${modelId}`, '--name', 'x', '--alias', 'latest', '--store', '/no/such/store']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /'latest' is reserved/);
  const badSource = await mlwb(['register', '--source', 's3://bucket/model', '--name', 'x', '--store', uri]);
  assert.equal(badSource.code, 2);
  assert.match(badSource.err, /neither models:\/m-<id>/);
  // A prompt shares the registry's names: no model version goes into it.
  await new FileStore(root).createRegisteredModel('my-prompt', { tags: { 'mlflow.prompt.is_prompt': 'true' } });
  const prompt = await mlwb(['register', '--source', `models:/${modelId}`, '--name', 'my-prompt', '--store', uri]);
  assert.equal(prompt.code, 1);
  assert.match(prompt.err, /'my-prompt' is a prompt/);
  assert.deepEqual(await new FileStore(root).searchModelVersions({ filter: "name = 'my-prompt'" }), []);
  const unknown = await mlwb(['register', '--source', 'models:/m-00000000000000000000000000000000', '--name', 'never', '--store', uri]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /not found/);
});
