import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NoteConflictError, readNote, writeNote } from '../../extension/core/runs/notes';
import type { Store } from '../../extension/core/store/openStore';
import { mlflowPython, repoRoot } from './python';

/**
 * The lifecycle write sequence shared by the store tests (file, SQLite, mlflow server, team server):
 * what mlflow seeds, the `mlwb` steps with what each must print, and what mlflow's client must read
 * back afterwards. `py` runs a snippet with mlflow's client on the store under test (MlflowClient()
 * takes the store from MLFLOW_TRACKING_URI and any credentials from the environment).
 */

export type Py = <T>(code: string) => T;

/** Runs `mlwb` (the built dist/cli.js when present) in `cwd`, with `env` added (credentials) and no MLFLOW_TRACKING_URI. */
export function mlwb(cwd: string, args: string[], env: Record<string, string> = {}) {
  const built = join(repoRoot, 'dist', 'cli.js');
  const argv = existsSync(built) ? [built, ...args] : ['--import', 'tsx', join(repoRoot, 'extension/cli/index.ts'), ...args];
  const full: NodeJS.ProcessEnv = { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true', MLWB_PYTHON: mlflowPython(), ...env };
  delete full.MLFLOW_TRACKING_URI;
  const r = spawnSync(process.execPath, argv, { cwd, env: full, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface Ids {
  exp: string;
  run: string;
  run2: string;
}

/** An experiment with two runs and a model with two versions, written by mlflow itself. */
export function seed(py: Py): Ids {
  return py<Ids>(`
import json, mlflow
from mlflow import MlflowClient
c = MlflowClient()
exp = c.create_experiment("lc-exp")
r1 = c.create_run(exp, run_name="lc-run", tags={"keep": "yes"})
r2 = c.create_run(exp, run_name="lc-run-2")
c.create_registered_model("lc-model")
for r in (r1, r2):
    c.create_model_version("lc-model", r.info.artifact_uri + "/model", r.info.run_id)
print(json.dumps({"exp": exp, "run": r1.info.run_id, "run2": r2.info.run_id}))
`);
}

/** The whole sequence; each step's argv and what its --json output must say. */
export function steps(ids: Ids): { argv: string[]; check: (out: Record<string, unknown>) => void }[] {
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
function readBack(py: Py, ids: Ids) {
  return py<{ exps: Record<string, string>; run: { name: string; stage: string; tags: Record<string, string> }; run2: string; aliases: Record<string, string>; stages: Record<string, string> }>(`
import json, mlflow
from mlflow import MlflowClient
from mlflow.entities import ViewType
c = MlflowClient()
exps = {e.name: e.lifecycle_stage for e in c.search_experiments(view_type=ViewType.ALL)}
r = c.get_run("${ids.run}")
m = c.get_registered_model("lc-model")
print(json.dumps({"exps": exps, "run": {"name": r.info.run_name, "stage": r.info.lifecycle_stage, "tags": dict(r.data.tags)},
  "run2": c.get_run("${ids.run2}").info.lifecycle_stage, "aliases": {k: str(v) for k, v in m.aliases.items()},
  "stages": {str(v.version): v.current_stage for v in c.search_model_versions("name='lc-model'")}}))
`);
}

export function checkReadBack(py: Py, ids: Ids): void {
  const got = readBack(py, ids);
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
export async function checkNotes(store: Store, py: Py, ids: Ids): Promise<void> {
  const text = '# Findings\n\n- lr 0.1 *overfits*\n- ünïcode ✓\n';
  const base = await readNote(store, { owner: 'run', id: ids.run });
  assert.equal(await writeNote(store, { owner: 'run', id: ids.run }, text, base), text);
  assert.equal(await writeNote(store, { owner: 'experiment', id: ids.exp }, 'Experiment notes', ''), 'Experiment notes');
  const notes = () =>
    py<{ run: string; exp: string }>(`
import json
from mlflow import MlflowClient
c = MlflowClient()
print(json.dumps({"run": c.get_run("${ids.run}").data.tags.get("mlflow.note.content"), "exp": c.get_experiment("${ids.exp}").tags.get("mlflow.note.content")}))
`);
  assert.deepEqual(notes(), { run: text, exp: 'Experiment notes' });
  // Someone else edits after our read: our save is refused and theirs stays.
  py(`
import json
from mlflow import MlflowClient
MlflowClient().set_tag("${ids.run}", "mlflow.note.content", "theirs")
print(json.dumps(1))
`);
  await assert.rejects(writeNote(store, { owner: 'run', id: ids.run }, 'mine', text), NoteConflictError);
  assert.equal(notes().run, 'theirs');
  await assert.rejects(writeNote(store, { owner: 'run', id: ids.run }, 'n'.repeat(8001), 'theirs'), /at most 8000/);
  assert.equal(notes().run, 'theirs');
}

