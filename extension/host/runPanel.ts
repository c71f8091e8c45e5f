import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { formatDuration, formatMetricValue, formatTimestamp, runLabel } from '../core/model/display';
import type { Run } from '../core/model/entities';
import { TAG } from '../core/model/entities';
import { errText } from '../core/store/fileStore';
import type { HostToRunDetails, RunDetailsData, RunDetailsState, RunDetailsToHost } from '../../webviews/protocol';
import { formatBytes } from '../core/artifacts/artifactContent';
import { parentOf } from '../core/store/runRelations';
import type { ArtifactFileSystem } from './artifactFileSystem';
import { openArtifact } from './artifactOpener';
import { DoubleClick, PreviewPanels } from './previewPanels';
import { withStoreCall } from './storeCall';
import type { StoreSession } from './storeSession';

/**
 * Run details in webview panels that behave like VS Code's preview editors (see previewPanels.ts):
 * a click shows the run in the one preview panel, a double-click or "Keep Open" pins it. The page
 * gets a strict CSP: nothing remote, scripts only with a per-load nonce, resources only from
 * dist/webviews.
 */

export const RUN_DETAILS_VIEW_TYPE = 'mlflow.runDetails';

export class RunPanels implements vscode.WebviewPanelSerializer<RunDetailsState> {
  private readonly slots = new PreviewPanels<vscode.WebviewPanel>();
  /** Reloads a panel's page data for the run it shows now. */
  private readonly loaders = new Map<vscode.WebviewPanel, () => Promise<void>>();
  private readonly doubleClick = new DoubleClick();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly session: StoreSession,
    private readonly log: vscode.LogOutputChannel,
    private readonly artifacts: ArtifactFileSystem,
  ) {}

  /** A click on a run: the preview panel shows it. The same run clicked twice in a row (a double-click) pins it. */
  click(runId: string, title?: string): void {
    this.show(runId, { pin: this.doubleClick.hit(runId), title });
  }

  show(runId: string, opts: { pin?: boolean; title?: string } = {}): void {
    const place = this.slots.place(runId, opts.pin);
    if (place.kind === 'create') {
      const panel = vscode.window.createWebviewPanel(RUN_DETAILS_VIEW_TYPE, `Run ${opts.title || runId.slice(0, 8)}`, vscode.ViewColumn.Active, this.options());
      this.attach(panel, runId, place.pinned);
      return;
    }
    if (place.kind === 'retarget') {
      place.panel.title = `Run ${opts.title || runId.slice(0, 8)}`;
      void this.loaders.get(place.panel)?.();
    } else if (opts.pin) {
      void this.loaders.get(place.panel)?.();
    }
    place.panel.reveal();
  }

  /** "Keep Open" on the active run details panel. */
  pinActive(): void {
    for (const panel of this.loaders.keys()) {
      if (!panel.active) continue;
      this.slots.pin(panel);
      void this.loaders.get(panel)?.();
    }
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: RunDetailsState | undefined): Promise<void> {
    if (!state?.runId) {
      panel.dispose();
      return;
    }
    panel.webview.options = this.options();
    this.attach(panel, state.runId, state.pinned ?? true);
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webviews')],
    };
  }

  private attach(panel: vscode.WebviewPanel, runId: string, pinned: boolean): void {
    this.slots.add(panel, runId, pinned);
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'resources', 'mlflow.svg');
    panel.webview.html = this.html(panel.webview);
    const post = (m: HostToRunDetails) => void panel.webview.postMessage(m);
    const load = async () => {
      const id = this.slots.runOf(panel) ?? runId;
      try {
        const data = await withStoreCall({ title: `loading run ${id}` }, () => this.load(id));
        // Another click may have moved the panel on while this run was loading.
        if (this.slots.runOf(panel) !== id) return;
        panel.title = `Run ${data.runName || id.slice(0, 8)}`;
        post({ type: 'runDetails', data: { ...data, pinned: this.slots.isPinned(panel) } });
      } catch (e) {
        this.log.error(`Run ${id}: ${errText(e)}`);
        post({ type: 'error', message: `Cannot load run ${id}: ${errText(e)}` });
      }
    };
    this.loaders.set(panel, load);
    const sub = panel.webview.onDidReceiveMessage(async (m: RunDetailsToHost) => {
      const current = this.slots.runOf(panel) ?? runId;
      switch (m.type) {
        case 'ready':
        case 'refresh':
          return load();
        case 'copy':
          await vscode.env.clipboard.writeText(m.text);
          return vscode.window.setStatusBarMessage('Copied run ID', 2000);
        case 'openArtifact':
          return openArtifact(this.session, this.artifacts, this.log, current, m.path);
        case 'openRun':
          return this.show(m.runId);
        case 'pin':
          this.slots.pin(panel);
          return load();
      }
    });
    panel.onDidDispose(() => {
      sub.dispose();
      this.slots.remove(panel);
      this.loaders.delete(panel);
    });
  }

  private async load(runId: string): Promise<Omit<RunDetailsData, 'pinned'>> {
    const state = this.session.state;
    if (state.kind !== 'connected') throw new Error('no tracking store is open');
    const store = state.store;
    const run: Run = await store.getRun(runId);
    const exp = await store.getExperiment(run.info.experimentId).catch(() => undefined);
    let artifacts: RunDetailsData['artifacts'] = [];
    let artifactsError: string | undefined;
    try {
      artifacts = (await store.listArtifacts(runId)).map((a) => ({ path: a.path, isDir: a.isDir, size: a.fileSize !== undefined ? formatBytes(a.fileSize) : '' }));
    } catch (e) {
      artifactsError = errText(e);
    }
    const sorted = <T>(o: Record<string, T>) => Object.keys(o).sort().map((k) => [k, o[k]] as [string, T]);
    const end = run.info.endTime;
    return {
      runId,
      runName: runLabel(run),
      experimentId: run.info.experimentId,
      experimentName: exp?.name ?? '',
      status: run.info.status,
      lifecycleStage: run.info.lifecycleStage,
      userId: run.info.userId,
      startTime: formatTimestamp(run.info.startTime),
      endTime: formatTimestamp(end),
      duration: run.info.startTime !== null && end !== null ? formatDuration(end - run.info.startTime) : '',
      artifactUri: run.info.artifactUri,
      note: run.data.tags[TAG.note] ?? '',
      parentRunId: run.data.tags[TAG.parentRunId] ?? '',
      parentRunName: (await parentOf(store, run))?.runName ?? '',
      params: sorted(run.data.params),
      metrics: sorted(run.data.metrics).map(([k, m]) => [k, formatMetricValue(m.value), m.step, formatTimestamp(m.timestamp)]),
      tags: sorted(run.data.tags).filter(([k]) => k !== TAG.note),
      artifacts,
      artifactsError,
    };
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webviews', name));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource} data:`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('codicon.css')}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${asset('runDetails.css')}">
<title>MLflow run</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="empty">Loading run…</p></main>
<script nonce="${nonce}" src="${asset('runDetails.js')}"></script>
</body>
</html>`;
  }
}
