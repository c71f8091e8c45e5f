import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { FileStore } from '../../../extension/core/store/fileStoreWriter';
import type { Span, Trace } from '../../../extension/core/traces/entities';
import { spanColumns } from '../../../extension/host/mappers/trace';
import { loadedTrace, traceRequests, type LoadedTrace } from '../../../extension/host/traceRequests';
import { createPanelClient } from '../../../webviews/platform/panelClient';
import { packedAt, packedIndexOf, packStrings, type TraceContract } from '../../../webviews/trace/contract';
import { ROW_HEIGHT, TracePage } from '../../../webviews/trace/page';
import { bigTrace } from '../../support/bigTrace';
import { installDom, settle } from '../../support/dom';
import { makeTraceStore, pythonTrace, type PyTraces } from '../../support/traceStore';
import { TestPanelHost } from '../../support/webviewHost';

/**
 * The trace page in a DOM (happy-dom), fed by the host's mapper and request handlers on traces the
 * real mlflow wrote into a file store; feedback saved from the page is read back by mlflow. A
 * synthetic 30,000-span trace checks that only the rows in view exist.
 */

const dom = installDom();
const dir = mkdtempSync(join(tmpdir(), 'mlwb-trace-page-'));
const root = join(dir, 'mlruns');
const uri = pathToFileURL(root).href;
let py: PyTraces;
let store: FileStore;

before(() => {
  py = makeTraceStore(uri, dir, 1);
  store = new FileStore(root);
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dom.close();
});

async function mount(loaded: LoadedTrace) {
  const rootEl = document.createElement('main');
  document.body.replaceChildren(rootEl);
  const channel = new window.EventTarget();
  const host = new TestPanelHost<TraceContract>(channel, traceRequests(() => loaded, (f) => store.createFeedback(f), () => 'tester'));
  const client = createPanelClient<TraceContract>({ api: host.api, target: channel as unknown as Window });
  const page = new TracePage(rootEl, client);
  assert.equal(host.sent[0]?.kind, 'ready');
  host.push('trace', loaded.init);
  await host.idle();
  await settle();
  return { root: rootEl, host, page };
}

const click = (e: Element) => e.dispatchEvent(new MouseEvent('click', { bubbles: true }));
const rowNamed = (r: ParentNode, name: string) => [...r.querySelectorAll<HTMLElement>('.row:not([hidden])')].find((x) => x.querySelector('.span-name')?.textContent === name);

