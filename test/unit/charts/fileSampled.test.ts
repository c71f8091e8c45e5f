import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { readFileSeries } from '../../../extension/core/charts/historyRead';
import { readSampledFileHistories } from '../../../extension/core/charts/fileSampled';
import { sampleSeries, stepRange } from '../../../extension/core/charts/sampling';
import { countNonFinite, type Series } from '../../../extension/core/charts/series';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { openStore } from '../../../extension/core/store/openStore';
import { makeChartStore, type ChartStore } from '../../support/chartStore';

/**
 * The chart load's file-store path (reused buffers and columns, order and non-finite counts from
 * the parse) against the plain one (a whole series per run, then the sampler), on a store mlflow
 * wrote: the same points, counts and errors, and no result sharing memory with the next read.
 */

function plain(s: Series) {
  return { steps: Array.from(s.steps), timestamps: Array.from(s.timestamps), values: Array.from(s.values, (v) => (Number.isNaN(v) ? 'nan' : v)), total: s.total, nonFinite: s.nonFinite };
}

describe('sampled file-store histories with reused buffers', () => {
  let store: ChartStore;
  let reader: FileStoreReader;
  before(async () => {
    store = makeChartStore('file');
    reader = (await openStore(store.uri)) as FileStoreReader;
    assert.ok(reader instanceof FileStoreReader);
  });
  after(async () => {
    await (reader as { close?: () => Promise<void> } | undefined)?.close?.();
    store?.remove();
  });

  test('the same points as reading each series whole and sampling it, at every budget and range', async () => {
    const ids = Object.values(store.runs);
    for (const maxPoints of [4, 7, 40, 1000]) {
      for (const range of [undefined, [100, 399], [1200, 1300]] as ([number, number] | undefined)[]) {
        // Twice the ids: the second pass reuses grown buffers.
        const got = await readSampledFileHistories(reader, [...ids, ...ids], 'loss', maxPoints, range);
        for (const [i, r] of got.entries()) {
          assert.equal(r.error, undefined);
          let whole = (await readFileSeries(reader, ids[i % ids.length], 'loss')).series;
          assert.deepEqual(r.series.nonFinite, countNonFinite(whole.values));
          if (range && whole.steps.length && (whole.steps[0] < range[0] || whole.steps[whole.steps.length - 1] > range[1])) whole = stepRange(whole, range[0], range[1]);
          assert.deepEqual(plain(r.series), plain(sampleSeries(whole, maxPoints)), `run ${r.runId}, ${maxPoints} points, range ${range}`);
        }
        // Each result owns its memory: whole buffers of its own, none a view on a reader's scratch.
        const arrays = got.flatMap((r) => [r.series.steps, r.series.timestamps, r.series.values]);
        assert.equal(new Set(arrays.map((a) => a.buffer)).size, arrays.length);
        for (const a of arrays) assert.equal(a.byteLength, a.buffer.byteLength);
      }
    }
  });

  test('results survive the next load (nothing points into reused memory)', async () => {
    const ids = Object.values(store.runs);
    const first = await readSampledFileHistories(reader, ids, 'loss', 1000);
    const snapshot = first.map((r) => plain(r.series));
    await readSampledFileHistories(reader, [...ids].reverse(), 'loss', 1000);
    assert.deepEqual(
      first.map((r) => plain(r.series)),
      snapshot,
    );
    assert.ok(first.some((r) => r.series.total > 1000), 'a run long enough to be sampled');
  });

  test('a missing metric is an empty series, a corrupt file and an unknown run are errors of their own', async () => {
    const ids = Object.values(store.runs);
    const corrupt = await reader.metricFilePath(store.runs.short, 'broken');
    writeFileSync(corrupt, '1700000000000 0.5 0\n');
    appendFileSync(corrupt, '1700000000001 zero 1\n');
    const [ok, broken, missing, unknown] = await Promise.all([
      readSampledFileHistories(reader, [ids[0]], 'loss', 10),
      readSampledFileHistories(reader, [store.runs.short], 'broken', 10),
      readSampledFileHistories(reader, [store.runs.short], 'never-logged', 10),
      readSampledFileHistories(reader, ['f'.repeat(32)], 'loss', 10),
    ]);
    assert.equal(ok[0].error, undefined);
    assert.match(broken[0].error ?? '', /metric file .*broken is corrupt: line 2: value 'zero' is not a number/);
    assert.equal(missing[0].error, undefined);
    assert.equal(missing[0].series.total, 0);
    assert.match(unknown[0].error ?? '', /not found/);
    await assert.rejects(readSampledFileHistories(reader, [ids[0]], 'loss', 3).then((r) => {
      if (r[0].error) throw new Error(r[0].error);
    }), /at least 4 points/);
  });
});
