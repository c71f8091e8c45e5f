import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExperimentsNode } from '../../../extension/host/experimentsTree';
import type { MlflowWorkbenchApi } from '../../../extension/host/extension';
import type { ModelsNode } from '../../../extension/host/modelsTree';
import type { Expected } from '../../support/fixture';
import type { TestCase } from './harness';

export const EXTENSION_ID = 'mlflow-workbench.mlflow-workbench';

/** What real mlflow reported about the workspace's store (make_fixture_store.py writes it). */
export function loadExpected(): Expected {
  const p = process.env.MLWB_TEST_EXPECTED;
  if (!p) throw new Error('MLWB_TEST_EXPECTED is not set: the launcher must pass the expected.json written by make_fixture_store.py');
  return JSON.parse(readFileSync(p, 'utf8')) as Expected;
}

export function workspaceRoot(): string {
  const f = vscode.workspace.workspaceFolders?.[0];
  if (!f) throw new Error('no workspace folder is open');
  return f.uri.fsPath;
}

let api: MlflowWorkbenchApi | undefined;

export async function activatedApi(): Promise<MlflowWorkbenchApi> {
  if (api) return api;
  const ext = vscode.extensions.getExtension<MlflowWorkbenchApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this VS Code`);
  api = ext.isActive ? ext.exports : await ext.activate();
  assert.ok(api && typeof api.whenReady === 'function', 'activate() did not return the MlflowWorkbenchApi');
  await api.whenReady();
  return api;
}

async function experimentNodes(a: MlflowWorkbenchApi): Promise<Extract<ExperimentsNode, { type: 'experiment' }>[]> {
  const nodes = (await a.experimentsTree.getChildren(undefined)) ?? [];
  return nodes.filter((n): n is Extract<ExperimentsNode, { type: 'experiment' }> => n.type === 'experiment');
}

async function runNodes(a: MlflowWorkbenchApi, parent: ExperimentsNode): Promise<Extract<ExperimentsNode, { type: 'run' }>[]> {
  const nodes = (await a.experimentsTree.getChildren(parent)) ?? [];
  return nodes.filter((n): n is Extract<ExperimentsNode, { type: 'run' }> => n.type === 'run');
}

async function itemText(tree: vscode.TreeDataProvider<ModelsNode>, node: ModelsNode): Promise<{ label: string; description: string }> {
  const item = await tree.getTreeItem(node);
  const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
  const description = typeof item.description === 'string' ? item.description : '';
  return { label, description };
}

export function storeCases(): TestCase[] {
  const expected = loadExpected();
  return [
    {
      name: 'extension activates in the fixture workspace',
      fn: async () => {
        await activatedApi();
        const ext = vscode.extensions.getExtension(EXTENSION_ID);
        assert.equal(ext?.isActive, true);
      },
    },
    process.env.MLWB_TEST_STORE === 'sqlite'
      ? {
          name: 'store URI resolves to the workspace mlflow.db (no server started by the user)',
          fn: async () => {
            const a = await activatedApi();
            const uri = a.getStoreUri();
            assert.ok(uri, 'no store URI resolved');
            assert.ok(uri.startsWith('sqlite:///'), `store URI ${uri} is not a sqlite URI`);
            assert.equal(uri.slice('sqlite:///'.length).replace(/^\/+/, '/'), join(workspaceRoot(), 'mlflow.db'));
          },
        }
      : {
          name: 'store URI resolves to the workspace mlruns/',
          fn: async () => {
            const a = await activatedApi();
            const uri = a.getStoreUri();
            assert.ok(uri, 'no store URI resolved');
            const want = vscode.Uri.file(join(workspaceRoot(), 'mlruns'));
            assert.equal(vscode.Uri.parse(uri).fsPath, want.fsPath, `store URI ${uri} is not the fixture's mlruns/`);
          },
        },
    {
      name: 'Experiments tree lists exactly the active experiments',
      fn: async () => {
        const a = await activatedApi();
        const got = (await experimentNodes(a)).map((n) => n.experiment.name).sort();
        const want = expected.experiments.filter((e) => e.lifecycle_stage === 'active').map((e) => e.name).sort();
        assert.deepEqual(got, want);
      },
    },
    {
      name: 'parent run shows its nested runs; deleted runs are hidden',
      fn: async () => {
        const a = await activatedApi();
        const parentId = expected.parent_run_id;
        const parentRun = expected.runs.find((r) => r.run_id === parentId);
        assert.ok(parentRun, 'expected.json lacks the parent run');
        const exp = (await experimentNodes(a)).find((n) => n.experiment.experimentId === parentRun.experiment_id);
        assert.ok(exp, `experiment ${parentRun.experiment_id} is not in the tree`);
        const top = await runNodes(a, exp);
        const wantTop = expected.runs
          .filter((r) => r.experiment_id === parentRun.experiment_id && r.lifecycle_stage === 'active' && !r.tags['mlflow.parentRunId'])
          .map((r) => r.run_id)
          .sort();
        assert.deepEqual(top.map((n) => n.run.info.runId).sort(), wantTop, 'top-level runs differ from what mlflow reports');
        const parent = top.find((n) => n.run.info.runId === parentId);
        assert.ok(parent, 'parent run is not a top-level row');
        const children = (await runNodes(a, parent)).map((n) => n.run.info.runName).sort();
        const wantChildren = expected.runs.filter((r) => r.tags['mlflow.parentRunId'] === parentId && r.lifecycle_stage === 'active').map((r) => r.run_name).sort();
        assert.ok(wantChildren.length > 0, 'fixture has no nested runs');
        assert.deepEqual(children, wantChildren);
        const item = await a.experimentsTree.getTreeItem(parent);
        assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed, 'a parent run must be expandable');
      },
    },
    ...pagingCases(expected),
    {
      name: 'Models tree shows models, versions and aliases',
      fn: async () => {
        const a = await activatedApi();
        const models = ((await a.modelsTree.getChildren(undefined)) ?? []).filter((n): n is Extract<ModelsNode, { type: 'model' }> => n.type === 'model');
        assert.deepEqual(models.map((m) => m.model.name).sort(), expected.registered_models.map((m) => m.name).sort());
        for (const want of expected.registered_models) {
          const node = models.find((m) => m.model.name === want.name)!;
          const { description } = await itemText(a.modelsTree, node);
          for (const alias of Object.keys(want.aliases)) assert.ok(description.includes(`@${alias}`), `model ${want.name}: alias @${alias} missing from "${description}"`);
          const versions = (await a.modelsTree.getChildren(node)) ?? [];
          const got = await Promise.all(versions.map((v) => itemText(a.modelsTree, v)));
          assert.deepEqual(got.map((g) => g.label).sort(), want.versions.map((v) => `Version ${v.version}`).sort(), `versions of ${want.name}`);
          for (const v of want.versions) {
            const row = got.find((g) => g.label === `Version ${v.version}`)!;
            for (const alias of v.aliases) assert.ok(row.description.includes(`@${alias}`), `${want.name} v${v.version}: alias @${alias} missing from "${row.description}"`);
            if (v.current_stage !== 'None') assert.ok(row.description.includes(v.current_stage), `${want.name} v${v.version}: stage ${v.current_stage} missing`);
          }
        }
      },
    },
    {
      name: 'task provider offers the entry points of every MLproject, nested ones too (trusted workspace)',
      fn: async () => {
        await activatedApi();
        const tasks = await vscode.tasks.fetchTasks({ type: 'mlflow' });
        const names = tasks.map((t) => { const d = t.definition as { entryPoint?: string; project?: string }; return `${d.project ?? '.'}:${d.entryPoint}`; }).sort();
        // The workspace's own MLproject, and lang/undeclared/MLproject one level down (not a folder root).
        assert.deepEqual(names, ['.:main', 'lang/undeclared:evaluate', 'lang/undeclared:main'], `tasks offered: ${JSON.stringify(names)}`);
        const main = tasks.find((t) => (t.definition as { project?: string }).project === undefined)!;
        assert.ok(main.execution instanceof vscode.CustomExecution, 'the task runs through the runner, not a shell or process of its own');
        assert.deepEqual(main.problemMatchers, ['$mlflow-python', '$mlflow-python-caret']);
      },
    },
    {
      // A tasks.json entry goes through the provider's resolveTask; a wrong field must stop it in
      // its terminal (exit code 1) before any Python starts.
      name: 'a tasks.json mlflow task with a wrong envManager ends with exit code 1 and starts no run',
      fn: async () => {
        await activatedApi();
        const folder = vscode.workspace.workspaceFolders![0];
        const config = vscode.workspace.getConfiguration('tasks', folder.uri);
        await config.update('version', '2.0.0', vscode.ConfigurationTarget.WorkspaceFolder);
        await config.update('tasks', [{ type: 'mlflow', label: 'bad envManager', entryPoint: 'main', envManager: 'pipenv', problemMatcher: [] }], vscode.ConfigurationTarget.WorkspaceFolder);
        try {
          let task: vscode.Task | undefined;
          for (let i = 0; i < 40 && !task; i++) {
            task = (await vscode.tasks.fetchTasks({ type: 'mlflow' })).find((t) => t.name === 'bad envManager');
            if (!task) await new Promise((r) => setTimeout(r, 250));
          }
          assert.ok(task, 'the tasks.json task is not offered');
          // The exit code comes with onDidEndTaskProcess; onDidEndTask says the task is over.
          let code: number | undefined;
          const subs = [vscode.tasks.onDidEndTaskProcess((e) => void (e.execution.task.name === 'bad envManager' && (code = e.exitCode)))];
          const ended = new Promise<boolean>((resolve) => subs.push(vscode.tasks.onDidEndTask((e) => void (e.execution.task.name === 'bad envManager' && resolve(true)))));
          try {
            await vscode.tasks.executeTask(task);
            assert.ok(await Promise.race([ended, new Promise<boolean>((r) => setTimeout(() => r(false), 20_000))]), 'the task did not end within 20 s');
            await new Promise((r) => setTimeout(r, 200));
          } finally {
            for (const s of subs) s.dispose();
          }
          assert.equal(code, 1, `exit code ${code}`);
        } finally {
          await config.update('tasks', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
          await config.update('version', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
        }
      },
    },
  ];
}

