import * as vscode from 'vscode';
import { neutralizeText } from '../core/model/display';
import type { Store } from '../core/store/openStore';
import { errText } from '../core/store/fileStore';
import { UntrustedPythonError } from './python';
import { RestrictedModeError, type StoreSession } from './storeSession';

/**
 * The path every edit from the views takes: refuse early in Restricted Mode (a database is written
 * through a local mlflow server, which Restricted Mode does not start), get the writable store,
 * write with progress in the view, and only then refresh. A failed write changes nothing on screen
 * and shows the store's own message.
 */

/** Not awaited: the command ends while the notification waits for the user. */
export function showTrustMessage(message: string, log: vscode.LogOutputChannel): void {
  log.warn(message);
  void vscode.window.showWarningMessage(`MLflow: ${message}`, 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
}

/** True (after saying why) when Restricted Mode refuses writes to this store; checked before asking anything. */
export function refusedInRestrictedMode(session: StoreSession, log: vscode.LogOutputChannel): boolean {
  const reason = session.restrictedWriteReason();
  if (reason) showTrustMessage(reason, log);
  return reason !== undefined;
}

export async function writableStore(session: StoreSession, log: vscode.LogOutputChannel): Promise<Store | undefined> {
  if (session.state.kind !== 'connected') {
    void vscode.window.showWarningMessage('MLflow: no tracking store is open.');
    return undefined;
  }
  try {
    return await session.writable();
  } catch (e) {
    if (e instanceof RestrictedModeError || e instanceof UntrustedPythonError) {
      showTrustMessage(e.message, log);
      return undefined;
    }
    log.error(`Cannot write to ${session.state.uri}: ${errText(e)}`);
    void vscode.window.showErrorMessage(`MLflow: cannot write to the store: ${neutralizeText(errText(e))}`);
    return undefined;
  }
}

/**
 * Runs one edit; `what` names it ("Delete run 'x'") in the progress, the log and any error.
 * Resolves true when the store accepted it (then `refresh` runs).
 */
export async function storeEdit(
  session: StoreSession,
  log: vscode.LogOutputChannel,
  what: string,
  action: (store: Store) => Promise<unknown>,
  refresh: () => unknown,
  viewId = 'mlflow.experiments',
): Promise<boolean> {
  const store = await writableStore(session, log);
  if (!store) return false;
  try {
    await vscode.window.withProgress({ location: { viewId }, title: what }, () => action(store));
  } catch (e) {
    log.error(`${what} failed: ${errText(e)}`);
    void vscode.window.showErrorMessage(`MLflow: ${neutralizeText(what)} failed: ${neutralizeText(errText(e))}`);
    return false;
  }
  log.info(what);
  await refresh();
  return true;
}

/** A modal "are you sure" naming what goes; true when the user chose `action`. */
export async function confirmModal(message: string, detail: string, action: string): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(neutralizeText(message), { modal: true, detail: neutralizeText(detail, { keepNewlines: true }) }, action);
  return choice === action;
}
