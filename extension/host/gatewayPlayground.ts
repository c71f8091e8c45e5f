import * as vscode from 'vscode';
import { findGatewayTrace, invokeGatewayChat, listGatewayEndpoints, promptToMessages } from '../core/gateway/gatewayServer';
import { neutralizeText } from '../core/model/display';
import { templateVariables } from '../core/prompts/promptModel';
import { errText } from '../core/store/fileStore';
import { RestStore } from '../core/store/rest/restStore';
import type { PromptsNode } from './promptsTree';
import type { StoreSession } from './storeSession';

/**
 * "Send Prompt Version to AI Gateway…": a prompt version, its variables asked one by one, sent
 * from the extension host to an endpoint of the open server's gateway; the answer opens as plain
 * text (LLM output is never rendered as HTML or markdown) and the trace the call made can be opened.
 */
export function registerGatewayPlayground(session: StoreSession, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('mlflow.sendPromptToGateway', async (node?: PromptsNode) => {
    if (node?.type !== 'promptVersion') return;
    const s = session.state;
    if (s.kind !== 'connected' || !(s.store instanceof RestStore) || s.store.kind !== 'rest') {
      void vscode.window.showWarningMessage('MLflow: the AI Gateway lives in an MLflow server; select a server (http(s)://…) as the tracking store first.');
      return;
    }
    const store = s.store;
    const http = store.httpClient;
    try {
      const endpoints = await listGatewayEndpoints(http);
      if (endpoints.length === 0) {
        void vscode.window.showInformationMessage('MLflow: this server has no AI Gateway endpoints.');
        return;
      }
      const picked = await vscode.window.showQuickPick(
        endpoints.map((e) => ({ label: neutralizeText(e.name), description: neutralizeText(e.models.map((m) => `${m.provider}/${m.modelName}`).join(', ')), e })),
        { title: neutralizeText(`Send ${node.version.name} v${node.version.version} to…`) },
      );
      if (!picked) return;
      const values: Record<string, string> = {};
      for (const name of templateVariables(node.version.template)) {
        const v = await vscode.window.showInputBox({ title: neutralizeText(`{{${name}}}`), prompt: `Value of ${name}` });
        if (v === undefined) return;
        values[name] = v;
      }
      const since = Date.now() - 1000;
      const answer = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `MLflow: calling gateway endpoint ${neutralizeText(picked.e.name)}…` }, () =>
        invokeGatewayChat(http, picked.e.name, promptToMessages(node.version, values)),
      );
      const usage = answer.usage ? `\n\n--\ntokens: ${answer.usage.promptTokens ?? '?'} in, ${answer.usage.completionTokens ?? '?'} out` : '';
      const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: answer.text + usage });
      await vscode.window.showTextDocument(doc, { preview: true });
      const trace = await findGatewayTrace(store, picked.e.endpointId, since);
      if (!trace) return;
      log.info(`Gateway call to ${picked.e.name} traced as ${trace.traceId}`);
      const open = await vscode.window.showInformationMessage(`MLflow: the call was traced as ${trace.traceId}.`, 'Open Trace');
      if (open) {
        const commands = await vscode.commands.getCommands(true);
        if (commands.includes('mlflow.openTrace')) await vscode.commands.executeCommand('mlflow.openTrace', trace.traceId);
        else await vscode.env.clipboard.writeText(trace.traceId);
      }
    } catch (e) {
      log.error(`Gateway call failed: ${errText(e)}`);
      void vscode.window.showErrorMessage(`MLflow: gateway call failed: ${errText(e)}`);
    }
  });
}
