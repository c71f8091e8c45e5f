import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { findGatewayTrace, invokeGatewayChat, isGatewayMissing, listGatewayEndpoints, promptToMessages, promptVariables } from '../../../extension/core/gateway/gatewayServer';
import { checkMessages } from '../../../extension/core/gateway/gatewayMessages';
import { getPromptVersion } from '../../../extension/core/prompts/promptRead';
import { freePort } from '../../../extension/core/store/localServer';
import { openStore, type ReadableStore } from '../../../extension/core/store/openStore';
import { MlflowHttpClient } from '../../../extension/core/store/rest/httpClient';
import { RestStore } from '../../../extension/core/store/rest/restStore';
import { loadCatalog, playgroundRequests, type GatewayTarget } from '../../../extension/host/gatewayRequests';
import { ECHO_USAGE, startGatewayFixture, type GatewayFixture } from '../../support/gatewayServer';
import { startMlflowServer } from '../../support/mlflowServer';

/**
 * The server-side AI Gateway of a real `mlflow server` (3.17.2) whose endpoint's provider points at
 * an OpenAI-compatible server this test runs on 127.0.0.1 (test/support/gatewayServer.ts). A prompt
 * version registered by mlflow is sent with its variables filled; the answer and the trace the
 * gateway wrote are read back, through the core and through the playground panel's host handlers.
 */

let fx: GatewayFixture;
let http: MlflowHttpClient;
let store: ReadableStore;
let target: GatewayTarget;

before(async () => {
  fx = await startGatewayFixture();
  http = new MlflowHttpClient(fx.server.url);
  store = await openStore(fx.server.url);
  assert.ok(store instanceof RestStore);
  target = { http: store.httpClient, store };
});

after(async () => {
  http?.close();
  await store?.close?.();
  await fx?.stop();
});

test('endpoints are listed with their provider models, linkage, tracing and trace experiment', async () => {
  const endpoints = await listGatewayEndpoints(http);
  assert.deepEqual(
    endpoints.map((e) => ({ ...e, lastUpdated: typeof e.lastUpdated })),
    [
      { endpointId: fx.endpointId, name: 'local-chat', models: [{ provider: 'openai', modelName: 'gpt-local', linkage: 'PRIMARY', weight: 1 }], usageTracking: true, experimentId: endpoints[0].experimentId, lastUpdated: 'number' },
      // An untraced endpoint gets no experiment.
      { endpointId: fx.quietEndpointId, name: 'quiet-chat', models: [{ provider: 'openai', modelName: 'gpt-local', linkage: 'PRIMARY', weight: 1 }], usageTracking: false, lastUpdated: 'number' },
    ],
  );
  assert.match(endpoints[0].experimentId ?? '', /^\d+$/, 'a traced endpoint names its experiment');
});

test('a prompt version with its variables filled goes through the gateway; the answer and its trace come back', async () => {
  const version = await getPromptVersion(store, 'qa-prompt', '1');
  assert.deepEqual(promptVariables(version), ['question', 'style']);
  const messages = promptToMessages(version, { question: 'Why is the sky blue?', style: 'pirate' });
  assert.deepEqual(messages, [{ role: 'user', content: 'Answer Why is the sky blue? in a pirate tone.' }]);
  const since = Date.now() - 1000;
  const before = fx.seen.length;
  const answer = await invokeGatewayChat(http, 'local-chat', messages);
  assert.equal(answer.text, '<b>echo</b>: Answer Why is the sky blue? in a pirate tone.');
  assert.deepEqual(answer.usage, { promptTokens: 7, completionTokens: 3, totalTokens: 10 });
  assert.equal(answer.url, `${fx.server.url}/gateway/local-chat/mlflow/invocations`);
  assert.equal(answer.finishReason, 'stop');
  assert.ok(answer.ms >= 0);
  assert.equal(fx.seen.length, before + 1);
  assert.equal(fx.seen[before].path, '/v1/chat/completions');
  assert.deepEqual(fx.seen[before].body.messages, messages);
  const trace = await findGatewayTrace(store, fx.endpointId, since);
  assert.ok(trace, 'the gateway wrote no trace');
  assert.match(trace.requestPreview ?? '', /sky blue/);
  assert.match(trace.responsePreview ?? '', /echo/);

  const chat = await getPromptVersion(store, 'chat-prompt', '1');
  assert.deepEqual(promptVariables(chat), ['persona', 'question']);
  assert.deepEqual(promptToMessages(chat, { persona: 'a pirate', question: 'Ahoy?' }).map((m) => m.role), ['system', 'user']);
});

test('an unknown endpoint and a failing provider are errors naming the URL', async () => {
  await assert.rejects(invokeGatewayChat(http, 'no-such-endpoint', [{ role: 'user', content: 'hi' }]), (e: Error) => {
    assert.match(e.message, /no-such-endpoint/);
    assert.ok(e.message.includes(`${fx.server.url}/gateway/no-such-endpoint/mlflow/invocations`) || e.message.includes(fx.server.url), e.message);
    return true;
  });
  await assert.rejects(invokeGatewayChat(http, 'local-chat', [{ role: 'user', content: 'FAIL now' }]), (e: Error) => {
    assert.ok(e.message.includes(`${fx.server.url}/gateway/local-chat/mlflow/invocations`), e.message);
    assert.match(e.message, /HTTP 5\d\d|50\d/);
    return true;
  });
});

