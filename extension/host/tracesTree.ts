import * as vscode from 'vscode';
import { neutralizeText } from '../core/model/display';
import { errText } from '../core/store/fileStore';
import type { TrackingReader } from '../core/store/trackingStore';
import { TRACE_KEY, tokenUsageOf, type TraceInfo, type TraceReader } from '../core/traces/entities';
import { formatDuration, formatTokens, traceLabel } from '../core/traces/traceDisplay';
import { TraceList } from '../core/traces/traceList';

/**
 * The "Traces" folder under each experiment of the Experiments view and its rows, paged with
 * "Load more traces…" and filtered per experiment with MLflow's trace filter. The folder appears
 * only when the store reads traces and the experiment has at least one (one search of one trace).
 * Glue only: pages come from TraceList (extension/core/traces).
 */

export type TraceTreeNode =
  | { type: 'traces'; experimentId: string; filter: string }
  | { type: 'trace'; trace: TraceInfo; experimentId: string }
  | { type: 'moreTraces'; experimentId: string }
  | { type: 'tracesMessage'; experimentId: string; text: string; error: boolean };

const STATE_ICON: Record<string, [string, string | undefined]> = {
  OK: ['pass', 'testing.iconPassed'],
  ERROR: ['error', 'testing.iconFailed'],
  IN_PROGRESS: ['sync~spin', 'charts.blue'],
};

export function traceReader(store: TrackingReader): TraceReader | undefined {
  if (!store.capabilities.traces || !store.searchTraces || !store.getTrace) return undefined;
  return { searchTraces: store.searchTraces.bind(store), getTrace: store.getTrace.bind(store) };
}

export class TracesTree {
  private lists = new Map<string, TraceList>();
  private present = new Map<string, boolean>();
  private filters = new Map<string, string>();
  private readonly nodes = new Map<string, TraceTreeNode>();
  private readonly errors = new Map<string, string>();
  private store: TrackingReader | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  reset(): void {
    this.lists.clear();
    this.present.clear();
    this.nodes.clear();
    this.errors.clear();
    this.store = undefined;
  }

  private reader(store: TrackingReader): TraceReader | undefined {
    if (this.store !== store) {
      this.reset();
      this.store = store;
    }
    return traceReader(store);
  }

  /** The experiment's "Traces" folder when it has traces (asked once per store, until a refresh). */
  async folderFor(store: TrackingReader, experimentId: string): Promise<TraceTreeNode | undefined> {
    const reader = this.reader(store);
    if (!reader) return undefined;
    let has = this.present.get(experimentId);
    if (has === undefined) {
      try {
        has = (await reader.searchTraces({ experimentIds: [experimentId], maxResults: 1 })).traces.length > 0;
      } catch (e) {
        // A store that cannot list traces (an old server) just shows no folder; the log says why.
        this.log.warn(`Listing traces of experiment ${experimentId}: ${errText(e)}`);
        has = false;
      }
      this.present.set(experimentId, has);
    }
    if (!has && !this.filters.get(experimentId)) return undefined;
    const filter = this.filters.get(experimentId) ?? '';
    return this.keep(`traces:${experimentId}`, { type: 'traces', experimentId, filter }, (n) => (n.filter = filter));
  }

  private list(reader: TraceReader, experimentId: string): TraceList {
    const filter = this.filters.get(experimentId) ?? '';
    let l = this.lists.get(experimentId);
    if (!l || l.filter !== filter) {
      l = new TraceList(reader, experimentId, filter);
      this.lists.set(experimentId, l);
    }
    return l;
  }

  async children(store: TrackingReader, node: TraceTreeNode): Promise<TraceTreeNode[]> {
    const reader = this.reader(store);
    if (!reader || node.type !== 'traces') return [];
    const id = node.experimentId;
    try {
      const l = this.list(reader, id);
      const traces = await l.first();
      const out: TraceTreeNode[] = traces.map((t) => this.keep(`trace:${t.traceId}`, { type: 'trace', trace: t, experimentId: id }, (n) => (n.trace = t)));
      const failed = this.errors.get(id);
      if (failed) out.push(this.message(id, failed, true));
      if (l.hasMore) out.push(this.keep(`moreTraces:${id}`, { type: 'moreTraces', experimentId: id }, () => undefined));
      if (!out.length) out.push(this.message(id, this.filters.get(id) ? 'No traces match the filter' : 'No traces', false));
      return out;
    } catch (e) {
      const msg = errText(e);
      this.log.error(`Reading traces of experiment ${id}: ${msg}`);
      return [this.message(id, `Cannot read traces: ${msg}`, true)];
    }
  }

  /** "Load more traces…": the next page; returns the folder to re-render. */
  async loadMore(store: TrackingReader, experimentId: string): Promise<TraceTreeNode | undefined> {
    const reader = this.reader(store);
    if (!reader) return undefined;
    try {
      await this.list(reader, experimentId).loadMore();
      this.errors.delete(experimentId);
    } catch (e) {
      const msg = errText(e);
      this.log.error(`Loading more traces of experiment ${experimentId}: ${msg}`);
      this.errors.set(experimentId, `Loading more traces failed: ${msg}`);
    }
    return this.nodes.get(`traces:${experimentId}`);
  }

