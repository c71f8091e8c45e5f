import type { Experiment, ModelVersion, RegisteredModel, Run } from '../model/entities';
import { experimentAttribute, runAttribute } from './evaluate';
import type { OrderKey } from './orderBy';

/**
 * Orderings as MLflow's file store applies them. Each is one comparator equivalent to MLflow's
 * chain of stable sorts (order_by entries first, then its base order or tie-breakers).
 */

type Value = string | number | null | undefined;

/** Python compares str by code point; JS `<` by UTF-16 unit, which differs above U+FFFF. */
export function cmpCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
}

function cmpPresent(a: string | number, b: string | number): number {
  if (typeof a === 'string' && typeof b === 'string') return cmpCodePoints(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

function rank(v: Value): number {
  return v === null || v === undefined ? 2 : typeof v === 'number' && Number.isNaN(v) ? 1 : 0;
}

/** Runs: values first, then NaN, then missing — in both directions. */
function cmpRunValue(a: Value, b: Value, ascending: boolean): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra !== 0) return 0;
  const c = cmpPresent(a as string | number, b as string | number);
  return ascending ? c : -c;
}

function runSortValue(run: Run, k: OrderKey): Value {
  switch (k.type) {
    case 'metric':
      return Object.prototype.hasOwnProperty.call(run.data.metrics, k.key) ? run.data.metrics[k.key].value : undefined;
    case 'parameter':
      return Object.prototype.hasOwnProperty.call(run.data.params, k.key) ? run.data.params[k.key] : undefined;
    case 'tag':
      return Object.prototype.hasOwnProperty.call(run.data.tags, k.key) ? run.data.tags[k.key] : undefined;
    default:
      return runAttribute(run, k.key);
  }
}

/** MLflow's base order for runs: start_time DESC, run_id ASC. */
export function baseRunOrder(a: Run, b: Run): number {
  return cmpRunValue(a.info.startTime, b.info.startTime, false) || cmpCodePoints(a.info.runId, b.info.runId);
}

export function runComparator(keys: readonly OrderKey[]): (a: Run, b: Run) => number {
  return (a, b) => {
    for (const k of keys) {
      const c = cmpRunValue(runSortValue(a, k), runSortValue(b, k), k.ascending);
      if (c) return c;
    }
    return baseRunOrder(a, b);
  };
}

/** Registry and experiment sorts: a missing value is never "less", so it ends up last either way. */
function cmpNullsLast(a: Value, b: Value, ascending: boolean): number {
  const am = a === null || a === undefined;
  const bm = b === null || b === undefined;
  if (am || bm) return am === bm ? 0 : am ? 1 : -1;
  const c = cmpPresent(a as string | number, b as string | number);
  return ascending ? c : -c;
}

interface Attr {
  key: string;
  ascending: boolean;
}

function attrComparator<T>(keys: Attr[], get: (item: T, key: string) => Value): (a: T, b: T) => number {
  return (a, b) => {
    for (const k of keys) {
      const c = cmpNullsLast(get(a, k.key), get(b, k.key), k.ascending);
      if (c) return c;
    }
    return 0;
  };
}

export function experimentComparator(keys: readonly OrderKey[]): (a: Experiment, b: Experiment) => number {
  const attrs: Attr[] = keys.length
    ? keys.map((k) => ({ key: k.key, ascending: k.ascending }))
    : [
        { key: 'creation_time', ascending: false },
        { key: 'experiment_id', ascending: true },
      ];
  // MLflow's tie-breaker when the caller's order_by lacks experiment_id is experiment_id DESC.
  if (!attrs.some((k) => k.key === 'experiment_id')) attrs.push({ key: 'experiment_id', ascending: false });
  return attrComparator(attrs, experimentAttribute);
}

function modelAttribute(m: RegisteredModel, key: string): Value {
  return key === 'name' ? m.name : key === 'creation_timestamp' ? m.creationTimestamp : key === 'last_updated_timestamp' ? m.lastUpdatedTimestamp : undefined;
}

export function registeredModelComparator(keys: readonly OrderKey[]): (a: RegisteredModel, b: RegisteredModel) => number {
  const attrs: Attr[] = keys.map((k) => ({ key: k.key, ascending: k.ascending }));
  if (!attrs.some((k) => k.key === 'name')) attrs.push({ key: 'name', ascending: true });
  return attrComparator(attrs, modelAttribute);
}

function versionSortAttribute(v: ModelVersion, key: string): Value {
  switch (key) {
    case 'name':
      return v.name;
    case 'version_number':
      return Number(v.version);
    case 'creation_timestamp':
      return v.creationTimestamp;
    case 'last_updated_timestamp':
      return v.lastUpdatedTimestamp;
    default:
      return undefined;
  }
}

export function modelVersionComparator(keys: readonly OrderKey[]): (a: ModelVersion, b: ModelVersion) => number {
  const attrs: Attr[] = keys.length
    ? keys.map((k) => ({ key: k.key, ascending: k.ascending }))
    : [
        { key: 'last_updated_timestamp', ascending: false },
        { key: 'name', ascending: true },
        { key: 'version_number', ascending: false },
      ];
  if (!attrs.some((k) => k.key === 'name')) attrs.push({ key: 'name', ascending: true });
  // MLflow always appends version DESC (its check for an existing one never matches).
  attrs.push({ key: 'version_number', ascending: false });
  return attrComparator(attrs, versionSortAttribute);
}
