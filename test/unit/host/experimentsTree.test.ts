import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import Module from 'node:module';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { FileStore } from '../../../extension/core/store/fileStoreWriter';
import { copyFixtureStore, fixtureStore, loadExpected } from '../../support/fixture';
import { runPythonJson } from '../../support/python';
import { EventEmitter, TreeItem } from '../../support/vscodeTreeStandIns';

/**
 * Glue test of the Experiments tree: `vscode` is a small recording stand-in, the store is the real
 * fixture written by mlflow. What VS Code itself does with the items is checked in code-server.
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

const expected = loadExpected();
const parent = expected.runs.find((r) => r.run_id === expected.parent_run_id)!;
const forecasting = expected.experiments.find((e) => e.name === 'forecasting')!.experiment_id;
const log = { error: () => undefined, warn: () => undefined, info: () => undefined };

function treeOn(root: string, pageSize?: number) {
  const store = new FileStoreReader(root);
  const session = { state: { kind: 'connected', uri: store.uri, store } };
  const tree = new ExperimentsTreeProvider(session as never, log as never, { pageSize });
  const fired: (Node | Node[] | undefined)[] = [];
  tree.onDidChangeTreeData((e) => fired.push(e));
  return { tree, fired };
}

async function experiment(tree: InstanceType<typeof ExperimentsTreeProvider>, id: string): Promise<Node> {
  const n = ((await tree.getChildren()) ?? []).find((x) => x.type === 'experiment' && x.experiment.experimentId === id);
  assert.ok(n, `experiment ${id}`);
  return n;
}

const runNames = (nodes: Node[]) => nodes.flatMap((n) => (n.type === 'run' ? [n.run.info.runName] : []));

test('items: ids, codicons, commands; tooltips only on hover, as plain text', async () => {
  const { tree } = treeOn(fixtureStore);
  const exp = await experiment(tree, parent.experiment_id);
  const expItem = tree.getTreeItem(exp);
  assert.equal(expItem.id, `exp:${parent.experiment_id}`);
  const runs = await tree.getChildren(exp);
  const p = runs.find((n) => n.type === 'run' && n.run.info.runId === parent.run_id)!;
  const item = tree.getTreeItem(p);
  assert.equal(item.id, `run:${parent.run_id}`);
  assert.equal(item.collapsibleState, 1, 'a parent run is expandable');
  assert.equal(item.tooltip, undefined);
  const resolved = tree.resolveTreeItem(item, p);
  assert.equal(typeof resolved.tooltip, 'string');
  assert.match(String(resolved.tooltip), new RegExp(parent.run_id));
  assert.deepEqual((item.command as { command: string }).command, 'mlflow.openRun');
  const leaf = runs.find((n) => n.type === 'run' && n.run.info.runId !== parent.run_id)!;
  assert.equal(tree.getTreeItem(leaf).collapsibleState, 0);
});

test('"Load more" is the last row while pages remain, and loads the next page into the same level', async () => {
  const { tree, fired } = treeOn(fixtureStore, 3);
  const exp = await experiment(tree, forecasting);
  const first = await tree.getChildren(exp);
  assert.equal(runNames(first).length, 3);
  const more = first[first.length - 1];
  assert.equal(more.type, 'more');
  const item = tree.getTreeItem(more);
  assert.equal(item.label, 'Load more runs…');
  assert.deepEqual((item.command as { command: string; arguments: unknown[] }).arguments, [more]);
  await tree.loadMore(more);
  assert.deepEqual(fired, [exp], 'the experiment re-renders its children');
  const all = await tree.getChildren(exp);
  assert.equal(runNames(all).length, 4);
  assert.ok(!all.some((n) => n.type === 'more'), 'no "Load more" after the last page');
  assert.ok(first.slice(0, 3).every((n, i) => n === all[i]), 'rows already shown keep their node objects');
});

test('a filter re-renders the view, applies at every level, and a bad one sends nothing', async () => {
  const { tree, fired } = treeOn(fixtureStore);
  const exp = await experiment(tree, forecasting);
  tree.setQuery({ filter: 'metrics.mape < 20', orderBy: [] });
  assert.deepEqual(fired, [undefined]);
  assert.deepEqual(runNames(await tree.getChildren(exp)).sort(), ['arima-live', 'prophet-baseline']);
  assert.throws(() => tree.setQuery({ filter: 'metrics.mape <', orderBy: [] }), /./);
  assert.equal(fired.length, 1, 'a refused filter changes nothing');
  assert.equal(tree.currentQuery.filter, 'metrics.mape < 20');

  tree.setQuery({ filter: 'metrics.nothing > 1', orderBy: [] });
  const none = await tree.getChildren(exp);
  assert.equal(none.length, 1);
  assert.equal(tree.getTreeItem(none[0]).label, 'No runs match the filter');

  const iris = await experiment(tree, parent.experiment_id);
  tree.setQuery({ filter: "params.model = 'tree'", orderBy: [] });
  const rows = await tree.getChildren(iris);
  const group = rows.find((n) => n.type === 'orphans');
  assert.ok(group, 'matching children of a parent that does not match are grouped');
  assert.deepEqual(runNames(await tree.getChildren(group)).sort(), ['trial-0', 'trial-2']);
});

test('refresh fires only the nodes that changed and keeps the node objects', async () => {
  const root = copyFixtureStore();
  try {
    const store = new FileStore(root);
    const { tree, fired } = treeOn(root);
    const exp = await experiment(tree, forecasting);
    const before = await tree.getChildren(exp);
    const iris = await experiment(tree, parent.experiment_id);
    const top = await tree.getChildren(iris);
    const p = top.find((n) => n.type === 'run' && n.run.info.runId === parent.run_id)!;
    await tree.getChildren(p);

    await tree.refresh();
    assert.deepEqual(fired, [], 'nothing changed, nothing re-rendered');

    const live = expected.runs.find((r) => r.run_name === 'arima-live')!;
    await store.updateRun(live.run_id, { status: 'FINISHED', endTime: live.start_time + 1000 });
    await tree.refresh();
    const liveNode = before.find((n) => n.type === 'run' && n.run.info.runId === live.run_id)!;
    assert.deepEqual(fired, [[liveNode]], 'only the run that changed');
    assert.equal(liveNode.type === 'run' && liveNode.run.info.status, 'FINISHED', 'the same node object carries the new run');
    const after = await tree.getChildren(exp);
    assert.ok(after.every((n, i) => n === before[i]));

    fired.length = 0;
    await store.createRun({ experimentId: parent.experiment_id, runName: 'late-trial', startTime: Date.now(), tags: { 'mlflow.parentRunId': parent.run_id } });
    await tree.refresh();
    assert.deepEqual(fired, [[p]], 'a new child re-renders its parent only');
    assert.ok(runNames(await tree.getChildren(p)).includes('late-trial'));
  } finally {
    rmSync(dirname(root), { recursive: true, force: true });
  }
});

test('a store that fails shows the error in the tree, per experiment', async () => {
  const root = copyFixtureStore();
  try {
    const { tree } = treeOn(root);
    const exp = await experiment(tree, forecasting);
    rmSync(root, { recursive: true, force: true });
    const rows = await tree.getChildren(exp);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].type, 'message');
    const item = tree.getTreeItem(rows[0]);
    assert.match(String(item.label), /^Cannot read runs: /);
    assert.equal((item.iconPath as { id: string }).id, 'error');
  } finally {
    rmSync(dirname(root), { recursive: true, force: true });
  }
});

test('Show Deleted lists deleted experiments and runs, marked with a trash icon and their own context values', async () => {
  const { tree, fired } = treeOn(fixtureStore);
  const deletedExp = expected.experiments.find((e) => e.lifecycle_stage === 'deleted')!;
  const deletedRun = expected.runs.find((r) => r.lifecycle_stage === 'deleted' && r.experiment_id === parent.experiment_id)!;
  assert.ok(!(await tree.getChildren()).some((n) => n.type === 'experiment' && n.experiment.experimentId === deletedExp.experiment_id));
  assert.ok(!runNames(await tree.getChildren(await experiment(tree, parent.experiment_id))).includes(deletedRun.run_name));

  tree.setShowDeleted(true);
  assert.equal(tree.showDeleted, true);
  assert.deepEqual(fired.slice(-1), [undefined], 'the whole view is read again');
  const gone = await experiment(tree, deletedExp.experiment_id);
  const expItem = tree.getTreeItem(gone);
  assert.equal(expItem.contextValue, 'experimentDeleted');
  assert.equal((expItem.iconPath as { id: string }).id, 'trash');
  assert.equal(expItem.description, 'deleted');
  const runs = await tree.getChildren(await experiment(tree, parent.experiment_id));
  const runNode = runs.find((n) => n.type === 'run' && n.run.info.runId === deletedRun.run_id);
  assert.ok(runNode, 'the deleted run is listed');
  const runItem = tree.getTreeItem(runNode);
  assert.equal(runItem.contextValue, 'runDeleted');
  assert.equal((runItem.iconPath as { id: string }).id, 'trash');
  assert.match(String(runItem.description), /^deleted · /);
  const active = runs.find((n) => n.type === 'run' && n.run.info.lifecycleStage === 'active' && !tree.getTreeItem(n).contextValue!.startsWith('runWithChildren'))!;
  assert.equal(tree.getTreeItem(active).contextValue, 'run', 'active runs keep their context value');

  tree.setShowDeleted(false);
  assert.ok(!(await tree.getChildren()).some((n) => n.type === 'experiment' && n.experiment.experimentId === deletedExp.experiment_id));
  assert.ok(!runNames(await tree.getChildren(await experiment(tree, parent.experiment_id))).includes(deletedRun.run_name));
});

test('a run started elsewhere (the runner) is found for reveal: its node, and parents up to the experiment', async () => {
  const root = copyFixtureStore();
  try {
    const { tree } = treeOn(root);
    // The view has not opened the experiment yet: nodeForRun reads what reveal needs.
    const uri = new FileStoreReader(root).uri;
    const made = runPythonJson<{ top: string; child: string }>(
      `import json, mlflow\nc = mlflow.MlflowClient('${uri}')\n` +
        `t = c.create_run('${parent.experiment_id}', run_name='runner-new')\n` +
        `k = c.create_run('${parent.experiment_id}', run_name='runner-child', tags={'mlflow.parentRunId': '${parent.run_id}'})\n` +
        `print(json.dumps({'top': t.info.run_id, 'child': k.info.run_id}))`,
    );
    await tree.refresh();
    const store = new FileStoreReader(root);
    const top = await tree.nodeForRun(await store.getRun(made.top));
    assert.ok(top?.type === 'run' && top.run.info.status === 'RUNNING', 'the new run is listed RUNNING');
    const exp = tree.getParent(top);
    assert.ok(exp?.type === 'experiment' && exp.experiment.experimentId === parent.experiment_id);
    assert.equal(tree.getParent(exp), undefined);

    const child = await tree.nodeForRun(await store.getRun(made.child));
    assert.ok(child?.type === 'run' && child.run.info.runName === 'runner-child');
    const p = tree.getParent(child);
    assert.ok(p?.type === 'run' && p.run.info.runId === parent.run_id, 'a nested run sits under its parent run');
    assert.equal(tree.getParent(p), exp, 'the same node objects the view holds');
  } finally {
    rmSync(dirname(root), { recursive: true, force: true });
  }
});
