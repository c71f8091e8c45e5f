import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openStore, type ReadableStore } from '../../../extension/core/store/openStore';
import { RestStore } from '../../../extension/core/store/rest/restStore';
import { freePort } from '../../../extension/core/store/localServer';
import { MlflowHttpClient } from '../../../extension/core/store/rest/httpClient';
import { loadCatalog, playgroundRequests, type GatewayTarget } from '../../../extension/host/gatewayRequests';
import { createPanelClient } from '../../../webviews/platform/panelClient';
import type { PlaygroundContract, PlaygroundState } from '../../../webviews/playground/contract';
import { PlaygroundPage, templateText, usageText, versionLabel } from '../../../webviews/playground/page';
import { installDom, settle } from '../../support/dom';
import { startGatewayFixture, type GatewayFixture } from '../../support/gatewayServer';
import { TestPanelHost } from '../../support/webviewHost';

/**
 * The playground page in a DOM, its requests answered by the host's real handlers against a real
 * `mlflow server` whose gateway endpoint calls an OpenAI-compatible server on 127.0.0.1
 * (test/support/gatewayServer.ts): variables become fields, Send shows the model's answer as text
 * with latency and tokens, the trace link asks the host to open the trace, errors name the URL.
 */

installDom();

let fx: GatewayFixture;
let store: ReadableStore;
let target: GatewayTarget;

before(async () => {
  fx = await startGatewayFixture();
  store = await openStore(fx.server.url);
  assert.ok(store instanceof RestStore);
  target = { http: store.httpClient, store };
});

after(async () => {
  await store?.close?.();
  await fx?.stop();
});

async function mount(t: () => GatewayTarget = () => target, state?: PlaygroundState) {
  const root = document.createElement('main');
  document.body.replaceChildren(root);
  const channel = new window.EventTarget();
  const host = new TestPanelHost<PlaygroundContract>(channel, playgroundRequests(t), state);
  new PlaygroundPage(root, createPanelClient<PlaygroundContract>({ api: host.api, target: channel as unknown as Window }));
  host.push('catalog', await loadCatalog(t()));
  await host.idle();
  await settle();
  const q = <T extends Element>(sel: string) => root.querySelector<T>(sel)!;
  return { root, host, q };
}

function type(t: HTMLTextAreaElement, text: string): void {
  t.value = text;
  t.dispatchEvent(new Event('input', { bubbles: true }));
}

function choose(s: HTMLSelectElement, value: string): void {
  s.value = value;
  s.dispatchEvent(new Event('change'));
}

