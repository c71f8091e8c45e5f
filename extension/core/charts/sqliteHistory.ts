import { StoreError } from '../store/errors';
import { MIN_SAMPLE_POINTS, sampleIndices, sampleSeries } from './sampling';
import { countNonFinite, emptySeries, type Series } from './series';

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
  private rowids = new Float64Array(1 << 16);
  private n = 0;
  private readonly kept = new Map<number, number>();
  private readonly all: Statement;
  private readonly points: Statement;
  private readonly pointsRanged: Statement;
  private readonly timesOf: Statement;
  private readonly begin: Statement;
  private readonly commit: Statement;
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
    // Pages through the OS page cache instead of a read() each: a chart load walks hundreds of
    // megabytes. Safe here: the connection only reads, and the file cannot shrink under a read
    // transaction (a writer must take the lock our read holds to truncate it).
    this.db.prepare('pragma mmap_size = 2147418112').get();
    this.db.function('mlwb_collect', { deterministic: false, directOnly: true }, (step, ts, value, isNan) => {
      if (this.n === this.steps.length) this.grow();
      const i = this.n++;
      this.steps[i] = Number(step);
      this.timestamps[i] = Number(ts);
      this.stored[i] = Number(value);
      this.nans[i] = Number(isNan) === 1 ? 1 : 0;
      return 0;
    });
    // The sampled read's pass: three values a row instead of four (the JS call per row costs as
    // much as SQLite's own work on it); timestamps are fetched for the kept rows only, by rowid.
    this.db.function('mlwb_point', { deterministic: false, directOnly: true }, (rowid, step, value) => {
      if (this.n === this.steps.length) this.grow();
      const i = this.n++;
      this.rowids[i] = Number(rowid);
      this.steps[i] = Number(step);
      this.stored[i] = value === null ? NaN : Number(value);
      return 0;
    });
    this.db.function('mlwb_time', { deterministic: false, directOnly: true }, (rowid, ts) => {
      this.kept.set(Number(rowid), Number(ts));
      return 0;
    });
    // `+key`: use the run_uuid index, not the primary key's walk over every run's points of that key.
    const base = 'select count(mlwb_collect(step, timestamp, value, is_nan)) as n from metrics where run_uuid = ? and +key = ?';
    this.all = this.db.prepare(base);
    this.ranged = this.db.prepare(`${base} and step between ? and ?`);
    // New rows for live charts: anything later in time or further in steps than what was seen.
    this.after = this.db.prepare(`${base} and (timestamp >= ? or step > ?)`);
    const points = 'select count(mlwb_point(rowid, step, iif(is_nan, null, value))) as n from metrics where run_uuid = ? and +key = ?';
    this.points = this.db.prepare(points);
    this.pointsRanged = this.db.prepare(`${points} and step between ? and ?`);
    this.timesOf = this.db.prepare('select count(mlwb_time(rowid, timestamp)) as n from metrics where rowid in (select value from json_each(?))');
    this.runExists = this.db.prepare('select 1 as x from runs where run_uuid = ?');
    this.begin = this.db.prepare('begin');
    this.commit = this.db.prepare('commit');
  }

  private grow(): void {
    const cap = this.steps.length * 2;
    const s = new Float64Array(cap);
    const t = new Float64Array(cap);
    const v = new Float64Array(cap);
    const nn = new Uint8Array(cap);
    const r = new Float64Array(cap);
    r.set(this.rowids);
    this.rowids = r;
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

  /** Runs `stmt` into the reused columns; the order of MLflow's SQL store, or undefined when they already are in it. */
  private scan(stmt: Statement, params: unknown[]): { n: number; order?: Uint32Array } {
    this.n = 0;
    try {
      stmt.get(...params);
    } catch (e) {
      throw new StoreError('INTERNAL_ERROR', `Reading ${this.path}: ${e instanceof Error ? e.message : String(e)}`, this.path);
    }
    return { n: this.n, order: sqlOrder(this.steps, this.timestamps, this.stored, this.nans, this.n) };
  }

  private value(i: number): number {
    return this.nans[i] ? NaN : this.stored[i];
  }

  private collect(stmt: Statement, params: unknown[]): SqliteRows {
    const { n, order } = this.scan(stmt, params);
    const steps = new Float64Array(n);
    const timestamps = new Float64Array(n);
    const values = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const i = order ? order[k] : k;
      steps[k] = this.steps[i];
      timestamps[k] = this.timestamps[i];
      values[k] = this.value(i);
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

  /**
   * `sampleSeries(this.series(…), maxPoints)`, cheaper: one pass hands JavaScript each row's rowid,
   * step and value (NaN as null); the sampler reads those columns in place; only the kept rows'
   * timestamps are then read, by rowid, in the same read transaction. A run with two points at one
   * step needs the timestamps to order them as MLflow does, so it takes the full read instead.
   */
  sampledSeries(runId: string, key: string, maxPoints: number, range?: [number, number]): Series {
    if (!(maxPoints >= MIN_SAMPLE_POINTS)) sampleIndices([], maxPoints); // the sampler's error, whatever the size
    this.begin.get();
    try {
      this.n = 0;
      try {
        if (range) this.pointsRanged.get(runId, key, range[0], range[1]);
        else this.points.get(runId, key);
      } catch (e) {
        throw new StoreError('INTERNAL_ERROR', `Reading ${this.path}: ${e instanceof Error ? e.message : String(e)}`, this.path);
      }
      const n = this.n;
      const order = stepOrder(this.steps, n);
      if (order === null) return sampleSeries(this.series(runId, key, range), maxPoints);
      // Rows already in step order (the usual case) are sampled where they were scanned.
      const values = order ? Float64Array.from(order, (i) => this.stored[i]) : this.stored.subarray(0, n);
      const keep = n <= maxPoints ? undefined : sampleIndices(values, maxPoints);
      const m = keep ? keep.length : n;
      const steps = new Float64Array(m);
      const timestamps = new Float64Array(m);
      const kept = new Float64Array(m);
      const rowids: number[] = new Array(m);
      for (let j = 0; j < m; j++) {
        const k = keep ? keep[j] : j;
        const i = order ? order[k] : k;
        steps[j] = this.steps[i];
        kept[j] = values[k];
        rowids[j] = this.rowids[i];
      }
      this.kept.clear();
      this.timesOf.get(JSON.stringify(rowids));
      for (let j = 0; j < m; j++) timestamps[j] = this.kept.get(rowids[j]) ?? NaN;
      return { runId, key, steps, timestamps, values: kept, total: n, nonFinite: countNonFinite(values) };
    } finally {
      this.commit.get();
    }
  }

  /** One run's sampled series for a chart, or why it has none (unknown run, read error): one bad run never fails the others. */
  sampledRun(runId: string, key: string, maxPoints: number, range: [number, number] | undefined, uri: string): { series: Series; error?: string } {
    try {
      if (!this.hasRun(runId)) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Run with id=${runId} not found`, uri);
      return { series: this.sampledSeries(runId, key, maxPoints, range) };
    } catch (e) {
      return { series: emptySeries(runId, key), error: e instanceof Error ? e.message : String(e) };
    }
  }

  close(): void {
    this.db.close();
  }
}

/**
 * Step order of rows read without timestamps: undefined when they already are in it, null when two
 * rows share a step (their order needs the timestamps).
 */
function stepOrder(steps: Float64Array, n: number): Uint32Array | undefined | null {
  let rising = true;
  for (let i = 1; i < n; i++) {
    if (steps[i] <= steps[i - 1]) {
      rising = false;
      break;
    }
  }
  if (rising) return undefined;
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => steps[a] - steps[b]);
  for (let k = 1; k < n; k++) if (steps[idx[k]] === steps[idx[k - 1]]) return null;
  return idx;
}

/** MLflow's SQL order (step, timestamp, value, is_nan); undefined when rows already are in it. */
function sqlOrder(steps: Float64Array, ts: Float64Array, stored: Float64Array, nans: Uint8Array, n: number): Uint32Array | undefined {
  const cmp = (a: number, b: number) => steps[a] - steps[b] || ts[a] - ts[b] || (stored[a] < stored[b] ? -1 : stored[a] > stored[b] ? 1 : 0) || nans[a] - nans[b] || a - b;
  let sorted = true;
  for (let i = 1; i < n; i++) {
    // Strictly rising steps (the usual history) are in order whatever the other columns hold.
    if (steps[i] > steps[i - 1]) continue;
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
