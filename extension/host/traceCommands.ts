import * as vscode from 'vscode';
import { FilterError, formatFilterError } from '../core/filter';
import { parseTraceFilter } from '../core/traces/traceFilter';
import type { ExperimentsNode, ExperimentsTreeProvider } from './experimentsTree';
import type { StoreSession } from './storeSession';
import type { TracePanels } from './tracePanel';

/**
 * Trace commands of the Experiments view: open a trace, load more, filter one experiment's traces
 * (checked with MLflow's grammar as typed on local stores; a server checks its own, larger one).
 */
export function registerTraceCommands(tree: ExperimentsTreeProvider, session: StoreSession, panels: TracePanels): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('mlflow.openTrace', (node?: ExperimentsNode | string) => {
      if (typeof node === 'string') panels.show(node);
      else if (node?.type === 'trace') panels.show(node.trace.traceId, node.trace.tags['mlflow.traceName']);
    }),
    vscode.commands.registerCommand('mlflow.loadMoreTraces', (node?: ExperimentsNode) => tree.loadMoreTraces(node)),
    vscode.commands.registerCommand('mlflow.copyTraceId', async (node?: ExperimentsNode) => {
      if (node?.type === 'trace') await vscode.env.clipboard.writeText(node.trace.traceId);
    }),
    vscode.commands.registerCommand('mlflow.filterTraces', async (node?: ExperimentsNode) => {
      if (node?.type !== 'traces') return;
      const local = session.state.kind === 'connected' && session.state.store.kind !== 'rest';
      const filter = await vscode.window.showInputBox({
        title: 'Filter Traces',
        prompt: "MLflow's trace filter, e.g. status = 'ERROR', name = 'agent', execution_time_ms > 1000, tags.team = 'a'",
        placeHolder: "status = 'ERROR' AND execution_time_ms > 1000",
        value: tree.traces.filterOf(node.experimentId),
        validateInput: (text) => {
          if (!local) return undefined;
          try {
            parseTraceFilter(text);
            return undefined;
          } catch (e) {
            if (e instanceof FilterError) return { message: formatFilterError(e), severity: vscode.InputBoxValidationSeverity.Error };
            throw e;
          }
        },
      });
      if (filter === undefined) return;
      tree.setTraceFilter(node.experimentId, filter.trim());
    }),
    vscode.commands.registerCommand('mlflow.clearTracesFilter', (node?: ExperimentsNode) => {
      if (node?.type === 'traces') tree.setTraceFilter(node.experimentId, '');
    }),
  );
}
