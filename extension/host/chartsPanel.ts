import * as vscode from 'vscode';
import { LiveSeries, MetricFollower, type LiveUpdate } from '../core/charts/live';
import { MIN_SAMPLE_POINTS } from '../core/charts/sampling';
import { toWire } from '../core/charts/wire';
import { errText } from '../core/store/fileStore';
import type { ReadableStore } from '../core/store/openStore';
import { CHARTS_VIEW_TYPE, type ChartsContract, type ChartsState, type LiveUpdateWire } from '../../webviews/charts/contract';
import { chartsInit, chartSeries } from './chartsRequests';
import type { ExperimentsNode } from './experimentsTree';
import type { StoreSession } from './storeSession';
import { PanelHost, PanelKind } from './webview/panelHost';

/**
 * Metric chart panels (one per "Open Metric Charts"), on the shared webview platform. The host
 * reads and samples (chartsRequests.ts); the page only draws. RUNNING runs are followed while the
 * panel is visible: new points go to the page as appends, so charts grow without a redraw.
 */

const POLL_MS = 1000;
const STATUS_EVERY = 10;

export function chartPointsPerSeries(): number {
  const n = vscode.workspace.getConfiguration('mlflow').get<number>('chartPointsPerSeries', 1000);
  return Number.isFinite(n) ? Math.max(MIN_SAMPLE_POINTS, Math.floor(n)) : 1000;
}

/**
 * Run ids for "Open Metric Charts": an id or a list of ids (the runs table, run details, other
 * extensions), else the runs among the tree items the command was invoked on, else the tree's
 * selection (command palette).
 */
export function chartRunIds(arg: ExperimentsNode | string | string[] | undefined, nodes: readonly ExperimentsNode[] | undefined, selection: readonly ExperimentsNode[]): string[] {
  if (typeof arg === 'string') return [arg];
  if (Array.isArray(arg)) return arg.filter((x): x is string => typeof x === 'string');
  const picked = nodes?.length ? nodes : arg ? [arg] : selection;
  return [...new Set(picked.flatMap((n) => (n.type === 'run' ? [n.run.info.runId] : [])))];
}

