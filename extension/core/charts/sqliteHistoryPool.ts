import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { NonFiniteCounts } from './series';

/**
 * Sampled SQLite histories read on worker threads. A chart of 100 runs × 100,000 steps scans ten
 * million rows; node:sqlite is synchronous, so on the extension host's thread that scan would stall
 * every other extension for seconds. The workers keep the host free and split the runs between the
 * machine's cores; each sends back only its sampled points.
 *
 * The workers start on first use, stay for the next chart (an idle one does not keep a process
 * alive), and end with the store. Where no worker script sits next to this code (a bundle built without it),
 * `available()` says so and the caller reads on its own thread.
 */

export interface PoolRequest {
  id: number;
  path: string;
  uri: string;
  runIds: string[];
  key: string;
  maxPoints: number;
  stepRange?: [number, number];
}

export interface PoolSeries {
  runId: string;
  steps: Float64Array;
  timestamps: Float64Array;
  values: Float64Array;
  total: number;
  nonFinite: NonFiniteCounts;
  error?: string;
}

export interface PoolResponse {
  id: number;
  series: PoolSeries[];
}

const WORKER_NAMES = ['sqliteHistoryWorker.js', 'sqliteHistoryWorker.ts'];

/** The worker script: next to the bundle (dist/), or the source file when run from sources (tests). */
export function workerScript(): string | undefined {
  for (const name of WORKER_NAMES) {
    const p = join(__dirname, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Threads for one load: the cores there are, up to 4 (beyond that the disk and SQLite's locks decide). */
export function poolSize(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

interface Pending {
  resolve: (r: PoolSeries[]) => void;
  reject: (e: Error) => void;
}

class PoolThread {
  readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private failed?: Error;

  constructor(script: string) {
    this.worker = new Worker(script);
    this.worker.unref();
    this.worker.on('message', (res: PoolResponse) => {
      const p = this.pending.get(res.id);
      this.pending.delete(res.id);
      if (this.pending.size === 0) this.worker.unref();
      p?.resolve(res.series);
    });
    const fail = (e: Error) => {
      this.failed = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the SQLite reader thread exited (code ${code})`)));
  }

  request(req: PoolRequest): Promise<PoolSeries[]> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      // Held while it works (a CLI waiting for it must not exit), let go when idle.
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(req.id, { resolve, reject });
      this.worker.postMessage(req);
    });
  }

  get usable(): boolean {
    return !this.failed;
  }
}

export class SqliteHistoryPool {
  private threads: PoolThread[] = [];
  private nextId = 1;

  constructor(
    private readonly path: string,
    private readonly uri: string,
    private readonly script: string,
    private readonly size = poolSize(),
  ) {}

  /**
   * Sampled series of `runIds`, in their order. Runs are dealt out in contiguous shares, one per
   * thread, so each thread walks its runs' rows in the order SQLite stores them.
   */
  async read(runIds: string[], key: string, maxPoints: number, stepRange?: [number, number]): Promise<PoolSeries[]> {
    this.threads = this.threads.filter((t) => t.usable);
    const n = Math.min(this.size, Math.max(1, runIds.length));
    while (this.threads.length < n) this.threads.push(new PoolThread(this.script));
    const shares: string[][] = [];
    for (let i = 0; i < n; i++) shares.push(runIds.slice(Math.floor((i * runIds.length) / n), Math.floor(((i + 1) * runIds.length) / n)));
    const parts = await Promise.all(
      shares.map((ids, i) => (ids.length ? this.threads[i].request({ id: this.nextId++, path: this.path, uri: this.uri, runIds: ids, key, maxPoints, stepRange }) : Promise.resolve([]))),
    );
    return parts.flat();
  }

  async close(): Promise<void> {
    const threads = this.threads;
    this.threads = [];
    await Promise.all(threads.map((t) => (t.usable ? t.worker.terminate() : undefined)));
  }
}
