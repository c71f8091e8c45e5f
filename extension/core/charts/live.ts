import { close as closeCb, open as openCb, read as readCb, stat as statCb, type Stats } from 'node:fs';
import { parseMetricColumns } from '../format/metricColumns';
import { MetricLineError } from '../format/metricFile';
import { MAX_METRIC_HISTORY_BYTES, READ_FLAGS, tooLarge } from '../store/boundedRead';
import { isMissing } from '../store/fileTree';
import { FileStoreReader } from '../store/fileStore';
import type { ReadableStore } from '../store/openStore';
import { SqliteReader } from '../store/sqliteReader';
import { readFileSeries, readSampledHistories, sqliteHistoryReader } from './historyRead';
import { sampleSeries } from './sampling';
import { appendPoints, type Series } from './series';

/**
 * Live growth of RUNNING runs' metrics, per store kind:
 * - file store: the bytes appended to the metric file since the last read (from the last offset,
 *   complete lines only, so a line the writer is half-way through waits for the next poll);
 * - SQLite read directly: a query for rows later in time or further in steps than the newest seen;
 * - servers: the sampled history read again, with the interval doubling (up to 30 s) while
 *   nothing changes and back to the start as soon as something does.
 * `poll()` returns only what changed, so a chart appends points instead of redrawing everything.
 */

export type LiveUpdate =
  | { kind: 'append'; runId: string; key: string; steps: number[]; timestamps: number[]; values: number[] }
  | { kind: 'replace'; runId: string; key: string; series: Series };

interface Followed {
  runId: string;
  key: string;
  // file store
  file?: string;
  offset?: number;
  lines?: number;
  size?: number;
  // SQLite
  maxTs?: number;
  maxStep?: number;
  seenAtMaxTs?: Set<string>;
  // servers
  lastSignature?: string;
}

const REST_MIN_INTERVAL_MS = 2_000;
const REST_MAX_INTERVAL_MS = 30_000;

function statP(path: string): Promise<Stats> {
  return new Promise((resolve, reject) => statCb(path, (e, s) => (e ? reject(e) : resolve(s))));
}

function readRange(path: string, start: number, end: number): Promise<Buffer> {
  if (end - start > MAX_METRIC_HISTORY_BYTES) return Promise.reject(tooLarge(path, end - start, MAX_METRIC_HISTORY_BYTES, 'one read of appended metric points'));
  return new Promise((resolve, reject) => {
    // Non-blocking: the file may have been swapped for a FIFO since its stat.
    openCb(path, READ_FLAGS, (e, fd) => {
      if (e) return reject(e);
      const buf = Buffer.alloc(end - start);
      readCb(fd, buf, 0, buf.length, start, (e2, n) => {
        closeCb(fd, () => undefined);
        if (e2) reject(e2);
        else resolve(buf.subarray(0, n));
      });
    });
  });
}

function rowKey(step: number, value: number): string {
  return `${step}\u0000${Number.isNaN(value) ? 'nan' : value}`;
}

export class MetricFollower {
  private readonly followed = new Map<string, Followed>();
  private restInterval = REST_MIN_INTERVAL_MS;
  private restNextAt = 0;

  constructor(
    readonly store: ReadableStore,
    private readonly maxPoints: number,
  ) {}

  private id(runId: string, key: string): string {
    return `${runId}\u0000${key}`;
  }

  get size(): number {
    return this.followed.size;
  }

  /** Starts following one run's metric; returns its whole current history (the caller samples it). */
  async start(runId: string, key: string): Promise<Series> {
    const f: Followed = { runId, key };
    let series: Series;
    const store = this.store;
    if (store instanceof FileStoreReader) {
      f.file = await store.metricFilePath(runId, key);
      const r = await readFileSeries(store, runId, key, true);
      f.offset = r.offset;
      f.lines = r.lines;
      series = r.series;
    } else if (store instanceof SqliteReader) {
      series = sqliteHistoryReader(store).series(runId, key);
      this.noteSqlite(f, series.steps, series.timestamps, series.values);
    } else {
      const [r] = await readSampledHistories(store, [runId], key, { maxPoints: this.maxPoints });
      series = r.series;
      f.lastSignature = signature(series);
    }
    this.followed.set(this.id(runId, key), f);
    return series;
  }

  stop(runId: string, key?: string): void {
    for (const [k, f] of this.followed) if (f.runId === runId && (key === undefined || f.key === key)) this.followed.delete(k);
  }

  stopAll(): void {
    this.followed.clear();
  }

  private noteSqlite(f: Followed, steps: ArrayLike<number>, ts: ArrayLike<number>, values: ArrayLike<number>): void {
    for (let i = 0; i < steps.length; i++) {
      if (f.maxStep === undefined || steps[i] > f.maxStep) f.maxStep = steps[i];
      if (f.maxTs === undefined || ts[i] > f.maxTs) {
        f.maxTs = ts[i];
        f.seenAtMaxTs = new Set();
      }
      if (ts[i] === f.maxTs) f.seenAtMaxTs!.add(rowKey(steps[i], values[i]));
    }
  }

  /** What changed since the last poll. Errors of one series are reported and the others go on. */
  async poll(onError: (runId: string, key: string, message: string) => void = () => undefined): Promise<LiveUpdate[]> {
    const store = this.store;
    if (!(store instanceof FileStoreReader || store instanceof SqliteReader)) return this.pollRest(onError);
    const out: LiveUpdate[] = [];
    for (const f of this.followed.values()) {
      try {
        const u = store instanceof FileStoreReader ? await this.pollFile(f) : this.pollSqlite(store, f);
        if (u) out.push(u);
      } catch (e) {
        onError(f.runId, f.key, e instanceof Error ? e.message : String(e));
      }
    }
    return out;
  }

