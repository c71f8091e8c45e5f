import * as vscode from 'vscode';
import { neutralizeText } from '../core/model/display';
import { NOTE_SCHEME, NoteConflictError, NoteUriError, noteUriParts, parseNoteUri, readNote, writeNote, type NoteRef } from '../core/runs/notes';
import { errText } from '../core/store/fileStore';
import { UntrustedPythonError } from './python';
import { RestrictedModeError, type StoreSession } from './storeSession';

/**
 * Run and experiment descriptions as real editor documents (`mlflow-note:`): markdown, undo,
 * search, preview — everything an editor tab has. Reading asks the open store; saving writes the
 * `mlflow.note.content` tag through the session's writable store. A save that fails (conflict,
 * Restricted Mode, server error) throws, so VS Code keeps the document dirty and says why.
 */

export function noteUri(ref: NoteRef, displayName: string): vscode.Uri {
  return vscode.Uri.from(noteUriParts(ref, displayName));
}

interface Loaded {
  /** The note as last read from or written to the store: what a save is checked against. */
  text: string;
  mtime: number;
}

export class NoteFileSystem implements vscode.FileSystemProvider {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  private readonly loaded = new Map<string, Loaded>();
  /** Set by the extension: a save went through (views re-read what they show). */
  onDidSave: (ref: NoteRef) => void = () => undefined;

  constructor(
    private readonly session: StoreSession,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  static register(session: StoreSession, log: vscode.LogOutputChannel): { fs: NoteFileSystem; disposable: vscode.Disposable } {
    const fs = new NoteFileSystem(session, log);
    const disposable = vscode.Disposable.from(vscode.workspace.registerFileSystemProvider(NOTE_SCHEME, fs, { isCaseSensitive: true }), fs.changed);
    return { fs, disposable };
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    this.refOf(uri);
    let l = this.loaded.get(uri.toString());
    if (!l) {
      await this.readFile(uri);
      l = this.loaded.get(uri.toString())!;
    }
    return { type: vscode.FileType.File, ctime: 0, mtime: l.mtime, size: Buffer.byteLength(l.text) };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const ref = this.refOf(uri);
    const store = this.storeFor(ref, uri);
    let text: string;
    try {
      text = await readNote(store, ref);
    } catch (e) {
      throw vscode.FileSystemError.FileNotFound(`${neutralizeText(uri.path)}: ${neutralizeText(errText(e))}`);
    }
    const prev = this.loaded.get(uri.toString());
    this.loaded.set(uri.toString(), { text, mtime: prev && prev.text === text ? prev.mtime : Date.now() });
    return new TextEncoder().encode(text);
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const ref = this.refOf(uri);
    this.storeFor(ref, uri);
    const text = new TextDecoder('utf-8', { fatal: false }).decode(content);
    const what = `Save the ${ref.owner} description`;
    let store;
    try {
      store = await this.session.writable();
    } catch (e) {
      const msg = e instanceof RestrictedModeError || e instanceof UntrustedPythonError ? e.message : `cannot write to the store: ${errText(e)}`;
      this.log.warn(`${what}: ${msg}`);
      throw vscode.FileSystemError.NoPermissions(msg);
    }
    const base = this.loaded.get(uri.toString())?.text;
    try {
      const saved = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `MLflow: ${what}…` }, () => writeNote(store, ref, text, base));
      this.loaded.set(uri.toString(), { text: saved, mtime: Date.now() });
      this.log.info(`${what} (${ref.owner} ${ref.id})`);
    } catch (e) {
      const msg = neutralizeText(errText(e));
      this.log.error(`${what} (${ref.owner} ${ref.id}) failed: ${msg}`);
      if (e instanceof NoteConflictError) void vscode.window.showWarningMessage(`MLflow: ${msg}`);
      // VS Code shows this message and keeps the editor dirty: nothing typed is lost.
      throw vscode.FileSystemError.Unavailable(msg);
    }
    this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
    this.onDidSave(ref);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }
  createDirectory(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  delete(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  rename(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  private refOf(uri: vscode.Uri): NoteRef {
    try {
      return parseNoteUri(uri);
    } catch (e) {
      if (e instanceof NoteUriError) throw vscode.FileSystemError.FileNotFound(`${uri.toString(true)}: ${e.message}`);
      throw e;
    }
  }

  /** The open store, if it is the one the document belongs to (a restored tab may name another). */
  private storeFor(ref: NoteRef, uri: vscode.Uri) {
    const s = this.session.state;
    if (s.kind !== 'connected') throw vscode.FileSystemError.Unavailable(`${neutralizeText(uri.path)}: no tracking store is open`);
    if (s.store.uri !== ref.store && s.uri !== ref.store) {
      throw vscode.FileSystemError.Unavailable(`${neutralizeText(uri.path)} belongs to ${neutralizeText(ref.store)}, but the open store is ${neutralizeText(s.store.uri)}`);
    }
    return s.store;
  }
}
