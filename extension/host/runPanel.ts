import * as vscode from 'vscode';
import { StoreError } from '../core/store/errors';
import { errText } from '../core/store/fileStore';
import type { ReadableStore } from '../core/store/openStore';
import { redactUri } from '../core/store/trackingUri';
import { RUN_DETAILS_VIEW_TYPE, type RunDetailsContract, type RunDetailsState } from '../../webviews/runDetails/contract';
import type { ArtifactFileSystem } from './artifactFileSystem';
import { openArtifact } from './artifactOpener';
import { DoubleClick, PreviewPanels } from './previewPanels';
import { loadRunDetails, runDetailsRequests } from './runDetailsRequests';
import { withStoreCall } from './storeCall';
import type { StoreSession } from './storeSession';
import { PanelHost, PanelKind } from './webview/panelHost';

export { RUN_DETAILS_VIEW_TYPE };

/**
 * Run details panels on the webview platform (docs/webviews.md), behaving like VS Code's preview
 * editors (previewPanels.ts): a click shows the run in the one preview panel, a double-click or
 * "Keep Open" pins it. The host sends raw values (extension/host/mappers/runDetails.ts) and
 * answers the page's artifact-folder and child-run requests (runDetailsRequests.ts).
 */
export class RunPanels implements vscode.Disposable {
  private readonly kind: PanelKind<RunDetailsState>;
  private readonly slots = new PreviewPanels<PanelHost<RunDetailsContract>>();
  private readonly doubleClick = new DoubleClick();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly session: StoreSession,
    private readonly log: vscode.LogOutputChannel,
    private readonly artifacts: ArtifactFileSystem,
  ) {
    this.kind = new PanelKind<RunDetailsState>({ viewType: RUN_DETAILS_VIEW_TYPE, bundle: 'runDetails', loadingText: 'Loading run…' }, (panel, state) => {
      if (typeof state?.runId !== 'string' || !state.runId) return false;
      this.attach(panel, state.runId, state.pinned ?? true);
      return true;
    });
    this.disposables.push(this.kind.register());
  }

  /** A click on a run: the preview panel shows it. The same run clicked twice in a row (a double-click) pins it. */
  click(runId: string, title?: string): void {
    this.show(runId, { pin: this.doubleClick.hit(runId), title });
  }

  show(runId: string, opts: { pin?: boolean; title?: string } = {}): void {
    const place = this.slots.place(runId, opts.pin);
    // A single click previews and leaves focus where it was, as the Explorer's preview editors do,
    // so a user can go on clicking or Ctrl-clicking runs; pinning takes focus.
    const preserveFocus = !opts.pin;
    if (place.kind === 'create') {
      const panel = this.kind.create(this.context.extensionUri, panelTitle(opts.title, runId), { viewColumn: vscode.ViewColumn.Active, preserveFocus });
      this.attach(panel, runId, place.pinned);
      return;
    }
    if (place.kind === 'retarget') {
      place.panel.panel.title = panelTitle(opts.title, runId);
      place.panel.push('loading', { runId });
      void this.load(place.panel);
    } else if (opts.pin) {
      void this.load(place.panel);
    }
    place.panel.panel.reveal(undefined, preserveFocus);
  }

  /** "Keep Open" on the active run details panel. */
  pinActive(): void {
    const host = this.active();
    if (!host) return;
    this.slots.pin(host);
    void this.load(host);
  }

  private hosts = new Set<PanelHost<RunDetailsContract>>();

  private active(): PanelHost<RunDetailsContract> | undefined {
    for (const h of this.hosts) if (h.panel.active) return h;
    return undefined;
  }

  private attach(panel: vscode.WebviewPanel, runId: string, pinned: boolean): void {
    const host: PanelHost<RunDetailsContract> = new PanelHost<RunDetailsContract>(
      panel,
      this.kind.spec,
      this.context.extensionUri,
      runDetailsRequests(
        () => this.store(),
        (id, path) => this.artifacts.reader.list({ store: this.store().uri, runId: id, path }),
      ),
      {
        openArtifact: ({ runId: id, path, keep }) => void openArtifact(this.session, this.artifacts, this.log, String(id), String(path), { preview: !keep }),
        openRun: ({ runId: id }) => {
          if (typeof id === 'string' && id) this.show(id);
        },
        openCharts: ({ runId: id }) => {
          if (typeof id === 'string' && id) void vscode.commands.executeCommand('mlflow.openCharts', [id]);
        },
        pin: () => {
          this.slots.pin(host);
          void this.load(host);
        },
        copy: ({ text }) => {
          void vscode.env.clipboard.writeText(String(text));
          vscode.window.setStatusBarMessage('Copied run ID', 2000);
        },
        refresh: () => {
          this.artifacts.reader.clear();
          void this.load(host);
        },
      },
      this.log,
    );
    this.slots.add(host, runId, pinned);
    this.hosts.add(host);
    host.onDidBecomeReady(() => void this.load(host));
    host.onDidDispose(() => {
      this.slots.remove(host);
      this.hosts.delete(host);
    });
  }

  /** Reads the run the panel shows now and pushes it; a click that moved the panel on meanwhile wins. */
  private async load(host: PanelHost<RunDetailsContract>): Promise<void> {
    const runId = this.slots.runOf(host);
    if (!runId) return;
    try {
      const run = await withStoreCall({ title: `loading run ${runId}` }, () => loadRunDetails(this.store(), runId));
      if (this.slots.runOf(host) !== runId) return;
      host.panel.title = panelTitle(run.runName, runId);
      host.push('run', { run, pinned: this.slots.isPinned(host) });
    } catch (e) {
      if (this.slots.runOf(host) !== runId) return;
      this.log.error(`Run ${runId}: ${errText(e)}`);
      host.push('error', { runId, message: `Cannot load run ${runId}: ${errText(e)}` });
    }
  }

  private store(): ReadableStore {
    const s = this.session.state;
    if (s.kind === 'connected') return s.store;
    throw new StoreError('UNREACHABLE', s.kind === 'error' ? `Cannot open ${redactUri(s.uri)}: ${s.message}` : s.kind === 'connecting' ? 'The tracking store is still opening; try again in a moment' : 'No tracking store is open');
  }

  dispose(): void {
    for (const h of [...this.hosts]) h.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function panelTitle(name: string | undefined, runId: string): string {
  return `Run ${name || runId.slice(0, 8)}`;
}
