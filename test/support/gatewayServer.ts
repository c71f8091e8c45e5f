import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMlflowServer, type TestServer } from './mlflowServer';
import { mlflowEnv, mlflowPython, repoRoot } from './python';

/**
 * A real `mlflow server` (SQLite) whose AI Gateway endpoint `local-chat` points at an
 * OpenAI-compatible server run here on 127.0.0.1, plus the prompts of mlflow_prompts.py (registered
 * by mlflow). MLflow refuses such an upstream unless the server allows http and private addresses
 * (MLFLOW_GATEWAY_API_BASE_ALLOWED_SCHEMES, MLFLOW_GATEWAY_API_BASE_ALLOW_PRIVATE_IPS).
 *
 * The upstream answers `<b>echo</b>: <last message>` with fixed token usage, and answers HTTP 500
 * to a last message that starts with `FAIL`, so tests see the gateway pass on a provider error.
 * A second endpoint `quiet-chat` has usage tracking off.
 */

export interface UpstreamCall {
  path: string;
  body: { model?: string; messages: { role: string; content: string }[] };
}

export interface GatewayFixture {
  server: TestServer;
  upstreamUrl: string;
  seen: UpstreamCall[];
  endpointId: string;
  quietEndpointId: string;
  stop(): Promise<void>;
}

export const ECHO_USAGE = { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 };

export function startUpstream(seen: UpstreamCall[]): Promise<Server> {
  const upstream = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(data) as UpstreamCall['body'];
      seen.push({ path: req.url ?? '', body });
      const last = body.messages[body.messages.length - 1].content;
      if (last.startsWith('FAIL')) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'upstream model exploded', type: 'server_error' } }));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1, model: body.model, choices: [{ index: 0, message: { role: 'assistant', content: `<b>echo</b>: ${last}` }, finish_reason: 'stop' }], usage: ECHO_USAGE }));
    });
  });
  return new Promise((r) => upstream.listen(0, '127.0.0.1', () => r(upstream)));
}

export async function gatewayApi(url: string, path: string, body: unknown): Promise<Record<string, Record<string, string>>> {
  const r = await fetch(url + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await r.json()) as Record<string, Record<string, string>>;
  assert.equal(r.status, 200, `${path}: ${JSON.stringify(json)}`);
  return json;
}

export async function startGatewayFixture(): Promise<GatewayFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-gateway-'));
  const seen: UpstreamCall[] = [];
  const upstream = await startUpstream(seen);
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
  let server: TestServer | undefined;
  const stop = async () => {
    await server?.stop();
    upstream.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    server = await startMlflowServer(['--backend-store-uri', `sqlite:///${join(dir, 'mlflow.db')}`, '--default-artifact-root', join(dir, 'artifacts')], {
      MLFLOW_GATEWAY_API_BASE_ALLOWED_SCHEMES: 'http,https',
      MLFLOW_GATEWAY_API_BASE_ALLOW_PRIVATE_IPS: 'true',
    });
    const url = server.url;
    const secret = await gatewayApi(url, '/api/3.0/mlflow/gateway/secrets/create', { secret_name: 'local-key', secret_value: { api_key: 'sk-local' }, provider: 'openai', auth_config: { api_base: upstreamUrl } });
    const model = await gatewayApi(url, '/api/3.0/mlflow/gateway/model-definitions/create', { name: 'local-model', secret_id: secret.secret.secret_id, provider: 'openai', model_name: 'gpt-local' });
    const modelConfigs = [{ model_definition_id: model.model_definition.model_definition_id, linkage_type: 'PRIMARY', weight: 1 }];
    const endpoint = await gatewayApi(url, '/api/3.0/mlflow/gateway/endpoints/create', { name: 'local-chat', model_configs: modelConfigs });
    const quiet = await gatewayApi(url, '/api/3.0/mlflow/gateway/endpoints/create', { name: 'quiet-chat', model_configs: modelConfigs, usage_tracking: false });
    const r = spawnSync(mlflowPython(), [join(repoRoot, 'test/support/mlflow_prompts.py'), 'make', url], { env: mlflowEnv(), cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return { server, upstreamUrl, seen, endpointId: endpoint.endpoint.endpoint_id, quietEndpointId: quiet.endpoint.endpoint_id, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
