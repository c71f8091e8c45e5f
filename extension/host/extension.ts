import * as vscode from 'vscode';
import { errText } from '../core/store/fileStore';
import { storeKindOf, fileStorePath } from '../core/store/trackingUri';
import { ExperimentsTreeProvider, type ExperimentsNode } from './experimentsTree';
import { startLanguageClient } from './languageClient';
import { ModelsTreeProvider, type ModelsNode } from './modelsTree';
import { ModelServing } from './modelServing';
import { runEntryPointCommand, runSweepCommand } from './runner/commands';
import { LiveRuns } from './runner/liveRuns';
import { MlflowTaskProvider } from './runner/taskProvider';
import { registerRegistryActions } from './registryActions';
import { registerModelEditCommands } from './modelEditCommands';
import { ModelVersionPanels } from './modelVersionPanel';
import { registerRegisterCommands } from './registerCommands';
import { registerPromptCommands } from './promptCommands';
import { PromptDocuments } from './promptDocuments';
import { EvaluationPanels } from './evaluationPanel';
import { registerGatewayPlayground } from './gatewayPlayground';
import { PromptsTreeProvider, type PromptsNode } from './promptsTree';
import { RunPanels } from './runPanel';
import { openRunsTable } from './runsTableCommand';
import { RunsTables, type RunsTableSelection } from './runsTablePanel';
import { ChartPanels, chartRunIds } from './chartsPanel';
import { ComparePanels } from './comparePanel';
import { createStoreStatusItem } from './statusBar';
import { pickStore } from './storePicker';
import { downloadRunArtifacts } from './artifactCommands';
import { ArtifactFileSystem, artifactUri } from './artifactFileSystem';
import { applyArtifactLanguage } from './artifactOpener';
import { registerRunsQueryCommands } from './runsQueryCommands';
import { registerLifecycleActions } from './lifecycleActions';
import { NoteFileSystem } from './noteFileSystem';
import { StoreSession } from './storeSession';
import { registerTraceCommands } from './traceCommands';
import { TracePanels } from './tracePanel';

/** What activate() returns: used by the extension-host test suite and by other extensions. */
export interface MlflowWorkbenchApi {
  getStoreUri(): string | undefined;
  experimentsTree: vscode.TreeDataProvider<ExperimentsNode>;
  modelsTree: vscode.TreeDataProvider<ModelsNode>;
  promptsTree: vscode.TreeDataProvider<PromptsNode>;
  whenReady(): Promise<void>;
  /** The read-only `mlflow-artifact:` URI of a run's artifact in the open store; undefined with no store open. */
  artifactUri(runId: string, path: string): vscode.Uri | undefined;
  /** Open runs tables and their selection (what the charts and comparison panels open from). */
  runsTables: Pick<RunsTables, 'show' | 'selection' | 'onDidChangeSelection'>;
}

