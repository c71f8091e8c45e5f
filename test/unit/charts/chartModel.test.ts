import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seriesFromColumns } from '../../../extension/core/charts/series';
import { aggregate, buildPlot, isSingleValue, originOf, type PlotOptions, type SeriesWithX } from '../../../webviews/charts/chartModel';
import type { ChartRun } from '../../../webviews/charts/contract';

/** What the chart page draws for given series and options, without a browser. */

const run = (runId: string, runName: string, params: Record<string, string> = {}, startTime: number | null = 1000): ChartRun => ({ runId, runName, experimentId: '1', status: 'FINISHED', startTime, params, tags: {} });

function s(runId: string, steps: number[], values: number[], timestamps = steps.map((x) => 1000 + x * 10)): SeriesWithX {
  return { series: seriesFromColumns(runId, 'loss', Float64Array.from(steps), Float64Array.from(timestamps), Float64Array.from(values)) };
}

const base: PlotOptions = { xAxis: 'step', logY: false, smoothing: 0, ignoreOutliers: false, theme: 'dark' };
const runs = new Map([
  ['a', run('a', 'alpha', { opt: 'adam' })],
  ['b', run('b', 'beta', { opt: 'adam' })],
  ['c', run('c', '', { opt: 'sgd' })],
]);

describe('chart model', () => {
  test('one line per run with its full name; hidden runs left out; x per axis mode', () => {
    const all = [s('a', [0, 1, 2], [3, 2, 1]), s('b', [0, 2], [5, 4]), s('c', [0, 1], [1, 1])];
    const p = buildPlot(all, runs, new Set(['b']), base);
    assert.equal(p.kind, 'line');
    assert.deepEqual(p.datasets.map((d) => d.label), ['alpha', 'c']);
    assert.deepEqual(p.datasets[0].points.map((q) => [q.x, q.y]), [[0, 3], [1, 2], [2, 1]]);
    const rel = buildPlot(all, runs, new Set(), { ...base, xAxis: 'relative' });
    assert.deepEqual(rel.datasets[0].points.map((q) => q.x), [0, 0.01, 0.02]);
  });

  test('log scale: values ≤ 0 are counted, not drawn (no blank chart)', () => {
    const p = buildPlot([s('a', [0, 1, 2, 3], [1, 0, -2, 0.5])], runs, new Set(), { ...base, logY: true });
    assert.deepEqual(p.datasets[0].points.map((q) => q.y), [1, 0.5]);
    assert.equal(p.notes.nonPositive, 2);
  });

  test('NaN and infinities (also the SQL store’s ±MAX_VALUE) are counted and skipped', () => {
    const p = buildPlot([s('a', [0, 1, 2, 3, 4], [1, NaN, Infinity, Number.MAX_VALUE, -Number.MAX_VALUE])], runs, new Set(), base);
    assert.deepEqual(p.datasets[0].points.map((q) => q.y), [1]);
    assert.deepEqual([p.notes.nan, p.notes.posInf, p.notes.negInf], [1, 2, 1]);
  });

  test('smoothing keeps the raw line, faint, behind the smoothed one', () => {
    const p = buildPlot([s('a', [0, 1, 2], [1, 3, 2])], runs, new Set(), { ...base, smoothing: 0.5 });
    assert.deepEqual(p.datasets.map((d) => d.role), ['raw', 'smoothed']);
    assert.match(p.datasets[0].color, /\/ 0.25\)$/);
    assert.deepEqual(p.datasets[0].points.map((q) => q.y), [1, 3, 2]);
    assert.notDeepEqual(p.datasets[1].points.map((q) => q.y), [1, 3, 2]);
  });

  test('a metric with one value per run is a bar chart', () => {
    const all = [s('a', [0], [0.9]), s('b', [0], [0.8])];
    assert.ok(isSingleValue(all));
    const p = buildPlot(all, runs, new Set(), base);
    assert.equal(p.kind, 'bar');
    assert.deepEqual(p.datasets.map((d) => [d.label, d.points[0].y]), [['alpha', 0.9], ['beta', 0.8]]);
  });

  test('ignore outliers and manual ranges set the y range; manual wins', () => {
    const values = Array.from({ length: 100 }, (_, i) => i / 100);
    values[40] = 1000;
    const all = [s('a', values.map((_, i) => i), values)];
    const p = buildPlot(all, runs, new Set(), { ...base, ignoreOutliers: true });
    assert.ok(p.yMax! < 2 && p.yMin! < 0.1);
    const m = buildPlot(all, runs, new Set(), { ...base, ignoreOutliers: true, yRange: { max: 5 } });
    assert.equal(m.yMax, 5);
  });

  test('grouping by a param: mean line with a min–max band per group', () => {
    const all = [s('a', [0, 2], [1, 3]), s('b', [0, 2], [3, 5]), s('c', [0, 1], [10, 10])];
    const p = buildPlot(all, runs, new Set(), { ...base, groupBy: 'params.opt' });
    assert.deepEqual(p.datasets.map((d) => [d.label, d.role]), [
      ['opt=adam (2) min', 'bandMin'],
      ['opt=adam (2) max', 'bandMax'],
      ['opt=adam (2)', 'mean'],
      ['opt=sgd (1) min', 'bandMin'],
      ['opt=sgd (1) max', 'bandMax'],
      ['opt=sgd (1)', 'mean'],
    ]);
    assert.deepEqual(p.datasets[2].points.map((q) => [q.x, q.y]), [[0, 2], [2, 4]]);
    assert.deepEqual(p.datasets[0].points.map((q) => q.y), [1, 3]);
    assert.deepEqual(p.datasets[1].points.map((q) => q.y), [3, 5]);
  });

  test('aggregate interpolates runs sampled at different steps', () => {
    const r = aggregate([
      [{ x: 0, y: 0, i: 0 }, { x: 10, y: 10, i: 1 }],
      [{ x: 0, y: 10, i: 0 }, { x: 5, y: 10, i: 1 }, { x: 10, y: 10, i: 2 }],
    ]);
    assert.deepEqual(r.mean.map((q) => [q.x, q.y]), [[0, 5], [5, 7.5], [10, 10]]);
    assert.deepEqual(r.min.map((q) => q.y), [0, 5, 10]);
  });
});

describe('relative time origin', () => {
  const series = (timestamps: number[]) => seriesFromColumns('r', 'loss', Float64Array.from(timestamps.map((_, i) => i)), Float64Array.from(timestamps), Float64Array.from(timestamps.map(() => 1)));
  test("the run's start time when the points come after it", () => {
    assert.equal(originOf(run('r', 'x', {}, 1000), series([1500, 2500])), 1000);
  });
  test('the first point when there is no start time, or when points were logged before it', () => {
    assert.equal(originOf(run('r', 'x', {}, null), series([1500, 2500])), 1500);
    assert.equal(originOf(run('r', 'x', {}, 9_000_000), series([1500, 1200, 2500])), 1200);
    assert.equal(originOf(undefined, series([])), 0);
    assert.equal(originOf(run('r', 'x', {}, 7), series([])), 7);
  });
});
