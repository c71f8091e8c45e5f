import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { StoreError } from '../../../extension/core/store/errors';
import type { Span } from '../../../extension/core/traces/entities';
import { readSpansArtifact } from '../../../extension/core/traces/fileTraces';
import { spansFromDocument, spanTypeOf } from '../../../extension/core/traces/spanJson';
import { skeletonSpans } from '../../../extension/core/traces/spanSkeleton';
import { makeTraceStore } from '../../support/traceStore';

/**
 * The skeleton scan of traces.json (spanSkeleton.ts) against the ordinary full parse
 * (spansFromDocument): on files the real mlflow wrote, and on hand-made documents with what the
 * scan must get right (escapes, unicode, ids, exact times, key order, whitespace) or hand back.
 */

const dir = mkdtempSync(join(tmpdir(), 'mlwb-skeleton-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const plain = (s: Span) => ({
  spanId: s.spanId,
  parentId: s.parentId,
  name: s.name,
  startTimeNs: s.startTimeNs,
  endTimeNs: s.endTimeNs,
  statusCode: s.statusCode,
  statusMessage: s.statusMessage,
  type: spanTypeOf(s),
  attributes: s.attributes,
  events: s.events,
});

function sameAsFullParse(text: string): Span[] {
  const skeleton = skeletonSpans(Buffer.from(text, 'utf8'), 'doc');
  assert.ok(skeleton, 'the scan reads this document');
  const full = spansFromDocument(text, 'doc');
  assert.deepEqual(skeleton.map(plain), full.map(plain));
  // JSON (the CLI, structured clone) carries the same data as the full parse's spans.
  assert.deepEqual(JSON.parse(JSON.stringify(skeleton)), JSON.parse(JSON.stringify(full)));
  return skeleton;
}

function files(root: string, name: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(root)) {
    const p = join(root, e);
    if (statSync(p).isDirectory()) out.push(...files(p, name));
    else if (e === name) out.push(p);
  }
  return out;
}

const span = (over: Record<string, unknown> = {}) => ({
  trace_id: 'kJ7tbG7D0ITvN+mS6mNyRQ==',
  span_id: 'PglO4jdOFvE=',
  parent_span_id: null,
  name: 'agent',
  start_time_unix_nano: '@@1795971482468403176@@',
  end_time_unix_nano: '@@1795971623468088634@@',
  events: [],
  status: { code: 'STATUS_CODE_OK', message: '' },
  attributes: { 'mlflow.spanType': '"AGENT"', 'mlflow.spanInputs': '{"question": "plan a trip"}', 'mlflow.spanOutputs': '"done"' },
  links: [],
  ...over,
});
/** JSON with the @@digits@@ markers as bare integers (beyond a double, as MLflow writes them). */
const doc = (spans: unknown[], space?: number, extra: Record<string, unknown> = {}) => JSON.stringify({ ...extra, spans }, null, space).replace(/"@@(-?\d+)@@"/g, '$1');