export class ChartPanels implements vscode.Disposable {
  readonly kind: PanelKind<ChartsState>;
  private readonly open = new Set<PanelHost<ChartsContract>>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly session: StoreSession,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.kind = new PanelKind<ChartsState>({ viewType: CHARTS_VIEW_TYPE, bundle: 'charts', loadingText: 'Loading charts…' }, (panel, state) => {
      if (!state?.runIds?.length) return false;
      this.attach(panel, state.runIds);
      return true;
    });
    context.subscriptions.push(this.kind.register());
  }

  show(runIds: string[]): void {
    const ids = [...new Set(runIds)];
    const panel = this.kind.create(this.context.extensionUri, ids.length === 1 ? 'Metrics' : `Metrics (${ids.length} runs)`);
    this.attach(panel, ids);
  }

  private store(): ReadableStore {
    const s = this.session.state;
    if (s.kind !== 'connected') throw new Error('No tracking store is open');
    return s.store;
  }

  private attach(panel: vscode.WebviewPanel, runIds: string[]): void {
    let follower: MetricFollower | undefined;
    const live = new Map<string, LiveSeries>();
    let timer: NodeJS.Timeout | undefined;
    let ticks = 0;
    let polling = false;
    const stopFollowing = () => {
      if (timer) clearInterval(timer);
      timer = undefined;
      follower?.stopAll();
      follower = undefined;
      live.clear();
    };
    const host: PanelHost<ChartsContract> = new PanelHost<ChartsContract>(
      panel,
      this.kind.spec,
      this.context.extensionUri,
      {
        series: (p) => chartSeries(this.store(), p, chartPointsPerSeries()),
        saveFile: (p) => this.saveFile(p),
      },
      {
        follow: ({ keys }) => {
          stopFollowing();
          void this.follow(host, runIds, keys).then((f) => {
            if (!f) return;
            follower = f.follower;
            for (const [id, ls] of f.live) live.set(id, ls);
            timer = setInterval(() => {
              if (polling || !panel.visible || !follower) return;
              polling = true;
              void this.poll(host, follower, live, ++ticks % STATUS_EVERY === 0).finally(() => (polling = false));
            }, POLL_MS);
          });
        },
        openRun: ({ runId }) => void vscode.commands.executeCommand('mlflow.openRun', runId),
      },
      this.log,
    );
    this.open.add(host);
    host.onDidBecomeReady(async () => {
      // The page is (re)built: it asks for series and says what to follow again.
      stopFollowing();
      try {
        host.push('init', await chartsInit(this.store(), runIds, chartPointsPerSeries()));
      } catch (e) {
        host.push('init', { runs: [], metricKeys: [], maxPoints: chartPointsPerSeries(), serverSampled: false, error: `Cannot read the runs: ${errText(e)}` });
      }
    });
    host.onDidDispose(() => {
      stopFollowing();
      this.open.delete(host);
    });
  }

  /** Starts following the RUNNING runs' metrics `keys`; sends each followed series once, whole, so page and host agree. */
  private async follow(host: PanelHost<ChartsContract>, runIds: string[], keys: string[]): Promise<{ follower: MetricFollower; live: Map<string, LiveSeries> } | undefined> {
    const store = this.store();
    const maxPoints = chartPointsPerSeries();
    const running: string[] = [];
    for (const id of runIds) {
      try {
        if ((await store.getRun(id)).info.status === 'RUNNING') running.push(id);
      } catch {
        // missing runs are reported by init
      }
    }
    if (running.length === 0 || keys.length === 0) return undefined;
    const follower = new MetricFollower(store, maxPoints);
    const live = new Map<string, LiveSeries>();
    const updates: LiveUpdateWire[] = [];
    for (const runId of running) {
      for (const key of keys) {
        try {
          const ls = new LiveSeries(await follower.start(runId, key), maxPoints);
          live.set(`${runId}\u0000${key}`, ls);
          updates.push({ kind: 'replace', runId, key, series: toWire(ls.series) });
        } catch (e) {
          this.log.warn(`Charts: cannot follow ${key} of run ${runId}: ${errText(e)}`);
        }
      }
    }
    if (updates.length) host.push('live', { updates });
    this.log.info(`Charts: following ${keys.length} metric(s) of ${running.length} running run(s)`);
    return { follower, live };
  }

  private async poll(host: PanelHost<ChartsContract>, follower: MetricFollower, live: Map<string, LiveSeries>, checkStatus: boolean): Promise<void> {
    const raw = await follower.poll((runId, key, message) => this.log.warn(`Charts: ${key} of run ${runId}: ${message}`));
    const updates: LiveUpdateWire[] = [];
    for (const u of raw) {
      const ls = live.get(`${u.runId}\u0000${u.key}`);
      const applied: LiveUpdate = ls ? ls.apply(u) : u;
      updates.push(
        applied.kind === 'append'
          ? { kind: 'append', runId: applied.runId, key: applied.key, steps: Float64Array.from(applied.steps), timestamps: Float64Array.from(applied.timestamps), values: Float64Array.from(applied.values) }
          : { kind: 'replace', runId: applied.runId, key: applied.key, series: toWire(applied.series) },
      );
    }
    if (updates.length) host.push('live', { updates });
    if (!checkStatus) return;
    // Runs that ended: tell the page, stop following them (after this last read).
    const ended: { runId: string; status: string }[] = [];
    const store = this.store();
    for (const runId of new Set([...live.keys()].map((k) => k.split('\u0000')[0]))) {
      try {
        const status = (await store.getRun(runId)).info.status;
        if (status !== 'RUNNING') {
          ended.push({ runId, status });
          follower.stop(runId);
          for (const k of [...live.keys()]) if (k.startsWith(`${runId}\u0000`)) live.delete(k);
        }
      } catch (e) {
        this.log.warn(`Charts: run ${runId}: ${errText(e)}`);
      }
    }
    if (ended.length) host.push('status', ended);
  }

  private async saveFile(p: { suggestedName: string; kind: 'png' | 'csv'; data: string }): Promise<{ saved: boolean }> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = p.suggestedName.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_') || `chart.${p.kind}`;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: p.kind === 'png' ? { 'PNG image': ['png'] } : { CSV: ['csv'] },
      title: p.kind === 'png' ? 'Save chart as PNG' : 'Save plotted data as CSV',
    });
    if (!target) return { saved: false };
    let bytes: Uint8Array;
    if (p.kind === 'png') {
      const m = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(p.data);
      if (!m) throw new Error('The chart did not produce a PNG image');
      bytes = Buffer.from(m[1], 'base64');
    } else bytes = Buffer.from(p.data, 'utf8');
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.setStatusBarMessage(`Saved ${target.fsPath}`, 3000);
    return { saved: true };
  }

  dispose(): void {
    for (const h of [...this.open]) h.dispose();
  }
}
