import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonItemCounter } from '../../../extension/core/store/rest/jsonItemCounter';
import { mulberry32 } from '../../support/prng';

/**
 * The streaming counter must agree with JSON.parse on how many elements the largest list field of
 * an answer has, whatever the strings hold (quotes, escapes, brackets, commas, non-ASCII) and
 * wherever the chunks are cut.
 */

function randomValue(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 3 ? 4 : 7));
  const pieces = ['a', '"', '\\', ',', '[', ']', '{', '}', 'é', '😀', ' ', '\\"', '\\\\'];
  switch (k) {
    case 0:
      return Array.from({ length: Math.floor(r() * 6) }, () => pieces[Math.floor(r() * pieces.length)]).join('');
    case 1:
      return Math.floor(r() * 1e6) / 7;
    case 2:
      return r() < 0.5 ? null : r() < 0.5;
    case 3:
      return '';
    case 4:
    case 5:
      return Array.from({ length: Math.floor(r() * 5) }, () => randomValue(r, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: Math.floor(r() * 4) }, (_, i) => [`k${i}${pieces[Math.floor(r() * pieces.length)]}`, randomValue(r, depth + 1)]));
  }
}

test('agrees with JSON.parse on the largest top-level list, for any chunking', () => {
  for (let seed = 1; seed <= 400; seed++) {
    const r = mulberry32(seed);
    const fields = Object.fromEntries(Array.from({ length: 1 + Math.floor(r() * 4) }, (_, i) => [`f${i}`, randomValue(r, 1)]));
    const text = JSON.stringify(fields, null, r() < 0.3 ? 1 : undefined);
    const expected = Math.max(0, ...Object.values(fields).map((v) => (Array.isArray(v) ? v.length : 0)));
    const bytes = Buffer.from(text, 'utf8');
    const c = new JsonItemCounter();
    for (let i = 0; i < bytes.length; ) {
      const n = 1 + Math.floor(r() * 7);
      c.push(bytes.subarray(i, i + n));
      i += n;
    }
    assert.equal(c.max, expected, `seed ${seed}: ${text}`);
  }
});