/** Paging and refresh on the workspace's many-runs experiment (only the file-store pass has one). */
function pagingCases(expected: Expected): TestCase[] {
  const many = expected.many_runs;
  if (!many) return [];
  const name = (i: number) => `run-${String(i).padStart(4, '0')}`;
  return [
    {
      name: 'Experiments tree: 100 runs, then "Load more" appends the next 100 in MLflow order',
      fn: async () => {
        const a = await activatedApi();
        const exp = (await experimentNodes(a)).find((n) => n.experiment.experimentId === many.experiment_id);
        assert.ok(exp, `experiment ${many.name} is not in the tree`);
        let nodes = (await a.experimentsTree.getChildren(exp)) ?? [];
        const runs = () => nodes.filter((n): n is Extract<ExperimentsNode, { type: 'run' }> => n.type === 'run').map((n) => n.run.info.runName);
        assert.deepEqual(runs(), Array.from({ length: 100 }, (_, i) => name(many.count - 1 - i)));
        const more = nodes[nodes.length - 1];
        assert.equal(more.type, 'more', 'the last row is not "Load more"');
        await vscode.commands.executeCommand('mlflow.loadMoreRuns', more);
        nodes = (await a.experimentsTree.getChildren(exp)) ?? [];
        assert.deepEqual(runs(), Array.from({ length: 200 }, (_, i) => name(many.count - 1 - i)));
        assert.equal(nodes[nodes.length - 1].type, 'more');
      },
    },
    {
      name: 'Experiments tree: a refresh keeps the loaded pages and the same node objects',
      fn: async () => {
        const a = await activatedApi();
        const exp = (await experimentNodes(a)).find((n) => n.experiment.experimentId === many.experiment_id)!;
        const before = (await a.experimentsTree.getChildren(exp)) ?? [];
        await vscode.commands.executeCommand('mlflow.refresh');
        const after = (await a.experimentsTree.getChildren(exp)) ?? [];
        assert.equal(after.length, before.length, 'a refresh dropped loaded pages');
        assert.ok(after.every((n, i) => n === before[i]), 'a refresh replaced unchanged nodes (VS Code would lose their state)');
        const item = await a.experimentsTree.getTreeItem(after[0]);
        assert.equal(item.tooltip, undefined, 'tooltips are built on hover, not up front');
        const resolved = await a.experimentsTree.resolveTreeItem!(item, after[0], new vscode.CancellationTokenSource().token);
        assert.equal(typeof resolved?.tooltip, 'string', 'a run tooltip is plain text');
        assert.match(String(resolved?.tooltip), new RegExp(name(many.count - 1)));
      },
    },
  ];
}

