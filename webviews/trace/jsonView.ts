import { el } from '../platform/dom';

/**
 * Folding JSON for span inputs, outputs, attributes and events. Objects and arrays fold; their
 * children are built only when opened (an LLM payload can be large), and long ones show the first
 * 200 entries with "show more". Every key and value goes in as text: model output often holds HTML.
 */

const PAGE = 200;
const LONG_TEXT = 2000;

function summary(v: unknown): string {
  if (Array.isArray(v)) return `[${v.length}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).length}}`;
  return '';
}

function scalar(v: unknown): HTMLElement {
  if (typeof v === 'string') {
    const span = el('span', 'json-string');
    if (v.length > LONG_TEXT) {
      span.textContent = JSON.stringify(v.slice(0, LONG_TEXT)).slice(0, -1) + '…"';
      const more = el('button', 'json-more', `show all ${v.length} characters`);
      more.type = 'button';
      more.addEventListener('click', () => {
        span.textContent = JSON.stringify(v);
        more.remove();
      });
      const wrap = el('span');
      wrap.append(span, more);
      return wrap;
    }
    // Multi-line text (stack traces, chat messages) keeps its line breaks rather than showing \n.
    span.textContent = v.includes('\n') ? `"${v}"` : JSON.stringify(v);
    return span;
  }
  if (typeof v === 'number') return el('span', 'json-number', String(v));
  if (typeof v === 'boolean') return el('span', 'json-boolean', String(v));
  if (v === null || v === undefined) return el('span', 'json-null', 'null');
  return el('span', undefined, String(v));
}

/** One `key: value` line; objects and arrays get a twistie and fold. */
export function jsonNode(key: string | null, value: unknown, open = false): HTMLElement {
  const row = el('div', 'json-node');
  const line = row.appendChild(el('div', 'json-line'));
  const foldable = value !== null && typeof value === 'object' && Object.keys(value as object).length > 0;
  if (foldable) {
    const twistie = line.appendChild(el('button', 'json-twistie'));
    twistie.type = 'button';
    twistie.setAttribute('aria-expanded', 'false');
    twistie.textContent = '▸';
    if (key !== null) line.appendChild(el('span', 'json-key', key + ': '));
    line.appendChild(el('span', 'json-summary', summary(value)));
    let body: HTMLElement | undefined;
    const toggle = () => {
      const opening = twistie.getAttribute('aria-expanded') !== 'true';
      twistie.setAttribute('aria-expanded', String(opening));
      twistie.textContent = opening ? '▾' : '▸';
      if (opening && !body) {
        body = row.appendChild(el('div', 'json-children'));
        fill(body, value as object, 0);
      }
      if (body) body.hidden = !opening;
    };
    twistie.addEventListener('click', toggle);
    if (open) toggle();
  } else {
    line.appendChild(el('span', 'json-twistie-space'));
    if (key !== null) line.appendChild(el('span', 'json-key', key + ': '));
    line.appendChild(value !== null && typeof value === 'object' ? el('span', 'json-summary', Array.isArray(value) ? '[]' : '{}') : scalar(value));
  }
  return row;
}

function fill(body: HTMLElement, value: object, from: number): void {
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const end = Math.min(entries.length, from + PAGE);
  for (let i = from; i < end; i++) body.appendChild(jsonNode(entries[i][0], entries[i][1]));
  if (end < entries.length) {
    const more = body.appendChild(el('button', 'json-more', `show ${Math.min(PAGE, entries.length - end)} more of ${entries.length - end}`));
    more.type = 'button';
    more.addEventListener('click', () => {
      more.remove();
      fill(body, value, end);
    });
  }
}

/** A titled section holding one value, opened one level. */
export function jsonSection(title: string, value: unknown): HTMLElement {
  const section = el('section', 'json-section');
  section.appendChild(el('h3', undefined, title));
  const tree = section.appendChild(el('div', 'json-tree'));
  if (value !== null && typeof value === 'object' && Object.keys(value).length > 0) fill(tree, value, 0);
  else tree.appendChild(jsonNode(null, value));
  return section;
}
