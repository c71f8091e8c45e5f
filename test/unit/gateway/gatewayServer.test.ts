import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { findGatewayTrace, invokeGatewayChat, listGatewayEndpoints, promptToMessages } from '../../../extension/core/gateway/gatewayServer';
import { getPromptVersion } from '../../../extension/core/prompts/promptRead';
import { openStore, type ReadableStore } from '../../../extension/core/store/openStore';
import { MlflowHttpClient } from '../../../extension/core/store/rest/httpClient';
import { startMlflowServer, type TestServer } from '../../support/mlflowServer';
import { mlflowEnv, mlflowPython, repoRoot } from '../../support/python';

/**
 * The server-side AI Gateway of a real `mlflow server` (3.17.2) whose endpoint's provider points at
 * an OpenAI-compatible server this test runs on 127.0.0.1. MLflow refuses such an upstream unless
 * the server allows http and private addresses (MLFLOW_GATEWAY_API_BASE_ALLOWED_SCHEMES,
 * MLFLOW_GATEWAY_API_BASE_ALLOW_PRIVATE_IPS). A prompt version registered by mlflow is sent with its
 * variables filled; the answer and the trace the gateway wrote are read back.
 */

let dir: string;
let upstream: Server;
let seen: { path: string; body: { model?: string; messages: { role: string; content: string }[] } }[] = [];
let server: TestServer;
let http: MlflowHttpClient;
let store: ReadableStore;
let endpointId: string;

async function api(path: string, body: unknown): Promise<Record<string, Record<string, string>>> {
  const r = await fetch(server.url + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await r.json()) as Record<string, Record<string, string>>;
  assert.equal(r.status, 200, JSON.stringify(json));
  return json;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlwb-gateway-'));
  upstream = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(data) as (typeof seen)[number]['body'];
      seen.push({ path: req.url ?? '', body });
      const last = body.messages[body.messages.length - 1].content;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1, model: body.model, choices: [{ index: 0, message: { role: 'assistant', content: `<b>echo</b>: ${last}` }, finish_reason: 'stop' }], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } }));
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const upstreamPort = (upstream.address() as AddressInfo).port;
  server = await startMlflowServer(['--backend-store-uri', `sqlite:///${join(dir, 'mlflow.db')}`, '--default-artifact-root', join(dir, 'artifacts')], {
    MLFLOW_GATEWAY_API_BASE_ALLOWED_SCHEMES: 'http,https',
    MLFLOW_GATEWAY_API_BASE_ALLOW_PRIVATE_IPS: 'true',
  });
  const secret = await api('/api/3.0/mlflow/gateway/secrets/create', { secret_name: 'local-key', secret_value: { api_key: 'sk-local' }, provider: 'openai', auth_config: { api_base: `http://127.0.0.1:${upstreamPort}/v1` } });
  const model = await api('/api/3.0/mlflow/gateway/model-definitions/create', { name: 'local-model', secret_id: secret.secret.secret_id, provider: 'openai', model_name: 'gpt-local' });
  const endpoint = await api('/api/3.0/mlflow/gateway/endpoints/create', { name: 'local-chat', model_configs: [{ model_definition_id: model.model_definition.model_definition_id, linkage_type: 'PRIMARY', weight: 1 }] });
  endpointId = endpoint.endpoint.endpoint_id;
  const r = spawnSync(mlflowPython(), [join(repoRoot, 'test/support/mlflow_prompts.py'), 'make', server.url], { env: mlflowEnv(), cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  http = new MlflowHttpClient(server.url);
  store = await openStore(server.url);
});

after(async () => {
  http?.close();
  await store?.close?.();
  await server?.stop();
  upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('endpoints are listed with their provider models', async () => {
  assert.deepEqual(await listGatewayEndpoints(http), [{ endpointId, name: 'local-chat', models: [{ provider: 'openai', modelName: 'gpt-local' }] }]);
});

test('a prompt version with its variables filled goes through the gateway; the answer and its trace come back', async () => {
  const version = await getPromptVersion(store, 'qa-prompt', '1');
  const messages = promptToMessages(version, { question: 'Why is the sky blue?', style: 'pirate' });
  assert.deepEqual(messages, [{ role: 'user', content: 'Answer Why is the sky blue? in a pirate tone.' }]);
  const since = Date.now() - 1000;
  const answer = await invokeGatewayChat(http, 'local-chat', messages);
  assert.equal(answer.text, '<b>echo</b>: Answer Why is the sky blue? in a pirate tone.');
  assert.deepEqual(answer.usage, { promptTokens: 7, completionTokens: 3, totalTokens: 10 });
  assert.equal(seen.length, 1);
  assert.equal(seen[0].path, '/v1/chat/completions');
  assert.deepEqual(seen[0].body.messages, messages);
  const trace = await findGatewayTrace(store, endpointId, since);
  assert.ok(trace, 'the gateway wrote no trace');
  assert.match(trace.requestPreview ?? '', /sky blue/);
  assert.match(trace.responsePreview ?? '', /echo/);

  const chat = await getPromptVersion(store, 'chat-prompt', '1');
  assert.deepEqual(promptToMessages(chat, { persona: 'a pirate', question: 'Ahoy?' }).map((m) => m.role), ['system', 'user']);
  await assert.rejects(invokeGatewayChat(http, 'no-such-endpoint', messages), /no-such-endpoint|not found/i);
});
