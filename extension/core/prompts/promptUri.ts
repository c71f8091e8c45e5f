/**
 * The `mlflow-prompt:` URIs of read-only prompt version documents:
 *
 *   mlflow-prompt:/<name>/<version>/<name> v<version>?store=<store URI, percent-encoded>
 *
 * The last segment is only the tab's title; name and version are read from the first two. The
 * store is part of the URI so a restored editor reads from the store it was opened from, not
 * whichever store is open after a reload. Free of `vscode` types (the host builds the Uri).
 */

export const PROMPT_SCHEME = 'mlflow-prompt';

export interface PromptVersionRef {
  store: string;
  name: string;
  version: string;
}

export class PromptUriError extends Error {}

export function promptUriParts(ref: PromptVersionRef): { scheme: string; authority: string; path: string; query: string } {
  if (!ref.name || /[/\\\0]/.test(ref.name) || ref.name === '.' || ref.name === '..') throw new PromptUriError(`A prompt name cannot be used in a document path: '${ref.name}'`);
  if (!/^\d+$/.test(ref.version)) throw new PromptUriError(`Invalid prompt version '${ref.version}'`);
  return { scheme: PROMPT_SCHEME, authority: '', path: `/${ref.name}/${ref.version}/${ref.name} v${ref.version}`, query: `store=${encodeURIComponent(ref.store)}` };
}

export function parsePromptUri(parts: { scheme: string; path: string; query: string }): PromptVersionRef {
  if (parts.scheme !== PROMPT_SCHEME) throw new PromptUriError(`Not a prompt URI: ${parts.scheme}:`);
  const m = /^\/([^/]+)\/(\d+)\/[^/]*$/.exec(parts.path);
  if (!m) throw new PromptUriError(`Invalid prompt document path '${parts.path}'`);
  const store = new URLSearchParams(parts.query).get('store');
  if (!store) throw new PromptUriError('Prompt URI without a store');
  return { store, name: m[1], version: m[2] };
}
