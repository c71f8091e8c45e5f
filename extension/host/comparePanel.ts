import * as vscode from 'vscode';
import { errText } from '../core/store/fileStore';
import { COMPARE_VIEW_TYPE, type CompareContract, type CompareState } from '../../webviews/compare/contract';
import { compareInit } from './compareRequests';
import type { StoreSession } from './storeSession';
import { PanelHost, PanelKind } from './webview/panelHost';

/** "Compare Runs": the selected runs side by side (webviews/compare), one panel per command. */
export class ComparePanels implements vscode.Disposable {
  readonly kind: PanelKind<CompareState>;
  private readonly open = new Set<PanelHost<CompareContract>>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly session: StoreSession,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.kind = new PanelKind<CompareState>({ viewType: COMPARE_VIEW_TYPE, bundle: 'compare', loadingText: 'Loading runs…' }, (panel, state) => {
      if (!state?.runIds?.length) return false;
      this.attach(panel, state.runIds);
      return true;
    });
    context.subscriptions.push(this.kind.register());
  }

  show(runIds: string[]): void {
    const ids = [...new Set(runIds)];
    this.attach(this.kind.create(this.context.extensionUri, `Compare ${ids.length} runs`), ids);
  }

  private attach(panel: vscode.WebviewPanel, runIds: string[]): void {
    const host = new PanelHost<CompareContract>(panel, this.kind.spec, this.context.extensionUri, {}, { openRun: ({ runId }) => void vscode.commands.executeCommand('mlflow.openRun', runId) }, this.log);
    this.open.add(host);
    host.onDidBecomeReady(async () => {
      const s = this.session.state;
      try {
        if (s.kind !== 'connected') throw new Error('No tracking store is open');
        host.push('init', await compareInit(s.store, runIds));
      } catch (e) {
        host.push('init', { runs: [], metricKeys: [], metricValues: new Float64Array(0), metricPresent: new Uint8Array(0), error: `Cannot read the runs: ${errText(e)}` });
      }
    });
    host.onDidDispose(() => this.open.delete(host));
  }

  dispose(): void {
    for (const h of [...this.open]) h.dispose();
  }
}
