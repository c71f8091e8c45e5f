/**
 * MLproject/MLmodel language server: a thin LSP wrapper around extension/core/lang. Transport is
 * chosen from the command line by vscode-languageserver (`--node-ipc` from the extension client,
 * `--stdio` for other editors and the protocol tests).
 */
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  DiagnosticTag,
  InsertTextFormat,
  MarkupKind,
  ProposedFeatures,
  SymbolKind,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type CodeAction,
  type CompletionItem as LspCompletionItem,
  type Diagnostic as LspDiagnostic,
  type DocumentSymbol,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  analyze,
  codeLenses,
  complete,
  definition,
  hover,
  languageForPath,
  nodeFileProbe,
  outline,
  quickFixes,
  type Analysis,
  type CompletionKind,
  type Diagnostic,
  type LanguageId,
  type OutlineSymbol,
  type SymbolKind as CoreSymbolKind,
} from '../extension/core/lang/index';
import { isGatewayConfig } from '../extension/core/lang/gatewayFiles';

export const RUN_ENTRY_POINT_COMMAND = 'mlflow.runEntryPoint';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const cache = new Map<string, { version: number; analysis: Analysis }>();
const pending = new Map<string, NodeJS.Timeout>();

/** `mlflow.gatewayConfigGlobs`: YAML files taken as AI Gateway configs whatever their content. */
let gatewayGlobs: string[] = [];

function globsOf(settings: unknown): string[] {
  const globs = (settings as { gatewayConfigGlobs?: unknown } | undefined)?.gatewayConfigGlobs;
  return Array.isArray(globs) ? globs.filter((g): g is string => typeof g === 'string') : [];
}

function languageOf(doc: TextDocument): LanguageId | undefined {
  if (doc.languageId === 'mlproject' || doc.languageId === 'mlmodel') return doc.languageId;
  if (doc.languageId === 'yaml') return isGatewayConfig(pathOf(doc.uri) ?? doc.uri, doc.getText(), gatewayGlobs) ? 'gateway' : undefined;
  return languageForPath(doc.uri);
}

function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function analysisOf(doc: TextDocument): Analysis | undefined {
  const lang = languageOf(doc);
  if (!lang) return undefined;
  const hit = cache.get(doc.uri);
  if (hit && hit.version === doc.version) return hit.analysis;
  const analysis = analyze(lang, doc.getText(), { path: pathOf(doc.uri), fs: nodeFileProbe });
  cache.set(doc.uri, { version: doc.version, analysis });
  return analysis;
}

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  return {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'mlflow',
    message: d.message,
    ...(d.unnecessary ? { tags: [DiagnosticTag.Unnecessary] } : {}),
  };
}

function validate(doc: TextDocument): void {
  const analysis = analysisOf(doc);
  if (!analysis) {
    // A YAML file that stopped looking like a gateway config keeps no stale diagnostics.
    if (doc.languageId === 'yaml') void connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] });
    return;
  }
  void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: analysis.diagnostics.map(toLspDiagnostic) });
}

function schedule(doc: TextDocument, delay: number): void {
  const t = pending.get(doc.uri);
  if (t) clearTimeout(t);
  pending.set(
    doc.uri,
    setTimeout(() => {
      pending.delete(doc.uri);
      const current = documents.get(doc.uri);
      if (current) validate(current);
    }, delay),
  );
}

connection.onDidChangeConfiguration((change) => {
  gatewayGlobs = globsOf((change.settings as { mlflow?: unknown } | undefined)?.mlflow);
  cache.clear();
  for (const doc of documents.all()) validate(doc);
});

connection.onInitialize((params): InitializeResult => {
  gatewayGlobs = globsOf(params.initializationOptions);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: ['{', ':', ' ', '"', '/'], resolveProvider: false },
      hoverProvider: true,
      documentSymbolProvider: true,
      definitionProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'mlflow-workbench-language-server', version: '0.1.0' },
  };
});

