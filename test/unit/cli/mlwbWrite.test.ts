import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { parseArgs } from '../../../extension/cli/args';
import { checkWriteArgs, runWriteAction, WRITE_ACTIONS, writeAction } from '../../../extension/cli/writeCommands';
import { NoteConflictError, readNote, writeNote } from '../../../extension/core/runs/notes';
import { openWritableStore, type Store } from '../../../extension/core/store/openStore';
import { startMlflowServer, type TestServer } from '../../support/mlflowServer';
import { mlflowPython, repoRoot, runPythonJson } from '../../support/python';

/**
 * The lifecycle write actions (`mlwb experiment|run|alias|stage`, and run/experiment descriptions)
 * through the real mlflow on a file store, on SQLite (through the local mlflow server the extension
 * and mlwb start) and on an `mlflow server`; every result is read back with the Python client.
 */

const tmp = mkdtempSync(join(tmpdir(), 'mlwb-write-'));
let server: TestServer | undefined;

function mlwb(args: string[]) {
  const built = join(repoRoot, 'dist', 'cli.js');
  const argv = existsSync(built) ? [built, ...args] : ['--import', 'tsx', join(repoRoot, 'extension/cli/index.ts'), ...args];
  const env: NodeJS.ProcessEnv = { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true', MLWB_PYTHON: mlflowPython() };
  delete env.MLFLOW_TRACKING_URI;
  const r = spawnSync(process.execPath, argv, { cwd: tmp, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Ids {
  exp: string;
  run: string;
  run2: string;
}

/** An experiment with two runs and a model with two versions, written by mlflow itself. */
function seed(uri: string): Ids {
  return runPythonJson<Ids>(`
import json, mlflow
from mlflow import MlflowClient
c = MlflowClient("${uri}", "${uri}")
exp = c.create_experiment("lc-exp")
r1 = c.create_run(exp, run_name="lc-run", tags={"keep": "yes"})
r2 = c.create_run(exp, run_name="lc-run-2")
c.create_registered_model("lc-model")
for r in (r1, r2):
    c.create_model_version("lc-model", r.info.artifact_uri + "/model", r.info.run_id)
print(json.dumps({"exp": exp, "run": r1.info.run_id, "run2": r2.info.run_id}))
`, { MLFLOW_TRACKING_URI: uri }, tmp);
}

/** The whole sequence; each step's argv and what its --json output must say. */
function steps(ids: Ids): { argv: string[]; check: (out: Record<string, unknown>) => void }[] {
  const field = (k: string, v: unknown) => (o: Record<string, unknown>) => assert.deepEqual(o[k], v, `${k} in ${JSON.stringify(o).slice(0, 300)}`);
  return [
    { argv: ['experiment', 'create', '--name', 'lc-new'], check: field('name', 'lc-new') },
    { argv: ['experiment', 'rename', '--experiment', 'lc-new', '--name', 'lc-renamed'], check: field('name', 'lc-renamed') },
    { argv: ['experiment', 'delete', '--experiment', 'lc-renamed'], check: field('lifecycle_stage', 'deleted') },
    { argv: ['experiment', 'restore', '--experiment', 'lc-renamed'], check: field('lifecycle_stage', 'active') },
    { argv: ['experiment', 'create', '--name', 'lc-gone'], check: field('lifecycle_stage', 'active') },
    { argv: ['experiment', 'delete', '--experiment', 'lc-gone'], check: field('lifecycle_stage', 'deleted') },
    { argv: ['run', 'rename', '--run', ids.run, '--name', 'renamed run'], check: field('run_name', 'renamed run') },
    { argv: ['run', 'set-tag', '--run', ids.run, '--key', 'team', '--value', 'vision'], check: (o) => assert.equal((o.tags as Record<string, string>).team, 'vision') },
    { argv: ['run', 'set-tag', '--run', ids.run, '--key', 'drop me', '--value', 'x'], check: (o) => assert.equal((o.tags as Record<string, string>)['drop me'], 'x') },
    { argv: ['run', 'delete-tag', '--run', ids.run, '--key', 'drop me'], check: (o) => assert.equal((o.tags as Record<string, string>)['drop me'], undefined) },
    { argv: ['run', 'delete', '--run', ids.run2], check: field('lifecycle_stage', 'deleted') },
    { argv: ['run', 'delete', '--run', ids.run], check: field('lifecycle_stage', 'deleted') },
    { argv: ['run', 'restore', '--run', ids.run], check: field('lifecycle_stage', 'active') },
    { argv: ['alias', 'set', '--model', 'lc-model', '--alias', 'champion', '--version', '1'], check: field('aliases', ['champion']) },
    { argv: ['alias', 'set', '--model', 'lc-model', '--alias', 'challenger', '--version', '2'], check: field('aliases', ['challenger']) },
    { argv: ['alias', 'remove', '--model', 'lc-model', '--alias', 'challenger'], check: field('aliases', []) },
    { argv: ['stage', '--model', 'lc-model', '--version', '2', '--stage', 'production'], check: field('current_stage', 'Production') },
  ];
}

/** What mlflow's client reads after the sequence. */
function readBack(uri: string, ids: Ids) {
  return runPythonJson<{ exps: Record<string, string>; run: { name: string; stage: string; tags: Record<string, string> }; run2: string; aliases: Record<string, string>; stages: Record<string, string> }>(`
import json, mlflow
from mlflow import MlflowClient
from mlflow.entities import ViewType
c = MlflowClient("${uri}", "${uri}")
exps = {e.name: e.lifecycle_stage for e in c.search_experiments(view_type=ViewType.ALL)}
r = c.get_run("${ids.run}")
m = c.get_registered_model("lc-model")
print(json.dumps({"exps": exps, "run": {"name": r.info.run_name, "stage": r.info.lifecycle_stage, "tags": dict(r.data.tags)},
  "run2": c.get_run("${ids.run2}").info.lifecycle_stage, "aliases": {k: str(v) for k, v in m.aliases.items()},
  "stages": {str(v.version): v.current_stage for v in c.search_model_versions("name='lc-model'")}}))
`, { MLFLOW_TRACKING_URI: uri }, tmp);
}

function checkReadBack(uri: string, ids: Ids): void {
  const got = readBack(uri, ids);
  assert.equal(got.exps['lc-renamed'], 'active');
  assert.equal(got.exps['lc-gone'], 'deleted');
  assert.equal(got.exps['lc-new'], undefined, 'the old name is gone');
  assert.deepEqual({ name: got.run.name, stage: got.run.stage }, { name: 'renamed run', stage: 'active' });
  assert.equal(got.run.tags['mlflow.runName'], 'renamed run');
  assert.equal(got.run.tags.team, 'vision');
  assert.equal(got.run.tags.keep, 'yes');
  assert.equal('drop me' in got.run.tags, false);
  assert.equal(got.run2, 'deleted');
  assert.deepEqual(got.aliases, { champion: '1' });
  assert.deepEqual(got.stages, { '1': 'None', '2': 'Production' });
}

/** Descriptions: written, read back by mlflow; a change made meanwhile by someone else is not overwritten. */
async function checkNotes(store: Store, uri: string, ids: Ids): Promise<void> {
  const text = '# Findings\n\n- lr 0.1 *overfits*\n- ünïcode ✓\n';
  const base = await readNote(store, { owner: 'run', id: ids.run });
  assert.equal(await writeNote(store, { owner: 'run', id: ids.run }, text, base), text);
  assert.equal(await writeNote(store, { owner: 'experiment', id: ids.exp }, 'Experiment notes', ''), 'Experiment notes');
  const py = () =>
    runPythonJson<{ run: string; exp: string }>(`
import json
from mlflow import MlflowClient
c = MlflowClient("${uri}")
print(json.dumps({"run": c.get_run("${ids.run}").data.tags.get("mlflow.note.content"), "exp": c.get_experiment("${ids.exp}").tags.get("mlflow.note.content")}))
`, { MLFLOW_TRACKING_URI: uri }, tmp);
  assert.deepEqual(py(), { run: text, exp: 'Experiment notes' });
  // Someone else edits after our read: our save is refused and theirs stays.
  runPythonJson(`
import json
from mlflow import MlflowClient
MlflowClient("${uri}").set_tag("${ids.run}", "mlflow.note.content", "theirs")
print(json.dumps(1))
`, { MLFLOW_TRACKING_URI: uri }, tmp);
  await assert.rejects(writeNote(store, { owner: 'run', id: ids.run }, 'mine', text), NoteConflictError);
  assert.equal(py().run, 'theirs');
  await assert.rejects(writeNote(store, { owner: 'run', id: ids.run }, 'n'.repeat(8001), 'theirs'), /at most 8000/);
  assert.equal(py().run, 'theirs');
}

async function inProcess(store: Store, argv: string[]): Promise<Record<string, unknown>> {
  const { action, argv: rest } = writeAction(argv[0], argv.slice(1));
  const args = parseArgs([...rest, '--json'], WRITE_ACTIONS[action]);
  checkWriteArgs(action, args);
  return (await runWriteAction(action, args, store)).json as Record<string, unknown>;
}

after(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('mlwb write actions, read back by mlflow', () => {
  test('file store: every action through the mlwb command, then descriptions', async () => {
    const root = join(tmp, 'file', 'mlruns');
    const uri = pathToFileURL(root).href;
    const ids = seed(uri);
    for (const s of steps(ids)) {
      const r = mlwb([...s.argv, '--store', root, '--json']);
      assert.equal(r.code, 0, `${s.argv.join(' ')}: ${r.stderr}`);
      s.check(JSON.parse(r.stdout));
    }
    checkReadBack(uri, ids);
    const store = await openWritableStore(uri);
    await checkNotes(store, uri, ids);
  });

  test('mlflow server: every action through the mlwb command, then descriptions', async () => {
    server = await startMlflowServer(['--backend-store-uri', `sqlite:///${join(tmp, 'server.db')}`, '--default-artifact-root', join(tmp, 'server-artifacts')], {}, tmp);
    const ids = seed(server.url);
    for (const s of steps(ids)) {
      const r = mlwb([...s.argv, '--store', server.url, '--json']);
      assert.equal(r.code, 0, `${s.argv.join(' ')}: ${r.stderr}`);
      s.check(JSON.parse(r.stdout));
    }
    checkReadBack(server.url, ids);
    const store = await openWritableStore(server.url);
    await checkNotes(store, server.url, ids);
  });

  test('SQLite: the first action through the mlwb command, the rest through one local mlflow server, then descriptions', async () => {
    const uri = `sqlite:///${join(tmp, 'mlflow.db')}`;
    const ids = seed(uri);
    const all = steps(ids);
    const first = mlwb([...all[0].argv, '--store', uri, '--json']);
    assert.equal(first.code, 0, first.stderr);
    all[0].check(JSON.parse(first.stdout));
    const store = await openWritableStore(uri, { python: mlflowPython() });
    try {
      for (const s of all.slice(1)) s.check(await inProcess(store, s.argv));
      checkReadBack(uri, ids);
      await checkNotes(store, uri, ids);
    } finally {
      await store.close?.();
    }
  });

  test('names MLflow refuses exit 2 with its rule before any store is opened', () => {
    const root = join(tmp, 'never-created');
    for (const [argv, rule] of [
      [['experiment', 'create', '--name', ''], /experiment name cannot be empty/],
      [['run', 'rename', '--run', 'abc', '--name', ' '], /run name cannot be empty/],
      [['run', 'set-tag', '--run', 'abc', '--key', 'a//b', '--value', 'v'], /resolve to 'a\/b'/],
      [['alias', 'set', '--model', 'm', '--alias', 'latest', '--version', '1'], /reserved/],
      [['alias', 'set', '--model', 'm', '--alias', 'a/b', '--version', '1'], /letters, digits/],
      [['stage', '--model', 'm', '--version', '1', '--stage', 'gold'], /invalid stage 'gold'/],
    ] as const) {
      const r = mlwb([...argv, '--store', root]);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, rule);
    }
    assert.equal(existsSync(root), false, 'nothing was written');
  });

  test('an action the store refuses exits 1 with the store\u2019s message and changes nothing', () => {
    const root = join(tmp, 'file', 'mlruns');
    const r = mlwb(['experiment', 'create', '--name', 'lc-renamed', '--store', root]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /already exists/);
    const again = mlwb(['experiment', 'rename', '--experiment', 'lc-renamed', '--name', 'lc-gone', '--store', root]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists in deleted state/);
  });
});
