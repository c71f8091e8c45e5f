import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import Module from 'node:module';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { noteUriParts } from '../../../extension/core/runs/notes';
import { FileStore } from '../../../extension/core/store/fileStoreWriter';
import { copyFixtureStore, loadExpected } from '../../support/fixture';

/**
 * Glue test of the `mlflow-note:` file system with a recording `vscode` stand-in and the real file
 * store mlflow wrote: what VS Code's save does with it (writeFile) on success, on a conflict, and
 * for a tab of another store. The editor itself is exercised in code-server (lifecycleFlows.mjs).
 */

class FsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
const warnings: string[] = [];
const fakeVscode = {
  EventEmitter: class {
    event = () => ({ dispose: () => undefined });
    fire(): void {}
    dispose(): void {}
  },
  FileSystemError: {
    FileNotFound: (m: unknown) => new FsError('FileNotFound', String(m)),
    Unavailable: (m: unknown) => new FsError('Unavailable', String(m)),
    NoPermissions: (m: unknown) => new FsError('NoPermissions', String(m)),
  },
  FileType: { File: 1 },
  FileChangeType: { Changed: 1 },
  ProgressLocation: { Window: 10 },
  window: {
    withProgress: <R>(_o: unknown, task: () => Promise<R>) => task(),
    showWarningMessage: (m: string) => (warnings.push(m), Promise.resolve(undefined)),
  },
};
const resolver = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
const original = resolver._resolveFilename;
resolver._resolveFilename = (req, ...rest) => (req === 'vscode' ? 'vscode' : original(req, ...rest));
(require.cache as Record<string, unknown>).vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: fakeVscode };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { NoteFileSystem } = require('../../../extension/host/noteFileSystem') as typeof import('../../../extension/host/noteFileSystem');

const log = { error: () => undefined, warn: () => undefined, info: () => undefined };
const run = loadExpected().runs.find((r) => r.lifecycle_stage === 'active')!;

function uriFor(store: string, id = run.run_id) {
  const p = noteUriParts({ store, owner: 'run', id }, run.run_name);
  return { ...p, toString: () => `${p.scheme}:${p.path}?${p.query}` };
}

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

test('open, save, a save over someone else\u2019s change refused (nothing written), revert reads theirs', async () => {
  const root = copyFixtureStore();
  try {
    const store = new FileStore(root);
    const session = { state: { kind: 'connected', uri: store.uri, store }, writable: async () => store };
    const fs = new NoteFileSystem(session as never, log as never);
    let saved = 0;
    fs.onDidSave = () => void saved++;
    const uri = uriFor(store.uri);
    const before = text(await fs.readFile(uri as never));
    assert.equal(before, run.tags['mlflow.note.content'] ?? '');
    const st = await fs.stat(uri as never);
    assert.equal(st.type, 1);

    await fs.writeFile(uri as never, bytes('# mine\n'));
    assert.equal(saved, 1);
    assert.equal((await store.getRun(run.run_id)).data.tags['mlflow.note.content'], '# mine\n');
    assert.ok((await fs.stat(uri as never)).mtime >= st.mtime);

    await store.logBatch(run.run_id, { tags: [{ key: 'mlflow.note.content', value: 'theirs' }] });
    await assert.rejects(fs.writeFile(uri as never, bytes('# mine, again\n')), (e: FsError) => e.code === 'Unavailable' && /changed in the store after you opened it/.test(e.message));
    assert.match(warnings.at(-1) ?? '', /Nothing was written/);
    assert.equal(saved, 1);
    assert.equal((await store.getRun(run.run_id)).data.tags['mlflow.note.content'], 'theirs', 'their text stays');

    assert.equal(text(await fs.readFile(uri as never)), 'theirs', 'revert reads the store again');
    await fs.writeFile(uri as never, bytes('merged\n'));
    assert.equal((await store.getRun(run.run_id)).data.tags['mlflow.note.content'], 'merged\n');
  } finally {
    rmSync(dirname(root), { recursive: true, force: true });
  }
});

test('a tab of another store, or with no store open, is not read or written', async () => {
  const root = copyFixtureStore();
  try {
    const store = new FileStore(root);
    const fs = new NoteFileSystem({ state: { kind: 'connected', uri: store.uri, store }, writable: async () => store } as never, log as never);
    const other = uriFor('file:///elsewhere/mlruns');
    await assert.rejects(fs.readFile(other as never), (e: FsError) => e.code === 'Unavailable' && /belongs to file:\/\/\/elsewhere\/mlruns/.test(e.message));
    await assert.rejects(fs.writeFile(other as never, bytes('x')), (e: FsError) => e.code === 'Unavailable');
    const closed = new NoteFileSystem({ state: { kind: 'none' } } as never, log as never);
    await assert.rejects(closed.readFile(uriFor(store.uri) as never), /no tracking store is open/);
    await assert.rejects(fs.readFile(uriFor(store.uri, 'nosuchrun') as never), (e: FsError) => e.code === 'FileNotFound');
  } finally {
    rmSync(dirname(root), { recursive: true, force: true });
  }
});
