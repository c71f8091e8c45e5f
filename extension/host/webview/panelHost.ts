import * as vscode from 'vscode';
import { FilterError } from '../../core/filter/errors';
import { errText } from '../../core/store/fileStore';
import {
  fromWire,
  isEnvelope,
  toWire,
  type EventName,
  type HostToWebview,
  type PanelContract,
  type PushName,
  type RequestHandlers,
  type WebviewToHost,
} from '../../../webviews/platform/envelope';
import { panelHtml, webviewOptions } from './panelHtml';
import { requestError } from './requestError';

/**
 * The host half of the webview platform (docs/webviews.md).
 *
 * `PanelKind` is one kind of panel: it creates panels and is their WebviewPanelSerializer, so a
 * panel that was open comes back after a window reload with the state its webview saved.
 * `PanelHost` is one open panel: it writes the HTML, waits for the webview's `ready`, answers each
 * request id through the handler of that method, and delivers pushes (queued until ready).
 */

export interface PanelSpec {
  viewType: string;
  /** dist/webviews/<bundle>.js and .css */
  bundle: string;
  /** Shown until the script runs. */
  loadingText: string;
  /**
   * Keep the page alive while its tab is hidden. Costs memory; worth it when rebuilding the page
   * means re-reading many pages from a store (the runs table).
   */
  retainContextWhenHidden?: boolean;
}

export type EventHandlers<C extends PanelContract> = { [E in EventName<C>]?: (payload: C['events'][E]) => void };

export class PanelHost<C extends PanelContract> implements vscode.Disposable {
  private ready = false;
  private queue: HostToWebview<C>[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly readyEmitter = new vscode.EventEmitter<void>();
  /** Fires on every ready handshake: the first load, and each time the page is rebuilt. */
  readonly onDidBecomeReady = this.readyEmitter.event;
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    spec: PanelSpec,
    extensionUri: vscode.Uri,
    private readonly handlers: RequestHandlers<C>,
    private readonly events: EventHandlers<C>,
    private readonly log: vscode.LogOutputChannel,
  ) {
    panel.webview.options = webviewOptions(extensionUri, spec.retainContextWhenHidden ?? false);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'resources', 'mlflow.svg');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidChangeViewState(() => {
        // A hidden page without retained context is torn down; it says `ready` again when rebuilt.
        if (!panel.visible && !spec.retainContextWhenHidden) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    panel.webview.html = panelHtml(panel.webview, extensionUri, spec.bundle, spec.loadingText);
  }

  push<P extends PushName<C>>(name: P, payload: C['pushes'][P]): void {
    const m = { kind: 'push', name, payload } as HostToWebview<C>;
    if (this.ready) void this.panel.webview.postMessage(toWire(m));
    else this.queue.push(m);
  }

  private async receive(raw: unknown): Promise<void> {
    if (!isEnvelope(raw)) return;
    const m = fromWire(raw) as WebviewToHost<C>;
    if (m.kind === 'ready') {
      this.ready = true;
      const queued = this.queue;
      this.queue = [];
      for (const q of queued) void this.panel.webview.postMessage(toWire(q));
      this.readyEmitter.fire();
    } else if (m.kind === 'request') {
      const handler = this.handlers[m.method] as ((p: unknown) => unknown) | undefined;
      let reply: HostToWebview<C>;
      if (!handler) {
        reply = { kind: 'response', id: m.id, error: { message: `unknown request '${String(m.method)}'` } };
      } else {
        try {
          reply = { kind: 'response', id: m.id, result: await handler(m.params) };
        } catch (e) {
          reply = { kind: 'response', id: m.id, error: requestError(e) };
          if (!(e instanceof FilterError)) this.log.warn(`${String(m.method)}: ${errText(e)}`);
        }
      }
      if (!this.disposed) void this.panel.webview.postMessage(toWire(reply));
    } else if (m.kind === 'event') {
      const handler = this.events[m.name] as ((p: unknown) => void) | undefined;
      try {
        handler?.(m.payload);
      } catch (e) {
        this.log.error(`${String(m.name)}: ${errText(e)}`);
      }
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
    for (const d of this.disposables) d.dispose();
    this.readyEmitter.dispose();
    this.disposeEmitter.dispose();
    this.panel.dispose();
  }
}

/**
 * One kind of panel: creates its panels and revives them after a reload. `attach` wires a panel
 * (new or revived) to its owner; it returns false when the saved state is unusable, and the
 * revived panel is closed rather than left blank.
 */
export class PanelKind<S> implements vscode.WebviewPanelSerializer<S> {
  constructor(
    readonly spec: PanelSpec,
    private readonly attach: (panel: vscode.WebviewPanel, state: S | undefined) => boolean,
  ) {}

  create(
    extensionUri: vscode.Uri,
    title: string,
    column: vscode.ViewColumn | { readonly viewColumn: vscode.ViewColumn; readonly preserveFocus?: boolean } = vscode.ViewColumn.Active,
  ): vscode.WebviewPanel {
    return vscode.window.createWebviewPanel(this.spec.viewType, title, column, webviewOptions(extensionUri, this.spec.retainContextWhenHidden ?? false));
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: S | undefined): Promise<void> {
    if (!this.attach(panel, state)) panel.dispose();
  }

  register(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(this.spec.viewType, this);
  }
}
