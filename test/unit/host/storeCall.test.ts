import assert from 'node:assert/strict';
import Module from 'node:module';
import { after, test } from 'node:test';
import { isStoreError } from '../../../extension/core/store/errors';
import { RestStore } from '../../../extension/core/store/rest/restStore';
import { json, startHostilePeer, type HostilePeer } from '../../support/hostileServer';

/**
 * The glue that keeps a view usable while a server is flaky: no notification while calls go
 * well; on the first retry a cancellable "retrying…" notification, whose Cancel aborts the
 * store call at once. `vscode` is replaced by a recording stand-in (glue-only test); the server
 * is a real HTTP peer on 127.0.0.1.
 */

interface Shown {
  title: string;
  cancellable: boolean;
  messages: string[];
  cancel?: () => void;
}
const shown: Shown[] = [];
const fakeVscode = {
  ProgressLocation: { Notification: 15, Window: 10 },
  window: {
    withProgress<R>(
      options: { title?: string; cancellable?: boolean; location: unknown },
      task: (p: { report(v: { message?: string }): void }, t: { onCancellationRequested(cb: () => void): void }) => Promise<R>,
    ): Promise<R> {
      const s: Shown = { title: options.title ?? '', cancellable: !!options.cancellable, messages: [] };
      shown.push(s);
      return task({ report: (v) => s.messages.push(v.message ?? '') }, { onCancellationRequested: (cb) => (s.cancel = cb) });
    },
  },
};
const resolver = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
const original = resolver._resolveFilename;
resolver._resolveFilename = (req, ...rest) => (req === 'vscode' ? 'vscode' : original(req, ...rest));
(require.cache as Record<string, unknown>).vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: fakeVscode };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { withStoreCall } = require('../../../extension/host/storeCall') as typeof import('../../../extension/host/storeCall');

const peers: HostilePeer[] = [];
after(async () => {
  resolver._resolveFilename = original;
  for (const p of peers) await p.close();
});

test('no notification when the server answers at once', async () => {
  const p = await startHostilePeer({ '/api/2.0/mlflow/experiments/search': json({ experiments: [{ experiment_id: '0', name: 'Default' }] }) });
  peers.push(p);
  const store = new RestStore(p.url, { maxRetries: 3 });
  const exps = await withStoreCall({ title: 'loading experiments' }, () => store.searchExperiments());
  assert.deepEqual(exps.map((e) => e.name), ['Default']);
  assert.equal(shown.length, 0);
  await store.close();
});

test('a retry opens a cancellable "retrying…" notification; Cancel ends the call with CANCELLED', async () => {
  const p = await startHostilePeer({ '/api/2.0/mlflow/experiments/search': json({ error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' }, 503) });
  peers.push(p);
  const store = new RestStore(p.url, { maxRetries: 5, backoffFactor: 30, backoffJitter: 0 });
  const call = withStoreCall({ title: 'loading experiments' }, () => store.searchExperiments());
  for (let i = 0; i < 100 && (shown.length === 0 || shown[0].messages.length < 2); i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(shown.length, 1, 'one notification for the whole operation');
  assert.equal(shown[0].title, 'MLflow: loading experiments');
  assert.ok(shown[0].cancellable);
  const url = `${p.url}/api/2.0/mlflow/experiments/search`;
  assert.deepEqual(shown[0].messages.slice(0, 2), [`retrying ${url} (attempt 2 of 6: HTTP 503)…`, `retrying ${url} (attempt 3 of 6: HTTP 503), next in 60 s…`]);
  const t0 = Date.now();
  shown[0].cancel!();
  await assert.rejects(call, (e: unknown) => isStoreError(e, 'CANCELLED') && e.message === `${url}: cancelled`);
  assert.ok(Date.now() - t0 < 2000);
  await store.close();
});

test('a call that hangs gets the cancellable notification after slowMs, before any retry', async () => {
  shown.length = 0;
  const p = await startHostilePeer({ '/api/2.0/mlflow/runs/search': () => undefined });
  peers.push(p);
  const store = new RestStore(p.url, { maxRetries: 0 });
  const call = withStoreCall({ title: 'loading runs', slowMs: 200 }, () => store.searchRuns({ experimentIds: ['0'] }));
  for (let i = 0; i < 100 && shown.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(shown.map((s) => [s.title, s.cancellable, s.messages]), [['MLflow: loading runs', true, ['waiting for the server…']]]);
  shown[0].cancel!();
  await assert.rejects(call, (e: unknown) => isStoreError(e, 'CANCELLED'));
  await store.close();
});
