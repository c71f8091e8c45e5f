import { artifactBaseName } from './artifactUri';

/**
 * What an artifact is for the editor: an image for VS Code's image preview, text with a language
 * for highlighting, or a binary file that no editor here shows. Decided from the file name (and,
 * for text, a sniff of the first bytes), so the decision is the same for every store kind.
 */

/** Text artifacts larger than this are not opened in an editor (they can be downloaded). */
export const MAX_TEXT_ARTIFACT_BYTES = 10 * 1024 * 1024;
/** Images larger than this are not previewed. */
export const MAX_IMAGE_ARTIFACT_BYTES = 20 * 1024 * 1024;

/** The formats VS Code's built-in image preview shows. */
const IMAGE_EXTENSIONS = new Set(['png', 'jpg', 'jpe', 'jpeg', 'gif', 'webp', 'svg', 'bmp', 'ico', 'avif']);

/** Files MLflow writes without an extension, and the language our extension or VS Code gives them. */
const BY_NAME: Record<string, string> = {
  MLmodel: 'mlmodel',
  MLproject: 'mlproject',
  MLProject: 'mlproject',
  Dockerfile: 'dockerfile',
  Makefile: 'makefile',
};

/** Extensions MLflow artifacts commonly have → VS Code's built-in language ids. */
const BY_EXTENSION: Record<string, string> = {
  yaml: 'yaml',
  yml: 'yaml',
  json: 'json',
  jsonl: 'jsonl',
  py: 'python',
  md: 'markdown',
  txt: 'plaintext',
  log: 'log',
  csv: 'plaintext',
  tsv: 'plaintext',
  html: 'html',
  htm: 'html',
  xml: 'xml',
  sh: 'shellscript',
  sql: 'sql',
  r: 'r',
  ini: 'ini',
  cfg: 'ini',
  js: 'javascript',
  ts: 'typescript',
  ipynb: 'json',
};

function extensionOf(path: string): string {
  const name = artifactBaseName(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

export function isImageArtifact(path: string): boolean {
  return IMAGE_EXTENSIONS.has(extensionOf(path));
}

/** The language id for a text artifact; 'plaintext' when nothing better is known. */
export function artifactLanguage(path: string): string {
  return BY_NAME[artifactBaseName(path)] ?? BY_EXTENSION[extensionOf(path)] ?? 'plaintext';
}

/** Binary as git decides it: a NUL byte in the first 8000 bytes. */
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

export function maxArtifactBytes(path: string): number {
  return isImageArtifact(path) ? MAX_IMAGE_ARTIFACT_BYTES : MAX_TEXT_ARTIFACT_BYTES;
}

/** "812 B", "4.2 KB", "13.0 MB" */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(1)} GB`;
}

export type ArtifactOpenPlan =
  | { kind: 'image' }
  | { kind: 'text'; language: string }
  | { kind: 'tooLarge'; size: number; limit: number }
  | { kind: 'binary'; size: number };

/**
 * How to open an artifact given its size (from the listing, before reading) and, for non-images,
 * its first bytes. Images skip the sniff: the image preview decodes them itself.
 */
export function planArtifactOpen(path: string, size: number | undefined, head?: Uint8Array): ArtifactOpenPlan {
  const limit = maxArtifactBytes(path);
  if (size !== undefined && size > limit) return { kind: 'tooLarge', size, limit };
  if (isImageArtifact(path)) return { kind: 'image' };
  if (head && looksBinary(head)) return { kind: 'binary', size: size ?? head.length };
  return { kind: 'text', language: artifactLanguage(path) };
}
