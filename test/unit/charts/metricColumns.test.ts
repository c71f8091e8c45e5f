import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseMetricColumns } from '../../../extension/core/format/metricColumns';
import { parseMetricHistory } from '../../../extension/core/format/metricFile';
import { pyFloatRepr } from '../../../extension/core/lang/yamlSupport';
import { fixtureStore } from '../../support/fixture';
import { mulberry32 } from '../../support/prng';

const buf = (s: string) => Buffer.from(s, 'latin1');

function same(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

describe('metric file columns', () => {
  test('every value Python writes reads back as the same double (seeded, all magnitudes)', () => {
    const rnd = mulberry32(42);
    const f = new Float64Array(1);
    const u = new Uint32Array(f.buffer);
    const vals: number[] = [0, -0, 1, 0.1, 1e-5, 1e16, 1e22, 1e23, 5e-324, Number.MAX_VALUE, 123456789012345680000, 0.30000000000000004];
    for (let i = 0; i < 20_000; i++) {
      if (i % 2) {
        u[0] = (rnd() * 2 ** 32) >>> 0;
        u[1] = (rnd() * 2 ** 32) >>> 0;
        if (Number.isFinite(f[0])) vals.push(f[0]);
      } else vals.push((rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20));
    }
    const text = vals.map((v, i) => `${1_700_000_000_000 + i} ${pyFloatRepr(v)} ${i}\n`).join('');
    const c = parseMetricColumns(buf(text));
    assert.equal(c.length, vals.length);
    for (let i = 0; i < vals.length; i++) assert.ok(same(c.values[i], vals[i]), `${pyFloatRepr(vals[i])} read as ${c.values[i]}`);
  });

  test('nan, inf, signs, 2 and 5 fields, CRLF, tabs and blank lines, as parseMetricHistory reads them', () => {
    const text = '1 nan 0\r\n2 inf 1\n3 -inf 2\n\n4 +1.5 3\n5\t2.5\t4 ds digest\n6 7\n7 -0.0 -3\n8 1E+2 9\n9 .5 1\n';
    const c = parseMetricColumns(buf(text));
    const h = parseMetricHistory('k', buf(text));
    assert.equal(c.length, h.length);
    h.forEach((m, i) => {
      assert.ok(same(c.values[i], m.value), `line ${i}: ${c.values[i]} vs ${m.value}`);
      assert.equal(c.steps[i], m.step);
      assert.equal(c.timestamps[i], m.timestamp);
    });
  });

  test('bad lines name their number, counting from a continued read', () => {
    assert.throws(() => parseMetricColumns(buf('1 2 3\n1 2 3 4\n')), /line 2 has 4 fields/);
    assert.throws(() => parseMetricColumns(buf('x 2 3\n')), /line 1: timestamp 'x' is not an integer/);
    assert.throws(() => parseMetricColumns(buf('1 2 3.5\n')), /line 1: step '3.5' is not an integer/);
    assert.throws(() => parseMetricColumns(buf('1 abc 3\n'), { firstLine: 41 }), /line 42: value 'abc' is not a number/);
    assert.throws(() => parseMetricColumns(buf('1 1e 3\n')), /value '1e' is not a number/);
  });

  test('complete lines only: a half-written last line waits', () => {
    const c = parseMetricColumns(buf('1 0.5 0\n2 0.25 1\n3 0.1'), { completeLinesOnly: true });
    assert.equal(c.length, 2);
    assert.equal(c.consumed, '1 0.5 0\n2 0.25 1\n'.length);
    assert.equal(parseMetricColumns(buf('3 0.1'), { completeLinesOnly: true }).length, 0);
  });

  test('every metric file mlflow wrote in the fixture store reads as parseMetricHistory reads it', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\/[0-9a-f]{32}\/metrics(\/|$)/.test(d)) files.push(p); // run metrics (logged models' carry a run id)
      }
    };
    walk(fixtureStore);
    assert.ok(files.length > 5, `${files.length} metric files`);
    for (const p of files) {
      const b = readFileSync(p);
      const h = parseMetricHistory('k', b);
      const c = parseMetricColumns(b);
      assert.equal(c.length, h.length, p);
      h.forEach((m, i) => assert.ok(same(c.values[i], m.value) && c.steps[i] === m.step && c.timestamps[i] === m.timestamp, `${p} line ${i + 1}`));
    }
  });
});
