/**
 * Plain editor-neutral shapes for the MLproject/MLmodel analysis. They mirror LSP's on purpose
 * (0-based lines and UTF-16 characters) so the language server maps them 1:1, while the core stays
 * free of vscode and vscode-languageserver imports (the CLI and tests use it too).
 */
export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type LanguageId = 'mlproject' | 'mlmodel' | 'gateway';

export interface TextEdit {
  range: Range;
  newText: string;
}
export interface Fix {
  title: string;
  edits: TextEdit[];
  preferred?: boolean;
}
export interface Diagnostic {
  range: Range;
  severity: Severity;
  /** Stable rule id, e.g. `mlproject/undeclared-placeholder`; documented in docs/language-server.md. */
  code: string;
  message: string;
  /** Unused-parameter style findings the editor may fade out. */
  unnecessary?: boolean;
  fixes?: Fix[];
}

export type CompletionKind = 'property' | 'value' | 'enum' | 'file' | 'variable' | 'snippet' | 'module';
export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  /** Text to insert; may be a snippet when `snippet` is true. */
  insertText?: string;
  snippet?: boolean;
  /** Range replaced by insertText (the word being typed). */
  range?: Range;
  sortText?: string;
}
export interface HoverResult {
  markdown: string;
  range: Range;
}
export type SymbolKind = 'namespace' | 'function' | 'variable' | 'property' | 'file' | 'object' | 'string';
export interface OutlineSymbol {
  name: string;
  detail?: string;
  kind: SymbolKind;
  range: Range;
  selectionRange: Range;
  children: OutlineSymbol[];
}
export interface DefinitionTarget {
  /** Absolute file path, or undefined when the target is inside the same document. */
  path?: string;
  range: Range;
  /** Where the link starts in the source document. */
  originRange: Range;
}
export interface EntryPointLens {
  entryPoint: string;
  range: Range;
}

/**
 * Everything the analysis needs from the file system, so it stays pure: the server and CLI pass
 * the Node implementation, tests pass an in-memory one.
 */
export interface FileProbe {
  exists(path: string): boolean;
  isDirectory?(path: string): boolean;
  readText(path: string): string | undefined;
  list(dir: string): string[];
}
