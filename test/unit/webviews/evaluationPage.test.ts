import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { tableFromTraces } from '../../../extension/core/evaluations/evalTable';
import type { TraceInfo } from '../../../extension/core/traces/entities';
import type { EvaluationContract } from '../../../webviews/evaluation/contract';
import { installDom } from '../../support/dom';
import { TestPanelHost } from '../../support/webviewHost';

/** The evaluation page in a DOM (happy-dom): sorting by scorer columns, filtering, payloads as text. */

const dom = installDom();
import { createPanelClient } from '../../../webviews/platform/panelClient';
import { EvaluationPage, type EvaluationTestHook } from '../../../webviews/evaluation/evalPage';

after(() => dom.close());

function trace(id: string, request: string, response: string, exact: boolean | null, length: number, errored = false): TraceInfo {
  const a = (name: string, value: unknown, t = 1) => ({ assessmentId: `a-${id}-${name}`, name, traceId: id, source: { sourceType: 'CODE', sourceId: name }, kind: 'feedback' as const, value, createTime: t });
  return {
    traceId: id,
    experimentId: '1',
    requestTime: 0,
    executionDurationMs: 5,
    state: 'OK',
    requestPreview: request,
    responsePreview: response,
    metadata: {},
    tags: {},
    assessments: [
      ...(exact === null ? [] : [a('exact_match', exact)]),
      errored ? { ...a('length', null), error: { errorMessage: 'scorer raised' } } : a('length', length),
      { ...a('expected_response', 'X'), kind: 'expectation' as const, source: { sourceType: 'HUMAN', sourceId: 'me' } },
    ],
  };
}

test('rows sort by a scorer column (missing last), filter by text, and keep markup as text', async () => {
  const table = tableFromTraces(
    [
      trace('tr-1', '{"q": "hi"}', '"HI"', true, 2),
      trace('tr-2', '{"q": "<img src=x onerror=window.__pwned=1>"}', '"<script>window.__pwned=2</script>"', false, 40),
      trace('tr-3', '{"q": "third"}', '"THIRD"', null, 7, true),
    ],
    false,
  );
  const root = document.createElement('main');
  document.body.replaceChildren(root);
  const channel = new window.EventTarget();
  const host = new TestPanelHost<EvaluationContract>(channel, {});
  new EvaluationPage(root, createPanelClient<EvaluationContract>({ api: host.api, target: channel as unknown as Window }));
  host.push('init', { runId: 'r1', runName: 'eval-run', metrics: [{ key: 'exact_match/mean', value: 0.5 }], table });
  await host.idle();
  const hook = (window as unknown as { __mlwbEvaluation: EvaluationTestHook }).__mlwbEvaluation;
  assert.ok(hook.ready);
  assert.equal(root.querySelectorAll('img, script').length, 0);
  assert.equal((window as unknown as { __pwned?: unknown }).__pwned, undefined);
  const cols = hook.columns();
  assert.deepEqual(cols.slice(0, 5), ['request', 'response', 'expectation:expected_response', 'feedback:exact_match', 'feedback:length']);
  const th = (key: string) => root.querySelector<HTMLElement>(`thead th[data-key="${key}"]`)!;
  const idCol = cols.indexOf('trace');
  th('feedback:length').click();
  // tr-3's length errored: no value, so it sorts last; its error is the cell's tooltip.
  assert.deepEqual(hook.rows().map((r) => r[idCol]), ['tr-1', 'tr-2', 'tr-3']);
  th('feedback:length').click();
  assert.deepEqual(hook.rows().map((r) => r[idCol]), ['tr-2', 'tr-1', 'tr-3']);
  const errCell = [...root.querySelectorAll('tbody tr')][2].querySelectorAll('td')[cols.indexOf('feedback:length')] as HTMLElement;
  assert.equal(errCell.title, 'error: scorer raised');
  th('feedback:exact_match').click();
  assert.deepEqual(hook.rows().map((r) => r[cols.indexOf('feedback:exact_match')]), ['false', 'true', '']);
  assert.match(hook.rows()[0][1], /<script>window.__pwned=2<\/script>/);
  const search = root.querySelector('input.search') as HTMLInputElement;
  search.value = 'third';
  search.dispatchEvent(new window.Event('input'));
  assert.deepEqual(hook.rows().map((r) => r[idCol]), ['tr-3']);
  assert.match(root.textContent ?? '', /exact_match\/mean/);
});