export async function activate(context: vscode.ExtensionContext): Promise<MlflowWorkbenchApi> {
  const log = vscode.window.createOutputChannel('MLflow', { log: true });
  context.subscriptions.push(log);
  const session = new StoreSession(context, log);
  context.subscriptions.push(session);

  const experiments = new ExperimentsTreeProvider(session, log);
  const models = new ModelsTreeProvider(session, log);
  // Several runs at once (Ctrl/Cmd-click) for 'Open Metric Charts'.
  const experimentsView = vscode.window.createTreeView('mlflow.experiments', { treeDataProvider: experiments, showCollapseAll: true, canSelectMany: true });
  const modelsView = vscode.window.createTreeView('mlflow.models', { treeDataProvider: models, showCollapseAll: true });
  experiments.onMessage = (m) => (experimentsView.message = m);
  models.onMessage = (m) => (modelsView.message = m);
  context.subscriptions.push(experimentsView, modelsView, createStoreStatusItem(session));
  const prompts = new PromptsTreeProvider(session, log);
  // Two versions selected at once are what 'Compare Prompt Versions' diffs.
  const promptsView = vscode.window.createTreeView('mlflow.prompts', { treeDataProvider: prompts, showCollapseAll: true, canSelectMany: true });
  prompts.onMessage = (m) => (promptsView.message = m);
  const promptDocs = PromptDocuments.register(session);
  const gateway = registerGatewayPlayground(context, session, log);
  context.subscriptions.push(new EvaluationPanels(context, session, log), gateway.disposable);
  context.subscriptions.push(promptsView, promptDocs.disposable, registerPromptCommands(session, log, promptDocs.docs, prompts));

  // A new or reconnected store starts the views afresh; a refresh of the same store re-reads what is
  // shown and re-renders only what changed.
  context.subscriptions.push(session.onDidChange(() => {
    experiments.reset();
    models.refresh();
    prompts.refresh();
  }));
  const refresh = () => {
    void experiments.refresh();
    models.refresh();
    prompts.refresh();
    gateway.tree.refresh();
  };
  context.subscriptions.push(registerRunsQueryCommands(experiments, experimentsView));
  const notes = NoteFileSystem.register(session, log);
  notes.fs.onDidSave = () => void experiments.refresh();
  context.subscriptions.push(notes.disposable, registerLifecycleActions(session, log, experiments));

  const artifactFs = ArtifactFileSystem.register(session);
  context.subscriptions.push(
    artifactFs.disposable,
    vscode.workspace.onDidOpenTextDocument((doc) => void applyArtifactLanguage(doc)),
  );
  const panels = new RunPanels(context, session, log, artifactFs.fs);
  context.subscriptions.push(panels);
  const charts = new ChartPanels(context, session, log);
  const compare = new ComparePanels(context, session, log);
  context.subscriptions.push(charts, compare);
  const runsTables = new RunsTables(context, session, log);
  context.subscriptions.push(runsTables);
  const tracePanels = new TracePanels(context, session, log);
  context.subscriptions.push(tracePanels, registerTraceCommands(experiments, session, tracePanels));

  // Runs the runner starts show up in the Experiments view, live in charts, sweeps end in a comparison.
  const live = new LiveRuns(session, {
    tree: experiments,
    view: experimentsView,
    openCharts: (ids) => charts.show(ids),
    openRun: (id) => panels.show(id),
    compare: (ids) => compare.show(ids),
  }, log);
  const runner = { session, live, log };

  context.subscriptions.push(
    vscode.commands.registerCommand('mlflow.refresh', async () => {
      // Re-read a healthy store; reconnect (re-resolve the URI) only when there is none or it failed.
      if (session.state.kind === 'connected') return refresh();
      await vscode.window.withProgress({ location: { viewId: 'mlflow.experiments' } }, () => session.reconnect());
    }),
    vscode.commands.registerCommand('mlflow.selectStore', () => pickStore(context, session)),
    vscode.commands.registerCommand('mlflow.openSettings', () => vscode.commands.executeCommand('workbench.action.openSettings', '@ext:mlflow-workbench.mlflow-workbench')),
    vscode.commands.registerCommand('mlflow.showLog', () => log.show()),
    vscode.commands.registerCommand('mlflow.loadMoreRuns', (node?: ExperimentsNode) => experiments.loadMore(node)),
    vscode.commands.registerCommand('mlflow.copyRunId', async (node?: ExperimentsNode) => {
      if (node?.type === 'run') await vscode.env.clipboard.writeText(node.run.info.runId);
    }),
    vscode.commands.registerCommand('mlflow.downloadArtifacts', (node?: ExperimentsNode) => (node?.type === 'run' ? downloadRunArtifacts(session, log, node.run) : undefined)),
    vscode.commands.registerCommand('mlflow.copyModelUri', async (node?: ModelsNode) => {
      if (node?.type === 'version') await vscode.env.clipboard.writeText(`models:/${node.version.name}/${node.version.version}`);
    }),
    vscode.commands.registerCommand('mlflow.openRun', (node?: ExperimentsNode | string) => {
      if (typeof node === 'string') panels.show(node);
      else if (node?.type === 'run') panels.click(node.run.info.runId, node.run.info.runName);
    }),
    vscode.commands.registerCommand('mlflow.keepRunOpen', () => panels.pinActive()),
    vscode.commands.registerCommand('mlflow.openRunsTable', (node?: ExperimentsNode) =>
      openRunsTable(session, runsTables, node?.type === 'experiment' ? node.experiment : undefined),
    ),
    vscode.commands.registerCommand('mlflow.runsTable.selection', (): RunsTableSelection | undefined => runsTables.selection()),
    vscode.commands.registerCommand('mlflow.compareRuns', (node?: ExperimentsNode | string[], nodes?: ExperimentsNode[]) => {
      const ids = chartRunIds(node, nodes, experimentsView.selection);
      if (ids.length === 0) return void vscode.window.showInformationMessage('Select runs in the MLflow Experiments view (Ctrl/Cmd-click for several), then choose "Compare Runs".');
      compare.show(ids);
    }),
    vscode.commands.registerCommand('mlflow.compareSelectedRuns', () => {
      const ids = runsTables.selection()?.runIds ?? [];
      if (ids.length === 0) return void vscode.window.showInformationMessage('Select runs in a runs table first (their checkboxes).');
      compare.show(ids);
    }),
    vscode.commands.registerCommand('mlflow.openChartsForSelection', () => {
      const ids = runsTables.selection()?.runIds ?? [];
      if (ids.length === 0) return void vscode.window.showInformationMessage('Select runs in a runs table first (their checkboxes).');
      charts.show(ids);
    }),
    vscode.commands.registerCommand('mlflow.openCharts', (node?: ExperimentsNode | string | string[], nodes?: ExperimentsNode[]) => {
      const ids = chartRunIds(node, nodes, experimentsView.selection);
      if (ids.length === 0) return void vscode.window.showInformationMessage('Select one or more runs in the MLflow Experiments view (Ctrl/Cmd-click for several), then choose "Open Metric Charts".');
      charts.show(ids);
    }),
    vscode.commands.registerCommand('mlflow.runEntryPoint', (target?: vscode.Uri | string, entryPoint?: string) => runEntryPointCommand(runner, target, entryPoint)),
    vscode.commands.registerCommand('mlflow.runSweep', (target?: vscode.Uri | string, entryPoint?: string) => runSweepCommand(runner, target, entryPoint)),
  );

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('mlflow.trackingUri')) void session.reconnect();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void session.reconnect()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void session.reconnect()),
  );
  // Registry: pages of model versions, Register Model, and the edits of the Models view.
  const versionPanels = new ModelVersionPanels(context, session, log, () => models.refresh());
  const registryChanged = () => {
    models.refresh();
    versionPanels.reloadAll();
  };
  context.subscriptions.push(
    versionPanels,
    registerRegistryActions(session, log, registryChanged),
    registerModelEditCommands(session, log, registryChanged, (name, version) => versionPanels.closeDeleted(name, version)),
    registerRegisterCommands(session, log, {
      models,
      modelsView,
      openVersion: (name, version) => versionPanels.show(name, version),
      changed: () => void experiments.refresh(),
    }),
    vscode.commands.registerCommand('mlflow.openModelVersion', (node?: ModelsNode | { name: string; version: string }) => {
      if (node && 'type' in node) {
        if (node.type === 'version') versionPanels.show(node.version.name, node.version.version);
      } else if (node && typeof node.name === 'string' && typeof node.version === 'string') {
        versionPanels.show(node.name, node.version);
      }
    }),
  );
  context.subscriptions.push(new ModelServing(context, session, log));
  context.subscriptions.push(vscode.tasks.registerTaskProvider('mlflow', new MlflowTaskProvider(runner)));
  watchLocalStore(context, session, refresh);

  void session.reconnect();

  try {
    const client = await startLanguageClient(context, log);
    context.subscriptions.push({ dispose: () => void client.stop() });
  } catch (e) {
    log.error(`MLproject/MLmodel language server failed to start: ${errText(e)}`);
  }

  return {
    getStoreUri: () => (session.state.kind === 'none' ? undefined : session.state.uri),
    experimentsTree: experiments,
    modelsTree: models,
    promptsTree: prompts,
    whenReady: () => session.whenReady(),
    artifactUri: (runId, path) => (session.state.kind === 'connected' ? artifactUri({ store: session.state.store.uri, runId, path }) : undefined),
    runsTables,
  };
}

/**
 * A file store changes under us while a training script logs; refresh the views (debounced) instead
 * of polling. Only for local stores and only when the user keeps mlflow.autoRefresh on.
 */
function watchLocalStore(context: vscode.ExtensionContext, session: StoreSession, refresh: () => void): void {
  let watcher: vscode.FileSystemWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  const poke = () => {
    if (!vscode.workspace.getConfiguration('mlflow').get<boolean>('autoRefresh', true)) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(refresh, 1500);
  };
  const rewatch = () => {
    watcher?.dispose();
    watcher = undefined;
    const s = session.state;
    if (s.kind !== 'connected' || storeKindOf(s.uri) !== 'file') return;
    const root = fileStorePath(s.uri, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
    watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '{*/meta.yaml,*/*/meta.yaml,models/**}'));
    watcher.onDidCreate(poke);
    watcher.onDidChange(poke);
    watcher.onDidDelete(poke);
  };
  context.subscriptions.push(session.onDidChange(rewatch), { dispose: () => { watcher?.dispose(); if (timer) clearTimeout(timer); } });
}

export function deactivate(): void {
  // Disposables registered on the context (language client, store servers) stop themselves.
}
