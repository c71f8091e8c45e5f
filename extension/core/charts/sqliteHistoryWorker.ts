import { parentPort } from 'node:worker_threads';
import { emptySeries, type Series } from './series';
import { SqliteHistoryReader } from './sqliteHistory';
import type { PoolRequest, PoolResponse, PoolSeries } from './sqliteHistoryPool';

/**
 * A thread of sqliteHistoryPool.ts: reads and samples its share of the runs with its own read-only
 * connection, and sends back only the sampled columns (transferred, not copied).
 */

const readers = new Map<string, SqliteHistoryReader>();

function reader(path: string): SqliteHistoryReader {
  let r = readers.get(path);
  if (!r) {
    r = new SqliteHistoryReader(path);
    readers.set(path, r);
  }
  return r;
}

function one(req: PoolRequest, runId: string): { series: Series; error?: string } {
  try {
    return reader(req.path).sampledRun(runId, req.key, req.maxPoints, req.stepRange, req.uri);
  } catch (e) {
    // The database could not be opened: every run of the request says so.
    return { series: emptySeries(runId, req.key), error: e instanceof Error ? e.message : String(e) };
  }
}

parentPort!.on('message', (req: PoolRequest) => {
  const out: PoolSeries[] = [];
  const transfer: ArrayBuffer[] = [];
  for (const runId of req.runIds) {
    const { series: s, error } = one(req, runId);
    out.push({ runId, steps: s.steps, timestamps: s.timestamps, values: s.values, total: s.total, nonFinite: s.nonFinite, error });
    // Each column has a buffer of its own (the reader and the sampler allocate them per series).
    for (const a of [s.steps, s.timestamps, s.values]) if (a.byteLength && !transfer.includes(a.buffer as ArrayBuffer)) transfer.push(a.buffer as ArrayBuffer);
  }
  const res: PoolResponse = { id: req.id, series: out };
  parentPort!.postMessage(res, transfer);
});
