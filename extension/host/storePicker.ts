import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { fileUriOf, holdsFileStoreData, redactUri, sqliteUriOf } from '../core/store/trackingUri';
import { saveServerCredentials } from './credentials';
import type { StoreSession } from './storeSession';

/** "MLflow: Select Tracking Store": detected local stores, recent servers, a URL, or auto-detect. */

const RECENT_KEY = 'mlflow.recentServers';

interface StorePick extends vscode.QuickPickItem {
  action: 'auto' | 'uri' | 'enterUrl' | 'browse';
  uri?: string;
}

async function detectLocalStores(): Promise<string[]> {
  const found = new Set<string>();
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    if (f.uri.scheme !== 'file') continue;
    const mlruns = join(f.uri.fsPath, 'mlruns');
    if (holdsFileStoreData(mlruns)) found.add(fileUriOf(mlruns));
    const db = join(f.uri.fsPath, 'mlflow.db');
    if (existsSync(db)) found.add(sqliteUriOf(db));
  }
  const more = await vscode.workspace.findFiles('**/{mlflow.db,mlruns/0/meta.yaml}', '**/{node_modules,.git,.venv}/**', 20);
  for (const u of more) {
    if (u.path.endsWith('/mlflow.db')) found.add(sqliteUriOf(u.fsPath));
    else found.add(fileUriOf(dirname(dirname(u.fsPath))));
  }
  return [...found];
}

export async function pickStore(context: vscode.ExtensionContext, session: StoreSession): Promise<void> {
  const current = session.state.kind === 'none' ? undefined : session.state.uri;
  const recent = context.globalState.get<string[]>(RECENT_KEY, []);
  const items: StorePick[] = [
    { label: '$(search) Detect automatically', description: 'MLFLOW_TRACKING_URI, the mlflow.trackingUri setting, or mlruns/ / mlflow.db in the workspace', action: 'auto' },
  ];
  const local = await detectLocalStores();
  if (local.length) items.push({ label: 'In this workspace', kind: vscode.QuickPickItemKind.Separator, action: 'auto' });
  for (const uri of local) {
    items.push({ label: `$(database) ${vscode.workspace.asRelativePath(uri.replace(/^sqlite:\/\/|^file:\/\//, ''))}`, description: uri.startsWith('sqlite') ? 'SQLite store' : 'file store (mlruns)', detail: uri, action: 'uri', uri });
  }
  if (recent.length) items.push({ label: 'Recent servers', kind: vscode.QuickPickItemKind.Separator, action: 'auto' });
  for (const uri of recent) items.push({ label: `$(remote) ${redactUri(uri)}`, description: 'MLflow server', action: 'uri', uri });
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator, action: 'auto' });
  items.push({ label: '$(link) Enter server URL…', description: 'http(s)://host:port of an MLflow tracking server', action: 'enterUrl' });
  items.push({ label: '$(folder-opened) Browse for mlruns folder or mlflow.db…', action: 'browse' });
  for (const i of items) if (i.uri && i.uri === current) i.description = `${i.description ?? ''} (current)`;

  const choice = await vscode.window.showQuickPick(items, { title: 'MLflow: Select Tracking Store', placeHolder: current ? `Current: ${redactUri(current)}` : 'No store selected', matchOnDetail: true });
  if (!choice) return;
  switch (choice.action) {
    case 'auto':
      return session.select(undefined);
    case 'uri':
      return session.select(choice.uri);
    case 'browse': {
      const picked = await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectFolders: true, canSelectMany: false, openLabel: 'Use as MLflow store', filters: { 'MLflow store': ['db'], 'All files': ['*'] } });
      if (!picked?.[0]) return;
      const p = picked[0].fsPath;
      return session.select(p.endsWith('.db') ? sqliteUriOf(p) : fileUriOf(p));
    }
    case 'enterUrl': {
      const url = await vscode.window.showInputBox({
        title: 'MLflow server URL',
        placeHolder: 'http://127.0.0.1:5000',
        validateInput: (v) => (/^https?:\/\/[^\s/]+/.test(v.trim()) ? undefined : 'Enter an http:// or https:// URL'),
      });
      if (!url) return;
      const clean = url.trim().replace(/\/+$/, '');
      if (/^https?:\/\/[^/]*@/.test(clean)) {
        void vscode.window.showWarningMessage('Put credentials in the authentication prompt, not in the URL: they would be stored in plain text.');
        return;
      }
      const auth = await vscode.window.showQuickPick(
        [
          { label: 'No authentication', value: 'none' },
          { label: 'Bearer token', value: 'token' },
          { label: 'Username and password', value: 'basic' },
        ],
        { title: `Authentication for ${clean}` },
      );
      if (!auth) return;
      if (auth.value === 'token') {
        const token = await vscode.window.showInputBox({ title: 'MLflow token', password: true, prompt: 'Stored in VS Code secret storage' });
        if (token === undefined) return;
        await saveServerCredentials(context.secrets, clean, { token });
      } else if (auth.value === 'basic') {
        const username = await vscode.window.showInputBox({ title: 'MLflow username' });
        if (username === undefined) return;
        const password = await vscode.window.showInputBox({ title: `Password for ${username}`, password: true, prompt: 'Stored in VS Code secret storage' });
        if (password === undefined) return;
        await saveServerCredentials(context.secrets, clean, { username, password });
      } else {
        await saveServerCredentials(context.secrets, clean, undefined);
      }
      await context.globalState.update(RECENT_KEY, [clean, ...recent.filter((r) => r !== clean)].slice(0, 8));
      return session.select(clean);
    }
  }
}