describe('traces.json skeleton scan', () => {
  test('every traces.json the real mlflow wrote reads the same as the full parse', () => {
    const root = join(dir, 'mlruns');
    makeTraceStore(pathToFileURL(root).href, dir, 1);
    const found = files(root, 'traces.json');
    assert.ok(found.length >= 3, `mlflow wrote traces.json files (${found.length})`);
    let spans = 0;
    for (const f of found) spans += sameAsFullParse(readFileSync(f, 'utf8')).length;
    assert.ok(spans >= 7, 'nested spans, an error span with its exception event');
  });

  test('names with escapes and unicode, hex and base64 ids, exact times, other key orders and spacing', () => {
    const spans = [
      span(),
      span({ span_id: 'ooBsHYyXvmI=', parent_span_id: 'PglO4jdOFvE=', name: 'quote " back \\ tab \t nl \n é 日本 🙂 \u0001', start_time_unix_nano: '@@1795971482682562312@@', end_time_unix_nano: '@@1795971482682562313@@' }),
      // hex ids pass through; times as strings with leading zeros; no end; numeric status code
      { name: 'hex', span_id: '00f067aa0ba902b7', parent_span_id: '3d0f1e2a4b5c6d7e', start_time_unix_nano: '0001795971482682562399', end_time_unix_nano: null, status: { code: 2, message: 'bad <b>' }, attributes: {} },
      // attribute values with braces, brackets and escaped quotes; a span type in an odd spot
      span({ span_id: 'AAAAAAAAAAE=', attributes: { 'a{': '"}]\\\\"', 'mlflow.spanInputs': '{"x": "}{][\\"", "y": [1, {"z": null}]}', 'mlflow.spanType': '"TOOL"' }, events: [{ name: 'exception', time_unix_nano: '@@1795971482682562400@@', attributes: { 'exception.message': 'boom <script>' } }] }),
      // no span type; end 0 (MLflow's "never ended"); status without message
      span({ span_id: 'AAAAAAAAAAI=', attributes: { other: '1' }, end_time_unix_nano: 0, status: { code: 'STATUS_CODE_ERROR' } }),
      // a span type that is not a string, attributes empty
      span({ span_id: 'AAAAAAAAAAM=', attributes: { 'mlflow.spanType': '7' } }),
      span({ span_id: 'AAAAAAAAAAQ=', attributes: {}, name: '' }),
      // not what MLflow writes, but read alike: a bare nanosecond number and a nested object among the attributes
      span({ span_id: 'AAAAAAAAAAU=', attributes: { 'x.time_unix_nano': '@@1795971482682562401@@', obj: { a: [1, '}'] } } }),
      // no attributes at all
      { span_id: 'AAAAAAAAAAY=', name: 'bare', start_time_unix_nano: '@@1795971482682562402@@' },
    ];
    for (const space of [undefined, 1, 4]) {
      const read = sameAsFullParse(doc(spans, space, { request: '{"a": 1}', other: [1, { b: '}' }] }));
      assert.equal(read[0].startTimeNs, '1795971482468403176', 'digits kept exactly');
      assert.equal(read[1].name, 'quote " back \\ tab \t nl \n é 日本 🙂 \u0001');
      assert.equal(read[2].spanId, '00f067aa0ba902b7');
      assert.equal(read[2].startTimeNs, '1795971482682562399');
      assert.equal(spanTypeOf(read[3]), 'TOOL');
      assert.equal(spanTypeOf(read[4]), 'UNKNOWN');
      assert.equal(read[4].endTimeNs, undefined);
    }
    assert.deepEqual(sameAsFullParse('{"spans": []}'), []);
    assert.deepEqual(sameAsFullParse(' \n{ "spans" : [ ] } \n'), []);
  });

  test('the scan hands back what it does not read, and the full parse decides', () => {
    const otel = doc([span({ attributes: [{ key: 'mlflow.spanType', value: { string_value: '"LLM"' } }] })]);
    assert.equal(skeletonSpans(Buffer.from(otel), 'doc'), undefined, 'OTel attribute lists');
    assert.equal(skeletonSpans(Buffer.from(doc([span()]).replace('1795971482468403176', '1.795971482468403e18')), 'doc'), undefined, 'a time in exponent form');
    assert.equal(skeletonSpans(Buffer.from(doc([span({ span_id: 42 })])), 'doc'), undefined, 'a numeric id');
    assert.equal(skeletonSpans(Buffer.from('{"spans": [{"span_id": "AA=="'), 'doc'), undefined, 'cut short');
    assert.equal(skeletonSpans(Buffer.from('{"spans": [] } x'), 'doc'), undefined, 'trailing bytes');
    assert.equal(skeletonSpans(Buffer.from('{"sp\\u0061ns": []}'), 'doc'), undefined, 'an escaped key');
    assert.equal(skeletonSpans(Buffer.from('{"other": 1}'), 'doc'), undefined, 'no spans');
    // A span without an id fails as the full parse fails.
    const noId = doc([span({ span_id: null })]);
    assert.throws(() => skeletonSpans(Buffer.from(noId), 'doc'), (e) => e instanceof StoreError && /lacks span_id/.test(e.message));
    assert.throws(() => spansFromDocument(noId, 'doc'), /lacks span_id/);
  });

  test('readSpansArtifact: the scan for MLflow files, the full parse for the rest, a clear error for broken ones', async () => {
    const art = join(dir, 'art');
    mkdirSync(art, { recursive: true });
    const write = (text: string) => writeFileSync(join(art, 'traces.json'), text);
    write(doc([span(), span({ span_id: 'ooBsHYyXvmI=', parent_span_id: 'PglO4jdOFvE=', name: 'child' })]));
    const spans = await readSpansArtifact(art, 'tr-1');
    assert.deepEqual(spans.map((s) => [s.name, s.parentId]), [['agent', null], ['child', '3e094ee2374e16f1']]);
    assert.deepEqual(spans[0].attributes, { 'mlflow.spanType': 'AGENT', 'mlflow.spanInputs': { question: 'plan a trip' }, 'mlflow.spanOutputs': 'done' });
    write(doc([span({ attributes: [{ key: 'mlflow.spanType', value: { string_value: 'LLM' } }] })]));
    assert.equal(spanTypeOf((await readSpansArtifact(art, 'tr-1'))[0]), 'LLM', 'OTel form through the full parse');
    write('{"spans": [{"span_id": "AA==", ');
    await assert.rejects(readSpansArtifact(art, 'tr-1'), (e) => e instanceof StoreError && e.code === 'CORRUPT_DATA' && e.message.includes(join(art, 'traces.json')) && /not valid JSON/.test(e.message));
  });
});