  private async pollFile(f: Followed): Promise<LiveUpdate | undefined> {
    let st: Stats;
    try {
      st = await statP(f.file!);
    } catch (e) {
      if (isMissing(e)) return undefined; // not logged yet
      throw e;
    }
    if (st.size === f.size) return undefined;
    f.size = st.size;
    if (st.size < f.offset!) {
      // Shorter than what we read: rewritten, not appended. Start over.
      const r = await readFileSeries(this.store as FileStoreReader, f.runId, f.key, true);
      f.offset = r.offset;
      f.lines = r.lines;
      return { kind: 'replace', runId: f.runId, key: f.key, series: sampleSeries(r.series, this.maxPoints) };
    }
    if (st.size === f.offset) return undefined;
    const buf = await readRange(f.file!, f.offset!, st.size);
    let c;
    try {
      c = parseMetricColumns(buf, { completeLinesOnly: true, firstLine: f.lines });
    } catch (e) {
      if (e instanceof MetricLineError) throw new Error(`metric file ${f.file} is corrupt: ${e.message}`);
      throw e;
    }
    f.offset! += c.consumed;
    f.lines = c.lines;
    if (c.consumed < buf.length) f.size = undefined; // a partial line is pending: look again next time
    if (c.length === 0) return undefined;
    return { kind: 'append', runId: f.runId, key: f.key, steps: Array.from(c.steps), timestamps: Array.from(c.timestamps), values: Array.from(c.values) };
  }

  private pollSqlite(store: SqliteReader, f: Followed): LiveUpdate | undefined {
    const reader = sqliteHistoryReader(store);
    const rows = reader.readNewer(f.runId, f.key, f.maxTs ?? -Infinity, f.maxStep ?? -Infinity);
    const steps: number[] = [];
    const timestamps: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      const ts = rows.timestamps[i];
      if (ts === f.maxTs && f.seenAtMaxTs?.has(rowKey(rows.steps[i], rows.values[i]))) continue;
      steps.push(rows.steps[i]);
      timestamps.push(ts);
      values.push(rows.values[i]);
    }
    if (steps.length === 0) return undefined;
    this.noteSqlite(f, steps, timestamps, values);
    return { kind: 'append', runId: f.runId, key: f.key, steps, timestamps, values };
  }

  private async pollRest(onError: (runId: string, key: string, message: string) => void): Promise<LiveUpdate[]> {
    const now = Date.now();
    if (now < this.restNextAt || this.followed.size === 0) return [];
    const byKey = new Map<string, Followed[]>();
    for (const f of this.followed.values()) byKey.set(f.key, [...(byKey.get(f.key) ?? []), f]);
    const out: LiveUpdate[] = [];
    for (const [key, fs] of byKey) {
      try {
        const results = await readSampledHistories(this.store, fs.map((f) => f.runId), key, { maxPoints: this.maxPoints });
        results.forEach((r, i) => {
          if (r.error) return onError(r.runId, key, r.error);
          const sig = signature(r.series);
          if (sig !== fs[i].lastSignature) {
            fs[i].lastSignature = sig;
            out.push({ kind: 'replace', runId: r.runId, key, series: r.series });
          }
        });
      } catch (e) {
        for (const f of fs) onError(f.runId, key, e instanceof Error ? e.message : String(e));
      }
    }
    this.restInterval = out.length > 0 ? REST_MIN_INTERVAL_MS : Math.min(this.restInterval * 2, REST_MAX_INTERVAL_MS);
    this.restNextAt = Date.now() + this.restInterval;
    return out;
  }

  /** When the next server poll is due (ms from now); 0 for local stores, which are cheap to poll. */
  get restDelayMs(): number {
    return this.store instanceof FileStoreReader || this.store instanceof SqliteReader ? 0 : Math.max(0, this.restNextAt - Date.now());
  }
}

function signature(s: Series): string {
  const n = s.steps.length;
  return n === 0 ? '0' : `${s.total}:${n}:${s.steps[n - 1]}:${s.timestamps[n - 1]}:${s.values[n - 1]}`;
}

/**
 * The host's copy of a sampled series that grows live: appended points are kept as they come, and
 * once the series holds 1.5× its budget it is sampled again (first, last, min and max survive a
 * second sampling, since they are among the points kept by the first).
 */
export class LiveSeries {
  series: Series;

  constructor(
    series: Series,
    private readonly maxPoints: number,
  ) {
    this.series = sampleSeries(series, maxPoints);
  }

  /** Applies an update; returns what the chart must do: append the given points, or replace everything. */
  apply(u: LiveUpdate): LiveUpdate {
    if (u.kind === 'replace') {
      this.series = sampleSeries(u.series, this.maxPoints);
      return { ...u, series: this.series };
    }
    const lastStep = this.series.steps.length ? this.series.steps[this.series.steps.length - 1] : -Infinity;
    const lastTs = this.series.timestamps.length ? this.series.timestamps[this.series.timestamps.length - 1] : -Infinity;
    const inOrder = u.steps.every((s, i) => s > lastStep || (s === lastStep && u.timestamps[i] >= lastTs)) && u.steps.every((s, i) => i === 0 || s >= u.steps[i - 1]);
    this.series = appendPoints(this.series, u);
    if (this.series.steps.length > this.maxPoints * 1.5 || !inOrder) {
      this.series = sampleSeries(this.series, this.maxPoints);
      return { kind: 'replace', runId: u.runId, key: u.key, series: this.series };
    }
    return u;
  }
}

