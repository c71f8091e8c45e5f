import { parseMetricColumns } from '../format/metricColumns';
import { MetricLineError } from '../format/metricFile';
import { isStoreError, StoreError } from '../store/errors';
import { FileStoreReader } from '../store/fileStore';
import { MAX_METRIC_HISTORY_BYTES, readRegularFile } from '../store/boundedRead';
import { isMissing, mapLimit } from '../store/fileTree';
import type { ReadableStore } from '../store/openStore';
import { BULK_MAX_RESULTS } from '../store/rest/historyBulk';
import { RestStore } from '../store/rest/restStore';
import { SqliteReader } from '../store/sqliteReader';
import { readSampledFileHistories } from './fileSampled';
import { sampleSeries, stepRange } from './sampling';
import { emptySeries, seriesFromColumns, type Series } from './series';
import { SqliteHistoryReader } from './sqliteHistory';
import { SqliteHistoryPool, workerScript } from './sqliteHistoryPool';

/**
 * Sampled metric histories of many runs, read the fastest way each store kind allows:
 * - file store: each run's metric file read once and parsed into reused columns (fileSampled.ts);
 * - SQLite read directly: one scan per run through the run_uuid index (sqliteHistory.ts), on
 *   worker threads that share the runs out (sqliteHistoryPool.ts);
 * - servers (and SQL stores behind our local server): `get-history-bulk-interval`, up to 100 runs
 *   per request, where the server has it; `get-history` per run otherwise, or when `exact` asks
 *   for every point (see historyBulk.ts for what the server's own sampling drops).
 * Then every series goes through the same sampler (sampling.ts) to `maxPoints`.
 *
 * A run that cannot be read (missing, corrupt metric file) gets an `error` and the others still
 * load, so one bad run never blanks a chart.
 */

export interface SampledHistoryOptions {
  /** At most this many points per series (≥ 4). */
  maxPoints: number;
  /** Only steps in [min, max], sampled within that range (a zoomed chart). */
  stepRange?: [number, number];
  /** Servers: read whole histories instead of the server-sampled bulk call, so the extremes are exact. */
  exact?: boolean;
}

export interface SeriesResult {
  runId: string;
  key: string;
  series: Series;
  /** Why this run's series is empty, when it could not be read. */
  error?: string;
  /** The server sampled this series before we did (extremes between its samples may be missing). */
  serverSampled?: boolean;
}

/** One extra read-only connection per SQLite store, made on first use. */
const sqliteReaders = new WeakMap<SqliteReader, SqliteHistoryReader>();
/** Reader threads per SQLite store, made on first use; null where no worker script was built. */
const sqlitePools = new WeakMap<SqliteReader, SqliteHistoryPool | null>();
/** Servers found to lack the bulk endpoint. */
const noBulk = new WeakSet<RestStore>();

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The store's owner only knows store.close(): what we open for it closes with it. */
function closeWith(store: SqliteReader, closeOurs: () => unknown): void {
  const close = store.close.bind(store);
  store.close = async () => {
    await closeOurs();
    await close();
  };
}

export function sqliteHistoryReader(store: SqliteReader): SqliteHistoryReader {
  let r = sqliteReaders.get(store);
  if (!r) {
    const reader = new SqliteHistoryReader(store.path);
    sqliteReaders.set(store, reader);
    closeWith(store, () => {
      sqliteReaders.delete(store);
      reader.close();
    });
    r = reader;
  }
  return r;
}

function sqlitePool(store: SqliteReader): SqliteHistoryPool | null {
  let pool = sqlitePools.get(store);
  if (pool === undefined) {
    const script = workerScript();
    const made = script ? new SqliteHistoryPool(store.path, store.uri, script) : null;
    sqlitePools.set(store, made);
    if (made) closeWith(store, () => made.close());
    pool = made;
  }
  return pool;
}

function fromSqliteHere(store: SqliteReader, runIds: string[], key: string, opts: SampledHistoryOptions): SeriesResult[] {
  const reader = sqliteHistoryReader(store);
  return runIds.map((runId) => {
    const r = reader.sampledRun(runId, key, opts.maxPoints, opts.stepRange, store.uri);
    return r.error === undefined ? { runId, key, series: r.series } : { runId, key, series: r.series, error: r.error };
  });
}

async function fromSqlite(store: SqliteReader, runIds: string[], key: string, opts: SampledHistoryOptions): Promise<SeriesResult[]> {
  const pool = runIds.length > 1 ? sqlitePool(store) : null;
  if (!pool) return fromSqliteHere(store, runIds, key, opts);
  let parts;
  try {
    parts = await pool.read(runIds, key, opts.maxPoints, opts.stepRange);
  } catch (e) {
    // A reader thread that died (out of memory, a crash in SQLite) costs speed, not the chart.
    store.onProblem?.({ location: store.path, message: `chart reader threads failed (${errText(e)}); reading on the calling thread` });
    return fromSqliteHere(store, runIds, key, opts);
  }
  return parts.map((p) => {
    const series: Series = { runId: p.runId, key, steps: p.steps, timestamps: p.timestamps, values: p.values, total: p.total, nonFinite: p.nonFinite };
    return p.error === undefined ? { runId: p.runId, key, series } : { runId: p.runId, key, series, error: p.error };
  });
}

function finish(s: Series, opts: SampledHistoryOptions): Series {
  const ranged = opts.stepRange && !rangeApplied(s, opts.stepRange) ? stepRange(s, opts.stepRange[0], opts.stepRange[1]) : s;
  return sampleSeries(ranged, opts.maxPoints);
}

