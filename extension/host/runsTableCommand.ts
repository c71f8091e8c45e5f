import * as vscode from 'vscode';
import type { Experiment } from '../core/model/entities';
import { errText } from '../core/store/fileStore';
import type { RunsTables } from './runsTablePanel';
import type { StoreSession } from './storeSession';

/** "MLflow: Open Runs Table": from an experiment in the Experiments view, or a pick of the store's experiments. */
export async function openRunsTable(session: StoreSession, tables: RunsTables, experiment?: Experiment): Promise<void> {
  if (experiment) return tables.show([experiment.experimentId], experiment.name);
  await session.whenReady();
  const s = session.state;
  if (s.kind !== 'connected') {
    const pick = await vscode.window.showWarningMessage(
      s.kind === 'error' ? `Cannot open the runs table: ${s.message}` : 'Open a tracking store first to see its runs.',
      'Select Tracking Store',
    );
    if (pick) await vscode.commands.executeCommand('mlflow.selectStore');
    return;
  }
  let experiments: Experiment[];
  try {
    experiments = await s.store.searchExperiments({ viewType: 'ACTIVE_ONLY' });
  } catch (e) {
    void vscode.window.showErrorMessage(`Cannot list experiments of ${s.uri}: ${errText(e)}`);
    return;
  }
  if (experiments.length === 0) {
    void vscode.window.showInformationMessage(`${s.uri} has no experiments.`);
    return;
  }
  const picked = await vscode.window.showQuickPick(
    experiments.map((e) => ({ label: e.name, description: `ID ${e.experimentId}`, experiment: e })),
    { title: 'Open Runs Table', placeHolder: 'Experiment' },
  );
  if (picked) tables.show([picked.experiment.experimentId], picked.experiment.name);
}
