import * as vscode from 'vscode';
import type { Run } from '../core/model/entities';
import { downloadArtifacts } from '../core/store/artifactDownload';
import { errText } from '../core/store/fileStore';
import { runStoreOperation } from '../core/store/operation';
import { retryText } from './storeCall';
import type { StoreSession } from './storeSession';

/** "Download Run Artifacts…" on a run: every artifact into a folder the user picks, with progress. */
export async function downloadRunArtifacts(session: StoreSession, log: vscode.LogOutputChannel, run: Run): Promise<void> {
  const s = session.state;
  if (s.kind !== 'connected') return;
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Download here', title: `Artifacts of ${run.info.runName || run.info.runId}` });
  const dest = picked?.[0];
  if (!dest) return;
  try {
    const files = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `MLflow: downloading artifacts of ${run.info.runName || run.info.runId}`, cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        const onRequestEvent = (e: Parameters<typeof retryText>[0]) => progress.report({ message: e.kind === 'retrying' ? retryText(e) : '' });
        return runStoreOperation({ signal: abort.signal, onRequestEvent }, () => downloadArtifacts(s.store, run.info.runId, undefined, dest.fsPath));
      },
    );
    log.info(`Downloaded ${files.length} artifact file(s) of run ${run.info.runId} to ${dest.fsPath}`);
    const reveal = await vscode.window.showInformationMessage(`MLflow: downloaded ${files.length} file(s) to ${dest.fsPath}.`, 'Reveal in Explorer');
    if (reveal) await vscode.commands.executeCommand('revealFileInOS', dest);
  } catch (e) {
    log.error(`Downloading artifacts of run ${run.info.runId} failed: ${errText(e)}`);
    void vscode.window.showErrorMessage(`MLflow: downloading artifacts failed: ${errText(e)}`);
  }
}
