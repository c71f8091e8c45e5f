import * as vscode from 'vscode';
import { ArtifactAccessError, ArtifactReader } from '../core/artifacts/artifactReader';
import { ARTIFACT_SCHEME, ArtifactUriError, artifactBaseName, artifactUriParts, parseArtifactUri, type ArtifactRef } from '../core/artifacts/artifactUri';
import type { StoreSession } from './storeSession';

/**
 * The read-only `mlflow-artifact:` file system. Text artifacts open in ordinary (read-only) editors
 * with the language their file name implies, images in VS Code's own image preview, and closing
 * them never asks to save: there is nothing to save. All reads go through the open store.
 */

export function artifactUri(ref: ArtifactRef): vscode.Uri {
  return vscode.Uri.from(artifactUriParts(ref));
}

export function artifactRefOf(uri: vscode.Uri): ArtifactRef {
  try {
    return parseArtifactUri(uri);
  } catch (e) {
    if (e instanceof ArtifactUriError) throw vscode.FileSystemError.FileNotFound(`${uri.toString(true)}: ${e.message}`);
    throw e;
  }
}

export class ArtifactFileSystem implements vscode.FileSystemProvider {
  readonly reader: ArtifactReader;
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;

  constructor(session: StoreSession) {
    this.reader = new ArtifactReader(() => (session.state.kind === 'connected' ? { uri: session.state.store.uri, store: session.state.store } : undefined));
  }

  static register(session: StoreSession): { fs: ArtifactFileSystem; disposable: vscode.Disposable } {
    const fs = new ArtifactFileSystem(session);
    const disposable = vscode.Disposable.from(
      vscode.workspace.registerFileSystemProvider(ARTIFACT_SCHEME, fs, { isReadonly: new vscode.MarkdownString('MLflow artifacts are read-only.'), isCaseSensitive: true }),
      session.onDidChange(() => fs.reader.clear()),
      fs.changed,
    );
    return { fs, disposable };
  }

  watch(): vscode.Disposable {
    // Logged artifacts do not change under an open editor often enough to poll for it.
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const st = await this.guard(uri, (ref) => this.reader.stat(ref));
    return { type: st.isDir ? vscode.FileType.Directory : vscode.FileType.File, ctime: 0, mtime: 0, size: st.size, permissions: vscode.FilePermission.Readonly };
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    const entries = await this.guard(uri, (ref) => this.reader.list(ref));
    return entries.map((e) => [artifactBaseName(e.path), e.isDir ? vscode.FileType.Directory : vscode.FileType.File]);
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.guard(uri, (ref) => this.reader.read(ref));
  }

  createDirectory(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  writeFile(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  delete(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  rename(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  /** Runs a read, turning our errors into the FileSystemErrors editors know how to show. */
  private async guard<T>(uri: vscode.Uri, read: (ref: ArtifactRef) => Promise<T>): Promise<T> {
    const ref = artifactRefOf(uri);
    try {
      return await read(ref);
    } catch (e) {
      if (!(e instanceof ArtifactAccessError)) throw e;
      switch (e.code) {
        case 'notFound':
        case 'invalid':
          throw vscode.FileSystemError.FileNotFound(e.message);
        case 'isADirectory':
          throw vscode.FileSystemError.FileIsADirectory(e.message);
        case 'tooLarge':
          throw vscode.FileSystemError.NoPermissions(e.message);
        default:
          throw vscode.FileSystemError.Unavailable(e.message);
      }
    }
  }
}
