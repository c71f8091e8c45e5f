import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

/**
 * Starts the MLproject/MLmodel language server (dist/server.js, bundled from
 * language-server/server.ts) over Node IPC. The caller disposes the client on deactivate.
 */
export async function startLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<LanguageClient> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml,py,sh,R,json,pkl}');
  context.subscriptions.push(watcher);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'mlproject' },
      { scheme: 'untitled', language: 'mlproject' },
      { scheme: 'file', language: 'mlmodel' },
      { scheme: 'untitled', language: 'mlmodel' },
      // YAML files: the server answers only for AI Gateway configs (by content or mlflow.gatewayConfigGlobs).
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    outputChannel: log,
    initializationOptions: { gatewayConfigGlobs: vscode.workspace.getConfiguration('mlflow').get<string[]>('gatewayConfigGlobs', []) },
    synchronize: { fileEvents: watcher, configurationSection: 'mlflow' },
    middleware: {
      // The server sends the document URI as a string; the run command expects a vscode.Uri.
      provideCodeLenses: async (document, token, next) => {
        const lenses = await next(document, token);
        for (const lens of lenses ?? []) {
          const args = lens.command?.arguments;
          if (args && typeof args[0] === 'string') args[0] = vscode.Uri.parse(args[0]);
        }
        return lenses;
      },
    },
  };
  const client = new LanguageClient('mlflowLanguageServer', 'MLflow Language Server', serverOptions, clientOptions);
  await client.start();
  context.subscriptions.push(client);
  return client;
}
