import assert from 'node:assert/strict';
import Module from 'node:module';
import { after, before, test } from 'node:test';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { freePort } from '../../../extension/core/store/localServer';
import { openStore, type ReadableStore } from '../../../extension/core/store/openStore';
import { RestStore } from '../../../extension/core/store/rest/restStore';
import { fixtureStore } from '../../support/fixture';
import { startGatewayFixture, type GatewayFixture } from '../../support/gatewayServer';
import { EventEmitter, TreeItem } from '../../support/vscodeTreeStandIns';

/**
 * Glue test of the AI Gateway view: `vscode` is a small recording stand-in (the context key the
 * welcome texts read, tree items), the stores are real (the fixture file store, a real gateway
 * server from test/support/gatewayServer.ts, a server that is not there). What VS Code shows is
 * checked in code-server (test/vscode/gatewayFlows.mjs).
 */

class MarkdownString {
  value = '';
  appendMarkdown(s: string) {
    this.value += s;
    return this;
  }
  appendText(s: string) {
    this.value += s.replace(/[\\`*_{}[\]()#+\-.!<>]/g, (c) => `\\${c}`);
    return this;
  }
}
const contexts: [string, unknown][] = [];
const fakeVscode = {
  EventEmitter,
  TreeItem,
  MarkdownString,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  ThemeIcon: class {
    constructor(readonly id: string) {}
  },
  ProgressLocation: { Notification: 15, Window: 10 },
  window: { withProgress: <R>(_o: unknown, task: (p: unknown, t: unknown) => Promise<R>) => task({ report: () => undefined }, { onCancellationRequested: () => undefined }) },
  commands: {
    executeCommand: async (cmd: string, key: string, value: unknown) => {
      if (cmd === 'setContext' && key === 'mlflow.gatewayState') contexts.push([key, value]);
    },
  },
};
const resolver = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
const original = resolver._resolveFilename;
resolver._resolveFilename = (req, ...rest) => (req === 'vscode' ? 'vscode' : original(req, ...rest));
(require.cache as Record<string, unknown>).vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: fakeVscode };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { GatewayTreeProvider } = require('../../../extension/host/gatewayTree') as typeof import('../../../extension/host/gatewayTree');

const log = { error: () => undefined, warn: () => undefined, info: () => undefined };
let fx: GatewayFixture;
let store: ReadableStore;

before(async () => {
  fx = await startGatewayFixture();
  store = await openStore(fx.server.url);
});

after(async () => {
  await store?.close?.();
  await fx?.stop();
});

function treeOn(state: unknown) {
  const tree = new GatewayTreeProvider({ state } as never, log as never);
  let message: string | undefined;
  tree.onMessage = (m) => (message = m);
  return { tree, message: () => message };
}

const lastState = () => contexts.at(-1)?.[1];

test('no store, or a store that is not a server: no rows, and the context key says which', async () => {
  assert.deepEqual(await treeOn({ kind: 'none' }).tree.getChildren(), []);
  assert.equal(lastState(), 'none');
  const file = new FileStoreReader(fixtureStore);
  assert.deepEqual(await treeOn({ kind: 'connected', uri: file.uri, store: file }).tree.getChildren(), []);
  assert.equal(lastState(), 'notServer');
  // A database store read through our own local server is not a server the user runs a gateway on.
  const local = new RestStore(fx.server.url, {}, { uri: 'sqlite:///x.db', kind: 'sqlite' });
  assert.deepEqual(await treeOn({ kind: 'connected', uri: local.uri, store: local }).tree.getChildren(), []);
  assert.equal(lastState(), 'notServer');
});

test('a server with the gateway: one row per endpoint with its models, tracing and tooltip', async () => {
  const { tree, message } = treeOn({ kind: 'connected', uri: fx.server.url, store });
  const rows = await tree.getChildren();
  assert.equal(lastState(), 'ok');
  assert.equal(message(), undefined);
  const items = rows.map((r) => tree.getTreeItem(r) as unknown as TreeItem);
  assert.deepEqual(items.map((i) => [i.label, i.description, i.contextValue, i.iconPath?.id]), [
    ['local-chat', 'openai/gpt-local', 'gatewayEndpoint', 'hubot'],
    ['quiet-chat', 'openai/gpt-local · untraced', 'gatewayEndpoint', 'circle-slash'],
  ]);
  const tip = (items[0].tooltip as MarkdownString).value;
  assert.match(tip, /\*\*local\\-chat\*\* — AI Gateway endpoint/);
  assert.match(tip, /openai \/ gpt\\-local \\\(primary\\\)/);
  assert.match(tip, /Calls are traced into experiment \d+/);
  assert.match((items[1].tooltip as MarkdownString).value, /Usage tracking is off/);
  const models = await tree.getChildren(rows[0]);
  const m = tree.getTreeItem(models[0]) as unknown as TreeItem;
  assert.deepEqual([m.label, m.description, m.contextValue], ['openai/gpt-local', 'primary', 'gatewayModel']);
});

test('a server that cannot be reached: the view message names it', async () => {
  const url = `http://127.0.0.1:${await freePort()}`;
  const dead = new RestStore(url, { maxRetries: 0 });
  const { tree, message } = treeOn({ kind: 'connected', uri: url, store: dead });
  assert.deepEqual(await tree.getChildren(), []);
  assert.equal(lastState(), 'error');
  assert.match(message() ?? '', new RegExp(`^Cannot list AI Gateway endpoints: .*${url.replace(/\./g, '\\.')}`));
});
