import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLatestMetric, parseMetricHistory } from '../../../extension/core/format/metricFile';
import type { Metric } from '../../../extension/core/model/entities';

/**
 * parseLatestMetric has a fast path for canonical `ts value step` lines and a general path for the
 * rest; both must agree with the plain definition: Python's max() over (step, timestamp, value) of
 * every point, where a later point replaces the best only when its tuple compares greater.
 */
function reference(key: string, buf: Buffer): Metric | undefined {
  let best: Metric | undefined;
  for (const m of parseMetricHistory(key, buf)) {
    if (!best || m.step > best.step || (m.step === best.step && (m.timestamp > best.timestamp || (m.timestamp === best.timestamp && m.value > best.value)))) best = m;
  }
  return best;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const VALUES = ['0.5', '1.0', '-2.5', '1e-05', '1e+16', 'nan', 'inf', '-inf', '3', '0.25', 'NaN', '2.0'];

function randomFile(r: () => number): string {
  const lines: string[] = [];
  const n = Math.floor(r() * 12);
  for (let i = 0; i < n; i++) {
    const ts = String(1700000000000 + Math.floor(r() * 4));
    const step = String(Math.floor(r() * 4) - (r() < 0.1 ? 5 : 0));
    const v = VALUES[Math.floor(r() * VALUES.length)];
    const shape = r();
    let line: string;
    if (shape < 0.6) line = `${ts} ${v} ${step}`;
    else if (shape < 0.7) line = `${ts} ${v}`;
    else if (shape < 0.8) line = `${ts} ${v} ${step} train d1`;
    else if (shape < 0.9) line = `  ${ts}\t${v}  ${step} `;
    else line = '';
    lines.push(line + (r() < 0.3 ? '\r\n' : '\n'));
  }
  let text = lines.join('');
  if (r() < 0.3) text = text.replace(/\r?\n$/, '');
  return text;
}

test('fast and general paths agree with max over (step, timestamp, value) on random files', () => {
  const r = rng(42);
  for (let i = 0; i < 5000; i++) {
    const text = randomFile(r);
    const buf = Buffer.from(text);
    const want = reference('m', buf);
    const got = parseLatestMetric('m', buf);
    assert.deepEqual(got, want, `file ${JSON.stringify(text)}`);
  }
});

test('ties keep the first point unless a later value is greater; NaN never wins a tie', () => {
  assert.equal(parseLatestMetric('m', Buffer.from('1 2.0 0\n1 3.0 0\n1 2.5 0\n'))!.value, 3);
  assert.equal(parseLatestMetric('m', Buffer.from('1 2.0 0\n1 nan 0\n'))!.value, 2);
  assert.ok(Number.isNaN(parseLatestMetric('m', Buffer.from('1 nan 0\n1 2.0 0\n'))!.value));
  assert.deepEqual(parseLatestMetric('m', Buffer.from('1 2.0 5 train abc\n1 3.0 5\n1 1.0 5 eval def\n')), { key: 'm', value: 3, timestamp: 1, step: 5 });
  assert.deepEqual(parseLatestMetric('m', Buffer.from('1 3.0 5\r\n1 4.0 5 eval def\r\n')), { key: 'm', value: 4, timestamp: 1, step: 5, datasetName: 'eval', datasetDigest: 'def' });
});

test('a non-numeric value is reported even on a line that does not win', () => {
  assert.throws(() => parseLatestMetric('m', Buffer.from('1 abc 0\n2 1.0 5\n')), /line 1: value 'abc' is not a number/);
  assert.throws(() => parseLatestMetric('m', Buffer.from('1 1.0 0\n2 1.0 5\n3 1.0 5 x\n')), /line 3 has 4 fields/);
  assert.throws(() => parseLatestMetric('m', Buffer.from('1 1.0 0\n17000')), /line 2 has 1 fields/);
});

test('long canonical files: latest is the highest step, value parsed exactly', () => {
  const lines = [];
  for (let s = 0; s < 5000; s++) lines.push(`${1700000000000 + s * 100} ${(s / 7).toString()} ${s}\n`);
  assert.deepEqual(parseLatestMetric('loss', Buffer.from(lines.join(''))), { key: 'loss', value: 4999 / 7, timestamp: 1700000000000 + 4999 * 100, step: 4999 });
});
