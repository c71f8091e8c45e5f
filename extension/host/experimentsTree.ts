import * as vscode from 'vscode';
import { experimentTooltip, nestRuns, neutralizeText, runDescription, runLabel, runTooltip } from '../core/model/display';
import type { Experiment, Run, RunStatus } from '../core/model/entities';
import { errText } from '../core/store/fileStore';
import { withStoreCall } from './storeCall';
import type { StoreSession } from './storeSession';

/** Experiments → runs → nested runs. Runs of an experiment are read once per refresh and cached. */

export type ExperimentsNode =
  | { type: 'experiment'; experiment: Experiment }
  | { type: 'run'; run: Run; experimentId: string }
  | { type: 'more'; experimentId: string; remaining: number };

/** Top-level runs shown per experiment before a "Show more" item; thousands of rows help nobody. */
export const RUNS_PAGE = 200;

const STATUS_ICON: Record<RunStatus, [string, string | undefined]> = {
  FINISHED: ['pass', 'testing.iconPassed'],
  FAILED: ['error', 'testing.iconFailed'],
  RUNNING: ['sync~spin', 'charts.blue'],
  SCHEDULED: ['clock', undefined],
  KILLED: ['circle-slash', 'disabledForeground'],
};

export class ExperimentsTreeProvider implements vscode.TreeDataProvider<ExperimentsNode> {
  private readonly changed = new vscode.EventEmitter<ExperimentsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private runsByExperiment = new Map<string, Promise<{ roots: Run[]; children: Map<string, Run[]> }>>();
  private shownByExperiment = new Map<string, number>();
  private experimentNodes = new Map<string, ExperimentsNode>();
  /** Set by the extension: where to show "cannot read the store" without a notification storm. */
  onMessage: (message: string | undefined) => void = () => undefined;

  constructor(
    private readonly session: StoreSession,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  refresh(): void {
    this.runsByExperiment.clear();
    this.changed.fire(undefined);
  }

  showMore(experimentId: string): void {
    this.shownByExperiment.set(experimentId, (this.shownByExperiment.get(experimentId) ?? RUNS_PAGE) + RUNS_PAGE);
    this.changed.fire(this.experimentNodes.get(experimentId));
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
    try {
      if (!node) {
        const exps = await withStoreCall({ title: 'loading experiments' }, () => state.store.searchExperiments({ viewType: 'ACTIVE_ONLY' }));
        this.onMessage(exps.length ? undefined : `No experiments in ${state.uri}`);
        this.experimentNodes.clear();
        return exps.map((experiment) => {
          const n: ExperimentsNode = { type: 'experiment', experiment };
          this.experimentNodes.set(experiment.experimentId, n);
          return n;
        });
      }
      if (node.type === 'more') return [];
      if (node.type === 'experiment') {
        const id = node.experiment.experimentId;
        const { roots } = await this.runsOf(id);
        const shown = this.shownByExperiment.get(id) ?? RUNS_PAGE;
        const nodes: ExperimentsNode[] = roots.slice(0, shown).map((run) => ({ type: 'run', run, experimentId: id }));
        if (roots.length > shown) nodes.push({ type: 'more', experimentId: id, remaining: roots.length - shown });
        return nodes;
      }
      const { children } = await this.runsOf(node.experimentId);
      return (children.get(node.run.info.runId) ?? []).map((run) => ({ type: 'run', run, experimentId: node.experimentId }));
    } catch (e) {
      const msg = errText(e);
      this.log.error(`Reading ${state.uri}: ${msg}`);
      this.onMessage(`Cannot read ${state.uri}: ${msg}`);
      return [];
    }
  }

  private runsOf(experimentId: string) {
    let p = this.runsByExperiment.get(experimentId);
    if (!p) {
      const state = this.session.state;
      if (state.kind !== 'connected') return Promise.resolve({ roots: [], children: new Map<string, Run[]>() });
      p = withStoreCall({ title: 'loading runs' }, () => state.store.searchRuns({ experimentIds: [experimentId] })).then(nestRuns);
      p.catch(() => this.runsByExperiment.delete(experimentId));
      this.runsByExperiment.set(experimentId, p);
    }
    return p;
  }

  async getTreeItem(node: ExperimentsNode): Promise<vscode.TreeItem> {
    if (node.type === 'more') {
      const item = new vscode.TreeItem(`Show ${Math.min(RUNS_PAGE, node.remaining)} more runs…`, vscode.TreeItemCollapsibleState.None);
      item.id = `more:${node.experimentId}`;
      item.description = `${node.remaining} not shown`;
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.command = { command: 'mlflow.showMoreRuns', title: 'Show More Runs', arguments: [node.experimentId] };
      return item;
    }
    if (node.type === 'experiment') {
      const e = node.experiment;
      const item = new vscode.TreeItem(neutralizeText(e.name), vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `exp:${e.experimentId}`;
      item.iconPath = new vscode.ThemeIcon('beaker');
      item.contextValue = 'experiment';
      item.tooltip = experimentTooltip(e);
      return item;
    }
    const r = node.run;
    const { children } = await this.runsOf(node.experimentId);
    const hasChildren = (children.get(r.info.runId)?.length ?? 0) > 0;
    const item = new vscode.TreeItem(neutralizeText(runLabel(r)), hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `run:${r.info.runId}`;
    item.description = runDescription(r);
    const [icon, color] = STATUS_ICON[r.info.status] ?? ['circle-outline', undefined];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.contextValue = hasChildren ? 'runWithChildren' : 'run';
    item.tooltip = runTooltip(r);
    item.command = { command: 'mlflow.openRun', title: 'Open Run Details', arguments: [node] };
    item.accessibilityInformation = { label: `Run ${neutralizeText(runLabel(r))}, ${r.info.status.toLowerCase()}` };
    return item;
  }
}
