import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { freePort } from '../../../extension/core/store/localServer';
import { fixtureStore } from '../../support/fixture';
import { firstBody, SKELETON_BODY, tryItRequests } from '../../../extension/host/tryItRequests';
import { createPanelClient } from '../../../webviews/platform/panelClient';
import type { TryItContract, TryItState } from '../../../webviews/tryIt/contract';
import { TryItPage } from '../../../webviews/tryIt/page';
import { installDom, settle } from '../../support/dom';
import { TestPanelHost } from '../../support/webviewHost';

/**
 * The Try-it page in a DOM with the host's real request handlers. Predictions from a real scoring
 * server are checked in servingReal.test.ts and the code-server flow; here the page's own
 * behaviour: checks as typed, format conversion, Send's answer and errors as text, server state.
 */

installDom();

async function mount(url: string, state?: TryItState) {
  const root = document.createElement('main');
  document.body.replaceChildren(root);
  const channel = new window.EventTarget();
  const host = new TestPanelHost<TryItContract>(channel, tryItRequests(() => url), state);
  new TryItPage(root, createPanelClient<TryItContract>({ api: host.api, target: channel as unknown as Window }));
  host.push('init', { label: 'iris v2', modelUri: 'models:/iris/2', url, running: true, body: '{\n  "dataframe_split": {"columns": ["a", "b"], "data": [[1, "<b>x</b>"]]}\n}', exampleNote: 'Prefilled from serving_input_example.json.' });
  await host.idle();
  await settle();
  const q = <T extends Element>(sel: string) => root.querySelector<T>(sel)!;
  return { root, host, q };
}

function type(t: HTMLTextAreaElement, text: string): void {
  t.value = text;
  t.dispatchEvent(new Event('input', { bubbles: true }));
}

test('the body is checked as typed; Send is off until it is one of the four formats', async () => {
  const { q, host } = await mount('http://127.0.0.1:9');
  const body = q<HTMLTextAreaElement>('textarea.body');
  const send = q<HTMLButtonElement>('button.send');
  assert.equal(q<HTMLSelectElement>('select#format').value, 'dataframe_split');
  assert.equal(send.disabled, false);
  assert.match(q('p.example-note').textContent!, /serving_input_example\.json/);
  type(body, '{"dataframe_split": ');
  assert.match(q('.check').textContent!, /^Not valid JSON/);
  assert.equal(send.disabled, true);
  type(body, '{"inputs": [1], "instances": [1]}');
  assert.match(q('.check').textContent!, /exactly one of .* it has inputs and instances/);
  type(body, '{"instances": [{"a": 1}]}');
  assert.equal(q('.check').textContent, '');
  assert.equal(q<HTMLSelectElement>('select#format').value, 'instances', 'the format box follows the body');
  assert.equal(host.state?.body, '{"instances": [{"a": 1}]}', 'the body is kept for a reload');
});

test('switching the format converts the body; what cannot convert says why and stays', async () => {
  const { q } = await mount('http://127.0.0.1:9');
  const body = q<HTMLTextAreaElement>('textarea.body');
  const format = q<HTMLSelectElement>('select#format');
  format.value = 'dataframe_records';
  format.dispatchEvent(new Event('change'));
  assert.deepEqual(JSON.parse(body.value), { dataframe_records: [{ a: 1, b: '<b>x</b>' }] });
  type(body, '{"inputs": [[[1, 2]]]}');
  format.value = 'dataframe_records';
  format.dispatchEvent(new Event('change'));
  assert.match(q('.check').textContent!, /tensor, not a table/);
  assert.equal(format.value, 'inputs');
  assert.deepEqual(JSON.parse(body.value), { inputs: [[[1, 2]]] });
});

test('Send goes through the host; no server there is an error shown as text, naming the URL', async () => {
  const url = `http://127.0.0.1:${await freePort()}`;
  const { q, root, host } = await mount(url);
  q<HTMLButtonElement>('button.send').click();
  await host.idle();
  await settle();
  assert.deepEqual(host.requests('send').map((p) => JSON.parse(p.body)), [{ dataframe_split: { columns: ['a', 'b'], data: [[1, '<b>x</b>']] } }]);
  assert.equal(root.querySelector('h2')!.textContent, 'Error');
  assert.match(root.querySelector('pre.error')!.textContent!, new RegExp(`No answer from the model server at ${url}: .*ECONNREFUSED|connect`));
  assert.equal(root.querySelectorAll('b').length, 0, 'store text is never HTML');
});

test('when the server stops, the panel says so and Send is off', async () => {
  const { q, host } = await mount('http://127.0.0.1:9');
  host.push('server', { running: false, message: 'The model server stopped (exit code 1).' });
  await settle();
  assert.equal(q('p[role="status"]').textContent, 'The model server stopped (exit code 1).');
  assert.equal(q<HTMLButtonElement>('button.send').disabled, true);
});

test('without a version the first body is a skeleton, and the panel says why', async () => {
  assert.deepEqual(await firstBody(undefined, undefined), { body: SKELETON_BODY, exampleNote: "No input example: edit the body to match the model's input." });
});

test('a version of the real-mlflow fixture store: its MLmodel is read, and it has no example to offer', async () => {
  const store = new FileStoreReader(fixtureStore);
  const v = await store.getModelVersion('iris-model', '2');
  assert.deepEqual(await firstBody(store, v), { body: SKELETON_BODY, exampleNote: 'This model was logged without an input example or signature: edit the body to match its input.' });
});