describe('trace page', () => {
  test('header, span tree with durations, assessments, linked prompt; untrusted HTML stays text', async () => {
    const trace = await store.getTrace(py.agent_id);
    const { root, host } = await mount(loadedTrace(trace, { writable: true }));
    assert.equal(root.querySelector('h1')?.textContent, 'agent');
    assert.match(root.querySelector('.facts')?.textContent ?? '', /15 total/);
    const names = [...root.querySelectorAll('.row:not([hidden]) .span-name')].map((e) => e.textContent);
    assert.deepEqual(names, ['agent', 'retrieve', 'tool', 'llm', 'format']);
    const depth = (n: string) => rowNamed(root, n)!.getAttribute('aria-level');
    assert.deepEqual(['agent', 'retrieve', 'llm', 'format'].map(depth), ['1', '2', '2', '3']);
    const chips = [...root.querySelectorAll('.trace-assessments .assessment')].map((e) => e.querySelector('.assessment-name')?.textContent);
    assert.deepEqual(chips.sort(), ['expected', 'relevance']);
    assert.ok(!rowNamed(root, 'llm')!.querySelector<HTMLElement>('.span-badge')!.hidden, 'the llm span carries an assessment badge');
    const prompt = root.querySelector<HTMLElement>('[data-prompt="qa-prompt"]')!;
    click(prompt);
    assert.deepEqual(host.events('openPrompt'), [{ name: 'qa-prompt', version: '2' }]);

    click(rowNamed(root, 'tool')!);
    await host.idle();
    await settle();
    const detail = root.querySelector('.detail')!;
    assert.equal(detail.querySelector('h2')?.textContent, 'tool');
    assert.deepEqual(
      [...detail.querySelectorAll('h3')].map((h) => h.textContent),
      ['Inputs', 'Outputs', 'Attributes'],
    );
    assert.ok(detail.textContent!.includes('"<img src=x onerror=alert(1)><b>bold</b>"'), 'the HTML output is shown as text');
    assert.equal(root.querySelectorAll('img, script, b').length, 0, 'no element made from store text');
    assert.deepEqual(host.requests('span').map((r) => r.index).length, 2, 'the root on load, then the click');
  });

  test('an ERROR trace: red row, error message and the exception event opened', async () => {
    const trace = await store.getTrace(py.failing_id);
    const { root } = await mount(loadedTrace(trace, { writable: true }));
    const row = rowNamed(root, 'failing')!;
    assert.ok(row.classList.contains('error'));
    const detail = root.querySelector('.detail')!;
    assert.match(detail.querySelector('.error-box')?.textContent ?? '', /ValueError: boom <script>/);
    assert.ok(detail.querySelector('.event.error'), 'the exception event is highlighted');
    assert.match(detail.textContent ?? '', /exception\.type/);
  });

  test('collapse and expand a span; folding JSON builds children when opened', async () => {
    const trace = await store.getTrace(py.agent_id);
    const { root, host } = await mount(loadedTrace(trace, { writable: true }));
    click(rowNamed(root, 'agent')!.querySelector('.twistie')!);
    assert.deepEqual([...root.querySelectorAll('.row:not([hidden]) .span-name')].map((e) => e.textContent), ['agent']);
    click(rowNamed(root, 'agent')!.querySelector('.twistie')!);
    assert.equal(root.querySelectorAll('.row:not([hidden])').length, 5);
    click(rowNamed(root, 'retrieve')!);
    await host.idle();
    await settle();
    const outputs = [...root.querySelectorAll('.json-section')].find((s) => s.querySelector('h3')?.textContent === 'Outputs')!;
    const twistie = outputs.querySelector<HTMLElement>('.json-twistie')!;
    assert.equal(outputs.querySelector('.json-children'), null, 'closed: no children built yet');
    click(twistie);
    assert.match(outputs.querySelector('.json-children')?.textContent ?? '', /score: 0.5/);
  });

  test('Add Feedback on a span: saved through the store, mlflow reads it back, the page shows it', async () => {
    const trace = await store.getTrace(py.agent_id);
    const { root, host } = await mount(loadedTrace(trace, { writable: true }));
    click(rowNamed(root, 'retrieve')!);
    await host.idle();
    click(root.querySelector('[data-action="add-feedback"]')!);
    const form = root.querySelector<HTMLFormElement>('.feedback-form')!;
    form.querySelector<HTMLInputElement>('input[name="name"]')!.value = 'retrieval_ok';
    const choice = form.querySelector<HTMLSelectElement>('select[name="choice"]')!;
    choice.value = 'false';
    form.querySelector<HTMLTextAreaElement>('textarea[name="rationale"]')!.value = 'missed <the> doc';
    const target = form.querySelector<HTMLSelectElement>('select[name="target"]')!;
    const spanId = py.spans[py.agent_id].find((s) => s.name === 'retrieve')!.span_id;
    target.value = spanId;
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await host.idle();
    await settle();
    assert.equal(root.querySelector('.feedback-form'), null, 'the form closes once saved');
    const theirs = pythonTrace(uri, py.agent_id, dir);
    const found = (theirs.assessments as Record<string, unknown>[]).find((a) => a.assessment_name === 'retrieval_ok');
    assert.ok(found, 'mlflow reads the new feedback');
    assert.deepEqual(found.feedback, { value: false });
    assert.equal(found.span_id, spanId);
    assert.equal(found.rationale, 'missed <the> doc');
    assert.deepEqual(found.source, { source_type: 'HUMAN', source_id: 'tester' });
    assert.ok(!rowNamed(root, 'retrieve')!.querySelector<HTMLElement>('.span-badge')!.hidden, 'the span now shows a badge');
    assert.ok([...root.querySelectorAll('.detail .assessment-name')].some((e) => e.textContent === 'retrieval_ok'));
  });

  test('a store that cannot take feedback says why instead of showing the form', async () => {
    const trace = await store.getTrace(py.failing_id);
    const { root } = await mount(loadedTrace(trace, { writable: false, note: 'Trust this folder to write.' }));
    click(root.querySelector('[data-action="add-feedback"]')!);
    assert.match(root.querySelector('.feedback-form')?.textContent ?? '', /Trust this folder/);
    assert.equal(root.querySelector('.feedback-form input'), null);
  });

  test('30,000 spans: only the rows in view exist; scrolling reuses them; errors highlighted', async () => {
    const { root, page } = await mount(loadedTrace(bigTrace(30_000), { writable: false, note: 'n/a' }));
    assert.equal(page.visibleRowCount, 30_000);
    const rendered = root.querySelectorAll('.row').length;
    assert.ok(rendered > 10 && rendered < 60, `${rendered} row elements for 30,000 spans`);
    const spacer = root.querySelector<HTMLElement>('.spacer')!;
    assert.equal(spacer.style.height, `${30_000 * ROW_HEIGHT}px`);
    const scroller = root.querySelector<HTMLElement>('.rows')!;
    scroller.scrollTop = 20_000 * ROW_HEIGHT;
    page.renderRows();
    const mid = root.querySelectorAll('.row').length;
    assert.ok(mid < 60, `${mid} row elements in the middle (the overscan above joins)`);
    scroller.scrollTop = 25_000 * ROW_HEIGHT;
    page.renderRows();
    assert.equal(root.querySelectorAll('.row').length, mid, 'the same elements, reused');
    scroller.scrollTop = 20_000 * ROW_HEIGHT;
    page.renderRows();
    const shown = [...root.querySelectorAll('.row:not([hidden]) .span-name')].map((e) => e.textContent);
    assert.ok(shown.some((n) => /call 200\d\d/.test(n ?? '')), `rows near span 20,000 shown: ${shown.slice(0, 3).join(', ')}`);
    const fails = [...root.querySelectorAll<HTMLElement>('.row:not([hidden])')].filter((r) => Number(r.dataset.index) % 97 === 0 && r.dataset.index !== '0');
    for (const r of fails) assert.ok(r.classList.contains('error'));
  });
});

