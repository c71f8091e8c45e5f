import * as vscode from 'vscode';
import { experimentTooltip, neutralizeText, runDescription, runLabel, runTooltip } from '../core/model/display';
import { TAG, type Experiment, type LoggedModel, type Run, type RunStatus, type ViewType } from '../core/model/entities';
import { loggedModelsGroupItem, loggedModelItem, loggedModelTooltip } from './loggedModelItems';
import { contentKey, ExperimentRuns, levelKey, type ExperimentRunsOptions, type RunsChanges } from '../core/runs/experimentRuns';
import { EMPTY_QUERY, validateRunsQuery, type RunsQuery } from '../core/runs/runsQuery';
import { errText } from '../core/store/fileStore';
import type { TrackingReader } from '../core/store/trackingStore';
import { withStoreCall } from './storeCall';
import type { StoreSession } from './storeSession';
import { TracesTree, type TraceTreeNode } from './tracesTree';

/**
 * Experiments → runs → nested runs, read through an ExperimentRuns model (one paged cache per
 * query). Nodes are kept per id, so a refresh updates them in place and VS Code keeps expansion
 * and selection; tooltips are built on hover (resolveTreeItem).
 */

export type ExperimentsNode =
  | { type: 'experiment'; experiment: Experiment }
  | { type: 'run'; run: Run; experimentId: string }
  | { type: 'more'; experimentId: string; parentRunId?: string }
  | { type: 'orphans'; experimentId: string; count: number }
  | { type: 'loggedModels'; experimentId: string; models: LoggedModel[] }
  | { type: 'loggedModel'; model: LoggedModel }
  | { type: 'message'; key: string; text: string; error: boolean }
  | TraceTreeNode;

type RunNode = Extract<ExperimentsNode, { type: 'run' }>;

const STATUS_ICON: Record<RunStatus, [string, string | undefined]> = {
  FINISHED: ['pass', 'testing.iconPassed'],
  FAILED: ['error', 'testing.iconFailed'],
  RUNNING: ['sync~spin', 'charts.blue'],
  SCHEDULED: ['clock', undefined],
  KILLED: ['circle-slash', 'disabledForeground'],
};

export class ExperimentsTreeProvider implements vscode.TreeDataProvider<ExperimentsNode> {
  private readonly changed = new vscode.EventEmitter<ExperimentsNode | ExperimentsNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private model: { store: TrackingReader; runs: ExperimentRuns } | undefined;
  private query: RunsQuery = EMPTY_QUERY;
  /** One node object per tree id: VS Code matches elements by identity, and ids keep expansion. */
  private readonly nodes = new Map<string, ExperimentsNode>();
  /** "Load more" failures per level: shown under the pages already loaded. */
  private readonly levelErrors = new Map<string, string>();
  private experiments: Experiment[] | undefined;
  /** Set by the extension: where to show "cannot read the store" without a notification storm. */
  onMessage: (message: string | undefined) => void = () => undefined;
  /** Set by the extension: the query changed (for the view's description and context keys). */
  onQuery: (q: RunsQuery) => void = () => undefined;
  private deletedShown = false;
  /** Each experiment's "Traces" folder (tracesTree.ts). */
  readonly traces: TracesTree;

  constructor(
    private readonly session: StoreSession,
    private readonly log: vscode.LogOutputChannel,
    private runsOptions: ExperimentRunsOptions = {},
  ) {
    this.traces = new TracesTree(log);
  }

  /** Whether deleted experiments and runs are listed (marked) beside the active ones. */
  get showDeleted(): boolean {
    return this.deletedShown;
  }

  /** Lists deleted experiments and runs too (or not): every level is read again with the new view type. */
  setShowDeleted(on: boolean): void {
    if (on === this.deletedShown) return;
    this.deletedShown = on;
    this.runsOptions = { ...this.runsOptions, viewType: on ? 'ALL' : 'ACTIVE_ONLY' };
    this.reset();
  }

  private get experimentViewType(): ViewType {
    return this.deletedShown ? 'ALL' : 'ACTIVE_ONLY';
  }

