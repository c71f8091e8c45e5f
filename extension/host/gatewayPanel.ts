import * as vscode from 'vscode';
import { errText } from '../core/store/fileStore';
import { PLAYGROUND_VIEW_TYPE, type PlaygroundContract, type PlaygroundSelection, type PlaygroundState } from '../../webviews/playground/contract';
import { loadCatalog, playgroundRequests } from './gatewayRequests';
import { gatewayTarget } from './gatewayTree';
import { withStoreCall } from './storeCall';
import type { StoreSession } from './storeSession';
import { PanelHost, PanelKind } from './webview/panelHost';

/**
 * The AI Gateway playground: one panel per window, reused. It is re-told the endpoints and
 * prompts when the store changes, and says so when the new store has no gateway. The trace link
 * opens the existing trace panel through its command.
 */
export class GatewayPlaygrounds implements vscode.Disposable {
  private readonly kind: PanelKind<PlaygroundState>;
  private host: PanelHost<PlaygroundContract> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly session: StoreSession,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.kind = new PanelKind<PlaygroundState>({ viewType: PLAYGROUND_VIEW_TYPE, bundle: 'playground', loadingText: 'Loading the AI Gateway playground…' }, (panel) => {
      if (this.host) return false;
      this.attach(panel);
      return true;
    });
    this.disposables.push(
      this.kind.register(),
      session.onDidChange(() => {
        if (this.host) void this.load(this.host);
      }),
    );
  }

  show(selection: PlaygroundSelection = {}): void {
    const wanted = selection.endpoint || selection.prompt;
    const open = this.host;
    if (!open) {
      this.attach(this.kind.create(this.context.extensionUri, 'AI Gateway Playground', vscode.ViewColumn.Active));
      // Queued until the page is ready; the page holds it until the catalog arrives.
      if (wanted) this.host?.push('select', selection);
      return;
    }
    open.panel.reveal(undefined, false);
    // An endpoint or version created since the page loaded must be in its lists before it is picked.
    void this.load(open).then(() => {
      if (wanted) open.push('select', selection);
    });
  }

  private attach(panel: vscode.WebviewPanel): void {
    const host: PanelHost<PlaygroundContract> = new PanelHost<PlaygroundContract>(
      panel,
      this.kind.spec,
      this.context.extensionUri,
      playgroundRequests(() => {
        const t = gatewayTarget(this.session);
        if (!t) throw new Error(this.unavailableReason());
        return t;
      }),
      {
        openTrace: ({ traceId }) => {
          if (typeof traceId === 'string' && traceId) void vscode.commands.executeCommand('mlflow.openTrace', traceId);
        },
      },
      this.log,
    );
    this.host = host;
    host.onDidBecomeReady(() => void this.load(host));
    host.onDidDispose(() => {
      if (this.host === host) this.host = undefined;
    });
  }

  private unavailableReason(): string {
    const s = this.session.state;
    if (s.kind === 'none') return 'No tracking store is open. The AI Gateway lives in an MLflow server: select one with "MLflow: Select Tracking Store".';
    if (s.kind !== 'connected') return `The tracking store ${s.uri} is not open (${s.kind === 'error' ? s.message : 'connecting'}).`;
    return `The open store (${s.store.kind}) is not an MLflow server: the AI Gateway runs inside mlflow server. Select a server (http://…) as the tracking store.`;
  }

  private async load(host: PanelHost<PlaygroundContract>): Promise<void> {
    const t = gatewayTarget(this.session);
    if (!t) {
      host.push('unavailable', { message: this.unavailableReason() });
      return;
    }
    try {
      host.push('catalog', await withStoreCall({ title: 'loading AI Gateway endpoints and prompts' }, () => loadCatalog(t)));
    } catch (e) {
      this.log.error(`AI Gateway playground: ${errText(e)}`);
      host.push('unavailable', { message: `Cannot load the gateway of ${t.http.shown}: ${errText(e)}` });
    }
  }

  dispose(): void {
    this.host?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