function rangeApplied(s: Series, r: [number, number]): boolean {
  return s.steps.length === 0 || (s.steps[0] >= r[0] && s.steps[s.steps.length - 1] <= r[1]);
}

export interface FileRead {
  series: Series;
  /** Bytes parsed and lines seen, where a follower of the file continues. */
  offset: number;
  lines: number;
}

/**
 * One run's metric file as a series. `completeLinesOnly` stops at the last newline: for a RUNNING
 * run whose writer may be half-way through a line, the follower picks the rest up later.
 */
export async function readFileSeries(store: FileStoreReader, runId: string, key: string, completeLinesOnly = false): Promise<FileRead> {
  const file = await store.metricFilePath(runId, key);
  let buf: Buffer;
  try {
    // Bounded and non-blocking: a FIFO or /dev/zero as a metric file is refused by name.
    buf = await readRegularFile(file, MAX_METRIC_HISTORY_BYTES, 'a metric history');
  } catch (e) {
    if (isMissing(e)) return { series: emptySeries(runId, key), offset: 0, lines: 0 };
    throw new StoreError('INTERNAL_ERROR', `cannot read ${file}: ${errText(e)}`, file);
  }
  try {
    const c = parseMetricColumns(buf, { completeLinesOnly });
    return { series: seriesFromColumns(runId, key, c.steps, c.timestamps, c.values), offset: c.consumed, lines: c.lines };
  } catch (e) {
    if (e instanceof MetricLineError) throw new StoreError('CORRUPT_DATA', `metric file ${file} is corrupt: ${e.message}`, file);
    throw e;
  }
}

async function fromRest(store: RestStore, runIds: string[], key: string, opts: SampledHistoryOptions): Promise<SeriesResult[]> {
  if (!opts.exact && !noBulk.has(store)) {
    try {
      const range = opts.stepRange ? { startStep: opts.stepRange[0], endStep: opts.stepRange[1] } : undefined;
      // Twice the budget from the server, so our own min/max pass has something to choose from.
      const points = await store.metricHistoryBulkInterval(runIds, key, Math.min(BULK_MAX_RESULTS, opts.maxPoints * 2), range);
      const byRun = new Map<string, { s: number[]; t: number[]; v: number[] }>();
      for (const id of runIds) byRun.set(id, { s: [], t: [], v: [] });
      for (const p of points) {
        const cols = byRun.get(p.runId);
        if (!cols) continue;
        cols.s.push(p.step);
        cols.t.push(p.timestamp);
        cols.v.push(p.value);
      }
      return mapLimit(runIds, 4, async (runId): Promise<SeriesResult> => {
        const c = byRun.get(runId)!;
        if (c.s.length === 0) {
          // The bulk call answers nothing, not an error, for a run that does not exist: ask.
          try {
            await store.getRun(runId);
          } catch (e) {
            return { runId, key, series: emptySeries(runId, key), error: errText(e) };
          }
        }
        const s = seriesFromColumns(runId, key, Float64Array.from(c.s), Float64Array.from(c.t), Float64Array.from(c.v));
        return { runId, key, series: finish(s, opts), serverSampled: true };
      });
    } catch (e) {
      if (!isStoreError(e, 'ENDPOINT_NOT_FOUND')) {
        // One bad run id fails the whole bulk call: fall through to per-run reads, which name it.
        if (!isStoreError(e, 'RESOURCE_DOES_NOT_EXIST') && !isStoreError(e, 'INVALID_PARAMETER_VALUE')) throw e;
      } else noBulk.add(store);
    }
  }
  return mapLimit(runIds, 4, async (runId) => {
    try {
      const h = await store.getMetricHistory(runId, key);
      const s = seriesFromColumns(
        runId,
        key,
        Float64Array.from(h, (m) => m.step),
        Float64Array.from(h, (m) => m.timestamp),
        Float64Array.from(h, (m) => m.value),
      );
      return { runId, key, series: finish(s, opts) };
    } catch (e) {
      return { runId, key, series: emptySeries(runId, key), error: errText(e) };
    }
  });
}

/** Sampled histories of `key` for each run, in the order of `runIds`. */
export async function readSampledHistories(store: ReadableStore, runIds: string[], key: string, opts: SampledHistoryOptions): Promise<SeriesResult[]> {
  if (store instanceof RestStore) return fromRest(store, runIds, key, opts);
  if (store instanceof SqliteReader) return fromSqlite(store, runIds, key, opts);
  if (store instanceof FileStoreReader) {
    const results = await readSampledFileHistories(store, runIds, key, opts.maxPoints, opts.stepRange);
    return results.map((r) => (r.error === undefined ? { runId: r.runId, key, series: r.series } : { runId: r.runId, key, series: r.series, error: r.error }));
  }
  // Any other reader: whole histories through the generic interface.
  return mapLimit(runIds, 4, async (runId) => {
    try {
      const h = await (store as ReadableStore).getMetricHistory(runId, key);
      const s = seriesFromColumns(runId, key, Float64Array.from(h, (m) => m.step), Float64Array.from(h, (m) => m.timestamp), Float64Array.from(h, (m) => m.value));
      return { runId, key, series: finish(s, opts) };
    } catch (e) {
      return { runId, key, series: emptySeries(runId, key), error: errText(e) };
    }
  });
}