test('free-form messages are checked before anything is sent', () => {
  assert.deepEqual(checkMessages([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }]), [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
  ]);
  assert.throws(() => checkMessages([]), /no message/);
  assert.throws(() => checkMessages([{ role: 'tool', content: 'x' }]), /message 1 has no role of system, user, assistant/);
  assert.throws(() => checkMessages([{ role: 'user', content: '  ' }]), /message 1 \(user\) is empty/);
});

test('the playground host: catalog, a prompt version sent from the store\'s copy, the trace found', async () => {
  const catalog = await loadCatalog(target);
  assert.equal(catalog.server, fx.server.url);
  assert.deepEqual(catalog.problems, []);
  assert.deepEqual(catalog.endpoints.map((e) => [e.name, e.tracing]), [['local-chat', true], ['quiet-chat', false]]);
  assert.deepEqual(catalog.prompts.map((p) => [p.name, p.versions.map((v) => [v.version, v.aliases.join(',')])]), [
    ['chat-prompt', [['1', '']]],
    ['qa-prompt', [['2', ''], ['1', 'production']]],
  ]);
  const h = playgroundRequests(() => target);
  const r = await h.send({ endpoint: 'local-chat', prompt: { name: 'qa-prompt', version: '2', values: { question: 'Is it <b>HTML</b>?', style: 'dry' } } });
  assert.equal(r.text, '<b>echo</b>: Answer Is it <b>HTML</b>? briefly,\nin a dry tone.');
  assert.deepEqual(r.messages, [{ role: 'user', content: 'Answer Is it <b>HTML</b>? briefly,\nin a dry tone.' }]);
  assert.deepEqual(r.usage, { promptTokens: ECHO_USAGE.prompt_tokens, completionTokens: ECHO_USAGE.completion_tokens, totalTokens: ECHO_USAGE.total_tokens });
  assert.deepEqual(JSON.parse(r.raw).usage, ECHO_USAGE);
  const t = await h.trace({ endpoint: 'local-chat', since: r.since });
  assert.ok(t.traceId, 'no trace found');
  assert.equal(t.status, 'OK');
  const full = await store.getTrace!(t.traceId);
  assert.match(JSON.stringify(full), /Is it <b>HTML<\/b>\?/);

  const free = await h.send({ endpoint: 'quiet-chat', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }] });
  assert.equal(free.text, '<b>echo</b>: Hello there');
  assert.deepEqual(fx.seen.at(-1)!.body.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }]);
  const quiet = await h.trace({ endpoint: 'quiet-chat', since: free.since });
  assert.equal(quiet.traceId, undefined);
  assert.match('note' in quiet ? quiet.note : '', /Usage tracking is off for quiet-chat/);

  await assert.rejects(async () => h.send({ endpoint: 'local-chat', prompt: { name: 'qa-prompt', version: '1', values: { question: 'x' } } }), /qa-prompt version 1 needs \{\{style\}\}/);
  await assert.rejects(async () => h.send({ endpoint: 'local-chat', messages: [] }), /no message/);
  await assert.rejects(async () => h.trace({ endpoint: 'gone', since: 0 }), /no gateway endpoint 'gone' on http:\/\/127\.0\.0\.1:\d+/);
});

test('an unreachable server is an error naming it; a server on a file store has no gateway', async () => {
  const url = `http://127.0.0.1:${await freePort()}`;
  const dead = new MlflowHttpClient(url, { maxRetries: 0 });
  try {
    await assert.rejects(invokeGatewayChat(dead, 'local-chat', [{ role: 'user', content: 'hi' }]), (e: Error) => (assert.ok(e.message.includes(url), e.message), true));
  } finally {
    dead.close();
  }
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-nogw-'));
  const fileServer = await startMlflowServer(['--backend-store-uri', join(dir, 'mlruns'), '--default-artifact-root', join(dir, 'artifacts')], { MLFLOW_ALLOW_FILE_STORE: 'true' });
  const c = new MlflowHttpClient(fileServer.url, { maxRetries: 0 });
  try {
    const e = await listGatewayEndpoints(c).then(
      () => undefined,
      (x: unknown) => x,
    );
    assert.ok(e instanceof Error, 'a file-store server listed gateway endpoints');
    assert.ok(isGatewayMissing(e), `not read as "no gateway": ${(e as Error).message}`);
    const catalog = await loadCatalog({ http: c, store: await openStore(fileServer.url) });
    assert.deepEqual(catalog.endpoints, []);
    assert.match(catalog.problems.join('\n'), new RegExp(`No AI Gateway on ${fileServer.url.replace(/\./g, '\\.')}`));
  } finally {
    c.close();
    await fileServer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
