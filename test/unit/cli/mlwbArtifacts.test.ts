import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { fixtureDir, fixtureStore } from '../../support/fixture';
import { repoRoot, runPythonJson } from '../../support/python';

/**
 * `mlwb artifacts`: the listing agrees with MlflowClient.list_artifacts, and `--download` lays out
 * the same files with the same bytes as mlflow.artifacts.download_artifacts, for the whole run, a
 * folder and single files.
 */
const expected = JSON.parse(readFileSync(join(fixtureDir, 'expected.json'), 'utf8')) as {
  parent_run_id: string;
  artifacts: { root: { path: string; is_dir: boolean; file_size: number | null }[] };
};
const runId = expected.parent_run_id;
const work = mkdtempSync(join(tmpdir(), 'mlwb-artifacts-'));
after(() => rmSync(work, { recursive: true, force: true }));

function mlwb(args: string[]) {
  const built = join(repoRoot, 'dist', 'cli.js');
  const argv = existsSync(built) ? [built, ...args] : ['--import', 'tsx', join(repoRoot, 'extension/cli/index.ts'), ...args];
  const env = { ...process.env };
  delete env.MLFLOW_TRACKING_URI;
  return spawnSync(process.execPath, argv, { cwd: repoRoot, env, encoding: 'utf8' });
}

/** Every file below dir: relative path → bytes (base64). */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p).split('\\').join('/')] = readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

test('mlwb artifacts lists what mlflow lists', () => {
  const r = mlwb(['artifacts', '--store', fixtureStore, '--run', runId, '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), expected.artifacts.root);
});

test('mlwb artifacts --download writes what mlflow.artifacts.download_artifacts writes', () => {
  const paths = ['', 'config', 'config/search.yaml', 'labels.json'];
  const py = runPythonJson<string[]>(
    `import json, sys, mlflow
out = []
for i, p in enumerate(${JSON.stringify(paths)}):
    out.append(mlflow.artifacts.download_artifacts(run_id=${JSON.stringify(runId)}, artifact_path=p or None, dst_path=${JSON.stringify(work)} + "/py" + str(i)))
print(json.dumps(out))`,
    { MLFLOW_TRACKING_URI: pathToFileURL(fixtureStore).href },
  );
  assert.equal(py.length, paths.length);
  paths.forEach((p, i) => {
    const args = ['artifacts', '--store', fixtureStore, '--run', runId, '--download', join(work, `ours${i}`), '--json'];
    const r = mlwb(p ? [...args, '--path', p] : args);
    assert.equal(r.status, 0, r.stderr);
    const files = JSON.parse(r.stdout) as string[];
    assert.ok(files.length > 0, `nothing downloaded for '${p}'`);
    assert.deepEqual(tree(join(work, `ours${i}`)), tree(join(work, `py${i}`)), `download of '${p || '(all)'}' differs from mlflow's`);
  });
});

test('mlwb artifacts: missing run and missing path are errors naming them', () => {
  const r = mlwb(['artifacts', '--store', fixtureStore, '--run', 'nope', '--json']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /nope/);
  const m = mlwb(['artifacts', '--store', fixtureStore, '--run', runId, '--path', 'no/such.txt', '--download', join(work, 'missing')]);
  assert.equal(m.status, 1);
  assert.match(m.stderr, /no\/such\.txt/);
});
