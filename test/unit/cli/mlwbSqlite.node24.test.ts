import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { repoRoot, runPythonJson } from '../../support/python';

/**
 * `mlwb` on Node 22+ reads a sqlite:/// store itself with node:sqlite, as the extension does: no
 * Python is started (a --python that does not exist is never used), nothing but the answer is
 * written (no ExperimentalWarning on stderr), and the runs are mlflow's. Runs under Node 24.
 */

const dir = mkdtempSync(join(tmpdir(), 'mlwb-sqlite24-'));
const db = join(dir, 'mlflow.db');
let py: { runIds: string[] };

function mlwb(args: string[], cwd = dir) {
  const argv = ['--import', pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href, join(repoRoot, 'extension/cli/index.ts'), ...args];
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  delete env.MLFLOW_TRACKING_URI;
  delete env.MLWB_PYTHON;
  const r = spawnSync(process.execPath, argv, { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  py = runPythonJson(
    `
import json, mlflow
mlflow.set_tracking_uri(${JSON.stringify(`sqlite:///${db}`)})
mlflow.set_experiment("direct")
for i in range(3):
    with mlflow.start_run(run_name=f"r{i}"):
        mlflow.log_metric("m", i)
print(json.dumps({"runIds": [r.info.run_id for r in mlflow.search_runs(search_all_experiments=True, output_format="list")]}))
`,
    {},
    dir,
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe(`mlwb on Node ${process.version}`, () => {
  test('sqlite:/// is read directly: no Python, mlflow’s runs, empty stderr', () => {
    const r = mlwb(['runs', '--store', `sqlite:///${db}`, '--python', '/no/such/python', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'nothing on stderr (no ExperimentalWarning, no server log)');
    assert.deepEqual((JSON.parse(r.stdout) as { run_id: string }[]).map((x) => x.run_id), py.runIds);
  });

  test('./mlflow.db of the working folder, table output', () => {
    const r = mlwb(['runs', '--python', '/no/such/python']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    for (const id of py.runIds) assert.ok(r.stdout.includes(id), r.stdout);
  });
});
