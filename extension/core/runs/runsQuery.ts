import { FilterError, parseFilter, parseOrderByList, RUNS } from '../filter';
import { TAG } from '../model/entities';

/**
 * What a runs view asks the store for: an MLflow filter and order_by, exactly as `search_runs`
 * takes them. Empty filter and order mean MLflow's defaults (every run, newest start time first).
 */
export interface RunsQuery {
  filter: string;
  orderBy: string[];
}

export const EMPTY_QUERY: RunsQuery = { filter: '', orderBy: [] };

/** Throws the parser's FilterError (message + span) for what MLflow would reject; never reaches a store. */
export function validateRunsQuery(q: RunsQuery): void {
  parseFilter(q.filter, RUNS);
  parseOrderByList(q.orderBy, RUNS);
}

/**
 * What an input box shows for a query MLflow would refuse, on one line (VS Code's validation
 * message folds line breaks, so a caret on a line of its own would not stay under the position):
 * MLflow's message, the 1-based position, and the text around it with a caret mark (‸) inserted
 * where the problem starts. Undefined when the query is valid.
 */
export function filterProblem(q: RunsQuery): string | undefined {
  try {
    validateRunsQuery(q);
    return undefined;
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
    const text = e.input.replace(/[\r\n\t]/g, ' ');
    const at = Math.min(Math.max(0, e.offset), text.length);
    const before = text.slice(Math.max(0, at - 40), at);
    const after = text.slice(at, at + 30);
    const excerpt = `${at > 40 ? '…' : ''}${before}‸${after}${at + 30 < text.length ? '…' : ''}`;
    return `${e.message} — at character ${at + 1}: ${excerpt}`;
  }
}

/**
 * The user's filter AND one more clause. MLflow's grammar is a flat AND list (no parentheses), so
 * appending is exact. A trailing `;` ends a filter for MLflow, so it is dropped before appending.
 */
export function andClause(filter: string, clause: string): string {
  const f = filter.trim().replace(/;\s*$/, '').trim();
  return f ? `${f} AND ${clause}` : clause;
}

/** Runs without a parent (MLflow 3.11+ filters tags with IS NULL). */
export const TOP_LEVEL_CLAUSE = `tags.${TAG.parentRunId} IS NULL`;
export const HAS_PARENT_CLAUSE = `tags.${TAG.parentRunId} IS NOT NULL`;

/** `tags.mlflow.parentRunId = '<id>'`. MLflow takes quoted strings as written (no escapes). */
export function childrenClause(parentRunId: string): string {
  return `tags.${TAG.parentRunId} = ${quoteValue(parentRunId)}`;
}

/** `attributes.run_id IN ('a', 'b')`: run ids are [\w-] (MLflow validates them), so quoting is plain. */
export function runIdInClause(runIds: readonly string[]): string {
  return `attributes.run_id IN (${runIds.map(quoteValue).join(', ')})`;
}

function quoteValue(v: string): string {
  if (!v.includes("'")) return `'${v}'`;
  if (!v.includes('"')) return `"${v}"`;
  throw new Error(`a value holding both quote characters cannot be written in an MLflow filter: ${v}`);
}

/** A key as an order_by/filter identifier: back-ticked unless it is a plain name (MLflow's rule). */
export function quoteKey(key: string): string | undefined {
  if (/^[A-Za-z0-9_]+$/.test(key)) return key;
  if (key.includes('`')) return undefined;
  return `\`${key}\``;
}

/** One choice of the sort picker, with the MLflow order_by it stands for. */
export interface SortChoice {
  label: string;
  orderBy: string[];
}

/**
 * Start time, run name, then every metric key the caller has seen, each both ways. A metric key
 * that cannot be written as an identifier (it holds a back-tick) is left out.
 */
export function sortChoices(metricKeys: Iterable<string>): SortChoice[] {
  const choices: SortChoice[] = [
    { label: 'Start time, newest first', orderBy: ['attributes.start_time DESC'] },
    { label: 'Start time, oldest first', orderBy: ['attributes.start_time ASC'] },
    { label: 'Run name, A to Z', orderBy: ['attributes.run_name ASC'] },
    { label: 'Run name, Z to A', orderBy: ['attributes.run_name DESC'] },
  ];
  for (const key of [...new Set(metricKeys)].sort()) {
    const id = quoteKey(key);
    if (!id) continue;
    choices.push({ label: `${key}, lowest first`, orderBy: [`metrics.${id} ASC`] });
    choices.push({ label: `${key}, highest first`, orderBy: [`metrics.${id} DESC`] });
  }
  return choices;
}

/** Short text for a view's description: `filter: … · order: …`; empty for MLflow's defaults. */
export function describeQuery(q: RunsQuery): string {
  const parts: string[] = [];
  if (q.filter.trim()) parts.push(`filter: ${q.filter.trim()}`);
  if (q.orderBy.length) parts.push(`order: ${q.orderBy.join(', ')}`);
  return parts.join(' · ');
}
