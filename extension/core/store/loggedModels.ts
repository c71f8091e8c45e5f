import type { LoggedModel, LoggedModelMetric, LoggedModelStatus } from '../model/entities';
import { TAG } from '../model/entities';

/**
 * What every store shares about MLflow 3 logged models: the status encodings, MLflow's default
 * order, and the latest metric per key and dataset. The store-specific reading lives beside each
 * store (loggedModelFiles.ts, sqliteReader.ts, rest/restStore.ts).
 */

/** Options of `search_logged_models` this code implements: experiments, a page cap. */
export interface SearchLoggedModelsOptions {
  experimentIds: string[];
  /** Total cap; default all. */
  maxResults?: number;
}

/** The file store and SQL keep the proto enum's number: 0 unspecified, 1 pending, 2 ready, 3 upload failed. */
export function loggedModelStatusOfNumber(n: unknown): LoggedModelStatus {
  const v = typeof n === 'bigint' ? Number(n) : typeof n === 'string' && /^\d+$/.test(n) ? Number(n) : n;
  return v === 1 ? 'PENDING' : v === 2 ? 'READY' : v === 3 ? 'FAILED' : 'UNSPECIFIED';
}

/** REST sends `LOGGED_MODEL_READY`-style names; Python shows READY / PENDING / FAILED. */
export function loggedModelStatusOfName(s: string | undefined): LoggedModelStatus {
  switch (s) {
    case 'LOGGED_MODEL_PENDING':
      return 'PENDING';
    case 'LOGGED_MODEL_READY':
      return 'READY';
    case 'LOGGED_MODEL_UPLOAD_FAILED':
      return 'FAILED';
    default:
      return 'UNSPECIFIED';
  }
}

/** MLflow's default order when no order_by is given: newest first, then model id ascending. */
export function sortLoggedModels(models: LoggedModel[]): LoggedModel[] {
  return models.sort((a, b) => b.creationTimestamp - a.creationTimestamp || (a.modelId < b.modelId ? -1 : a.modelId > b.modelId ? 1 : 0));
}

/**
 * The file store keeps every logged value and reports the greatest (step, timestamp, value) per
 * key and dataset; the SQL store hands back its rows as they are. One rule for all stores here, so
 * a view shows the same numbers whichever backend holds them.
 */
export function latestLoggedModelMetrics(all: readonly LoggedModelMetric[]): LoggedModelMetric[] {
  const best = new Map<string, LoggedModelMetric>();
  for (const m of all) {
    const k = `${m.key}\u0000${m.datasetName ?? ''}\u0000${m.datasetDigest ?? ''}`;
    const cur = best.get(k);
    if (!cur || compareMetric(m, cur) > 0) best.set(k, m);
  }
  return [...best.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function compareMetric(a: LoggedModelMetric, b: LoggedModelMetric): number {
  if (a.step !== b.step) return a.step - b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  // NaN sorts below every number, as in Python's tuple comparison it never wins.
  if (Number.isNaN(a.value)) return Number.isNaN(b.value) ? 0 : -1;
  if (Number.isNaN(b.value)) return 1;
  return a.value - b.value;
}

/** One entry of a logged model's `mlflow.modelVersions` tag. */
export interface ModelVersionLink {
  name: string;
  version: string;
}

/** The registered versions a logged model says it became (its `mlflow.modelVersions` tag); [] when absent or unreadable. */
export function modelVersionLinks(model: Pick<LoggedModel, 'tags'>): ModelVersionLink[] {
  const raw = model.tags[TAG.modelVersions];
  if (!raw) return [];
  try {
    const v: unknown = JSON.parse(raw);
    if (!Array.isArray(v)) return [];
    return v
      .filter((e): e is { name: unknown; version: unknown } => typeof e === 'object' && e !== null && 'name' in e && 'version' in e)
      .map((e) => ({ name: String(e.name), version: String(e.version) }));
  } catch {
    return [];
  }
}

/**
 * The tag value after registering `name` version `version` from the model, or undefined when the
 * link is already there (an MLflow server records it itself on create). Entries are written as
 * MLflow writes them: `{"name": …, "version": <int>}` with Python's JSON spacing.
 */
export function withModelVersionLink(model: Pick<LoggedModel, 'tags'>, name: string, version: string): string | undefined {
  const raw = model.tags[TAG.modelVersions];
  let list: unknown[] = [];
  if (raw) {
    try {
      const v: unknown = JSON.parse(raw);
      if (Array.isArray(v)) list = v;
    } catch {
      // A damaged tag is replaced by a valid list rather than left unreadable.
    }
  }
  const exists = list.some((e) => typeof e === 'object' && e !== null && String((e as { name?: unknown }).name) === name && String((e as { version?: unknown }).version) === version);
  if (exists) return undefined;
  list.push({ name, version: /^\d+$/.test(version) ? Number(version) : version });
  return pyJsonDumps(list);
}

/** Python's `json.dumps` default separators (", " and ": "), ASCII-escaped as Python does. */
export function pyJsonDumps(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return '[' + v.map(pyJsonDumps).join(', ') + ']';
  if (typeof v === 'object') return '{' + Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pyString(k)}: ${pyJsonDumps(x)}`).join(', ') + '}';
  if (typeof v === 'string') return pyString(v);
  return JSON.stringify(v);
}

function pyString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
