import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { formatDuration, formatMetricValue, formatTimestamp, runLabel } from '../core/model/display';
import type { Run } from '../core/model/entities';
import { TAG } from '../core/model/entities';
import { errText } from '../core/store/fileStore';
import type { HostToRunDetails, RunDetailsData, RunDetailsState, RunDetailsToHost } from '../../webviews/protocol';
import { withStoreCall } from './storeCall';
import type { StoreSession } from './storeSession';

/**
 * Run details in a webview panel, one panel per run. The page gets a strict CSP: nothing remote,
 * scripts only with a per-load nonce, resources only from dist/webviews.
 */

export const RUN_DETAILS_VIEW_TYPE = 'mlflow.runDetails';

export class RunPanels implements vscode.WebviewPanelSerializer<RunDetailsState> {
  private readonly panels = new Map<string, vscode.WebviewPanel>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly session: StoreSession,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  show(runId: string, title = runId): void {
    const existing = this.panels.get(runId);
    if (existing) {
      existing.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(RUN_DETAILS_VIEW_TYPE, `Run ${title}`, vscode.ViewColumn.Active, this.options());
    this.attach(panel, runId);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: RunDetailsState | undefined): Promise<void> {
    if (!state?.runId) {
      panel.dispose();
      return;
    }
    panel.webview.options = this.options();
    this.attach(panel, state.runId);
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webviews')],
    };
  }

  private attach(panel: vscode.WebviewPanel, runId: string): void {
    this.panels.set(runId, panel);
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'resources', 'mlflow.svg');
    panel.webview.html = this.html(panel.webview);
    const post = (m: HostToRunDetails) => void panel.webview.postMessage(m);
    const load = async () => {
      try {
        const data = await withStoreCall({ title: `loading run ${runId}` }, () => this.load(runId));
        panel.title = `Run ${data.runName || runId.slice(0, 8)}`;
        post({ type: 'runDetails', data });
      } catch (e) {
        this.log.error(`Run ${runId}: ${errText(e)}`);
        post({ type: 'error', message: `Cannot load run ${runId}: ${errText(e)}` });
      }
    };
    const sub = panel.webview.onDidReceiveMessage(async (m: RunDetailsToHost) => {
      switch (m.type) {
        case 'ready':
        case 'refresh':
          return load();
        case 'copy':
          await vscode.env.clipboard.writeText(m.text);
          return vscode.window.setStatusBarMessage('Copied run ID', 2000);
        case 'openArtifact':
          return this.openArtifact(runId, m.path);
      }
    });
    panel.onDidDispose(() => {
      sub.dispose();
      this.panels.delete(runId);
    });
  }

  private async load(runId: string): Promise<RunDetailsData> {
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
      params: sorted(run.data.params),
      metrics: sorted(run.data.metrics).map(([k, m]) => [k, formatMetricValue(m.value), m.step, formatTimestamp(m.timestamp)]),
      tags: sorted(run.data.tags).filter(([k]) => k !== TAG.note),
      artifacts,
      artifactsError,
    };
  }

  private async openArtifact(runId: string, path: string): Promise<void> {
    const state = this.session.state;
    if (state.kind !== 'connected') return;
    try {
      const bytes = await withStoreCall({ title: `reading ${path}` }, () => state.store.readArtifact(runId, path));
      const isText = !bytes.subarray(0, 8000).includes(0);
      if (!isText) {
        void vscode.window.showInformationMessage(`${path} is a binary file (${formatBytes(bytes.length)}).`);
        return;
      }
      const doc = await vscode.workspace.openTextDocument({ content: Buffer.from(bytes).toString('utf8'), language: languageOf(path) });
      await vscode.window.showTextDocument(doc, { preview: true });
    } catch (e) {
      void vscode.window.showErrorMessage(`Cannot open artifact ${path}: ${errText(e)}`);
    }
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

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function languageOf(path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return ({ json: 'json', yaml: 'yaml', yml: 'yaml', py: 'python', md: 'markdown', txt: 'plaintext', csv: 'plaintext' } as Record<string, string>)[ext] ?? (path.endsWith('MLmodel') ? 'mlmodel' : 'plaintext');
}
