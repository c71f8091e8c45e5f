import * as vscode from 'vscode';
import { describeQuery, filterProblem, sortChoices, type RunsQuery } from '../core/runs/runsQuery';
import type { ExperimentsTreeProvider } from './experimentsTree';

/**
 * The Experiments view's filter and sort actions. A filter is checked with MLflow's grammar as it
 * is typed; a bad one shows MLflow's message with a caret under the position and cannot be
 * submitted, so it never reaches a store.
 */
export function registerRunsQueryCommands(tree: ExperimentsTreeProvider, view: vscode.TreeView<unknown>): vscode.Disposable {
  const show = (q: RunsQuery) => {
    view.description = describeQuery(q) || undefined;
    void vscode.commands.executeCommand('setContext', 'mlflow.runsFiltered', q.filter.trim() !== '');
    void vscode.commands.executeCommand('setContext', 'mlflow.runsSorted', q.orderBy.length > 0);
  };
  tree.onQuery = show;
  show(tree.currentQuery);
  return vscode.Disposable.from(
    vscode.commands.registerCommand('mlflow.filterRuns', async () => {
      const q = tree.currentQuery;
      const filter = await vscode.window.showInputBox({
        title: 'Filter Runs',
        prompt: 'An MLflow search filter, e.g. metrics.rmse < 0.8 and params.model = "tree"',
        placeHolder: 'metrics.rmse < 0.8 and params.model = "tree"',
        value: q.filter,
        validateInput: (text) => {
          const message = filterProblem({ filter: text, orderBy: q.orderBy });
          return message ? { message, severity: vscode.InputBoxValidationSeverity.Error } : undefined;
        },
      });
      if (filter === undefined) return;
      tree.setQuery({ filter, orderBy: q.orderBy });
    }),
    vscode.commands.registerCommand('mlflow.clearRunsFilter', () => tree.setQuery({ filter: '', orderBy: tree.currentQuery.orderBy })),
    vscode.commands.registerCommand('mlflow.sortRuns', async () => {
      const q = tree.currentQuery;
      const current = q.orderBy.join(', ');
      const items = [
        ...sortChoices(tree.metricKeys()).map((c) => ({ label: c.label, description: c.orderBy.join(', '), orderBy: c.orderBy, picked: c.orderBy.join(', ') === current })),
      ];
      const pick = await vscode.window.showQuickPick(items, {
        title: 'Sort Runs',
        placeHolder: current ? `Now: ${current}` : 'Now: start time, newest first (MLflow default)',
        matchOnDescription: true,
      });
      if (pick) tree.setQuery({ filter: q.filter, orderBy: pick.orderBy });
    }),
  );
}
