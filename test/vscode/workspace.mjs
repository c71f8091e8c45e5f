// The workspace both launchers open: a store logged by the real mlflow (make_fixture_store.py writes
// workspace/mlruns, an MLproject and expected.json with what mlflow reports), plus the language files
// the suite and the UI flows edit.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repo } from './build.mjs';

export function mlflowPython() {
  const p = process.env.MLWB_PYTHON || join(repo, '.cache', 'venv', 'bin', 'python');
  if (!existsSync(p)) throw new Error(`no Python with mlflow at ${p}: run bash scripts/setup-python.sh (or set MLWB_PYTHON)`);
  return p;
}

/** An MLproject whose `main` uses an undeclared {seed}; two entry points for the code lenses. */
export const LANG_MLPROJECT = `name: lang-check
entry_points:
  main:
    parameters:
      alpha: {type: float, default: 0.5}
      epochs: {type: float, default: 10}
    command: "python train.py --alpha {alpha} --epochs {epochs} --seed {seed}"
  evaluate:
    parameters:
      data: path
    command: "python eval.py {data}"
`;

/** An MLmodel whose signature inputs JSON lacks a comma between two fields of the second column. */
export const LANG_MLMODEL = `artifact_path: model
flavors:
  python_function:
    loader_module: mlflow.pyfunc.model
    python_version: 3.11.4
mlflow_version: 3.17.2
signature:
  inputs: '[{"type": "double", "name": "x", "required": true}, {"type": "double" "name": "y"}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]'
`;

function runMlflowScript(script, args, cwd) {
  const env = { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true', PYTHONWARNINGS: 'ignore', GIT_PYTHON_REFRESH: 'quiet' };
  delete env.MLFLOW_TRACKING_URI;
  return new Promise((resolve, reject) => {
    const p = spawn(mlflowPython(), [script, ...args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (c) => resolve({ code: c, stderr: err }));
  });
}

/** Writes OUT/workspace (a file store, or with backend 'sqlite' an mlflow.db) and OUT/expected.json; resolves to their paths. */
export async function prepareWorkspace(out, backend = 'file') {
  mkdirSync(out, { recursive: true });
  const script = join(repo, 'test', 'fixtures', 'make_fixture_store.py');
  const { code, stderr } = await runMlflowScript(script, [out, backend], out);
  if (code !== 0) throw new Error(`make_fixture_store.py failed (exit ${code}) writing ${out}:\n${stderr}`);
  const workspace = join(out, 'workspace');
  for (const [rel, text] of [['lang/undeclared/MLproject', LANG_MLPROJECT], ['lang/broken-model/MLmodel', LANG_MLMODEL]]) {
    mkdirSync(join(workspace, rel, '..'), { recursive: true });
    writeFileSync(join(workspace, rel), text);
  }
  return { workspace, expected: join(out, 'expected.json') };
}

/**
 * Adds the experiment "many-runs" with COUNT runs (real mlflow client) to a workspace written by
 * prepareWorkspace, and records it in its expected.json (`many_runs`), for the "Load more" flow.
 */
export async function addManyRuns(out, count, backend = 'file') {
  const script = join(repo, 'test', 'vscode', 'make_many_runs.py');
  const { code, stderr } = await runMlflowScript(script, [out, String(count), backend], join(out, 'workspace'));
  if (code !== 0) throw new Error(`make_many_runs.py failed (exit ${code}) writing ${out}:\n${stderr}`);
}
