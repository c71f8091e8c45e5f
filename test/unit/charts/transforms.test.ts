import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { alignByStep, xValues } from '../../../extension/core/charts/axes';
import { runColor, runHue } from '../../../extension/core/charts/colors';
import { csvCell, csvNumber, csvTextCell, historyCsvHeader, historyCsvRows } from '../../../extension/core/charts/csv';
import { outlierRange, percentile } from '../../../extension/core/charts/outliers';
import { emaSmooth } from '../../../extension/core/charts/smoothing';

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} != ${b}`);

describe('EMA smoothing', () => {
  test('debiased running average (TensorBoard / MLflow UI formula)', () => {
    const out = emaSmooth([1, 2, 3], 0.5);
    // last: 0.5, 1.25, 2.125; debias 1-0.5^n: 0.5, 0.75, 0.875
    close(out[0], 1);
    close(out[1], 1.25 / 0.75);
    close(out[2], 2.125 / 0.875);
  });

  test('weight 0 is the identity; a constant stays constant; non-finite values pass through without poisoning', () => {
    assert.deepEqual([...emaSmooth([3, 1, 2], 0)], [3, 1, 2]);
    for (const v of emaSmooth([2, 2, 2, 2], 0.9)) close(v, 2);
    const out = emaSmooth([1, NaN, Infinity, 1], 0.6);
    assert.ok(Number.isNaN(out[1]));
    assert.equal(out[2], Infinity);
    close(out[3], 1);
  });

  test('weights out of range are clamped, not NaN', () => {
    assert.ok(emaSmooth([1, 2], 1.5).every(Number.isFinite));
    assert.deepEqual([...emaSmooth([1, 2], -1)], [1, 2]);
  });
});

describe('x axis modes', () => {
  const steps = [0, 5, 10];
  const ts = [1_000_000, 1_003_600, 1_000_000 + 7_200_000];
  test('step, wall time, relative seconds and hours from the origin', () => {
    assert.deepEqual([...xValues(steps, ts, 'step', 0)], [0, 5, 10]);
    assert.deepEqual([...xValues(steps, ts, 'wall', 0)], ts);
    assert.deepEqual([...xValues(steps, ts, 'relative', 1_000_000)], [0, 3.6, 7200]);
    assert.deepEqual([...xValues(steps, ts, 'relativeHours', 1_000_000)], [0, 0.001, 2]);
  });

  test('another metric: its value at the same step, the last of several, NaN where it has none', () => {
    const x = { steps: Float64Array.from([0, 5, 5, 7, 10]), values: Float64Array.from([0.1, 0.5, 0.55, 0.7, 1]) };
    const out = alignByStep({ steps: Float64Array.from([0, 5, 6, 10, 11]) }, x);
    assert.deepEqual([...out].map((v) => (Number.isNaN(v) ? 'NaN' : v)), [0.1, 0.55, 'NaN', 1, 'NaN']);
  });
});

describe('ignore outliers', () => {
  test('percentiles interpolate like numpy', () => {
    const s = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    close(percentile(s, 0.05), 1.45);
    close(percentile(s, 0.95), 9.55);
    close(percentile(s, 0.5), 5.5);
  });

  test('a spike is left out of the range; non-finite and SQL infinities are ignored', () => {
    const a = Array.from({ length: 100 }, (_, i) => i / 100);
    a[50] = 1e9;
    const r = outlierRange([a, [NaN, Infinity, Number.MAX_VALUE, -Number.MAX_VALUE]])!;
    assert.ok(r.max < 1, `${r.max}`);
    assert.ok(r.min >= 0 && r.min < 0.1);
    assert.equal(outlierRange([[NaN]]), undefined);
  });
});

describe('CSV', () => {
  test('header, rows, quoting and non-finite values', () => {
    const text = historyCsvHeader() + historyCsvRows([
      { runId: 'a1', key: 'loss', step: 0, timestamp: 10, value: 0.5 },
      { runId: 'a1', key: 'odd, "key"', step: 1, timestamp: 11, value: NaN },
      { runId: 'a1', key: ' padded', step: 2, timestamp: 12, value: -Infinity },
    ]);
    assert.equal(text, 'run_id,key,step,timestamp,value\na1,loss,0,10,0.5\na1,"odd, ""key""",1,11,NaN\na1," padded",2,12,-Infinity\n');
    assert.equal(csvNumber(Infinity), 'Infinity');
    assert.equal(csvNumber(1e-7), '1e-7');
    assert.equal(csvCell('a\nb'), '"a\nb"');
  });

  test('text cells that a spreadsheet would run as formulas are defused', () => {
    assert.equal(csvTextCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvTextCell('@cmd'), "'@cmd");
    assert.equal(csvTextCell('run-1'), 'run-1');
  });
});

describe('run colours', () => {
  test('stable per run id, different for different ids, lighter on dark themes', () => {
    assert.equal(runHue('abc'), runHue('abc'));
    const hues = new Set(['a', 'b', 'c', 'd', 'e', 'f'].map((x) => runHue(`run-${x}`)));
    assert.ok(hues.size >= 5);
    assert.match(runColor('abc', 'light'), /^hsl\(\d+ 70% (30|42|54)%\)$/);
    assert.match(runColor('abc', 'dark', 0.3), /^hsl\(\d+ 70% (50|62|74)% \/ 0.3\)$/);
    const light = Number(/(\d+)%\)$/.exec(runColor('abc', 'light'))![1]);
    const dark = Number(/(\d+)% \//.exec(runColor('abc', 'dark', 0.3))![1]);
    assert.equal(dark - light, 20, 'the same step, lighter on dark themes');
  });
});

describe('wire format', () => {
  test('round trip is exact; 32-bit offsets when they fit, doubles when they do not', async () => {
    const { toWire, fromWire, wireBytes } = await import('../../../extension/core/charts/wire');
    const { seriesFromColumns } = await import('../../../extension/core/charts/series');
    const s = seriesFromColumns('r', 'k', Float64Array.from([5, 6, 7]), Float64Array.from([1_700_000_000_000, 1_700_000_000_050, 1_700_000_100_000]), Float64Array.from([0.1, NaN, -Infinity]));
    const w = toWire(s);
    assert.ok(w.steps instanceof Int32Array && w.timestamps instanceof Int32Array);
    const back = fromWire(w);
    assert.deepEqual([...back.steps], [5, 6, 7]);
    assert.deepEqual([...back.timestamps], [...s.timestamps]);
    assert.ok(Object.is(back.values[0], 0.1) && Number.isNaN(back.values[1]) && back.values[2] === -Infinity);
    const big = seriesFromColumns('r', 'k', Float64Array.from([0, 2 ** 40]), Float64Array.from([0, 1e13]), Float64Array.from([1, 2]));
    const wb = toWire(big);
    assert.ok(wb.steps instanceof Float64Array && wb.timestamps instanceof Float64Array);
    assert.deepEqual([...fromWire(wb).steps], [0, 2 ** 40]);
    assert.ok(wireBytes(w) < 3 * 16 + 200);
  });
});