/** Restricted Mode: the extension still browses (limited support) but never runs project code. */
export function restrictedCases(): TestCase[] {
  const expected = loadExpected();
  return [
    {
      name: 'workspace is not trusted',
      fn: async () => assert.equal(vscode.workspace.isTrusted, false, 'the launcher meant to open this folder in Restricted Mode'),
    },
    {
      name: 'extension activates and lists the experiments',
      fn: async () => {
        const a = await activatedApi();
        const got = (await experimentNodes(a)).map((n) => n.experiment.name).sort();
        assert.deepEqual(got, expected.experiments.filter((e) => e.lifecycle_stage === 'active').map((e) => e.name).sort());
      },
    },
    {
      // fetchTasks() itself never settles in Restricted Mode (the workbench holds task providers
      // until trust is granted), so the check is on our command: it must refuse and start nothing.
      name: 'running an entry point starts no task',
      fn: async () => {
        await activatedApi();
        const started: string[] = [];
        const sub = vscode.tasks.onDidStartTask((e) => started.push(e.execution.task.name));
        try {
          await vscode.commands.executeCommand('mlflow.runEntryPoint', vscode.Uri.file(join(workspaceRoot(), 'MLproject')), 'main');
        } finally {
          sub.dispose();
        }
        assert.deepEqual(started, [], 'a task started in Restricted Mode');
        assert.equal(vscode.tasks.taskExecutions.length, 0, 'a task is running in Restricted Mode');
      },
    },
  ];
}