  get currentQuery(): RunsQuery {
    return this.query;
  }

  /** Metric keys on the runs loaded so far, for the sort picker. */
  metricKeys(): string[] {
    return this.model?.runs.metricKeys() ?? [];
  }

  /** Validates (throws FilterError; nothing is sent) and shows the runs of the new query. */
  setQuery(q: RunsQuery): void {
    validateRunsQuery(q);
    this.model?.runs.setQuery(q);
    this.query = { filter: q.filter.trim(), orderBy: q.orderBy.slice() };
    this.dropRunNodes();
    this.onQuery(this.query);
    this.changed.fire(undefined);
  }

  /** The store changed (or reconnected): forget everything read from the old one. */
  reset(): void {
    this.traces.reset();
    this.model = undefined;
    this.experiments = undefined;
    this.nodes.clear();
    this.levelErrors.clear();
    this.changed.fire(undefined);
  }

  /** Reads the loaded pages again and re-renders only what changed; expansion and selection stay. */
  async refresh(): Promise<void> {
    const model = this.model;
    if (!model || this.session.state.kind !== 'connected' || this.session.state.store !== model.store) return this.reset();
    await this.progress('refreshing runs', async () => {
      let rootChanged = false;
      try {
        const exps = await model.store.searchExperiments({ viewType: this.experimentViewType });
        const before = this.experiments ?? [];
        rootChanged = exps.length !== before.length || exps.some((e, i) => contentKey(e) !== contentKey(before[i]));
      } catch (e) {
        rootChanged = true; // getChildren(root) reports the error
        this.log.error(`Reading ${model.store.uri}: ${errText(e)}`);
      }
      const changes = await model.runs.refresh();
      this.levelErrors.clear();
      if (rootChanged) {
        this.experiments = undefined;
        return this.changed.fire(undefined);
      }
      const targets: ExperimentsNode[] = [...this.nodesFor(changes), ...(await this.traces.refresh())];
      if (targets.length) this.changed.fire(targets);
    });
  }

  async loadMore(node: ExperimentsNode | undefined): Promise<void> {
    if (node?.type !== 'more') return;
    const model = this.currentModel();
    if (!model) return;
    const key = levelKey(node.experimentId, node.parentRunId);
    try {
      await this.progress('loading more runs', () => model.runs.loadMore(node.experimentId, node.parentRunId));
      this.levelErrors.delete(key);
    } catch (e) {
      const msg = errText(e);
      this.log.error(`Loading more runs from ${model.store.uri}: ${msg}`);
      this.levelErrors.set(key, `Loading more runs failed: ${msg}`);
    }
    this.changed.fire(this.ownerOf(node.experimentId, node.parentRunId));
  }

  async getChildren(node?: ExperimentsNode): Promise<ExperimentsNode[]> {
    const state = this.session.state;
    if (state.kind !== 'connected') {
      this.onMessage(
        state.kind === 'error'
          ? `Cannot open ${state.uri}: ${state.message}`
          : state.kind === 'connecting'
            ? `Connecting to ${state.uri}…`
            : undefined,
      );
      return [];
    }
    const model = this.currentModel()!;
    if (!node) {
      try {
        const exps = await this.progress('loading experiments', () => state.store.searchExperiments({ viewType: this.experimentViewType }));
        this.experiments = exps;
        this.onMessage(exps.length ? undefined : `No experiments in ${state.uri}`);
        return exps.map((experiment) => this.keep(`exp:${experiment.experimentId}`, { type: 'experiment', experiment }, (n) => (n.experiment = experiment)));
      } catch (e) {
        const msg = errText(e);
        this.log.error(`Reading ${state.uri}: ${msg}`);
        this.onMessage(`Cannot read ${state.uri}: ${msg}`);
        return [];
      }
    }
    if (node.type === 'experiment') {
      const id = node.experiment.experimentId;
      const [folder, group, runs] = await Promise.all([this.traces.folderFor(model.store, id), this.loggedModelsGroup(state.store, id), this.levelNodes(model.runs, id, undefined)]);
      return [...(folder ? [folder] : []), ...(group ? [group] : []), ...runs];
    }
    if (node.type === 'traces') return this.progress('loading traces', () => this.traces.children(model.store, node));
    if (node.type === 'loggedModels') return node.models.map((m) => this.keep(`lm:${m.modelId}`, { type: 'loggedModel', model: m }, (n) => (n.model = m)));
    if (node.type === 'run') return this.levelNodes(model.runs, node.experimentId, node.run.info.runId);
    if (node.type === 'orphans') {
      const runs = await model.runs.orphans(node.experimentId);
      return runs.map((r) => this.runNode(r, node.experimentId));
    }
    return [];
  }

