import { userInfo } from 'node:os';
import * as vscode from 'vscode';
import { neutralizeText } from '../core/model/display';
import { StoreError } from '../core/store/errors';
import { errText } from '../core/store/fileStore';
import type { ReadableStore } from '../core/store/openStore';
import { redactUri } from '../core/store/trackingUri';
import type { Assessment, NewFeedback } from '../core/traces/entities';
import { TRACE_VIEW_TYPE, type TraceContract, type TraceHeader, type TraceState } from '../../webviews/trace/contract';
import { withStoreCall } from './storeCall';
import type { StoreSession } from './storeSession';
import { loadedTrace, traceRequests, type LoadedTrace } from './traceRequests';
import { PanelHost, PanelKind } from './webview/panelHost';

/**
 * Trace panels on the webview platform (docs/traces.md): one panel per trace, reopened after a
 * window reload from the trace id it saved. The host keeps the loaded trace and answers span and
 * feedback requests (traceRequests.ts); feedback goes to the open store when it writes assessments
 * itself, else to the session's writer (a local mlflow server for SQLite).
 */

/** The command the Prompts view registers to show one prompt version (called with name, version). */
export const SHOW_PROMPT_COMMAND = 'mlflow.showPromptVersion';

export class TracePanels implements vscode.Disposable {
  private readonly kind: PanelKind<TraceState>;
  private readonly hosts = new Map<PanelHost<TraceContract>, { traceId: string; loaded?: LoadedTrace }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly session: StoreSession,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.kind = new PanelKind<TraceState>({ viewType: TRACE_VIEW_TYPE, bundle: 'trace', loadingText: 'Loading trace…' }, (panel, state) => {
      if (typeof state?.traceId !== 'string' || !state.traceId) return false;
      this.attach(panel, state.traceId);
      return true;
    });
    this.disposables.push(this.kind.register());
  }

  show(traceId: string, title?: string): void {
    for (const [host, s] of this.hosts) {
      if (s.traceId === traceId) return host.panel.reveal();
    }
    const panel = this.kind.create(this.context.extensionUri, panelTitle(title, traceId), { viewColumn: vscode.ViewColumn.Active });
    this.attach(panel, traceId);
  }

  private attach(panel: vscode.WebviewPanel, traceId: string): void {
    const slot: { traceId: string; loaded?: LoadedTrace } = { traceId };
    const host: PanelHost<TraceContract> = new PanelHost<TraceContract>(
      panel,
      this.kind.spec,
      this.context.extensionUri,
      traceRequests(
        () => slot.loaded,
        (f) => this.writeFeedback(f),
        () => sourceId(),
      ),
      {
        copy: ({ text }) => {
          void vscode.env.clipboard.writeText(String(text));
          vscode.window.setStatusBarMessage('Copied trace ID', 2000);
        },
        refresh: () => void this.load(host),
        openPrompt: ({ name, version }) => void this.openPrompt(String(name), String(version)),
      },
      this.log,
    );
    this.hosts.set(host, slot);
    host.onDidBecomeReady(() => void this.load(host));
    host.onDidDispose(() => this.hosts.delete(host));
  }

  private async load(host: PanelHost<TraceContract>): Promise<void> {
    const slot = this.hosts.get(host);
    if (!slot) return;
    const { traceId } = slot;
    try {
      const store = this.store();
      if (!store.getTrace) throw new StoreError('UNSUPPORTED_STORE', `${redactUri(store.uri)} cannot read traces with this version`);
      const trace = await withStoreCall({ title: `loading trace ${traceId}` }, () => store.getTrace!(traceId));
      slot.loaded = loadedTrace(trace, this.feedbackSupport(store));
      const name = trace.info.tags['mlflow.traceName'];
      host.panel.title = panelTitle(name, traceId);
      host.push('trace', slot.loaded.init);
    } catch (e) {
      this.log.error(`Trace ${traceId}: ${errText(e)}`);
      host.push('error', { traceId, message: `Cannot load trace ${traceId}: ${errText(e)}` });
    }
  }

  /** Whether "Add Feedback" can write here, and if not, why (the panel shows the reason). */
  private feedbackSupport(store: ReadableStore): TraceHeader['feedback'] {
    const refused = this.session.restrictedWriteReason();
    if (refused) return { writable: false, note: refused };
    if (store.capabilities.traceFeedback || store.kind === 'sqlite') return { writable: true };
    return { writable: false, note: `${redactUri(store.uri)} does not take assessments through this version.` };
  }

  private async writeFeedback(f: NewFeedback): Promise<Assessment> {
    const open = this.store();
    // A database read directly has no writer of its own: the session's local mlflow server writes.
    const target = open.capabilities.traceFeedback && open.createFeedback ? open : await this.session.writable();
    if (!target.createFeedback) throw new StoreError('UNSUPPORTED_STORE', `${redactUri(target.uri)} does not take assessments`);
    const created = await withStoreCall({ title: 'saving feedback' }, () => target.createFeedback!(f));
    this.log.info(`Feedback '${f.name}' saved on trace ${f.traceId}${f.spanId ? ` (span ${f.spanId})` : ''}`);
    return created;
  }

  private async openPrompt(name: string, version: string): Promise<void> {
    const commands = await vscode.commands.getCommands(true);
    if (commands.includes(SHOW_PROMPT_COMMAND)) {
      await vscode.commands.executeCommand(SHOW_PROMPT_COMMAND, name, version);
      return;
    }
    void vscode.window.showInformationMessage(`MLflow: this trace used prompt "${neutralizeText(name)}" version ${neutralizeText(version)} (see the Prompts view).`);
  }

  private store(): ReadableStore {
    const s = this.session.state;
    if (s.kind === 'connected') return s.store;
    throw new StoreError('UNREACHABLE', s.kind === 'error' ? `Cannot open ${redactUri(s.uri)}: ${s.message}` : s.kind === 'connecting' ? 'The tracking store is still opening; try again in a moment' : 'No tracking store is open');
  }

  dispose(): void {
    for (const h of [...this.hosts.keys()]) h.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function panelTitle(name: string | undefined, traceId: string): string {
  return `Trace ${name || traceId.slice(0, 11)}`;
}

/** Who gives the feedback: MLflow's UI records the user name as the HUMAN source id. */
function sourceId(): string {
  try {
    return userInfo().username || 'vscode';
  } catch {
    return 'vscode';
  }
}
