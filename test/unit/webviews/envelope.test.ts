import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromWire, toWire } from '../../../webviews/platform/envelope';
import { crossChannel } from '../../support/webviewHost';

test('NaN and ±Infinity survive the JSON channel VS Code uses for postMessage', () => {
  const msg = { kind: 'push', name: 'rows', payload: { rows: [{ metrics: { a: NaN, b: Infinity, c: -Infinity, d: 0.5 } }], list: [NaN, 1] } };
  // Without the wire encoding they arrive as null: what the runs table used to show.
  assert.equal((crossChannel(msg).payload.rows[0].metrics as Record<string, unknown>).a, null);
  const back = fromWire(crossChannel(toWire(msg)));
  assert.ok(Number.isNaN(back.payload.rows[0].metrics.a));
  assert.equal(back.payload.rows[0].metrics.b, Infinity);
  assert.equal(back.payload.rows[0].metrics.c, -Infinity);
  assert.equal(back.payload.rows[0].metrics.d, 0.5);
  assert.ok(Number.isNaN(back.payload.list[0]));
  // the sender's object is not changed
  assert.ok(Number.isNaN(msg.payload.rows[0].metrics.a));
});

test('toWire returns finite payloads as they are, and passes typed arrays through', () => {
  const plain = { a: [1, 2, { b: 'x' }], c: null };
  assert.equal(toWire(plain), plain);
  const ys = new Float64Array([1, NaN, 3]);
  const sent = toWire({ ys });
  assert.equal(sent.ys, ys);
  const got = fromWire(crossChannel(sent));
  assert.ok(got.ys instanceof Float64Array && Number.isNaN(got.ys[1]));
});

test('store keys and strings that look like the encoding arrive as they were', () => {
  const msg = {
    tags: { k: '{"$mlwbNonFinite":"NaN"}' },
    mine: { $mlwbNonFinite: 'NaN' },
    deeper: { $$mlwbNonFinite: 'Infinity', $mlwbx: { $mlwbNonFinite: '-Infinity' }, $other: 1 },
  };
  const back = fromWire(crossChannel(toWire(msg)));
  assert.deepEqual(back, msg);
});
