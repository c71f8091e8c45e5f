import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import Module from 'node:module';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { FileStore } from '../../../extension/core/store/fileStoreWriter';
import { copyFixtureStore } from '../../support/fixture';

/**
 * The write path of every edit from the views (storeEdit), with a recording `vscode` stand-in and
 * the real file store written by mlflow: a write the store refuses shows its message and refreshes
 * nothing; Restricted Mode refuses before the store is asked.
 */

const shown: { kind: string; text: string }[] = [];
const fakeVscode = {
  window: {
    withProgress: <R>(_o: unknown, task: () => Promise<R>) => task(),
    showErrorMessage: (text: string) => (shown.push({ kind: 'error', text }), Promise.resolve(undefined)),
    showWarningMessage: (text: string) => (shown.push({ kind: 'warning', text }), Promise.resolve(undefined)),
  },
  commands: { executeCommand: () => Promise.resolve(undefined) },
};
const resolver = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
const original = resolver._resolveFilename;
resolver._resolveFilename = (req, ...rest) => (req === 'vscode' ? 'vscode' : original(req, ...rest));
(require.cache as Record<string, unknown>).vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: fakeVscode };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { storeEdit } = require('../../../extension/host/storeWrites') as typeof import('../../../extension/host/storeWrites');
// The session module holds the error classes storeWrites checks; it loads with the stand-in too.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RestrictedModeError } = require('../../../extension/host/storeSession') as typeof import('../../../extension/host/storeSession');

const log = { error: () => undefined, warn: () => undefined, info: () => undefined };

test('a write the store refuses shows the store message and refreshes nothing; an accepted one refreshes', async () => {
  const root = copyFixtureStore();
  try {
    const store = new FileStore(root);
    const session = { state: { kind: 'connected', uri: store.uri, store }, writable: async () => store };
    let refreshed = 0;
    shown.length = 0;
    const ok = await storeEdit(session as never, log as never, "Delete experiment 'Default'", (s) => s.deleteExperiment('0'), () => refreshed++);
    assert.equal(ok, false);
    assert.equal(refreshed, 0, 'the view is left as it was');
    assert.equal(shown.length, 1);
    assert.match(shown[0].text, /^MLflow: Delete experiment 'Default' failed: Cannot delete the default experiment '0'/);
    assert.equal((await store.getExperiment('0')).lifecycleStage, 'active');

    const id = await store.createExperiment('to-rename');
    assert.equal(await storeEdit(session as never, log as never, 'Rename', (s) => s.renameExperiment(id, 'renamed'), () => refreshed++), true);
    assert.equal(refreshed, 1);
    assert.equal((await store.getExperiment(id)).name, 'renamed');
  } finally {
    rmSync(dirname(root), { recursive: true, force: true });
  }
});

test('Restricted Mode: the store is not asked, and the message offers to manage trust', async () => {
  shown.length = 0;
  let asked = false;
  const session = {
    state: { kind: 'connected', uri: 'sqlite:///x/mlflow.db' },
    writable: async () => {
      throw new RestrictedModeError('Writing to sqlite:///x/mlflow.db needs a local mlflow server');
    },
  };
  const ok = await storeEdit(session as never, log as never, 'Rename', async () => void (asked = true), () => undefined);
  assert.equal(ok, false);
  assert.equal(asked, false);
  assert.equal(shown[0].kind, 'warning');
  assert.match(shown[0].text, /needs a local mlflow server/);
});