  /** A new filter for one experiment's traces ('' clears it); the caller checks it first. */
  setFilter(experimentId: string, filter: string): TraceTreeNode | undefined {
    if (filter) this.filters.set(experimentId, filter);
    else this.filters.delete(experimentId);
    this.lists.delete(experimentId);
    this.errors.delete(experimentId);
    for (const [k, n] of this.nodes) if (n.type !== 'traces' && n.experimentId === experimentId) this.nodes.delete(k);
    const folder = this.nodes.get(`traces:${experimentId}`);
    if (folder?.type === 'traces') folder.filter = filter;
    return folder;
  }

  folderNode(experimentId: string): TraceTreeNode | undefined {
    return this.nodes.get(`traces:${experimentId}`);
  }

  filterOf(experimentId: string): string {
    return this.filters.get(experimentId) ?? '';
  }

  /** Reads the loaded pages again; returns the folders to re-render. */
  async refresh(): Promise<TraceTreeNode[]> {
    this.present.clear();
    const out: TraceTreeNode[] = [];
    for (const [id, l] of this.lists) {
      try {
        await l.reload();
      } catch (e) {
        this.errors.set(id, `Refreshing traces failed: ${errText(e)}`);
      }
      const folder = this.nodes.get(`traces:${id}`);
      if (folder) out.push(folder);
    }
    return out;
  }

  treeItem(node: TraceTreeNode): vscode.TreeItem {
    switch (node.type) {
      case 'traces': {
        const item = new vscode.TreeItem('Traces', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `traces:${node.experimentId}`;
        item.iconPath = new vscode.ThemeIcon('pulse');
        item.description = node.filter ? `filter: ${neutralizeText(node.filter)}` : undefined;
        item.contextValue = node.filter ? 'tracesFiltered' : 'traces';
        item.tooltip = 'MLflow traces of this experiment, newest first. Filter with MLflow\'s trace search syntax (funnel icon).';
        return item;
      }
      case 'moreTraces': {
        const item = new vscode.TreeItem('Load more traces…', vscode.TreeItemCollapsibleState.None);
        item.id = `moreTraces:${node.experimentId}`;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.contextValue = 'loadMoreTraces';
        item.command = { command: 'mlflow.loadMoreTraces', title: 'Load More Traces', arguments: [node] };
        return item;
      }
      case 'tracesMessage': {
        const item = new vscode.TreeItem(neutralizeText(node.text), vscode.TreeItemCollapsibleState.None);
        item.id = `tracesMsg:${node.experimentId}`;
        item.iconPath = new vscode.ThemeIcon(node.error ? 'error' : 'info', node.error ? new vscode.ThemeColor('errorForeground') : undefined);
        item.tooltip = neutralizeText(node.text, { keepNewlines: true });
        return item;
      }
      case 'trace': {
        const t = node.trace;
        const item = new vscode.TreeItem(neutralizeText(traceLabel(t)), vscode.TreeItemCollapsibleState.None);
        item.id = `trace:${t.traceId}`;
        item.description = traceDescription(t);
        const [icon, color] = STATE_ICON[t.state] ?? ['circle-outline', undefined];
        item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
        item.contextValue = 'trace';
        item.command = { command: 'mlflow.openTrace', title: 'Open Trace', arguments: [node] };
        item.accessibilityInformation = { label: `Trace ${neutralizeText(traceLabel(t))}, ${t.state.toLowerCase()}` };
        return item;
      }
    }
  }

  tooltip(node: TraceTreeNode): string | undefined {
    if (node.type !== 'trace') return undefined;
    const t = node.trace;
    const u = tokenUsageOf(t);
    const lines = [
      `Trace ${t.traceId}`,
      `Name: ${t.tags[TRACE_KEY.traceName] ?? '(none)'}`,
      `State: ${t.state}`,
      `Started: ${new Date(t.requestTime).toLocaleString()}`,
      t.executionDurationMs !== undefined ? `Duration: ${formatDuration(t.executionDurationMs)}` : '',
      u ? `Tokens: ${u.input ?? '?'} in, ${u.output ?? '?'} out, ${u.total ?? '?'} total` : '',
      t.requestPreview ? `Request: ${t.requestPreview.slice(0, 300)}` : '',
      t.responsePreview ? `Response: ${t.responsePreview.slice(0, 300)}` : '',
      t.assessments.length ? `Assessments: ${t.assessments.map((a) => `${a.name}=${JSON.stringify(a.value)}`).join(', ').slice(0, 300)}` : '',
    ];
    return neutralizeText(lines.filter(Boolean).join('\n'), { keepNewlines: true });
  }

  private message(experimentId: string, text: string, error: boolean): TraceTreeNode {
    return this.keep(`tracesMsg:${experimentId}`, { type: 'tracesMessage', experimentId, text, error }, (n) => {
      n.text = text;
      n.error = error;
    });
  }

  private keep<T extends TraceTreeNode>(id: string, fresh: T, update: (n: T) => void): T {
    const old = this.nodes.get(id) as T | undefined;
    if (old && old.type === fresh.type) {
      update(old);
      return old;
    }
    this.nodes.set(id, fresh);
    return fresh;
  }
}

/** "128 ms · 15 tokens · 11/29 16:10" */
export function traceDescription(t: TraceInfo): string {
  const parts: string[] = [];
  if (t.executionDurationMs !== undefined) parts.push(formatDuration(t.executionDurationMs));
  const u = tokenUsageOf(t);
  if (u?.total !== undefined) parts.push(`${formatTokens(u.total)} tokens`);
  parts.push(new Date(t.requestTime).toLocaleString(undefined, { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' }));
  return parts.join(' · ');
}
