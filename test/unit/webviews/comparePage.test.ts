import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openStore, type ReadableStore } from '../../../extension/core/store/openStore';
import { compareInit } from '../../../extension/host/compareRequests';
import type { CompareContract } from '../../../webviews/compare/contract';
import { makeChartStore, type ChartStore } from '../../support/chartStore';
import { installDom } from '../../support/dom';
import { TestPanelHost } from '../../support/webviewHost';

/** The comparison page in a DOM (happy-dom), fed by the host's answer on a store mlflow wrote. */

const dom = installDom();
import { createPanelClient } from '../../../webviews/platform/panelClient';
import { ComparePage, type CompareTestHook } from '../../../webviews/compare/comparePage';

let store: ChartStore;
let reader: ReadableStore;
before(async () => {
  store = makeChartStore('file');
  reader = await openStore(store.uri);
  // chart.js cannot draw without a canvas context in happy-dom; it says so and carries on.
  console.error = () => undefined;
});
after(async () => {
  await reader?.close?.();
  store?.remove();
  await dom.close();
});

async function mount(runIds: string[]) {
  const root = document.createElement('main');
  document.body.replaceChildren(root);
  const channel = new window.EventTarget();
  const host = new TestPanelHost<CompareContract>(channel, {});
  new ComparePage(root, createPanelClient<CompareContract>({ api: host.api, target: channel as unknown as Window }));
  host.push('init', await compareInit(reader, runIds));
  await host.idle();
  return { root, host, hook: (window as unknown as { __mlwbCompare: CompareTestHook }).__mlwbCompare };
}

test('table of latest metrics, params and tags; payloads are text; nothing runs', async () => {
  const { root, hook } = await mount([store.runs.spiky, store.runs.ties, store.runs.evil]);
  assert.equal(root.querySelectorAll('img, script, iframe').length, 0);
  assert.equal((window as unknown as { __pwned?: unknown }).__pwned, undefined);
  const t = hook.table();
  assert.deepEqual(t.columns, [store.runs.spiky, store.runs.ties, store.runs.evil]);
  assert.ok(t.rows.includes('loss') && t.rows.includes('lr') && t.rows.includes('note'));
  const names = [...root.querySelectorAll('thead th.run button')].map((b) => b.textContent);
  assert.match(names[2]!, /^<img src=x onerror=/);
  const noteRow = [...root.querySelectorAll('tbody tr')].find((r) => r.querySelector('th')?.textContent === 'note')!;
  assert.match(noteRow.querySelectorAll('td')[2].textContent!, /<script>window.__pwned=2<\/script>/);
  // Latest loss: spiky's last step (1999) and ties' greatest (step, timestamp, value).
  const lossRow = [...root.querySelectorAll('tbody tr')].find((r) => r.querySelector('th')?.textContent === 'loss')!;
  assert.equal(lossRow.querySelectorAll('td')[1].textContent, String(0.5));
});

test('only differences hides rows equal in every run; ordering by a row reorders the runs', async () => {
  const { root, hook } = await mount([store.runs.spiky, store.runs.ties, store.runs.short]);
  // spiky and short share the tag group=a; ties has b.
  const groupRow = () => [...root.querySelectorAll('tbody tr')].find((r) => r.querySelector('th')?.textContent === 'group');
  assert.ok(groupRow());
  const all = hook.table().rows.length;
  (root.querySelector('vscode-checkbox[data-test="only-differences"]') as HTMLElement & { checked: boolean }).checked = true;
  root.querySelector('vscode-checkbox[data-test="only-differences"]')!.dispatchEvent(new Event('change'));
  assert.equal(hook.table().rows.length, all, 'every row differs somewhere among these three');
  const lossKey = [...root.querySelectorAll<HTMLButtonElement>('tbody th button')].find((b) => b.textContent === 'loss')!;
  lossKey.click();
  // ascending latest loss: ties 0.5 (step 5), short 0.42, spiky ~0.047
  assert.deepEqual(hook.table().columns, [store.runs.spiky, store.runs.short, store.runs.ties]);
  [...root.querySelectorAll<HTMLButtonElement>('tbody th button')].find((b) => b.textContent === 'loss')!.click();
  assert.deepEqual(hook.table().columns, [store.runs.ties, store.runs.short, store.runs.spiky]);
  const two = await mount([store.runs.spiky, store.runs.short]);
  const box = two.root.querySelector('vscode-checkbox[data-test="only-differences"]') as HTMLElement & { checked: boolean };
  box.checked = true;
  box.dispatchEvent(new Event('change'));
  assert.ok(!two.hook.table().rows.includes('group'), 'group=a in both runs is not a difference');
  assert.ok(two.hook.table().rows.includes('loss'));
});

test('parallel coordinates scale each axis to [0, 1]; scatter pairs two numbers per run', async () => {
  const { hook } = await mount([store.runs.spiky, store.runs.ties]);
  const p = hook.parallel();
  assert.ok(p.axes.includes('params.lr') && p.axes.includes('metrics.loss'), JSON.stringify(p.axes));
  const lr = p.axes.indexOf('params.lr');
  assert.deepEqual(p.lines.map((l) => l.values[lr]), [1, 0]); // 0.1 and 0.01
  const s = hook.scatter();
  assert.equal(s.x, 'params.lr');
  assert.equal(s.y, 'metrics.acc');
  // ties logged no acc: only spiky has numbers on both axes, and a note says so.
  assert.deepEqual(s.points.map((p) => p.runId), [store.runs.spiky]);
  assert.match(document.querySelector('.charts')!.textContent!, /1 run\(s\) without a number on both axes/);
});
