import { likeRegExp, parseFilter, parseOrderByList, TRACES, type Clause, type Comparator } from '../filter';
import { cmpCodePoints } from '../filter/sort';
import { TRACE_KEY, type TraceInfo } from './entities';

/**
 * MLflow's trace search filter and order_by for the stores we read ourselves (file store, SQLite).
 * Parsing is the shared filter parser with the TRACES dialect; this module then rewrites the keys
 * MLflow rewrites (SearchTraceUtils): `name` is the tag `mlflow.traceName`, `prompt` the tag
 * `mlflow.linkedPrompts`, `run_id` the metadata `mlflow.sourceRun`, `timestamp`/`execution_time`/
 * `end_time` the `_ms` attributes. Servers get the text unchanged and apply their own grammar,
 * which also has span, feedback and full-text clauses.
 */

export type TraceAttribute = 'request_id' | 'client_request_id' | 'status' | 'timestamp_ms' | 'execution_time_ms' | 'end_time_ms' | 'experiment_id';

export type TraceClause =
  | { on: 'attribute'; key: TraceAttribute; comparator: Comparator; value: Clause['value'] }
  | { on: 'tag' | 'metadata'; key: string; comparator: Comparator; value: Clause['value'] };

export interface TraceOrder {
  on: 'attribute' | 'tag' | 'metadata';
  key: string;
  ascending: boolean;
}

const TO_TAG: Record<string, string> = { name: TRACE_KEY.traceName, prompt: TRACE_KEY.linkedPrompts };
const TO_METADATA: Record<string, string> = { run_id: TRACE_KEY.sourceRun };

function normalize(type: Clause['type'], key: string): { on: TraceClause['on']; key: string } {
  if (type === 'tag') return { on: 'tag', key };
  if (type === 'metadata') return { on: 'metadata', key };
  const k = key.toLowerCase();
  if (TO_TAG[k]) return { on: 'tag', key: TO_TAG[k] };
  if (TO_METADATA[k]) return { on: 'metadata', key: TO_METADATA[k] };
  return { on: 'attribute', key: TRACES.alias(key) };
}

/** Parses a trace filter; throws FilterError (with the position) on anything MLflow would reject. */
export function parseTraceFilter(filter: string | undefined): TraceClause[] {
  return parseFilter(filter ?? '', TRACES).map((c) => {
    const n = normalize(c.type, c.key);
    return { ...n, comparator: c.comparator, value: c.value } as TraceClause;
  });
}

/** order_by entries, then MLflow's tie-breakers: timestamp_ms DESC, request_id ASC. */
export function parseTraceOrderBy(orderBy: readonly string[] | undefined): TraceOrder[] {
  const keys: TraceOrder[] = parseOrderByList(orderBy, TRACES).map((o) => ({ ...normalize(o.type, o.key), ascending: o.ascending }));
  if (!keys.some((k) => k.on === 'attribute' && k.key === 'timestamp_ms')) keys.push({ on: 'attribute', key: 'timestamp_ms', ascending: false });
  if (!keys.some((k) => k.on === 'attribute' && k.key === 'request_id')) keys.push({ on: 'attribute', key: 'request_id', ascending: true });
  return keys;
}

export function traceAttribute(t: TraceInfo, key: string): string | number | undefined {
  switch (key) {
    case 'request_id':
      return t.traceId;
    case 'client_request_id':
      return t.clientRequestId;
    case 'status':
      return t.state;
    case 'timestamp_ms':
      return t.requestTime;
    case 'execution_time_ms':
      return t.executionDurationMs;
    case 'end_time_ms':
      return t.requestTime + (t.executionDurationMs ?? 0);
    case 'experiment_id':
      return t.experimentId;
    default:
      return undefined;
  }
}

function compare(lhs: string | number, cmp: Comparator, value: Clause['value']): boolean {
  switch (cmp) {
    case '=':
      return lhs === value;
    case '!=':
      return lhs !== value;
    case '<':
      return (lhs as number) < (value as number);
    case '<=':
      return (lhs as number) <= (value as number);
    case '>':
      return (lhs as number) > (value as number);
    case '>=':
      return (lhs as number) >= (value as number);
    case 'LIKE':
      return typeof lhs === 'string' && likeRegExp(value as string, false).test(lhs);
    case 'ILIKE':
      return typeof lhs === 'string' && likeRegExp(value as string, true).test(lhs);
    case 'IN':
      return (value as string[]).includes(String(lhs));
    case 'NOT IN':
      return !(value as string[]).includes(String(lhs));
    default:
      return false;
  }
}

/** MLflow's file-store semantics: a clause on a missing key is false, even `!=`. */
export function traceMatches(t: TraceInfo, clauses: readonly TraceClause[]): boolean {
  for (const c of clauses) {
    if (c.on === 'attribute') {
      const lhs = traceAttribute(t, c.key);
      if (lhs === undefined || !compare(lhs, c.comparator, c.value)) return false;
      continue;
    }
    const map = c.on === 'tag' ? t.tags : t.metadata;
    const has = Object.prototype.hasOwnProperty.call(map, c.key);
    if (c.comparator === 'IS NULL') {
      if (has) return false;
      continue;
    }
    if (c.comparator === 'IS NOT NULL') {
      if (!has) return false;
      continue;
    }
    if (!has || !compare(map[c.key], c.comparator, c.value)) return false;
  }
  return true;
}

function sortValue(t: TraceInfo, o: TraceOrder): string | number | undefined {
  if (o.on === 'attribute') return traceAttribute(t, o.key);
  return (o.on === 'tag' ? t.tags : t.metadata)[o.key];
}

/** Orders as MLflow does: missing values last whatever the direction, then the tie-breakers. */
export function traceComparator(order: readonly TraceOrder[]): (a: TraceInfo, b: TraceInfo) => number {
  return (a, b) => {
    for (const o of order) {
      const x = sortValue(a, o);
      const y = sortValue(b, o);
      if (x === y) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : cmpCodePoints(String(x), String(y));
      if (c !== 0) return o.ascending ? c : -c;
    }
    return 0;
  };
}
