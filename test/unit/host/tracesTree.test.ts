import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import Module from 'node:module';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before } from 'node:test';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { makeTraceStore, type PyTraces } from '../../support/traceStore';
import { EventEmitter, TreeItem } from '../../support/vscodeTreeStandIns';

/**
 * Glue test of the Experiments tree's Traces folder: `vscode` is a small recording stand-in, the
 * store a file store holding traces the real mlflow wrote. What VS Code does with the items is
 * checked in code-server (test/vscode/traceFlows.mjs).
 */

const fakeVscode = {
  EventEmitter,
  TreeItem,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  ThemeIcon: class {
    constructor(
      readonly id: string,
      readonly color?: unknown,
    ) {}
  },
  ThemeColor: class {
    constructor(readonly id: string) {}
  },
  ProgressLocation: { Notification: 15, Window: 10 },
  window: { withProgress: <R>(_o: unknown, task: (p: unknown, t: unknown) => Promise<R>) => task({ report: () => undefined }, { onCancellationRequested: () => undefined }) },
};
const resolver = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
const original = resolver._resolveFilename;
resolver._resolveFilename = (req, ...rest) => (req === 'vscode' ? 'vscode' : original(req, ...rest));
(require.cache as Record<string, unknown>).vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: fakeVscode };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ExperimentsTreeProvider } = require('../../../extension/host/experimentsTree') as typeof import('../../../extension/host/experimentsTree');
type Node = import('../../../extension/host/experimentsTree').ExperimentsNode;


const dir = mkdtempSync(join(tmpdir(), 'mlwb-traces-tree-'));
const root = join(dir, 'mlruns');
let py: PyTraces;
before(() => {
  // 55 simple traces + agent + failing: more than one page of 50.
  py = makeTraceStore(pathToFileURL(root).href, dir, 55);
});
after(() => rmSync(dir, { recursive: true, force: true }));
const log = { error: () => undefined, warn: () => undefined, info: () => undefined };

function treeOn() {
  const store = new FileStoreReader(root);
  const session = { state: { kind: 'connected', uri: store.uri, store } };
  const tree = new ExperimentsTreeProvider(session as never, log as never, {});
  const fired: (Node | Node[] | undefined)[] = [];
  tree.onDidChangeTreeData((e) => fired.push(e));
  return { tree, fired };
}

async function folder(tree: InstanceType<typeof ExperimentsTreeProvider>): Promise<{ exp: Node; folder: Node; others: Node[] }> {
  const roots = (await tree.getChildren()) ?? [];
  const exp = roots.find((x) => x.type === 'experiment' && x.experiment.experimentId === py.experiment_id)!;
  const kids = await tree.getChildren(exp);
  const others = roots.filter((x) => x !== exp);
  return { exp, folder: kids[0], others };
}

test('an experiment with traces shows a Traces folder first; one without shows none', async () => {
  const { tree } = treeOn();
  const { folder: f, others } = await folder(tree);
  assert.equal(f.type, 'traces');
  const item = tree.getTreeItem(f);
  assert.equal(item.label, 'Traces');
  assert.equal(item.contextValue, 'traces');
  for (const o of others) {
    const kids = await tree.getChildren(o);
    assert.ok(!kids.some((k) => k.type === 'traces'), 'no Traces folder in an experiment without traces');
  }
});

test('trace rows: newest first, 50 a page, label, status icon, duration and tokens, open command; Load more', async () => {
  const { tree, fired } = treeOn();
  const { folder: f } = await folder(tree);
  const first = await tree.getChildren(f);
  const traces = first.filter((n) => n.type === 'trace');
  assert.equal(traces.length, 50);
  assert.deepEqual(
    traces.map((n) => (n.type === 'trace' ? n.trace.traceId : '')),
    py.traces.slice(0, 50).map((t) => t.trace_id),
  );
  assert.equal(first[first.length - 1].type, 'moreTraces');
  await tree.loadMoreTraces(first[first.length - 1]);
  assert.deepEqual(fired, [f]);
  const all = (await tree.getChildren(f)).filter((n) => n.type === 'trace');
  assert.equal(all.length, py.traces.length);
  const agent = all.find((n) => n.type === 'trace' && n.trace.traceId === py.agent_id)!;
  const item = tree.getTreeItem(agent);
  assert.equal(item.label, '{"q": "hello"}');
  assert.match(String(item.description), /ms · 15 tokens · /);
  assert.equal((item.iconPath as { id: string }).id, 'pass');
  assert.deepEqual((item.command as { command: string; arguments: unknown[] }).command, 'mlflow.openTrace');
  assert.equal(item.tooltip, undefined);
  assert.match(String(tree.resolveTreeItem(item, agent).tooltip), new RegExp(py.agent_id));
  const failing = all.find((n) => n.type === 'trace' && n.trace.traceId === py.failing_id)!;
  const fItem = tree.getTreeItem(failing);
  assert.equal(fItem.label, 'failing', 'an empty request shows the trace name');
  assert.equal((fItem.iconPath as { id: string }).id, 'error');
});

test('a trace filter on one experiment: its rows, the folder says so, clearing restores', async () => {
  const { tree } = treeOn();
  const { exp, folder: f } = await folder(tree);
  tree.setTraceFilter(py.experiment_id, "status = 'ERROR'");
  const kids = await tree.getChildren(exp);
  const filtered = kids[0];
  assert.equal(filtered.type, 'traces');
  assert.equal(tree.getTreeItem(filtered).contextValue, 'tracesFiltered');
  assert.match(String(tree.getTreeItem(filtered).description), /status = 'ERROR'/);
  const rows = await tree.getChildren(filtered);
  assert.deepEqual(
    rows.map((n) => (n.type === 'trace' ? n.trace.traceId : n.type)),
    [py.failing_id],
  );
  tree.setTraceFilter(py.experiment_id, "name = 'nothing-like-this'");
  const none = await tree.getChildren((await tree.getChildren(exp))[0]);
  assert.deepEqual(none.map((n) => (n.type === 'tracesMessage' ? n.text : n.type)), ['No traces match the filter']);
  tree.setTraceFilter(py.experiment_id, '');
  assert.equal((await tree.getChildren(f)).filter((n) => n.type === 'trace').length, 50);
});
