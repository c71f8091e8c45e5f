import * as vscode from 'vscode';
import { readEvaluationTable } from '../core/evaluations/evalTable';
import { errText } from '../core/store/fileStore';
import type { ReadableStore } from '../core/store/openStore';
import { EVALUATION_VIEW_TYPE, type EvaluationContract, type EvaluationInit, type EvaluationState } from '../../webviews/evaluation/contract';
import type { ExperimentsNode } from './experimentsTree';
import type { StoreSession } from './storeSession';
import { PanelHost, PanelKind } from './webview/panelHost';

/** "Open Evaluation Results": one panel per run with the run's evaluation table (webviews/evaluation). */

async function evaluationInit(store: ReadableStore, runId: string): Promise<EvaluationInit> {
  const run = await store.getRun(runId);
  const metrics = Object.values(run.data.metrics)
    .map((m) => ({ key: m.key, value: m.value }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const table = await readEvaluationTable(store, run);
  return { runId, runName: run.info.runName || runId, metrics, table };
}

export class EvaluationPanels implements vscode.Disposable {
  readonly kind: PanelKind<EvaluationState>;
  private readonly open = new Map<string, PanelHost<EvaluationContract>>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly session: StoreSession,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.kind = new PanelKind<EvaluationState>({ viewType: EVALUATION_VIEW_TYPE, bundle: 'evaluation', loadingText: 'Loading evaluation results…' }, (panel, state) => {
      if (!state?.runId) return false;
      this.attach(panel, state.runId);
      return true;
    });
    context.subscriptions.push(
      this.kind.register(),
      vscode.commands.registerCommand('mlflow.openEvaluation', (node?: ExperimentsNode | string) => {
        const runId = typeof node === 'string' ? node : node?.type === 'run' ? node.run.info.runId : undefined;
        if (runId) this.show(runId);
      }),
    );
  }

  show(runId: string): void {
    const existing = this.open.get(runId);
    if (existing) return existing.panel.reveal();
    this.attach(this.kind.create(this.context.extensionUri, 'Evaluation'), runId);
  }

  private attach(panel: vscode.WebviewPanel, runId: string): void {
    const host = new PanelHost<EvaluationContract>(
      panel,
      this.kind.spec,
      this.context.extensionUri,
      {},
      {
        openRun: ({ runId: id }) => void vscode.commands.executeCommand('mlflow.openRun', id),
        openTrace: ({ traceId }) => void this.openTrace(traceId),
      },
      this.log,
    );
    this.open.set(runId, host);
    host.onDidBecomeReady(async () => {
      const s = this.session.state;
      try {
        if (s.kind !== 'connected') throw new Error('No tracking store is open');
        const init = await evaluationInit(s.store, runId);
        panel.title = `Evaluation ${init.runName}`;
        host.push('init', init);
      } catch (e) {
        this.log.error(`Evaluation results of run ${runId}: ${errText(e)}`);
        host.push('init', { runId, runName: runId, metrics: [], error: `Cannot read the evaluation results: ${errText(e)}` });
      }
    });
    host.onDidDispose(() => this.open.delete(runId));
  }

  /** The trace panel where the extension has one; otherwise the id goes to the clipboard. */
  private async openTrace(traceId: string): Promise<void> {
    const commands = await vscode.commands.getCommands(true);
    if (commands.includes('mlflow.openTrace')) {
      await vscode.commands.executeCommand('mlflow.openTrace', traceId);
      return;
    }
    await vscode.env.clipboard.writeText(traceId);
    void vscode.window.showInformationMessage(`MLflow: trace id ${traceId} copied.`);
  }

  dispose(): void {
    for (const h of [...this.open.values()]) h.dispose();
  }
}
