/**
 * Completion for the search box: after `metrics.`, `params.`, `tags.` (and their MLflow aliases)
 * or `attributes.`, the keys that exist in the loaded runs, filtered by what is typed so far.
 */

export interface KeySets {
  metrics: Iterable<string>;
  params: Iterable<string>;
  tags: Iterable<string>;
}

export interface Completion {
  /** Replace text[from, to) with `insert`. */
  from: number;
  to: number;
  items: { label: string; insert: string; detail: string }[];
}

const ENTITY: Record<string, keyof KeySets | 'attributes'> = {
  metric: 'metrics',
  metrics: 'metrics',
  param: 'params',
  params: 'params',
  parameter: 'params',
  parameters: 'params',
  tag: 'tags',
  tags: 'tags',
  attribute: 'attributes',
  attributes: 'attributes',
  attr: 'attributes',
  run: 'attributes',
};

/** Attributes a run filter may name (MLflow's searchable run attributes). */
export const FILTER_ATTRIBUTES = ['run_id', 'run_name', 'status', 'user_id', 'start_time', 'end_time', 'artifact_uri'];

/** Keys MLflow's lexer takes without back-ticks; anything else is quoted. */
const BARE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function quoteKey(key: string): string {
  return BARE_KEY.test(key) ? key : `\`${key}\``;
}

export function completeAt(text: string, caret: number, keys: KeySets, limit = 50): Completion | undefined {
  const before = text.slice(0, caret);
  const m = /(?:^|[\s(,])([A-Za-z]+)\.(`[^`]*|[A-Za-z0-9_.\-/:]*)$/.exec(before);
  if (!m) return undefined;
  const group = ENTITY[m[1]];
  if (!group) return undefined;
  const typed = m[2].replace(/^`/, '').toLowerCase();
  const from = caret - m[2].length;
  // Replace the whole key under the caret, including what follows it up to a space or operator.
  const rest = /^[A-Za-z0-9_.\-/:`]*/.exec(text.slice(caret))?.[0] ?? '';
  const to = caret + rest.length;
  const pool = group === 'attributes' ? FILTER_ATTRIBUTES : [...keys[group]].sort();
  const starts: string[] = [];
  const contains: string[] = [];
  for (const k of pool) {
    const lk = k.toLowerCase();
    if (lk.startsWith(typed)) starts.push(k);
    else if (typed && lk.includes(typed)) contains.push(k);
  }
  const items = [...starts, ...contains].slice(0, limit).map((k) => ({ label: k, insert: quoteKey(k), detail: group }));
  return items.length ? { from, to, items } : undefined;
}
