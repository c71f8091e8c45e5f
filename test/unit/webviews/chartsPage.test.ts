import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openStore, type ReadableStore } from '../../../extension/core/store/openStore';
import { chartsInit, chartSeries } from '../../../extension/host/chartsRequests';
import type { ChartsContract, ChartsInit, ChartsState } from '../../../webviews/charts/contract';
import { makeChartStore, type ChartStore } from '../../support/chartStore';
import { installDom } from '../../support/dom';
import { TestPanelHost } from '../../support/webviewHost';

/**
 * The chart page in a DOM (happy-dom), fed by the host's own answers on a store mlflow wrote with
 * HTML and script payloads in a run name, a tag and a param: every one of them must end up as
 * text, nothing may run, and no element may come from store data.
 */

const dom = installDom();
import { createPanelClient } from '../../../webviews/platform/panelClient';
import { ChartsPage } from '../../../webviews/charts/chartsPage';

let store: ChartStore;
let reader: ReadableStore;
before(async () => {
  store = makeChartStore('file');
  reader = await openStore(store.uri);
});
after(async () => {
  await reader?.close?.();
  store?.remove();
  await dom.close();
});

async function mount(init: ChartsInit, state?: ChartsState) {
  const root = document.createElement('main');
  document.body.replaceChildren(root);
  const channel = new window.EventTarget();
  const host = new TestPanelHost<ChartsContract>(channel, { series: (p) => chartSeries(reader, p, 200), saveFile: async () => ({ saved: false }) }, state);
  const client = createPanelClient<ChartsContract>({ api: host.api, target: channel as unknown as Window });
  const page = new ChartsPage(root, client);
  assert.equal(host.sent[0]?.kind, 'ready');
  host.push('init', init);
  await host.idle();
  return { page, host, root };
}

test('payloads in run names, tags and params are text; nothing runs; no element comes from store data', async () => {
  const init = await chartsInit(reader, [store.runs.evil, store.runs.spiky], 200);
  const { root, host, page } = await mount(init);
  const win = window as unknown as { __pwned?: unknown };
  assert.equal(win.__pwned, undefined);
  assert.equal(root.querySelectorAll('img, script, iframe, object, embed').length, 0);
  const names = [...root.querySelectorAll('.run-name')].map((e) => e.textContent);
  assert.equal(names[0], init.runs[0].runName, 'the full name, as text');
  assert.match(names[0]!, /^<img src=x onerror="window.__pwned=1"><script>/);
  // Group-by choices list the payload tag key; the picker lists metric keys as text.
  const options = [...root.querySelectorAll('vscode-single-select[data-test="group-by"] vscode-option')].map((o) => o.textContent);
  assert.ok(options.includes('tags.note') && options.includes('params.html'));
  (root.querySelector('vscode-button[data-test="metrics-button"]') as HTMLElement).click();
  const keys = [...root.querySelectorAll('.picker-row span')].map((e) => e.textContent);
  assert.deepEqual(keys, init.metricKeys);
  // Card titles are the chosen metric keys as text; the follow event names them.
  assert.deepEqual([...root.querySelectorAll('.card-title')].map((e) => e.textContent), init.metricKeys.slice(0, 6));
  assert.deepEqual(host.events('follow').at(-1), { keys: init.metricKeys.slice(0, 6) });
  // The plotted-data CSV defuses the payload name for spreadsheets only when it starts like a formula; here it is quoted text.
  void page;
  assert.equal(win.__pwned, undefined);
});

test('the panel state survives a reload: metrics and options come back from setState', async () => {
  const init = await chartsInit(reader, [store.runs.spiky, store.runs.ties], 200);
  const { host } = await mount(init, {
    runIds: [store.runs.spiky, store.runs.ties],
    metrics: ['loss'],
    xAxis: 'relative',
    logY: true,
    ignoreOutliers: false,
    smoothing: 0.6,
    hiddenRuns: [store.runs.ties],
    yRanges: { loss: { max: 3 } },
  });
  const s = host.state!;
  assert.deepEqual(s.metrics, ['loss']);
  assert.equal(s.xAxis, 'relative');
  assert.equal(s.smoothing, 0.6);
  assert.deepEqual(s.hiddenRuns, [store.runs.ties]);
  const legend = [...document.querySelectorAll<HTMLInputElement>('.legend-item input')].map((b) => [b.dataset.runId, b.checked]);
  assert.deepEqual(legend, [
    [store.runs.spiky, true],
    [store.runs.ties, false],
  ]);
  assert.equal((document.querySelector('input[data-test="smoothing"]') as HTMLInputElement).value, '0.6');
});

test('no runs: a message says how to open charts, not an empty page', async () => {
  await mount({ runs: [], metricKeys: [], maxPoints: 200, serverSampled: false, error: '1 run not found in this store: abc' });
  const text = document.querySelector('.banner')!.textContent!;
  assert.match(text, /1 run not found/);
  assert.match(text, /No runs selected/);
});
