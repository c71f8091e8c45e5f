import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { withoutPrompts } from '../../../extension/core/model/promptFilter';
import type { ModelVersion, RegisteredModel } from '../../../extension/core/model/entities';
import { repoRoot, runPythonJson } from '../../support/python';

/** Prompts share the registry with models; `mlwb models` (and the Models view) leave them out, as mlflow's search does. */

const tmp = mkdtempSync(join(tmpdir(), 'mlwb-prompts-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('mlwb models leaves out what mlflow.genai.register_prompt wrote, and lists what search_registered_models lists', () => {
  const root = join(tmp, 'mlruns');
  const uri = pathToFileURL(root).href;
  const py = runPythonJson<{ names: string[]; all: string[] }>(`
import json, mlflow
from mlflow import MlflowClient
mlflow.set_tracking_uri("${uri}")
c = MlflowClient("${uri}", "${uri}")
with mlflow.start_run() as r:
    pass
c.create_registered_model("real-model")
c.create_model_version("real-model", r.info.artifact_uri + "/model", r.info.run_id)
mlflow.genai.register_prompt(name="greeting", template="Hello {{name}}")
mlflow.genai.register_prompt(name="greeting", template="Hi {{name}}!")
import os
print(json.dumps({"names": sorted(m.name for m in c.search_registered_models()), "all": sorted(os.listdir("${root}/models"))}))
`, { MLFLOW_TRACKING_URI: uri }, tmp);
  assert.ok(py.all.includes('greeting'), 'the prompt is in the registry folder');
  assert.deepEqual(py.names, ['real-model']);
  const built = join(repoRoot, 'dist', 'cli.js');
  const argv = existsSync(built) ? [built] : ['--import', 'tsx', join(repoRoot, 'extension/cli/index.ts')];
  const r = spawnSync(process.execPath, [...argv, 'models', '--store', root, '--json'], { encoding: 'utf8', env: { ...process.env, MLFLOW_TRACKING_URI: '' } });
  assert.equal(r.status, 0, r.stderr);
  const ours = JSON.parse(r.stdout) as { name: string; versions: unknown[] }[];
  assert.deepEqual(ours.map((m) => m.name).sort(), py.names);
  assert.equal(ours.find((m) => m.name === 'real-model')!.versions.length, 1);
});

test('withoutPrompts: the exact tag value "true" marks a prompt, for the model and its versions', () => {
  const model = (name: string, tags: Record<string, string>) => ({ name, tags }) as unknown as RegisteredModel;
  const version = (name: string, tags: Record<string, string> = {}) => ({ name, version: '1', tags }) as unknown as ModelVersion;
  const { models, versions } = withoutPrompts(
    [model('p', { 'mlflow.prompt.is_prompt': 'true' }), model('m', {}), model('t', { 'mlflow.prompt.is_prompt': 'True' })],
    [version('p'), version('m'), version('m', { 'mlflow.prompt.is_prompt': 'true' }), version('t')],
  );
  assert.deepEqual(models.map((m) => m.name), ['m', 't']);
  assert.deepEqual(versions.map((v) => `${v.name}:${Object.keys(v.tags).length}`), ['m:0', 't:0']);
});