  private async levelNodes(runs: ExperimentRuns, experimentId: string, parentRunId: string | undefined): Promise<ExperimentsNode[]> {
    const key = levelKey(experimentId, parentRunId);
    try {
      const [level, orphans] = await this.progress('loading runs', () => Promise.all([runs.level(experimentId, parentRunId), parentRunId ? [] : runs.orphans(experimentId)]));
      const out: ExperimentsNode[] = level.runs.map((r) => this.runNode(r, experimentId));
      if (orphans.length) {
        out.push(this.keep(`orphans:${experimentId}`, { type: 'orphans', experimentId, count: orphans.length }, (n) => (n.count = orphans.length)));
      }
      const failed = this.levelErrors.get(key);
      if (failed) out.push(this.message(key, failed, true));
      if (level.hasMore) out.push(this.keep(`more:${key}`, { type: 'more', experimentId, parentRunId }, () => undefined));
      if (!out.length && !parentRunId) out.push(this.message(key, this.query.filter ? 'No runs match the filter' : 'No runs', false));
      if (parentRunId && !out.length) {
        // Opened on a guess (the parent index was incomplete): drop the expand arrow.
        const owner = this.nodes.get(`run:${parentRunId}`);
        if (owner) setTimeout(() => this.changed.fire(owner), 0);
      }
      return out;
    } catch (e) {
      const msg = errText(e);
      const where = this.model?.store.uri ?? '';
      this.log.error(`Reading runs of experiment ${experimentId} from ${where}: ${msg}`);
      return [this.message(key, `Cannot read runs: ${msg}`, true)];
    }
  }

  /** MLflow 3 logged models of an experiment as one "Models" group above its runs; none, no group. */
  private async loggedModelsGroup(store: TrackingReader, experimentId: string): Promise<ExperimentsNode | undefined> {
    if (!store.capabilities.loggedModels) return undefined;
    try {
      const models = await this.progress('loading logged models', () => store.searchLoggedModels({ experimentIds: [experimentId] }));
      if (models.length === 0) return undefined;
      return this.keep(`lms:${experimentId}`, { type: 'loggedModels', experimentId, models }, (n) => (n.models = models));
    } catch (e) {
      // The runs below still show; a server without logged-model endpoints is no error for them.
      this.log.warn(`Reading logged models of experiment ${experimentId} from ${store.uri}: ${errText(e)}`);
      return undefined;
    }
  }

  /** For TreeView.reveal: a run sits under its parent run when that is shown, else under its experiment. */
  getParent(node: ExperimentsNode): ExperimentsNode | undefined {
    if (node.type === 'experiment' || node.type === 'message') return undefined;
    if (node.type === 'traces') return this.nodes.get(`exp:${node.experimentId}`);
    if (node.type === 'trace' || node.type === 'moreTraces' || node.type === 'tracesMessage') return this.traces.folderNode(node.experimentId);
    if (node.type === 'loggedModel') return this.nodes.get(`lms:${node.model.experimentId}`);
    const parentRunId = node.type === 'run' ? node.run.data.tags[TAG.parentRunId] : node.type === 'more' ? node.parentRunId : undefined;
    const parent = parentRunId ? this.nodes.get(`run:${parentRunId}`) : undefined;
    return parent ?? this.nodes.get(`exp:${node.experimentId}`);
  }

