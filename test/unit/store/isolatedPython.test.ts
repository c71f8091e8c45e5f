import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { neutralPythonCwd, pythonCommand, pythonInsideFolders } from '../../../extension/core/store/isolatedPython';
import { checkMlflowPython } from '../../../extension/core/store/localServer';
import { LocalServerStore } from '../../../extension/core/store/localServerStore';
import { mlflowPython, repoRoot, runPythonJson } from '../../support/python';

/**
 * A folder that holds `mlflow.db` (written by the real mlflow) and Python packages of its own named
 * like what the mlflow server imports (`mlflow/`, `uvicorn/`, `yaml/`, `sqlalchemy/`, a
 * `sitecustomize.py`), each of which writes a marker file when imported. Our mlflow check, our
 * local server (started with that folder as the process's working folder and as baseDir) and
 * `mlwb` run there must never import them, and the real mlflow must still answer.
 */

const ws = mkdtempSync(join(tmpdir(), 'mlwb-hostile-'));
const markers = join(ws, 'markers');
let expId: string;

function hostile(name: string): string {
  return `import os\nos.makedirs(${JSON.stringify(markers)}, exist_ok=True)\nopen(os.path.join(${JSON.stringify(markers)}, ${JSON.stringify(name)}), "w").write("ran")\n`;
}

function plant(): void {
  for (const pkg of ['mlflow', 'uvicorn', 'yaml', 'sqlalchemy']) {
    mkdirSync(join(ws, pkg), { recursive: true });
    writeFileSync(join(ws, pkg, '__init__.py'), hostile(`${pkg}.__init__`));
    writeFileSync(join(ws, pkg, '__main__.py'), hostile(`${pkg}.__main__`));
  }
  writeFileSync(join(ws, 'sitecustomize.py'), hostile('sitecustomize'));
  writeFileSync(join(ws, 'usercustomize.py'), hostile('usercustomize'));
}

function ran(): string[] {
  return existsSync(markers) ? readdirSync(markers) : [];
}

before(() => {
  // The database first, from another folder: the planted packages would shadow this mlflow too.
  ({ expId } = runPythonJson<{ expId: string }>(
    `
import json, mlflow
mlflow.set_tracking_uri(${JSON.stringify(`sqlite:///${join(ws, 'mlflow.db')}`)})
e = mlflow.create_experiment("in-hostile-folder")
with mlflow.start_run(experiment_id=e, run_name="r1"):
    mlflow.log_param("p", "1")
print(json.dumps({"expId": e}))
`,
    {},
    tmpdir(),
  ));
  plant();
  // The trap works: a plain `python -m mlflow` in that folder runs the folder's package.
  const trap = spawnSync(mlflowPython(), ["-m", "mlflow", "--version"], { cwd: ws, encoding: "utf8" });
  assert.ok(ran().includes("mlflow.__init__"), `the planted package is importable from its folder (${ran().join(",")}): ${trap.stderr}`);
  rmSync(markers, { recursive: true, force: true });
});

after(() => rmSync(ws, { recursive: true, force: true }));

describe('Python never imports from the folder it works on', () => {
  test('the mlflow check, run from inside the folder, reports the installed mlflow', async () => {
    const cwd = process.cwd();
    process.chdir(ws);
    try {
      assert.match(await checkMlflowPython(mlflowPython()), /^\d+\.\d+/);
      // Relative to the folder the user meant, though Python runs elsewhere.
      assert.match(await checkMlflowPython(pythonCommand('./.venv-link/bin/python', repoRoot).replace('.venv-link', '.cache/venv')), /^\d+\.\d+/);
    } finally {
      process.chdir(cwd);
    }
    assert.deepEqual(ran(), []);
  });

  test('a local server on the folder’s mlflow.db (relative URI, folder as cwd and baseDir): reads and writes, runs nothing of the folder', async () => {
    const cwd = process.cwd();
    process.chdir(ws);
    let store: LocalServerStore | undefined;
    try {
      store = await LocalServerStore.open('sqlite:///mlflow.db', { python: mlflowPython(), baseDir: ws });
      assert.equal(store.server.backendStoreUri, `sqlite:///${join(ws, 'mlflow.db')}`);
      const exps = await store.searchExperiments({});
      assert.ok(exps.some((e) => e.experimentId === expId), exps.map((e) => e.name).join(','));
      const runs = await store.searchRuns({ experimentIds: [expId] });
      assert.equal(runs[0]?.data.params.p, '1');
      const created = await store.createExperiment('written-through-server');
      assert.equal((await store.getExperiment(created)).artifactLocation, join(ws, 'mlruns', created));
      // The server and its uvicorn worker work in our private folder, not in the workspace.
      const pid = store.server.pid!;
      const group = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && pgid(p) === pid);
      assert.ok(group.length >= 1);
      for (const p of group) assert.equal(readlinkSync(`/proc/${p}/cwd`), neutralPythonCwd(), `process ${p} works in the neutral folder`);
      assert.notEqual(neutralPythonCwd(), ws);
    } finally {
      await store?.close();
      process.chdir(cwd);
    }
    assert.deepEqual(ran(), []);
    assert.deepEqual(readdirSync(neutralPythonCwd()), [], 'the server left nothing in its working folder');
  });

  test('mlwb in that folder on Node 20 (SQLite through a local server) lists the runs and runs nothing of the folder', () => {
    // The source, not dist/cli.js, which may be older than the code under test.
    const argv = ['--import', pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href, join(repoRoot, 'extension/cli/index.ts')];
    const env: NodeJS.ProcessEnv = { ...process.env, MLWB_PYTHON: mlflowPython(), PYTHONPATH: ws };
    delete env.MLFLOW_TRACKING_URI;
    // Node 20 has no node:sqlite, so this goes through the local server; any Node without it would.
    const r = spawnSync(process.execPath, [...argv, 'runs', '--experiment', 'in-hostile-folder', '--json'], { cwd: ws, env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { run_name: string }[])[0]?.run_name, 'r1');
    assert.deepEqual(ran(), []);
  });
});

function pgid(pid: string): number | undefined {
  try {
    // /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces, so split after ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

describe('interpreters that live in a folder', () => {
  test('pythonInsideFolders', () => {
    const venv = join(ws, '.venv', 'bin');
    mkdirSync(venv, { recursive: true });
    symlinkSync(mlflowPython(), join(venv, 'python'));
    assert.equal(pythonInsideFolders(join(venv, 'python'), [ws]), true, 'a venv link inside the folder, though it points outside');
    assert.equal(pythonInsideFolders('.venv/bin/python', [ws]), true, 'relative paths are refused');
    assert.equal(pythonInsideFolders('python3', [ws]), false, 'a command from PATH');
    assert.equal(pythonInsideFolders('/usr/bin/python3', [ws]), false);
    assert.equal(pythonInsideFolders(join(ws + '-sibling', 'python'), [ws]), false, 'a sibling folder with the same prefix');
    const link = `${ws}-link`;
    symlinkSync(ws, link);
    try {
      assert.equal(pythonInsideFolders(join(link, '.venv', 'bin', 'python'), [ws]), true, 'reached through a symlinked folder');
    } finally {
      rmSync(link);
    }
  });

  test('pythonCommand', () => {
    assert.equal(pythonCommand('python3', '/w'), 'python3');
    assert.equal(pythonCommand('.venv/bin/python', '/w'), '/w/.venv/bin/python');
    assert.equal(pythonCommand('/opt/py/bin/python', '/w'), '/opt/py/bin/python');
  });
});
