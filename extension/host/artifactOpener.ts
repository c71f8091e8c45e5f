import * as vscode from 'vscode';
import { ArtifactAccessError } from '../core/artifacts/artifactReader';
import { artifactLanguage, formatBytes, planArtifactOpen } from '../core/artifacts/artifactContent';
import { ARTIFACT_SCHEME, parseArtifactUri, type ArtifactRef } from '../core/artifacts/artifactUri';
import { downloadArtifacts } from '../core/store/artifactDownload';
import { errText } from '../core/store/fileStore';
import { artifactUri, type ArtifactFileSystem } from './artifactFileSystem';
import { withStoreCall } from './storeCall';
import type { StoreSession } from './storeSession';

/**
 * Opens one artifact the way its kind asks: an image in VS Code's image preview, text in a
 * read-only editor with its language, and a binary or oversized file not at all — the user is told
 * what it is and offered a download instead.
 */
export async function openArtifact(session: StoreSession, fs: ArtifactFileSystem, log: vscode.LogOutputChannel, runId: string, path: string, opts: { preview?: boolean } = {}): Promise<void> {
  const s = session.state;
  if (s.kind !== 'connected') return;
  const ref: ArtifactRef = { store: s.store.uri, runId, path };
  const uri = artifactUri(ref);
  const preview = opts.preview ?? true;
  try {
    // Stat and the text sniff read through the store: a slow server shows its retries with Cancel.
    const plan = await withStoreCall({ title: `reading ${path}` }, async () => {
      const st = await fs.reader.stat(ref);
      if (st.isDir) return undefined;
      const first = planArtifactOpen(path, st.size || undefined);
      return first.kind === 'text' ? planArtifactOpen(path, st.size || undefined, await fs.reader.read(ref)) : first;
    });
    if (!plan) return;
    switch (plan.kind) {
      case 'image':
        // The default editor for *.png, *.svg… is VS Code's image preview: an <img> in its own
        // webview with a strict CSP, so an SVG's scripts never run.
        await vscode.commands.executeCommand('vscode.open', uri, { preview });
        return;
      case 'text': {
        const doc = await vscode.workspace.openTextDocument(uri);
        await applyArtifactLanguage(doc);
        await vscode.window.showTextDocument(doc, { preview });
        return;
      }
      case 'binary':
        return offerDownload(session, log, runId, path, `${path} is a binary file (${formatBytes(plan.size)}); it does not open in an editor.`);
      case 'tooLarge':
        return offerDownload(session, log, runId, path, `${path} is ${formatBytes(plan.size)}, over the ${formatBytes(plan.limit)} that open in an editor.`);
    }
  } catch (e) {
    const message = e instanceof ArtifactAccessError ? e.message : errText(e);
    if (e instanceof ArtifactAccessError && e.code === 'tooLarge') return offerDownload(session, log, runId, path, message);
    log.error(`Opening artifact ${path} of run ${runId}: ${message}`);
    void vscode.window.showErrorMessage(`MLflow: cannot open artifact ${path}: ${message}`);
  }
}

async function offerDownload(session: StoreSession, log: vscode.LogOutputChannel, runId: string, path: string, message: string): Promise<void> {
  const pick = await vscode.window.showInformationMessage(`MLflow: ${message}`, 'Download…');
  if (pick !== 'Download…') return;
  const s = session.state;
  if (s.kind !== 'connected') return;
  const dest = (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Download here', title: `Download ${path}` }))?.[0];
  if (!dest) return;
  try {
    const files = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `MLflow: downloading ${path}` }, () => downloadArtifacts(s.store, runId, path, dest.fsPath));
    log.info(`Downloaded artifact ${path} of run ${runId} to ${files.join(', ')}`);
  } catch (e) {
    log.error(`Downloading artifact ${path} of run ${runId} failed: ${errText(e)}`);
    void vscode.window.showErrorMessage(`MLflow: downloading ${path} failed: ${errText(e)}`);
  }
}

/**
 * VS Code picks a language from the file name; where it finds none (plaintext), use ours, so
 * artifacts such as `*.log` or a MLmodel without our language registered still get highlighting.
 * The user's own files.associations keep priority: they make the language other than plaintext.
 */
export async function applyArtifactLanguage(doc: vscode.TextDocument): Promise<void> {
  if (doc.uri.scheme !== ARTIFACT_SCHEME || doc.languageId !== 'plaintext') return;
  let lang: string;
  try {
    lang = artifactLanguage(parseArtifactUri(doc.uri).path);
  } catch {
    return;
  }
  if (lang === 'plaintext' || !(await vscode.languages.getLanguages()).includes(lang)) return;
  await vscode.languages.setTextDocumentLanguage(doc, lang);
}
