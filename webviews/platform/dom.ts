/**
 * DOM helpers for panels. Text always goes in through textContent: run names, params, tags and
 * artifact paths are written by whoever logged the run, so nothing from a store is parsed as HTML.
 */

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A custom element (vscode-elements) with attributes. */
export function component(tag: string, attrs: Record<string, string> = {}, text?: string): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A codicon glyph (the codicon stylesheet ships in dist/webviews). */
export function codicon(name: string, label?: string): HTMLSpanElement {
  const s = el('span', `codicon codicon-${name}`);
  if (label) {
    s.setAttribute('role', 'img');
    s.setAttribute('aria-label', label);
  } else {
    s.setAttribute('aria-hidden', 'true');
  }
  return s;
}
