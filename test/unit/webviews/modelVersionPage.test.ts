import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, test } from 'node:test';
import { FileStore } from '../../../extension/core/store/fileStoreWriter';
import { StoreError } from '../../../extension/core/store/errors';
import { loadModelVersionView, modelVersionRequests } from '../../../extension/host/modelVersionRequests';
import type { RequestHandlers } from '../../../webviews/platform/envelope';
import { createPanelClient } from '../../../webviews/platform/panelClient';
import type { ModelVersionContract, ModelVersionView } from '../../../webviews/modelVersion/contract';
import { ModelVersionPage } from '../../../webviews/modelVersion/page';
import { installDom, settle } from '../../support/dom';
import { copyFixtureStore, loadExpected } from '../../support/fixture';
import { TestPanelHost } from '../../support/webviewHost';

/**
 * The model version page in a DOM (happy-dom), fed by the host's own loader and request handlers
 * on a copy of the store real mlflow wrote (iris-model, registered from a logged model).
 */

const dom = installDom();
const expected = loadExpected();
const root = copyFixtureStore();
const store = new FileStore(root);
const handlers = () => modelVersionRequests(async () => store);

async function mount(view: ModelVersionView, h: Partial<RequestHandlers<ModelVersionContract>> = handlers()) {
  const el = document.createElement('main');
  document.body.replaceChildren(el);
  const channel = new window.EventTarget();
  const host = new TestPanelHost<ModelVersionContract>(channel, h);
  new ModelVersionPage(el, createPanelClient<ModelVersionContract>({ api: host.api, target: channel as unknown as Window }));
  host.push('version', view);
  await host.idle();
  await settle();
  return { el, host };
}

const click = (e: Element) => e.dispatchEvent(new MouseEvent('click', { bubbles: true }));
const texts = (r: ParentNode, sel: string) => [...r.querySelectorAll(sel)].map((e) => e.textContent ?? '');

before(async () => {
  await import('@vscode-elements/elements/dist/vscode-badge/index.js');
  await import('@vscode-elements/elements/dist/vscode-button/index.js');
  await settle();
});
after(async () => {
  await dom.close();
  rmSync(dirname(root), { recursive: true, force: true });
});

test('lineage, URIs, stage and aliases of a version registered from a logged model', async () => {
  const view = await loadModelVersionView(store, 'iris-model', '2');
  const { el, host } = await mount(view);
  assert.match(el.querySelector('h1')!.textContent!, /iris-model · version 2/);
  assert.deepEqual(texts(el, '.uri'), ['models:/iris-model/2', 'models:/iris-model@champion']);
  assert.deepEqual(texts(el, '.alias'), ['@champion']);
  assert.ok(texts(el, 'dd').includes('Production'));
  click(el.querySelectorAll('[data-action="copy-uri"]')[1]);
  assert.deepEqual(host.events('copy'), [{ text: 'models:/iris-model@champion' }]);
  // The source run, linked, with its key metrics; the logged model it came from.
  const link = el.querySelector('.run-link')!;
  assert.equal(link.textContent, 'tune-hyperparams');
  click(link);
  assert.deepEqual(host.events('openRun'), [{ runId: expected.parent_run_id }]);
  assert.ok(texts(el, '.run-metrics td').includes('best_loss'));
  assert.match(el.querySelector('.logged-model')!.textContent!, /models:\/m-[0-9a-f]{32} · model · READY/);
  // Flavors and signature from its MLmodel, read through the store.
  assert.match(el.querySelector('.flavors')!.textContent!, /python_function/);
  assert.match(el.querySelector('.mlmodel')!.textContent!, /No signature/);
  assert.deepEqual(texts(el, '.tag-table tbody td').slice(0, 2), ['validated', 'true']);
  click(el.querySelector('[data-action="delete-version"]')!);
  assert.deepEqual(host.events('command'), [{ name: 'deleteVersion' }]);
});

test('description: edited, saved to the store, shown as text; a failed save keeps the text and says why', async () => {
  const view = await loadModelVersionView(store, 'iris-model', '3');
  const { el, host } = await mount(view);
  click(el.querySelector('[data-action="edit-description"]')!);
  const area = el.querySelector('textarea')!;
  area.value = 'Trained on **iris** <img src=x onerror=alert(1)>';
  click(el.querySelector('[data-action="save-description"]')!);
  await host.idle();
  await settle();
  assert.equal(el.querySelector('pre.note')!.textContent, 'Trained on **iris** <img src=x onerror=alert(1)>');
  assert.equal(el.querySelector('img'), null, 'store text is never parsed as HTML');
  assert.equal((await store.getModelVersion('iris-model', '3')).description, 'Trained on **iris** <img src=x onerror=alert(1)>');

  const failing = await mount(view, {
    ...handlers(),
    setDescription: async () => {
      throw new StoreError('PERMISSION_DENIED', 'Permission denied for model iris-model');
    },
  });
  click(failing.el.querySelector('[data-action="edit-description"]')!);
  failing.el.querySelector('textarea')!.value = 'unsaved words';
  click(failing.el.querySelector('[data-action="save-description"]')!);
  await failing.host.idle();
  await settle();
  assert.equal(failing.el.querySelector('textarea')!.value, 'unsaved words');
  assert.match(failing.el.querySelector('.status.error')!.textContent!, /Not saved: Permission denied for model iris-model/);
});

test('tags: set and deleted through the store', async () => {
  const view = await loadModelVersionView(store, 'iris-model', '1');
  const { el, host } = await mount(view);
  (el.querySelector('.tag-key') as HTMLInputElement).value = 'reviewed-by';
  (el.querySelector('.tag-value') as HTMLInputElement).value = 'ana';
  click(el.querySelector('[data-action="set-tag"]')!);
  await host.idle();
  await settle();
  assert.deepEqual(texts(el, '.tag-table tbody td').slice(0, 2), ['reviewed-by', 'ana']);
  assert.deepEqual((await store.getModelVersion('iris-model', '1')).tags, { 'reviewed-by': 'ana' });
  click(el.querySelector('[data-action="delete-tag"]')!);
  await host.idle();
  await settle();
  assert.deepEqual((await store.getModelVersion('iris-model', '1')).tags, {});
  assert.equal(el.querySelectorAll('.tag-table tbody tr').length, 0);
  click(el.querySelector('[data-action="set-tag"]')!);
  assert.match(el.querySelector('.status.error')!.textContent!, /A tag needs a key/);
});

test('an MLmodel that cannot be read is said on the page, the rest still shows', async () => {
  const view = await loadModelVersionView(store, 'forecaster', '1');
  const { el } = await mount({ ...view, mlmodel: { problem: 'artifact MLmodel not found' } });
  assert.match(el.querySelector('.mlmodel .error')!.textContent!, /Cannot read the MLmodel: artifact MLmodel not found/);
  assert.equal(el.querySelector('.run-link')!.textContent, 'tune-hyperparams');
});
