import * as vscode from 'vscode';
import { neutralizeText } from '../core/model/display';
import type { LoggedModel } from '../core/model/entities';
import { loggedModelDescription, loggedModelTooltip } from '../core/model/loggedModelDisplay';

/** Tree items for MLflow 3 logged models under an experiment (the "Models" group and its rows). */

export { loggedModelTooltip };

export function loggedModelsGroupItem(experimentId: string, count: number): vscode.TreeItem {
  const item = new vscode.TreeItem('Models', vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `lms:${experimentId}`;
  item.description = String(count);
  item.iconPath = new vscode.ThemeIcon('library');
  item.contextValue = 'loggedModels';
  item.tooltip = 'MLflow 3 logged models of this experiment (models:/m-…), newest first';
  return item;
}

export function loggedModelItem(m: LoggedModel): vscode.TreeItem {
  const item = new vscode.TreeItem(neutralizeText(m.name || m.modelId), vscode.TreeItemCollapsibleState.None);
  item.id = `lm:${m.modelId}`;
  item.description = loggedModelDescription(m);
  const failed = m.status === 'FAILED';
  item.iconPath = new vscode.ThemeIcon(failed ? 'error' : m.status === 'PENDING' ? 'clock' : 'package', failed ? new vscode.ThemeColor('errorForeground') : undefined);
  // The inline Register action is offered on READY models only: a PENDING or FAILED one may have no
  // files yet. The context menu still offers it, as MLflow itself does not refuse.
  item.contextValue = m.status === 'READY' ? 'loggedModelReady' : 'loggedModel';
  item.accessibilityInformation = { label: `Logged model ${neutralizeText(m.name)}, ${m.status.toLowerCase()}` };
  return item;
}
