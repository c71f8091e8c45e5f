import * as vscode from 'vscode';
import { errText } from '../../core/store/fileStore';
import type { ExperimentsNode, ExperimentsTreeProvider } from '../experimentsTree';
import type { StoreSession } from '../storeSession';

/**
 * What the workbench does around a run the runner started: the Experiments view shows it RUNNING,
 * revealed and selected, and again when it ends; a notification offers its live charts; a sweep
 * ends in the compare panel on its children. The core runner knows nothing of views; the task's
 * terminal reports here.
 */

export interface LiveRunsViews {
  tree: Pick<ExperimentsTreeProvider, 'refresh' | 'nodeForRun'>;
  view: Pick<vscode.TreeView<ExperimentsNode>, 'reveal'>;
  openCharts(runIds: string[]): void;
  openRun(runId: string): void;
  compare(runIds: string[]): void;
}

export class LiveRuns {
  constructor(
    private readonly session: StoreSession,
    private readonly views: LiveRunsViews,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /**
   * A run was created: refresh the view so it appears RUNNING, reveal and select it. `announce`
   * adds a notification with "Open Charts" (left out for a sweep's children).
   */
  async started(runId: string, announce: boolean): Promise<void> {
    try {
      await this.views.tree.refresh();
      const s = this.session.state;
      if (s.kind !== 'connected') return;
      const run = await s.store.getRun(runId);
      const node = await this.views.tree.nodeForRun(run);
      if (node) await this.views.view.reveal(node, { select: true, focus: false, expand: false });
      else this.log.info(`Run ${runId} is not among the runs the Experiments view lists (filter or paging).`);
      if (!announce) return;
      const name = run.info.runName || runId;
      const pick = await vscode.window.showInformationMessage(`MLflow: run ${name} started.`, 'Open Charts', 'Open Run');
      if (pick === 'Open Charts') this.views.openCharts([runId]);
      else if (pick === 'Open Run') this.views.openRun(runId);
    } catch (e) {
      this.log.warn(`Showing the new run ${runId}: ${errText(e)}`);
    }
  }

  /** A run ended (or was killed): the view shows its final status. */
  async ended(runId: string, status: string): Promise<void> {
    this.log.info(`Run ${runId} ended ${status}`);
    try {
      await this.views.tree.refresh();
    } catch (e) {
      this.log.warn(`Refreshing after run ${runId}: ${errText(e)}`);
    }
  }

  /** A sweep ended: its children side by side. */
  sweepEnded(childRunIds: string[]): void {
    if (childRunIds.length) this.views.compare(childRunIds);
  }
}
