import * as vscode from 'vscode';
import { GatewayPlaygrounds } from './gatewayPanel';
import { gatewayTarget, GatewayTreeProvider, type GatewayNode } from './gatewayTree';
import type { PromptsNode } from './promptsTree';
import type { StoreSession } from './storeSession';

/**
 * The AI Gateway in the editor: the "AI Gateway" view of the open server's endpoints, and the
 * playground panel, opened from an endpoint (inline action), from a prompt version ("Send Prompt
 * Version to AI Gateway…") or from the command palette.
 */
export function registerGatewayPlayground(context: vscode.ExtensionContext, session: StoreSession, log: vscode.LogOutputChannel): { disposable: vscode.Disposable; tree: GatewayTreeProvider } {
  const tree = new GatewayTreeProvider(session, log);
  const view = vscode.window.createTreeView('mlflow.gateway', { treeDataProvider: tree, showCollapseAll: true });
  tree.onMessage = (m) => (view.message = m);
  const playgrounds = new GatewayPlaygrounds(context, session, log);
  const needServer = (): boolean => {
    if (gatewayTarget(session)) return true;
    void vscode.window.showWarningMessage('MLflow: the AI Gateway lives in an MLflow server; select a server (http(s)://…) as the tracking store first.');
    return false;
  };
  const disposable = vscode.Disposable.from(
    view,
    playgrounds,
    session.onDidChange(() => tree.refresh()),
    vscode.commands.registerCommand('mlflow.refreshGateway', () => tree.refresh()),
    vscode.commands.registerCommand('mlflow.openGatewayPlayground', (node?: GatewayNode) => {
      if (!needServer()) return;
      playgrounds.show(node?.type === 'endpoint' || node?.type === 'model' ? { endpoint: node.endpoint.name } : {});
    }),
    vscode.commands.registerCommand('mlflow.sendPromptToGateway', (node?: PromptsNode) => {
      if (!needServer()) return;
      playgrounds.show(node?.type === 'promptVersion' ? { prompt: { name: node.version.name, version: node.version.version } } : {});
    }),
  );
  return { disposable, tree };
}