async function waitFor(what: string, test: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('labels: versions with aliases, token usage, chat templates read as messages', () => {
  assert.equal(versionLabel({ version: '1', aliases: ['production', 'b'] }), 'Version 1 · @production @b');
  assert.equal(usageText({ promptTokens: 7, completionTokens: 3, totalTokens: 10 }), 'tokens: 7 in, 3 out, 10 total');
  assert.equal(usageText(undefined), 'no token usage returned');
  assert.equal(templateText({ type: 'chat', template: '[{"role": "system", "content": "Be {{x}}"}, {"role": "user", "content": "Hi"}]' }), '[system]\nBe {{x}}\n\n[user]\nHi');
  assert.equal(templateText({ type: 'chat', template: 'not json' }), 'not json');
});

test('a prompt version: its variables become fields, Send waits for them, the answer is text with tokens and a trace link', async () => {
  const { q, root, host } = await mount();
  assert.match(q('.server').textContent!, new RegExp(`Gateway of ${fx.server.url}`));
  const endpoint = q<HTMLSelectElement>('select#endpoint');
  assert.deepEqual([...endpoint.options].map((o) => o.value), ['local-chat', 'quiet-chat']);
  assert.match(q('.endpoint-info').textContent!, /openai\/gpt-local · calls are traced/);
  choose(endpoint, 'quiet-chat');
  assert.match(q('.endpoint-info').textContent!, /usage tracking off: no traces/);
  choose(endpoint, 'local-chat');

  choose(q<HTMLSelectElement>('select#prompt'), 'qa-prompt');
  const version = q<HTMLSelectElement>('select#version');
  assert.deepEqual([...version.options].map((o) => o.textContent), ['Version 2', 'Version 1 · @production']);
  choose(version, '1');
  assert.equal(q('pre.template').textContent, 'Answer {{question}} in a {{ style }} tone.');
  const fields = [...root.querySelectorAll<HTMLTextAreaElement>('textarea.variable')];
  assert.deepEqual(fields.map((f) => f.dataset.variable), ['question', 'style']);
  const send = q<HTMLButtonElement>('button.send');
  assert.equal(send.disabled, true);
  assert.equal(q('.check').textContent, 'fill {{question}}, {{style}}');
  type(fields[0], 'Why is the sky <i>blue</i>?');
  assert.equal(q('.check').textContent, 'fill {{style}}');
  type(fields[1], 'pirate');
  assert.equal(send.disabled, false);
  assert.equal(q('pre.preview-text').textContent, '[user]\nAnswer Why is the sky <i>blue</i>? in a pirate tone.');
  assert.deepEqual(host.state?.values['qa-prompt'], { question: 'Why is the sky <i>blue</i>?', style: 'pirate' }, 'values are kept for a reload');

  send.click();
  await waitFor('the trace link', () => root.querySelector('.trace-link') !== null || /trace/i.test(root.querySelector('p.trace')?.textContent ?? '') && !/Looking/.test(root.querySelector('p.trace')?.textContent ?? ''));
  assert.deepEqual(host.requests('send'), [{ endpoint: 'local-chat', prompt: { name: 'qa-prompt', version: '1', values: { question: 'Why is the sky <i>blue</i>?', style: 'pirate' } } }]);
  assert.equal(q('.answer h2').textContent, 'Answer');
  assert.equal(q('pre.answer-text').textContent, '<b>echo</b>: Answer Why is the sky <i>blue</i>? in a pirate tone.');
  assert.equal(root.querySelectorAll('.answer b, .answer i').length, 0, 'model output is never HTML');
  assert.match(q('p.meta').textContent!, /^\d+ ms · tokens: 7 in, 3 out, 10 total · model gpt-local · finish: stop$/);
  assert.match(q('details.raw summary').textContent!, new RegExp(`Raw answer from ${fx.server.url}/gateway/local-chat/mlflow/invocations`));
  const link = q<HTMLButtonElement>('.trace-link');
  assert.ok(link, `no trace link: ${q('p.trace').textContent}`);
  const traceId = /Open trace (\S+)/.exec(link.textContent!)![1];
  link.click();
  assert.deepEqual(host.events('openTrace'), [{ traceId }]);
  const trace = await store.getTrace!(traceId);
  assert.match(JSON.stringify(trace), /sky <i>blue<\/i>/, 'the link is the trace of this call');
});

test('a chat prompt and free-form messages', async () => {
  const { q, root, host } = await mount();
  choose(q<HTMLSelectElement>('select#prompt'), 'chat-prompt');
  assert.match(q('pre.template').textContent!, /^\[system\]\nYou are \{\{persona\}\}\. Café 😀 <b>"x"<\/b>\n\n\[user\]\n\{\{question\}\}$/);
  const [persona, question] = [...root.querySelectorAll<HTMLTextAreaElement>('textarea.variable')];
  type(persona, 'a pirate');
  type(question, 'Ahoy?');
  q<HTMLButtonElement>('button.send').click();
  await waitFor('the answer', () => root.querySelector('pre.answer-text') !== null);
  assert.equal(q('pre.answer-text').textContent, '<b>echo</b>: Ahoy?');
  assert.deepEqual(fx.seen.at(-1)!.body.messages.map((m) => m.role), ['system', 'user']);
  await host.idle();

  const messages = q<HTMLInputElement>('input#mode-messages');
  messages.checked = true;
  messages.dispatchEvent(new Event('change'));
  assert.equal(q<HTMLElement>('.prompt-pane').hidden, true);
  assert.equal(q<HTMLElement>('.messages-pane').hidden, false);
  assert.equal(q<HTMLButtonElement>('button.send').disabled, true);
  assert.equal(q('.check').textContent, 'type a message');
  q<HTMLButtonElement>('button.add-message').click();
  const rows = root.querySelectorAll('.message');
  assert.equal(rows.length, 2);
  const [r0, r1] = [...rows];
  choose(r0.querySelector<HTMLSelectElement>('select.role')!, 'system');
  type(r0.querySelector<HTMLTextAreaElement>('textarea.content')!, 'Be brief.');
  type(r1.querySelector<HTMLTextAreaElement>('textarea.content')!, 'Free words');
  choose(q<HTMLSelectElement>('select#endpoint'), 'quiet-chat');
  q<HTMLButtonElement>('button.send').click();
  await waitFor('the trace note', () => /Usage tracking is off/.test(root.querySelector('p.trace')?.textContent ?? ''));
  assert.equal(q('pre.answer-text').textContent, '<b>echo</b>: Free words');
  assert.deepEqual(host.requests('send').at(-1), { endpoint: 'quiet-chat', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Free words' }] });
  assert.equal(host.state?.mode, 'messages');
});

test('errors: a provider failure and an unreachable server are shown as text naming the URL', async () => {
  const { q, root, host } = await mount();
  const messages = q<HTMLInputElement>('input#mode-messages');
  messages.checked = true;
  messages.dispatchEvent(new Event('change'));
  type(root.querySelector<HTMLTextAreaElement>('textarea.content')!, 'FAIL <script>x</script>');
  q<HTMLButtonElement>('button.send').click();
  await host.idle();
  await settle();
  assert.equal(q('.answer h2').textContent, 'Error');
  assert.ok(q('pre.error-text').textContent!.includes(`${fx.server.url}/gateway/local-chat/mlflow/invocations`), q('pre.error-text').textContent!);
  assert.equal(root.querySelectorAll('script').length, 0);

  // The server goes away under an open page.
  const url = `http://127.0.0.1:${await freePort()}`;
  const deadHttp = new MlflowHttpClient(url, { maxRetries: 0 });
  const dead = { http: deadHttp, store };
  const live = await mount(() => target);
  const other = await (async () => {
    const root2 = document.createElement('main');
    document.body.replaceChildren(root2);
    const channel = new window.EventTarget();
    const h = new TestPanelHost<PlaygroundContract>(channel, playgroundRequests(() => dead), live.host.state);
    new PlaygroundPage(root2, createPanelClient<PlaygroundContract>({ api: h.api, target: channel as unknown as Window }));
    h.push('catalog', await loadCatalog(target));
    await h.idle();
    await settle();
    return { root: root2, h };
  })();
  try {
    other.root.querySelector<HTMLButtonElement>('button.send')!.click();
    await other.h.idle();
    await settle();
    assert.equal(other.root.querySelector('.answer h2')!.textContent, 'Error');
    assert.ok(other.root.querySelector('pre.error-text')!.textContent!.includes(url), other.root.querySelector('pre.error-text')!.textContent!);
  } finally {
    deadHttp.close();
  }
});

test('the panel says why when the store has no gateway, and a selection pushed before the catalog is kept', async () => {
  const root = document.createElement('main');
  document.body.replaceChildren(root);
  const channel = new window.EventTarget();
  const host = new TestPanelHost<PlaygroundContract>(channel, playgroundRequests(() => target));
  new PlaygroundPage(root, createPanelClient<PlaygroundContract>({ api: host.api, target: channel as unknown as Window }));
  host.push('unavailable', { message: 'The open store (file) is not an MLflow server.' });
  await settle();
  assert.equal(root.querySelector('p.unavailable')!.textContent, 'The open store (file) is not an MLflow server.');
  host.push('select', { endpoint: 'quiet-chat', prompt: { name: 'qa-prompt', version: '1' } });
  host.push('catalog', await loadCatalog(target));
  await settle();
  assert.equal(root.querySelector<HTMLSelectElement>('select#endpoint')!.value, 'quiet-chat');
  assert.equal(root.querySelector<HTMLSelectElement>('select#prompt')!.value, 'qa-prompt');
  assert.equal(root.querySelector<HTMLSelectElement>('select#version')!.value, '1');
});