test('span names and ids travel as one packed string each and unpack exactly', () => {
  const values = ['agent', '', 'café 日本 🙂', 'a"b\\c\n', '', 'x'];
  const packed = packStrings(values);
  assert.equal(packed.ends.length, values.length);
  assert.deepEqual(values.map((_, i) => packedAt(packed, i)), values);
  assert.equal(packedIndexOf(packed, 'café 日本 🙂'), 2);
  assert.equal(packedIndexOf(packed, ''), 1, 'the first empty string');
  assert.equal(packedIndexOf(packed, 'agen'), -1, 'a prefix is not a value');
  assert.equal(packedIndexOf(packed, 'tcafé'), -1, 'nor text across two values');
  assert.deepEqual(JSON.parse(JSON.stringify(packed.text)), packed.text);
});

test('span offsets and durations are exact whether or not the times share their leading digits', () => {
  const span = (id: string, start: string, end?: string): Span => ({ spanId: id, parentId: null, name: id, startTimeNs: start, ...(end ? { endTimeNs: end } : {}), statusCode: 'OK', statusMessage: '', attributes: {}, events: [] });
  const info = { traceId: 't', experimentId: '1', requestTime: 0, state: 'OK' as const, metadata: {}, tags: {}, assessments: [] };
  const exact = (t: Trace) => {
    const t0 = t.spans.map((s) => BigInt(s.startTimeNs)).reduce((a, b) => (b < a ? b : a));
    return [...t.spans]
      .sort((a, b) => (BigInt(a.startTimeNs) < BigInt(b.startTimeNs) ? -1 : 1))
      .map((s) => [Number(BigInt(s.startTimeNs) - t0) / 1000, s.endTimeNs ? Number(BigInt(s.endTimeNs) - BigInt(s.startTimeNs)) / 1000 : -1]);
  };
  const cases: Trace[] = [
    // shared leading digits: the fast path (ns beyond a double's exact range, odd last digits)
    { info, spans: [span('b', '1795971482682562313', '1795971482682563999'), span('a', '1795971482468403177', '1795971623468088635'), span('c', '1795971482682562314')] },
    // an end past the next 10^15 boundary, and starts on both sides of one: BigInt
    { info, spans: [span('a', '1795999999999999999', '1796000000000000001'), span('b', '1796000000000000003', '1796000000000000004')] },
    // starts of different lengths, and short times
    { info, spans: [span('a', '999999999999999999', '1000000000000000001'), span('b', '1000000000000000000', '1000000000000000007')] },
    { info, spans: [span('a', '5', '9'), span('b', '7', '8')] },
  ];
  for (const t of cases) {
    const { columns } = spanColumns(t);
    assert.deepEqual([...columns.startUs].map((s, i) => [s, columns.durationUs[i]]), exact(t));
  }
});
