import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decimalToDouble } from '../../../extension/core/format/exactDecimal';
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

/** Random decimal texts of every shape the byte parser distinguishes, with their expected double. */
function decimalCases(seed: number, count: number): string[] {
  const rnd = mulberry32(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const digits = (n: number) => {
    let d = '';
    for (let k = 0; k < n; k++) d += String(int(10));
    return d;
  };
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  const out: string[] = [];
  while (out.length < count) {
    const kind = int(7);
    let t: string;
    if (kind === 0) {
      // Any finite double, as Python's repr writes it (17 significant digits for most).
      u[0] = (rnd() * 2 ** 32) >>> 0;
      u[1] = (rnd() * 2 ** 32) >>> 0;
      if (!Number.isFinite(f[0])) continue;
      t = pyFloatRepr(f[0]);
    } else if (kind === 1) {
      // Magnitudes metrics have, in every notation JavaScript writes.
      const x = (rnd() - 0.5) * 10 ** (int(60) - 30);
      const forms = [String(x), x.toPrecision(17), x.toPrecision(1 + int(21)), x.toExponential(int(20)), pyFloatRepr(x)];
      t = forms[int(forms.length)];
    } else if (kind === 2) {
      // Digit strings of 1 to 25 digits, a point anywhere (or none), leading zeros, an exponent.
      const d = '0'.repeat(int(3)) + digits(1 + int(25));
      const at = int(d.length + 1);
      t = at === d.length ? d : `${d.slice(0, at)}.${d.slice(at)}`;
      if (rnd() < 0.4) t += `${rnd() < 0.5 ? 'e' : 'E'}${['', '+', '-'][int(3)]}${int(40)}`;
      if (rnd() < 0.3) t = '-' + t;
    } else if (kind === 3) {
      // Halfway between two neighbouring doubles, exactly and cut to 17–25 digits: the cases
      // where only a correct rounding (ties to even) gives Number()'s answer.
      u[0] = (rnd() * 2 ** 32) >>> 0;
      u[1] = (int(0x7fe) << 20) | int(1 << 20);
      const x = f[0];
      const [m, e] = x.toExponential(16).split('e');
      const big = BigInt(m.replace('.', '').replace('-', ''));
      const exact = `${big * 10n + 5n}`; // x's 17 digits and a 5: near (often on) a midpoint
      t = `${exact.slice(0, 1)}.${exact.slice(1, 1 + 17 + int(8))}e${Number(e)}`;
    } else if (kind === 4) {
      // Integers near 2^53 and 2^64, where the mantissa stops being exact.
      const base = rnd() < 0.5 ? 2n ** 53n : 2n ** 63n;
      t = `${base + BigInt(int(4096)) - 2048n}`;
      if (rnd() < 0.5) t = `${t.slice(0, t.length - 3)}.${t.slice(t.length - 3)}`;
    } else if (kind === 5) {
      // 17 digits around 1, as a loss curve logs them.
      t = `${int(10)}.${digits(16)}`;
      if (rnd() < 0.5) t = `0.${'0'.repeat(int(8))}${1 + int(9)}${digits(16)}`;
    } else {
      t = `${1 + int(9)}.${digits(int(19))}e${rnd() < 0.7 ? '-' : '+'}${String(int(45)).padStart(2, '0')}`;
    }
    out.push(t);
  }
  return out;
}

describe('metric values read straight from bytes', () => {
  test('bit for bit the double Number(text) gives, on 200,000 random and edge decimals', () => {
    const edge = [
      '0', '0.0', '-0.0', '-0', '00.000', '5e-324', '2.2250738585072014e-308', '1.7976931348623157e+308', '1e+308', '1e309', '-1e400', '1e-400',
      '9007199254740992', '9007199254740993', '9007199254740993.0', '9007199254740995', '90071992547409925e-1', '18446744073709551615', '9999999999999999999',
      '99999999999999999999', '0.1', '0.30000000000000004', '1.0000000000000002', '0.9999999999999999', '1e22', '1e23', '1e-22', '1e-23',
      '123456789012345678e-22', '1234567890123456789e22', '4.35679e-05', '1e-05', '.5', '5.', '1.', '-.5e1', '3E+2', '2.5E-3',
      '8.98846567431158e+307', '4.9406564584124654e-324', '1.9654050418223141', '0.0012345678901234567',
    ];
    const vals = [...edge, ...decimalCases(9, 200_000)];
    const c = parseMetricColumns(buf(vals.map((v, i) => `${1_700_000_000_000 + i} ${v} ${i}\n`).join('')));
    assert.equal(c.length, vals.length);
    for (let i = 0; i < vals.length; i++) {
      const want = Number(vals[i]);
      if (!Object.is(c.values[i], want)) assert.fail(`'${vals[i]}' read as ${c.values[i]}, Number() gives ${want}`);
    }
  });

  test('nan and infinities as MLflow writes them (str(float)), in any column layout', () => {
    const text = '10 nan 0\n11 inf 1\n12 -inf 2\n13 NaN 3\n14 Infinity 4\n15 -Infinity 5\n16 -nan 6\n';
    const c = parseMetricColumns(buf(text));
    assert.deepEqual([...c.values].map(String), ['NaN', 'Infinity', '-Infinity', 'NaN', 'Infinity', '-Infinity', 'NaN']);
    assert.deepEqual([...c.steps], [0, 1, 2, 3, 4, 5, 6]);
  });

  test('the exact conversion answers NaN (use the text) only where it cannot prove the rounding', () => {
    // 2^53 + 1 lies exactly between two doubles: ties need the text parse.
    assert.ok(Number.isNaN(decimalToDouble(900719925474099, 3, 1, 0)));
    // 17 digits around 1, the common case, are decided here.
    assert.equal(decimalToDouble(196540504182231, 41, 2, -16), 1.9654050418223141);
    assert.equal(decimalToDouble(123456789012345, 6789, 4, 3), 1.2345678901234568e21);
    const rnd = mulberry32(5);
    let undecided = 0;
    for (let i = 0; i < 50_000; i++) {
      const x = rnd() * 10 ** Math.floor(rnd() * 8 - 4) + 1e-300;
      const [m, e] = x.toExponential(16).split('e');
      const d = m.replace('.', '');
      const q = Number(e) - 16;
      if (q < -22) continue;
      const v = decimalToDouble(Number(d.slice(0, 15)), Number(d.slice(15)), 2, q);
      if (Number.isNaN(v)) undecided++;
      else assert.ok(Object.is(v, Number(`${d}e${q}`)), `${d}e${q}`);
    }
    assert.ok(undecided < 5, `${undecided} of 50,000 repr values left to the text parse`);
  });
});
