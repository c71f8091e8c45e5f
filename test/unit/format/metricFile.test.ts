import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLatestMetric, parseMetricHistory, parsePythonFloat } from '../../../extension/core/format/metricFile';

const buf = (s: string) => Buffer.from(s, 'utf8');

test('2, 3 and 5 field lines; CRLF; blank trailing line', () => {
  const h = parseMetricHistory('m', buf('100 1.5\r\n200 2.5 3\r\n300 -1e-05 4 train abc123\n'));
  assert.deepEqual(h, [
    { key: 'm', value: 1.5, timestamp: 100, step: 0 },
    { key: 'm', value: 2.5, timestamp: 200, step: 3 },
    { key: 'm', value: -1e-5, timestamp: 300, step: 4, datasetName: 'train', datasetDigest: 'abc123' },
  ]);
});

test('latest is the max of (step, timestamp, value), not the last line', () => {
  const m = parseLatestMetric('m', buf('5 0.9 3\n1 0.8 3\n9 1.5 1\n5 0.95 3\n'));
  assert.deepEqual(m, { key: 'm', value: 0.95, timestamp: 5, step: 3 });
});

test('Python float spellings', () => {
  assert.ok(Number.isNaN(parsePythonFloat('nan')));
  assert.equal(parsePythonFloat('inf'), Infinity);
  assert.equal(parsePythonFloat('-inf'), -Infinity);
  assert.equal(parsePythonFloat('Infinity'), Infinity);
  assert.equal(parsePythonFloat('1e+16'), 1e16);
  assert.throws(() => parsePythonFloat('abc'));
  assert.throws(() => parsePythonFloat(''));
});

test('Python float grammar: what Python reads, and nothing JavaScript alone would read', () => {
  for (const [text, want] of [['1', 1], ['-2.5', -2.5], ['.5', 0.5], ['5.', 5], ['+1e-3', 1e-3], ['1E5', 1e5], ['1_000.0_1', 1000.01], [' 7 ', 7], ['0.30000000000000004', 0.30000000000000004], ['-0', -0]] as const) {
    assert.ok(Object.is(parsePythonFloat(text), want), `${text} -> ${parsePythonFloat(text)}`);
  }
  for (const bad of ['0x10', '0b1', '0o7', '1__0', '_1', '1_', '1e', '.', 'e5', '1.2.3', 'Infinityx', '--1', '1 2']) {
    assert.throws(() => parsePythonFloat(bad), /not a number/, bad);
  }
});

test('a hex value in a metric file is reported as corrupt, with its line', () => {
  assert.throws(() => parseMetricHistory('m', buf('1 0.5 0\n2 0x10 1\n')), /line 2: value '0x10' is not a number/);
});

test('NaN at the same step and timestamp does not displace a number, and is kept when first', () => {
  assert.equal(parseLatestMetric('m', buf('1 2.0 0\n1 nan 0\n'))!.value, 2);
  assert.ok(Number.isNaN(parseLatestMetric('m', buf('1 nan 0\n1 2.0 0\n'))!.value));
});

test('errors name the line', () => {
  assert.throws(() => parseMetricHistory('m', buf('1 2 3\n1 2 3 4\n')), /line 2 has 4 fields/);
  assert.throws(() => parseMetricHistory('m', buf('x 2 3\n')), /line 1: timestamp 'x' is not an integer/);
  assert.throws(() => parseMetricHistory('m', buf('1 2 3.5\n')), /line 1: step '3.5' is not an integer/);
  assert.equal(parseLatestMetric('m', buf('')), undefined);
});
