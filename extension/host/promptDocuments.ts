import * as vscode from 'vscode';
import { getPromptVersion } from '../core/prompts/promptRead';
import type { PromptType, PromptVersionInfo } from '../core/prompts/promptModel';
import { editorText } from '../core/prompts/promptText';
import { parsePromptUri, PROMPT_SCHEME, promptUriParts, PromptUriError, type PromptVersionRef } from '../core/prompts/promptUri';
import { errText } from '../core/store/fileStore';
import type { StoreSession } from './storeSession';

/**
 * Prompt version templates as read-only documents (`mlflow-prompt:` URIs, a content provider, so
 * VS Code never offers to save them), in our prompt languages whose grammars highlight `{{var}}`.
 * Drafts for a new version are untitled documents remembered with the version they started from.
 */

export const PROMPT_LANGUAGE: Record<PromptType, string> = { text: 'mlflow-prompt', chat: 'mlflow-prompt-chat' };

export function promptVersionUri(store: string, v: Pick<PromptVersionInfo, 'name' | 'version'>): vscode.Uri {
  return vscode.Uri.from(promptUriParts({ store, name: v.name, version: v.version }));
}

export class PromptDocuments implements vscode.TextDocumentContentProvider {
  /** Untitled drafts → the version they were started from (to register the next version of it). */
  private readonly drafts = new Map<string, PromptVersionInfo>();
  /** Versions read for open documents, by URI: the type picks the language, and drafts start from them. */
  private readonly versions = new Map<string, PromptVersionInfo>();

  constructor(private readonly session: StoreSession) {}

  static register(session: StoreSession): { docs: PromptDocuments; disposable: vscode.Disposable } {
    const docs = new PromptDocuments(session);
    const disposable = vscode.Disposable.from(
      vscode.workspace.registerTextDocumentContentProvider(PROMPT_SCHEME, docs),
      // Only drafts are forgotten on close: a language change closes and reopens a prompt document,
      // which must keep knowing its version (the entries are a few strings each).
      vscode.workspace.onDidCloseTextDocument((d) => docs.drafts.delete(d.uri.toString())),
      // A restored editor (after a reload) gets its language back once its content is read.
      vscode.workspace.onDidOpenTextDocument((d) => void docs.applyLanguage(d)),
    );
    return { docs, disposable };
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    try {
      const v = await this.read(parsePromptUri(uri));
      this.versions.set(uri.toString(), v);
      return editorText(v);
    } catch (e) {
      // A content provider cannot fail visibly; the document says what went wrong instead.
      throw e instanceof PromptUriError ? vscode.FileSystemError.FileNotFound(uri) : new Error(`Cannot read prompt ${uri.path}: ${errText(e)}`);
    }
  }

  private async read(ref: PromptVersionRef): Promise<PromptVersionInfo> {
    const s = this.session.state;
    if (s.kind !== 'connected') throw new Error('no tracking store is open');
    if (s.store.uri !== ref.store) throw new Error(`this prompt is from ${ref.store}, but the open store is ${s.store.uri}`);
    return getPromptVersion(s.store, ref.name, ref.version);
  }

  /** The version a read-only prompt document shows, or undefined for other documents. */
  versionOf(doc: vscode.TextDocument): PromptVersionInfo | undefined {
    return this.versions.get(doc.uri.toString());
  }

  draftBase(doc: vscode.TextDocument): PromptVersionInfo | undefined {
    return this.drafts.get(doc.uri.toString());
  }

  async open(store: string, v: PromptVersionInfo, opts: vscode.TextDocumentShowOptions = {}): Promise<vscode.TextEditor> {
    const doc = await this.document(store, v);
    return vscode.window.showTextDocument(doc, { preview: true, ...opts });
  }

  /** Opens (or finds) the read-only document of a version, in its prompt language. */
  async document(store: string, v: PromptVersionInfo): Promise<vscode.TextDocument> {
    const uri = promptVersionUri(store, v);
    this.versions.set(uri.toString(), v);
    const doc = await vscode.workspace.openTextDocument(uri);
    return (await this.applyLanguage(doc)) ?? doc;
  }

  /** An editable untitled copy of a version's template; "New Version from Editor" registers it as the next version. */
  async startDraft(v: PromptVersionInfo): Promise<vscode.TextEditor> {
    const doc = await vscode.workspace.openTextDocument({ language: PROMPT_LANGUAGE[v.type], content: editorText(v) });
    this.drafts.set(doc.uri.toString(), v);
    return vscode.window.showTextDocument(doc, { preview: false });
  }

  private async applyLanguage(doc: vscode.TextDocument): Promise<vscode.TextDocument | undefined> {
    if (doc.uri.scheme !== PROMPT_SCHEME) return undefined;
    const v = this.versions.get(doc.uri.toString());
    const lang = v ? PROMPT_LANGUAGE[v.type] : PROMPT_LANGUAGE.text;
    return doc.languageId === lang ? doc : vscode.languages.setTextDocumentLanguage(doc, lang);
  }
}
