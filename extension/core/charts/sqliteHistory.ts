import { StoreError } from '../store/errors';
import { countNonFinite, type Series } from './series';

/**
 * Metric histories straight from MLflow's SQLite file (node:sqlite, read-only), for charts: the
 * points of one run and key, in MLflow's order (step, timestamp, value, is_nan: the order its
 * sampled history uses), as columns.
 *
 * Why a scalar function: handing 100,000 rows to JavaScript as row objects (or arrays) costs several
 * times the scan itself, so the query calls `mlwb_collect(step, timestamp, value, is_nan)` for each
 * row and the function writes into typed arrays; SQLite returns one count. This keeps its own
 * connection to the file so the store's reader is untouched.
 */

interface Statement {
  get(...params: unknown[]): Record<string, unknown> | undefined;
  all(...params: unknown[]): Record<string, unknown>[];
}
interface Database {
  prepare(sql: string): Statement;
  function(name: string, opts: { deterministic?: boolean; directOnly?: boolean }, fn: (...args: number[]) => number): void;
  close(): void;
}
type SqliteModule = { DatabaseSync: new (path: string, opts?: { readOnly?: boolean }) => Database };

function sqliteModule(): SqliteModule {
  const get = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const mod = get?.('node:sqlite') as SqliteModule | undefined;
  if (!mod) throw new StoreError('UNSUPPORTED_STORE', 'This Node runtime has no node:sqlite', undefined);
  return mod;
}

export interface SqliteRows {
  steps: Float64Array;
  timestamps: Float64Array;
  /** As MLflow's client returns them: NaN where is_nan, the stored double otherwise (±MAX_VALUE for ±inf). */
  values: Float64Array;
  length: number;
}

export class SqliteHistoryReader {
  private readonly db: Database;
  private steps = new Float64Array(1 << 16);
  private timestamps = new Float64Array(1 << 16);
  private stored = new Float64Array(1 << 16);
  private nans = new Uint8Array(1 << 16);
  private n = 0;
  private readonly all: Statement;
  private readonly ranged: Statement;
  private readonly after: Statement;
  private readonly runExists: Statement;

  constructor(readonly path: string) {
    const mod = sqliteModule();
    try {
      this.db = new mod.DatabaseSync(path, { readOnly: true });
    } catch (e) {
      throw new StoreError('CORRUPT_DATA', `${path}: ${e instanceof Error ? e.message : String(e)}`, path);
    }
    // A training script commits while we read: wait for its lock instead of failing at once.
    this.db.prepare('pragma busy_timeout = 1500').get();
    this.db.function('mlwb_collect', { deterministic: false, directOnly: true }, (step, ts, value, isNan) => {
      if (this.n === this.steps.length) this.grow();
      const i = this.n++;
      this.steps[i] = Number(step);
      this.timestamps[i] = Number(ts);
      this.stored[i] = Number(value);
      this.nans[i] = Number(isNan) === 1 ? 1 : 0;
      return 0;
    });
    // `+key`: use the run_uuid index, not the primary key's walk over every run's points of that key.
    const base = 'select count(mlwb_collect(step, timestamp, value, is_nan)) as n from metrics where run_uuid = ? and +key = ?';
    this.all = this.db.prepare(base);
    this.ranged = this.db.prepare(`${base} and step between ? and ?`);
    // New rows for live charts: anything later in time or further in steps than what was seen.
    this.after = this.db.prepare(`${base} and (timestamp >= ? or step > ?)`);
    this.runExists = this.db.prepare('select 1 as x from runs where run_uuid = ?');
  }

  private grow(): void {
    const cap = this.steps.length * 2;
    const s = new Float64Array(cap);
    const t = new Float64Array(cap);
    const v = new Float64Array(cap);
    const nn = new Uint8Array(cap);
    s.set(this.steps);
    t.set(this.timestamps);
    v.set(this.stored);
    nn.set(this.nans);
    this.steps = s;
    this.timestamps = t;
    this.stored = v;
    this.nans = nn;
  }

  hasRun(runId: string): boolean {
    return this.runExists.get(runId) !== undefined;
  }

  private collect(stmt: Statement, params: unknown[]): SqliteRows {
    this.n = 0;
    try {
      stmt.get(...params);
    } catch (e) {
      throw new StoreError('INTERNAL_ERROR', `Reading ${this.path}: ${e instanceof Error ? e.message : String(e)}`, this.path);
    }
    const n = this.n;
    const order = sqlOrder(this.steps, this.timestamps, this.stored, this.nans, n);
    const steps = new Float64Array(n);
    const timestamps = new Float64Array(n);
    const values = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const i = order ? order[k] : k;
      steps[k] = this.steps[i];
      timestamps[k] = this.timestamps[i];
      values[k] = this.nans[i] ? NaN : this.stored[i];
    }
    return { steps, timestamps, values, length: n };
  }

  /** Every point of one run's metric, optionally only steps in [minStep, maxStep]. */
  read(runId: string, key: string, range?: [number, number]): SqliteRows {
    return range ? this.collect(this.ranged, [runId, key, range[0], range[1]]) : this.collect(this.all, [runId, key]);
  }

  /** Rows with timestamp ≥ `minTimestamp` or step > `afterStep` (the caller drops the ones it has). */
  readNewer(runId: string, key: string, minTimestamp: number, afterStep: number): SqliteRows {
    return this.collect(this.after, [runId, key, minTimestamp, afterStep]);
  }

  series(runId: string, key: string, range?: [number, number]): Series {
    const r = this.read(runId, key, range);
    return { runId, key, steps: r.steps, timestamps: r.timestamps, values: r.values, total: r.length, nonFinite: countNonFinite(r.values) };
  }

  close(): void {
    this.db.close();
  }
}

/** MLflow's SQL order (step, timestamp, value, is_nan); undefined when rows already are in it. */
function sqlOrder(steps: Float64Array, ts: Float64Array, stored: Float64Array, nans: Uint8Array, n: number): Uint32Array | undefined {
  const cmp = (a: number, b: number) => steps[a] - steps[b] || ts[a] - ts[b] || (stored[a] < stored[b] ? -1 : stored[a] > stored[b] ? 1 : 0) || nans[a] - nans[b] || a - b;
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if (cmp(i - 1, i) > 0) {
      sorted = false;
      break;
    }
  }
  if (sorted) return undefined;
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort(cmp);
  return idx;
}
