import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BATCH_LIMITS, splitBatch } from '../../../extension/core/store/rest/batchChunks';

const metrics = (n: number) => Array.from({ length: n }, (_, i) => ({ key: 'm', value: i, timestamp: i, step: i }));
const kvs = (n: number, p: string, size = 1) => Array.from({ length: n }, (_, i) => ({ key: `${p}${i}`, value: 'v'.repeat(size) }));

function withinLimits(chunks: ReturnType<typeof splitBatch>): void {
  for (const c of chunks) {
    assert.ok(c.metrics.length <= BATCH_LIMITS.metrics);
    assert.ok(c.params.length <= BATCH_LIMITS.params);
    assert.ok(c.tags.length <= BATCH_LIMITS.tags);
    assert.ok(c.metrics.length + c.params.length + c.tags.length <= BATCH_LIMITS.total);
    assert.ok(Buffer.byteLength(JSON.stringify(c)) < BATCH_LIMITS.bodyBytes);
  }
}

test('a batch within the limits is one request', () => {
  const chunks = splitBatch({ metrics: metrics(900), params: kvs(50, 'p'), tags: kvs(50, 't') });
  assert.equal(chunks.length, 1);
  withinLimits(chunks);
});

test('params and tags go 100 at a time with metrics filling the room; every item once, in order', () => {
  const batch = { metrics: metrics(2500), params: kvs(250, 'p'), tags: kvs(120, 't') };
  const chunks = splitBatch(batch);
  withinLimits(chunks);
  assert.deepEqual(chunks.flatMap((c) => c.params), batch.params);
  assert.deepEqual(chunks.flatMap((c) => c.tags), batch.tags);
  assert.deepEqual(chunks.flatMap((c) => c.metrics), batch.metrics);
  // Params come before (or with) the metrics of later chunks, as MLflow's client orders them.
  assert.deepEqual(chunks.slice(0, 3).map((c) => [c.params.length, c.tags.length, c.metrics.length]), [
    [100, 100, 800],
    [100, 20, 880],
    [50, 0, 820],
  ]);
  assert.equal(chunks.length, 3);
});

test('long values are split below the 1 MB body limit', () => {
  const batch = { params: kvs(100, 'p', 6000), tags: kvs(100, 't', 8000) };
  const chunks = splitBatch(batch);
  assert.ok(chunks.length >= 2, `${chunks.length} chunks`);
  withinLimits(chunks);
  assert.deepEqual(chunks.flatMap((c) => c.params), batch.params);
  assert.deepEqual(chunks.flatMap((c) => c.tags), batch.tags);
});

test('an empty batch sends nothing', () => {
  assert.deepEqual(splitBatch({}), []);
});
