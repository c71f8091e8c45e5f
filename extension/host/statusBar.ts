import * as vscode from 'vscode';
import { redactUri } from '../core/store/trackingUri';
import { retryText } from './storeCall';
import type { StoreSession, StoreState } from './storeSession';

/** Shows which store the views read and whether it is reachable; a click opens the store picker. */
export function createStoreStatusItem(session: StoreSession): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('mlflow.store', vscode.StatusBarAlignment.Left, 50);
  item.name = 'MLflow Tracking Store';
  item.command = 'mlflow.selectStore';
  const update = (s: StoreState) => {
    if (s.kind === 'none') {
      item.text = '$(database) MLflow: no store';
      item.tooltip = 'No MLflow tracking store found. Click to select one.';
      item.backgroundColor = undefined;
    } else {
      const short = shortName(s.uri);
      const icon = s.kind === 'connecting' ? '$(sync~spin)' : s.kind === 'error' ? '$(error)' : '$(database)';
      item.text = `${icon} MLflow: ${short}`;
      const state = s.kind === 'connected' ? 'connected' : s.kind === 'connecting' ? 'starting…' : `error: ${s.message}`;
      item.tooltip = `${redactUri(s.uri)} (${state}, from ${s.source}). Click to change.`;
      item.backgroundColor = s.kind === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    }
    item.show();
  };
  update(session.state);
  const sub = session.onDidChange(update);
  // While a request is being retried the item says so; the view's notification has the Cancel button.
  const retries = session.onRequestEvent((e) => {
    const s = session.state;
    if (s.kind !== 'connected') return;
    if (e.kind === 'settled') return update(s);
    item.text = `$(sync~spin) MLflow: ${shortName(s.uri)} — retrying…`;
    item.tooltip = `${retryText(e)}\n\nClick to change the store.`;
    item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
  });
  return vscode.Disposable.from(item, sub, retries);
}

function shortName(uri: string): string {
  const r = redactUri(uri);
  if (/^https?:/.test(r)) return r.replace(/^https?:\/\//, '');
  const parts = r.replace(/^[a-z]+:\/+/i, '/').split('/').filter(Boolean);
  return parts.slice(-2).join('/');
}