  /**
   * The node of a run the view may not have loaded yet (one just started by the runner): reads its
   * experiment's first page, and its parent's children for a nested run. Undefined when the run is
   * not on those pages (filtered out, or beyond the loaded pages).
   */
  async nodeForRun(run: Run): Promise<ExperimentsNode | undefined> {
    const roots = await this.getChildren();
    const exp = roots.find((n) => n.type === 'experiment' && n.experiment.experimentId === run.info.experimentId);
    if (!exp) return undefined;
    const top = await this.getChildren(exp);
    const parentRunId = run.data.tags[TAG.parentRunId];
    const level = parentRunId ? await this.getChildren(top.find((n) => n.type === 'run' && n.run.info.runId === parentRunId) ?? exp) : top;
    return level.find((n) => n.type === 'run' && n.run.info.runId === run.info.runId);
  }

  /** "Load more traces…" under an experiment's Traces folder. */
  async loadMoreTraces(node: ExperimentsNode | undefined): Promise<void> {
    const model = this.currentModel();
    if (node?.type !== 'moreTraces' || !model) return;
    const folder = await this.progress('loading more traces', () => this.traces.loadMore(model.store, node.experimentId));
    this.changed.fire(folder);
  }

  /** A new trace filter for one experiment ('' clears it); the caller has checked it. */
  setTraceFilter(experimentId: string, filter: string): void {
    const folder = this.traces.setFilter(experimentId, filter);
    this.changed.fire(folder ?? this.nodes.get(`exp:${experimentId}`));
  }

