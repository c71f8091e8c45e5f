import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { parseArgs } from '../../../extension/cli/args';
import { checkWriteArgs, runWriteAction, WRITE_ACTIONS, writeAction } from '../../../extension/cli/writeCommands';
import { openWritableStore, type Store } from '../../../extension/core/store/openStore';
import { checkNotes, checkReadBack, mlwb, seed, steps, type Py } from '../../support/lifecycleSteps';
import { startMlflowServer, type TestServer } from '../../support/mlflowServer';
import { mlflowPython, runPythonJson } from '../../support/python';

/**
 * The lifecycle write actions (`mlwb experiment|run|alias|stage`, and run/experiment descriptions)
 * through the real mlflow on a file store, on SQLite (through the local mlflow server the extension
 * and mlwb start) and on an `mlflow server`; every result is read back with the Python client.
 */

const tmp = mkdtempSync(join(tmpdir(), 'mlwb-write-'));
let server: TestServer | undefined;

/** mlflow's client on `uri`, run in the temp folder (so mlflow's default ./mlflow.db is never made here). */
const pyOn = (uri: string): Py => (code) => runPythonJson(code, { MLFLOW_TRACKING_URI: uri }, tmp);

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
    const ids = seed(pyOn(uri));
    for (const s of steps(ids)) {
      const r = mlwb(tmp, [...s.argv, '--store', root, '--json']);
      assert.equal(r.code, 0, `${s.argv.join(' ')}: ${r.stderr}`);
      s.check(JSON.parse(r.stdout));
    }
    checkReadBack(pyOn(uri), ids);
    const store = await openWritableStore(uri);
    await checkNotes(store, pyOn(uri), ids);
  });

  test('mlflow server: every action through the mlwb command, then descriptions', async () => {
    server = await startMlflowServer(['--backend-store-uri', `sqlite:///${join(tmp, 'server.db')}`, '--default-artifact-root', join(tmp, 'server-artifacts')], {}, tmp);
    const ids = seed(pyOn(server.url));
    for (const s of steps(ids)) {
      const r = mlwb(tmp, [...s.argv, '--store', server.url, '--json']);
      assert.equal(r.code, 0, `${s.argv.join(' ')}: ${r.stderr}`);
      s.check(JSON.parse(r.stdout));
    }
    checkReadBack(pyOn(server.url), ids);
    const store = await openWritableStore(server.url);
    await checkNotes(store, pyOn(server.url), ids);
  });

  test('SQLite: the first action through the mlwb command, the rest through one local mlflow server, then descriptions', async () => {
    const uri = `sqlite:///${join(tmp, 'mlflow.db')}`;
    const ids = seed(pyOn(uri));
    const all = steps(ids);
    const first = mlwb(tmp, [...all[0].argv, '--store', uri, '--json']);
    assert.equal(first.code, 0, first.stderr);
    all[0].check(JSON.parse(first.stdout));
    const store = await openWritableStore(uri, { python: mlflowPython() });
    try {
      for (const s of all.slice(1)) s.check(await inProcess(store, s.argv));
      checkReadBack(pyOn(uri), ids);
      await checkNotes(store, pyOn(uri), ids);
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
      const r = mlwb(tmp, [...argv, '--store', root]);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, rule);
    }
    assert.equal(existsSync(root), false, 'nothing was written');
  });

  test('an action the store refuses exits 1 with the store\u2019s message and changes nothing', () => {
    const root = join(tmp, 'file', 'mlruns');
    const r = mlwb(tmp, ['experiment', 'create', '--name', 'lc-renamed', '--store', root]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /already exists/);
    const again = mlwb(tmp, ['experiment', 'rename', '--experiment', 'lc-renamed', '--name', 'lc-gone', '--store', root]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists in deleted state/);
  });
});