documents.onDidOpen((e) => validate(e.document));
documents.onDidChangeContent((e) => schedule(e.document, 120));
documents.onDidClose((e) => {
  cache.delete(e.document.uri);
  const t = pending.get(e.document.uri);
  if (t) clearTimeout(t);
  pending.delete(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});
// Environment files and scripts may appear or vanish: re-check every open document.
connection.onDidChangeWatchedFiles(() => {
  cache.clear();
  for (const doc of documents.all()) validate(doc);
});

const COMPLETION_KIND: Record<CompletionKind, CompletionItemKind> = {
  property: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  enum: CompletionItemKind.EnumMember,
  file: CompletionItemKind.File,
  variable: CompletionItemKind.Variable,
  snippet: CompletionItemKind.Snippet,
  module: CompletionItemKind.Module,
};

connection.onCompletion((params): LspCompletionItem[] => {
  const doc = documents.get(params.textDocument.uri);
  const analysis = doc && analysisOf(doc);
  if (!analysis) return [];
  return complete(analysis, params.position).map((c) => ({
    label: c.label,
    kind: COMPLETION_KIND[c.kind],
    detail: c.detail,
    documentation: c.documentation ? { kind: MarkupKind.Markdown, value: c.documentation } : undefined,
    sortText: c.sortText,
    insertTextFormat: c.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    ...(c.range ? { textEdit: { range: c.range, newText: c.insertText ?? c.label } } : { insertText: c.insertText }),
  }));
});

connection.onHover((params) => {
  const doc = documents.get(params.textDocument.uri);
  const analysis = doc && analysisOf(doc);
  if (!analysis) return null;
  const h = hover(analysis, params.position);
  return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: h.range } : null;
});

const SYMBOL_KIND: Record<CoreSymbolKind, SymbolKind> = {
  namespace: SymbolKind.Namespace,
  function: SymbolKind.Function,
  variable: SymbolKind.Variable,
  property: SymbolKind.Property,
  file: SymbolKind.File,
  object: SymbolKind.Object,
  string: SymbolKind.String,
};
function toSymbol(s: OutlineSymbol): DocumentSymbol {
  return { name: s.name || ' ', detail: s.detail, kind: SYMBOL_KIND[s.kind], range: s.range, selectionRange: s.selectionRange, children: s.children.map(toSymbol) };
}
connection.onDocumentSymbol((params) => {
  const doc = documents.get(params.textDocument.uri);
  const analysis = doc && analysisOf(doc);
  return analysis ? outline(analysis).map(toSymbol) : [];
});

connection.onDefinition((params) => {
  const doc = documents.get(params.textDocument.uri);
  const analysis = doc && analysisOf(doc);
  if (!analysis) return [];
  return definition(analysis, params.position).map((t) => ({
    originSelectionRange: t.originRange,
    targetUri: t.path ? pathToUri(t.path) : params.textDocument.uri,
    targetRange: t.range,
    targetSelectionRange: t.range,
  }));
});

function pathToUri(p: string): string {
  return new URL(`file://${p.startsWith('/') ? '' : '/'}${p.replace(/\\/g, '/')}`).href;
}

connection.onCodeAction((params): CodeAction[] => {
  const doc = documents.get(params.textDocument.uri);
  const analysis = doc && analysisOf(doc);
  if (!analysis) return [];
  if (params.context.only && !params.context.only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k))) return [];
  return quickFixes(analysis, params.range).map((a) => ({
    title: a.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [toLspDiagnostic(a.diagnostic)],
    isPreferred: a.fix.preferred,
    edit: { changes: { [params.textDocument.uri]: a.fix.edits } },
  }));
});

connection.onCodeLens((params) => {
  const doc = documents.get(params.textDocument.uri);
  const analysis = doc && analysisOf(doc);
  if (!analysis) return [];
  return codeLenses(analysis).map((l) => ({
    range: l.range,
    command: { title: `$(play) Run ${l.entryPoint}`, command: RUN_ENTRY_POINT_COMMAND, arguments: [params.textDocument.uri, l.entryPoint] },
  }));
});

documents.listen(connection);
connection.listen();