  getTreeItem(node: ExperimentsNode): vscode.TreeItem {
    switch (node.type) {
      case 'traces':
      case 'trace':
      case 'moreTraces':
      case 'tracesMessage':
        return this.traces.treeItem(node);
      case 'loggedModels':
        return loggedModelsGroupItem(node.experimentId, node.models.length);
      case 'loggedModel':
        return loggedModelItem(node.model);
      case 'more': {
        const item = new vscode.TreeItem('Load more runs…', vscode.TreeItemCollapsibleState.None);
        item.id = `more:${levelKey(node.experimentId, node.parentRunId)}`;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.contextValue = 'loadMore';
        item.command = { command: 'mlflow.loadMoreRuns', title: 'Load More Runs', arguments: [node] };
        return item;
      }
      case 'message': {
        // Messages quote store errors, which may quote store text.
        const item = new vscode.TreeItem(neutralizeText(node.text), vscode.TreeItemCollapsibleState.None);
        item.id = `msg:${node.key}`;
        item.iconPath = new vscode.ThemeIcon(node.error ? 'error' : 'info', node.error ? new vscode.ThemeColor('errorForeground') : undefined);
        item.tooltip = neutralizeText(node.text, { keepNewlines: true });
        item.contextValue = node.error ? 'runsError' : 'runsInfo';
        return item;
      }
      case 'orphans': {
        const item = new vscode.TreeItem(`Nested runs whose parent is not listed`, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `orphans:${node.experimentId}`;
        item.description = String(node.count);
        item.iconPath = new vscode.ThemeIcon('type-hierarchy-sub');
        item.tooltip = 'Child runs whose parent run is deleted, in another experiment, or does not match the filter.';
        return item;
      }
      case 'experiment': {
        const e = node.experiment;
        const item = new vscode.TreeItem(neutralizeText(e.name), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `exp:${e.experimentId}`;
        if (e.lifecycleStage === 'deleted') {
          item.iconPath = new vscode.ThemeIcon('trash', new vscode.ThemeColor('disabledForeground'));
          item.description = 'deleted';
          item.contextValue = 'experimentDeleted';
          item.accessibilityInformation = { label: `Experiment ${neutralizeText(e.name)}, deleted` };
        } else {
          item.iconPath = new vscode.ThemeIcon('beaker');
          item.contextValue = 'experiment';
        }
        return item;
      }
      case 'run': {
        const r = node.run;
        const hasChildren = this.model?.runs.hasChildren(node.experimentId, r.info.runId) ?? false;
        const item = new vscode.TreeItem(neutralizeText(runLabel(r)), hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `run:${r.info.runId}`;
        item.description = runDescription(r);
        const deleted = r.info.lifecycleStage === 'deleted';
        const [icon, color] = deleted ? ['trash', 'disabledForeground'] : (STATUS_ICON[r.info.status] ?? ['circle-outline', undefined]);
        item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
        if (deleted) item.description = `deleted · ${item.description}`;
        // Deleted runs keep the 'run' prefix (open, charts, copy id still apply) and end in 'Deleted'.
        item.contextValue = (hasChildren ? 'runWithChildren' : 'run') + (deleted ? 'Deleted' : '');
        item.command = { command: 'mlflow.openRun', title: 'Open Run Details', arguments: [node] };
        item.accessibilityInformation = { label: `Run ${neutralizeText(runLabel(r))}, ${deleted ? 'deleted, ' : ''}${r.info.status.toLowerCase()}` };
        return item;
      }
    }
  }

  /** Tooltips are plain text built when the pointer rests on a row: store strings never become links. */
  resolveTreeItem(item: vscode.TreeItem, node: ExperimentsNode): vscode.TreeItem {
    if (node.type === 'run') item.tooltip = runTooltip(node.run);
    else if (node.type === 'loggedModel') item.tooltip = loggedModelTooltip(node.model);
    else if (node.type === 'experiment') item.tooltip = experimentTooltip(node.experiment);
    else if (node.type === 'trace') item.tooltip = this.traces.tooltip(node);
    return item;
  }

  private currentModel(): { store: TrackingReader; runs: ExperimentRuns } | undefined {
    const state = this.session.state;
    if (state.kind !== 'connected') return undefined;
    if (this.model?.store !== state.store) {
      const runs = new ExperimentRuns(state.store, this.runsOptions);
      runs.setQuery(this.query);
      this.model = { store: state.store, runs };
      this.dropRunNodes();
    }
    return this.model;
  }

  private runNode(run: Run, experimentId: string): RunNode {
    return this.keep(`run:${run.info.runId}`, { type: 'run', run, experimentId }, (n) => {
      n.run = run;
      n.experimentId = experimentId;
    });
  }

  private message(key: string, text: string, error: boolean): ExperimentsNode {
    return this.keep(`msg:${key}`, { type: 'message', key, text, error }, (n) => {
      n.text = text;
      n.error = error;
    });
  }

  /** The node kept for `id` (updated by `update`), or `fresh` the first time. */
  private keep<T extends ExperimentsNode>(id: string, fresh: T, update: (n: T) => void): T {
    const old = this.nodes.get(id) as T | undefined;
    if (old && old.type === fresh.type) {
      update(old);
      return old;
    }
    this.nodes.set(id, fresh);
    return fresh;
  }

  private dropRunNodes(): void {
    for (const [id, n] of this.nodes) if (n.type !== 'experiment') this.nodes.delete(id);
    this.levelErrors.clear();
  }

  private ownerOf(experimentId: string, parentRunId: string | undefined): ExperimentsNode | undefined {
    return this.nodes.get(parentRunId ? `run:${parentRunId}` : `exp:${experimentId}`);
  }

  /** The nodes to re-render for a refresh: a changed level re-renders its owner, a changed run itself. */
  private nodesFor(changes: RunsChanges): ExperimentsNode[] {
    const out = new Set<ExperimentsNode>();
    for (const key of changes.levels) {
      const [exp, parent] = key.split('/');
      const owner = this.ownerOf(exp, parent);
      if (owner) out.add(owner);
    }
    for (const [id, run] of changes.runs) {
      const n = this.nodes.get(`run:${id}`);
      if (n?.type !== 'run') continue;
      n.run = run; // VS Code asks getTreeItem for the fired node itself
      out.add(n);
    }
    for (const { level, error } of changes.errors) this.log.error(`Refreshing runs (${level}): ${errText(error)}`);
    return [...out];
  }

  /** Progress in the view, and "retrying…" with Cancel when a server is flaky (withStoreCall). */
  private progress<T>(title: string, work: () => Promise<T>): Promise<T> {
    return withStoreCall({ title, viewId: 'mlflow.experiments' }, work);
  }
}
