import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sampleIndices, sampleSeries, stepRange } from '../../../extension/core/charts/sampling';
import { appendPoints, seriesFromColumns, sortOrder, type Series } from '../../../extension/core/charts/series';
import { mulberry32 } from '../../support/prng';

function series(values: number[], steps = values.map((_, i) => i), timestamps = values.map((_, i) => 1000 + i)): Series {
  return seriesFromColumns('r', 'k', Float64Array.from(steps), Float64Array.from(timestamps), Float64Array.from(values));
}

/** The guarantees of sampling.ts, checked on any input. */
function checkGuarantees(s: Series, out: Series, maxPoints: number): void {
  const n = s.steps.length;
  assert.ok(out.steps.length <= Math.max(maxPoints, 0), `${out.steps.length} points > ${maxPoints}`);
  if (n === 0) return assert.equal(out.steps.length, 0);
  // Only logged points, in the input's order: walk both.
  let j = 0;
  for (let i = 0; i < out.steps.length; i++) {
    while (j < n && !(s.steps[j] === out.steps[i] && s.timestamps[j] === out.timestamps[i] && Object.is(s.values[j], out.values[i]))) j++;
    assert.ok(j < n, `point ${i} (step ${out.steps[i]}) is not a logged point in order`);
    j++;
  }
  const first = 0;
  const last = n - 1;
  assert.equal(out.steps[0], s.steps[first]);
  assert.equal(out.timestamps[0], s.timestamps[first]);
  assert.equal(out.steps[out.steps.length - 1], s.steps[last]);
  assert.equal(out.timestamps[out.steps.length - 1], s.timestamps[last]);
  const nonNan = (a: Float64Array) => [...a].filter((v) => !Number.isNaN(v));
  const all = nonNan(s.values);
  const kept = nonNan(out.values);
  if (all.length) {
    assert.equal(Math.min(...kept), Math.min(...all), 'smallest value kept');
    assert.equal(Math.max(...kept), Math.max(...all), 'largest value kept');
  }
}

describe('sampling', () => {
  test('a spike and a dip among 100,000 points survive 1,000', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => Math.exp(-i / 20_000));
    values[54_321] = 99;
    values[12_345] = -99;
    const s = series(values);
    const out = sampleSeries(s, 1000);
    assert.ok(out.steps.length <= 1000 && out.steps.length > 900, `${out.steps.length}`);
    assert.ok(out.steps.includes(54_321));
    assert.ok(out.steps.includes(12_345));
    checkGuarantees(s, out, 1000);
    assert.equal(out.total, 100_000);
  });

  test('random series of every shape keep the guarantees (seeded)', () => {
    const rnd = mulberry32(9);
    for (let c = 0; c < 300; c++) {
      const n = Math.floor(rnd() * 3000);
      const maxPoints = 4 + Math.floor(rnd() * 200);
      const values = Array.from({ length: n }, () => {
        const r = rnd();
        if (r < 0.02) return NaN;
        if (r < 0.03) return Infinity;
        if (r < 0.04) return -Infinity;
        return Math.round((rnd() - 0.5) * 1000) / 10; // many equal values
      });
      const steps = Array.from({ length: n }, () => Math.floor(rnd() * n)); // ties and disorder
      const s = series(values, steps, steps.map(() => Math.floor(rnd() * 50)));
      const out = sampleSeries(s, maxPoints);
      checkGuarantees(s, out, maxPoints);
    }
  });

  test('±Infinity are the extremes; NaN is no value, but the first and last point stay even when NaN', () => {
    const v = Array.from({ length: 500 }, (_, i) => i / 500);
    v[0] = NaN;
    v[499] = NaN;
    v[100] = Infinity;
    v[300] = -Infinity;
    const out = sampleSeries(series(v), 8);
    assert.ok(Number.isNaN(out.values[0]));
    assert.ok(Number.isNaN(out.values[out.values.length - 1]));
    assert.ok(out.values.includes(Infinity));
    assert.ok(out.values.includes(-Infinity));
    assert.deepEqual(series(v).nonFinite, { nan: 2, posInf: 1, negInf: 1 });
  });

  test("SQL stores' ±1.7976931348623157e308 count as infinities", () => {
    assert.deepEqual(series([1, Number.MAX_VALUE, -Number.MAX_VALUE, NaN]).nonFinite, { nan: 1, posInf: 1, negInf: 1 });
  });

  test('all NaN, one point, fewer points than the budget', () => {
    const nans = sampleSeries(series([NaN, NaN, NaN, NaN, NaN, NaN]), 4);
    assert.ok(nans.steps.length <= 4 && nans.steps[0] === 0 && nans.steps[nans.steps.length - 1] === 5);
    assert.deepEqual([...sampleSeries(series([3]), 4).values], [3]);
    const s = series([1, 2, 3]);
    assert.equal(sampleSeries(s, 1000), s);
  });

  test('budgets below 4 are refused, whatever the size', () => {
    assert.throws(() => sampleIndices([1, 2, 3, 4, 5], 3), /at least 4/);
    assert.throws(() => sampleSeries(series([1]), 2), /at least 4/);
  });

  test('step order with ties by timestamp, then as logged (file order)', () => {
    // step, timestamp, value in logged order
    const rows: [number, number, number][] = [
      [5, 50, 0.5],
      [1, 30, 0.1],
      [1, 10, 0.2],
      [1, 20, 0.15],
      [3, 40, 0.3],
      [3, 40, 0.35],
      [0, 60, 0],
    ];
    const s = series(
      rows.map((r) => r[2]),
      rows.map((r) => r[0]),
      rows.map((r) => r[1]),
    );
    assert.deepEqual([...s.values], [0, 0.2, 0.15, 0.1, 0.3, 0.35, 0.5]);
    assert.equal(sortOrder([1, 2, 2], [0, 1, 1]), undefined, 'sorted input is not copied');
  });

  test('stepRange keeps steps within the range', () => {
    const s = series([0, 1, 2, 3, 4, 5, 6], [0, 10, 20, 20, 30, 40, 50]);
    assert.deepEqual([...stepRange(s, 15, 40).steps], [20, 20, 30, 40]);
    assert.deepEqual([...stepRange(s, 60, 70).steps], []);
    assert.deepEqual([...stepRange(s, -5, 0).steps], [0]);
  });

  test('appendPoints keeps step order and counts', () => {
    const s = series([1, 2], [0, 1]);
    const t = appendPoints(s, { steps: [3, 2], timestamps: [5, 4], values: [NaN, 4] });
    assert.deepEqual([...t.steps], [0, 1, 2, 3]);
    assert.equal(t.total, 4);
    assert.equal(t.nonFinite.nan, 1);
  });
});
