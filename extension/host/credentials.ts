import type * as vscode from 'vscode';

/** Server credentials live only in SecretStorage, keyed by the server's origin; never in settings or logs. */

export interface ServerCredentials {
  token?: string;
  username?: string;
  password?: string;
}

function keyOf(url: string): string {
  try {
    const u = new URL(url);
    return `mlflow.credentials:${u.origin}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return `mlflow.credentials:${url}`;
  }
}

export async function saveServerCredentials(secrets: vscode.SecretStorage, url: string, creds: ServerCredentials | undefined): Promise<void> {
  if (!creds) await secrets.delete(keyOf(url));
  else await secrets.store(keyOf(url), JSON.stringify(creds));
}

export async function loadServerCredentials(secrets: vscode.SecretStorage, url: string): Promise<ServerCredentials | undefined> {
  const raw = await secrets.get(keyOf(url));
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as ServerCredentials;
  } catch {
    return undefined;
  }
}
