import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fixtureStore, fixtureWorkspace } from '../../support/fixture';
import { repoRoot, runPythonJson } from '../../support/python';

/**
 * `mlwb` against the fixture store, compared with what the Python mlflow client reports for the
 * same store, computed here with mlflow itself. Runs the built dist/cli.js when present (the test
 * command builds first), else the TypeScript source.
 */

function mlwb(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const built = join(repoRoot, 'dist', 'cli.js');
  const argv = existsSync(built) ? [built, ...args] : ['--import', 'tsx', join(repoRoot, 'extension/cli/index.ts'), ...args];
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  if (!opts.env?.MLFLOW_TRACKING_URI) delete env.MLFLOW_TRACKING_URI;
  const r = spawnSync(process.execPath, argv, { cwd: opts.cwd ?? repoRoot, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json<T>(args: string[]): T {
  const r = mlwb(args);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

interface PyRun {
  run_id: string;
  experiment_id: string;
  run_name: string;
  status: string;
  start_time: number;
  end_time: number | null;
  lifecycle_stage: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, number | string>;
}

describe('mlwb CLI agrees with mlflow', () => {
  let py: { runs: PyRun[]; experiments: { experiment_id: string; name: string }[]; history: { key: string; value: number; step: number; timestamp: number }[]; histRun: string; models: { name: string; aliases: Record<string, string>; versions: string[] }[] };

  before(() => {
    py = runPythonJson(`
import json, math, mlflow
from mlflow import MlflowClient
uri = "file://${fixtureStore}"
mlflow.set_tracking_uri(uri)
c = MlflowClient(uri, uri)
def num(v):
    return "NaN" if math.isnan(v) else ("Infinity" if v == math.inf else ("-Infinity" if v == -math.inf else v))
runs = mlflow.search_runs(search_all_experiments=True, output_format="list")
out = {"runs": [{"run_id": r.info.run_id, "experiment_id": r.info.experiment_id, "run_name": r.info.run_name, "status": r.info.status,
  "start_time": r.info.start_time, "end_time": r.info.end_time, "lifecycle_stage": r.info.lifecycle_stage,
  "params": dict(r.data.params), "tags": dict(r.data.tags), "metrics": {k: num(v) for k, v in r.data.metrics.items()}} for r in runs]}
out["experiments"] = [{"experiment_id": e.experiment_id, "name": e.name} for e in mlflow.search_experiments()]
hr = [r for r in runs if r.info.run_name == "prophet-baseline"][0].info.run_id
out["histRun"] = hr
out["history"] = [{"key": m.key, "value": m.value, "step": m.step, "timestamp": m.timestamp} for m in c.get_metric_history(hr, "mape")]
out["models"] = [{"name": m.name, "aliases": {k: str(v) for k, v in m.aliases.items()}, "versions": sorted(str(v.version) for v in c.search_model_versions(f"name='{m.name}'"))} for m in c.search_registered_models()]
print(json.dumps(out))
`);
  });

  test('mlwb runs --json: same runs, order, ids, params, tags and latest metrics as mlflow.search_runs', () => {
    const ours = json<PyRun[]>(['runs', '--store', fixtureStore, '--json']);
    assert.equal(ours.length, py.runs.length);
    assert.deepEqual(ours.map((r) => r.run_id), py.runs.map((r) => r.run_id));
    ours.forEach((r, i) => {
      const p = py.runs[i];
      assert.deepEqual(
        { run_id: r.run_id, experiment_id: r.experiment_id, run_name: r.run_name, status: r.status, start_time: r.start_time, end_time: r.end_time, lifecycle_stage: r.lifecycle_stage, params: r.params, tags: r.tags, metrics: r.metrics },
        p,
        `run ${p.run_name}`,
      );
    });
  });

  test('--experiment by name and by id; file: URI and plain path', () => {
    const byName = json<PyRun[]>(['runs', '--store', `file://${fixtureStore}`, '--experiment', 'forecasting', '--json']);
    const id = byName[0].experiment_id;
    const byId = json<PyRun[]>(['runs', '--store', fixtureStore, '--experiment', id, '--json']);
    assert.deepEqual(byId.map((r) => r.run_id), byName.map((r) => r.run_id));
    assert.deepEqual(byName.map((r) => r.run_id), py.runs.filter((r) => r.experiment_id === id).map((r) => r.run_id));
  });

  test('mlwb experiments --json equals mlflow.search_experiments', () => {
    const ours = json<{ experiment_id: string; name: string }[]>(['experiments', '--store', fixtureStore, '--json']);
    assert.deepEqual(ours.map((e) => ({ experiment_id: e.experiment_id, name: e.name })), py.experiments);
  });

  test('mlwb history --json equals get_metric_history', () => {
    const ours = json<{ key: string; value: number; step: number; timestamp: number }[]>(['history', '--store', fixtureStore, '--run', py.histRun, '--metric', 'mape', '--json']);
    assert.equal(ours.length, 1000);
    assert.deepEqual(ours, py.history);
  });

  test('mlwb models --json lists models, versions and aliases as mlflow does', () => {
    const ours = json<{ name: string; aliases: Record<string, string>; versions: { version: string }[] }[]>(['models', '--store', fixtureStore, '--json']);
    assert.deepEqual(ours.map((m) => ({ name: m.name, aliases: m.aliases, versions: m.versions.map((v) => v.version) })), py.models);
  });

  test('store from MLFLOW_TRACKING_URI, else ./mlruns of the working folder', () => {
    const fromEnv = mlwb(['experiments', '--json'], { env: { MLFLOW_TRACKING_URI: `file://${fixtureStore}` } });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    const fromCwd = mlwb(['experiments', '--json'], { cwd: fixtureWorkspace });
    assert.equal(fromCwd.code, 0, fromCwd.stderr);
    assert.deepEqual(JSON.parse(fromCwd.stdout), JSON.parse(fromEnv.stdout));
  });

  test('errors go to stderr with a non-zero exit', () => {
    const missing = mlwb(['runs', '--store', '/no/such/mlruns', '--json']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /MLflow store folder not found: \/no\/such\/mlruns/);
    const noExp = mlwb(['runs', '--store', fixtureStore, '--experiment', 'nope']);
    assert.equal(noExp.code, 1);
    assert.match(noExp.stderr, /experiment 'nope' not found/);
    const badRun = mlwb(['history', '--store', fixtureStore, '--run', 'deadbeef', '--metric', 'x']);
    assert.equal(badRun.code, 1);
    assert.match(badRun.stderr, /Run 'deadbeef' not found/);
    const usage = mlwb(['frobnicate']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /unknown command 'frobnicate'/);
    const opt = mlwb(['runs', '--bogus']);
    assert.equal(opt.code, 2);
    assert.match(opt.stderr, /unknown option --bogus/);
  });
});
