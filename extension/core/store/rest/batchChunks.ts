import type { Metric } from '../../model/entities';
import type { KeyValue, LogBatch } from '../trackingStore';

/**
 * MLflow's log-batch limits (mlflow/utils/validation.py): per request at most 1000 metrics, 100
 * params, 100 tags, 1000 items in all, and a body under 1 MB. Bigger batches are split the way
 * MLflow's client splits them: params and tags chunk by chunk with metrics filling the remaining
 * room, then the remaining metrics on their own, so params still land before metrics that use them.
 */
export const BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000, bodyBytes: 1_000_000 } as const;

/** Room left for the request's other fields and the JSON overhead of a chunk. */
const BODY_BUDGET = BATCH_LIMITS.bodyBytes - 4_096;

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface Chunk {
  metrics: Metric[];
  params: KeyValue[];
  tags: KeyValue[];
}

export function splitBatch(batch: LogBatch, encode: (c: Chunk) => string = (c) => JSON.stringify(c)): Chunk[] {
  let metrics = [...(batch.metrics ?? [])];
  const paramChunks = chunk(batch.params ?? [], BATCH_LIMITS.params);
  const tagChunks = chunk(batch.tags ?? [], BATCH_LIMITS.tags);
  const out: Chunk[] = [];
  for (let i = 0; i < Math.max(paramChunks.length, tagChunks.length); i++) {
    const params = paramChunks[i] ?? [];
    const tags = tagChunks[i] ?? [];
    const room = Math.max(0, Math.min(BATCH_LIMITS.total - params.length - tags.length, BATCH_LIMITS.metrics));
    out.push({ params, tags, metrics: metrics.slice(0, room) });
    metrics = metrics.slice(room);
  }
  for (const m of chunk(metrics, BATCH_LIMITS.metrics)) out.push({ metrics: m, params: [], tags: [] });
  // Long param/tag values (up to 6000/8000 chars) can push 100 items past 1 MB: halve until they fit.
  return out.flatMap((c) => fitBody(c, encode));
}

function fitBody(c: Chunk, encode: (c: Chunk) => string): Chunk[] {
  const n = c.metrics.length + c.params.length + c.tags.length;
  if (n <= 1 || Buffer.byteLength(encode(c)) <= BODY_BUDGET) return [c];
  const half = <T>(xs: T[]): [T[], T[]] => [xs.slice(0, Math.ceil(xs.length / 2)), xs.slice(Math.ceil(xs.length / 2))];
  const [p1, p2] = half(c.params);
  const [t1, t2] = half(c.tags);
  const [m1, m2] = half(c.metrics);
  return [...fitBody({ params: p1, tags: t1, metrics: m1 }, encode), ...fitBody({ params: p2, tags: t2, metrics: m2 }, encode)];
}
