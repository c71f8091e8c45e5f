// The AI Gateway in the real workbench (issue 12): the flow starts its own `mlflow server` (SQLite)
// whose gateway endpoint's provider points at an OpenAI-compatible server run here on 127.0.0.1,
// selects that server as the tracking store, opens the AI Gateway view, opens the playground from
// the endpoint's inline action, fills a prompt variable, sends, and checks the fake server's answer
// and the link to the trace the call made. The store is switched back to auto-detection at the end.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repo } from './build.mjs';
import { openMlflowContainer, pane, row, runCommand, waitForFrame } from './uiFlows.mjs';
import { mlflowPython } from './workspace.mjs';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = netServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** An OpenAI-compatible chat server: echoes the last message with fixed token usage. */
async function startUpstream(seen) {
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const body = JSON.parse(data);
      seen.push(body);
      const last = body.messages[body.messages.length - 1].content;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1, model: body.model, choices: [{ index: 0, message: { role: 'assistant', content: `<b>echo</b>: ${last}` }, finish_reason: 'stop' }], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

async function startGatewayServer(dir, upstreamUrl) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...process.env, MLFLOW_GATEWAY_API_BASE_ALLOWED_SCHEMES: 'http,https', MLFLOW_GATEWAY_API_BASE_ALLOW_PRIVATE_IPS: 'true', MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false', PYTHONWARNINGS: 'ignore', GIT_PYTHON_REFRESH: 'quiet' };
  delete env.MLFLOW_TRACKING_URI;
  const child = spawn(mlflowPython(), ['-m', 'mlflow', 'server', '--host', '127.0.0.1', '--port', String(port), '--workers', '1', '--backend-store-uri', `sqlite:///${join(dir, 'mlflow.db')}`, '--default-artifact-root', join(dir, 'artifacts')], { env, detached: true, stdio: 'ignore' });
  const stop = async () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 1500));
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone
    }
  };
  const end = Date.now() + 120_000;
  for (;;) {
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > end || child.exitCode !== null) {
      await stop();
      throw new Error(`mlflow server with the gateway did not start at ${url}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  const api = async (path, body) => {
    const r = await fetch(url + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const json = await r.json();
    assert.equal(r.status, 200, `${path}: ${JSON.stringify(json)}`);
    return json;
  };
  const secret = await api('/api/3.0/mlflow/gateway/secrets/create', { secret_name: 'flow-key', secret_value: { api_key: 'sk-flow' }, provider: 'openai', auth_config: { api_base: upstreamUrl } });
  const model = await api('/api/3.0/mlflow/gateway/model-definitions/create', { name: 'flow-model', secret_id: secret.secret.secret_id, provider: 'openai', model_name: 'gpt-flow' });
  await api('/api/3.0/mlflow/gateway/endpoints/create', { name: 'flow-chat', model_configs: [{ model_definition_id: model.model_definition.model_definition_id, linkage_type: 'PRIMARY', weight: 1 }] });
  const r = spawnSync(mlflowPython(), [join(repo, 'test/support/mlflow_prompts.py'), 'make', url], { env, cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { url, stop };
}

async function pickQuickItem(page, label) {
  const item = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  await item.waitFor({ timeout: 15_000 });
  await item.click();
}

async function selectStore(page, choose) {
  await runCommand(page, 'MLflow: Select Tracking Store');
  await choose();
}

export const gatewayFlow = {
  name: 'AI Gateway view and playground against a server whose gateway calls a local OpenAI-compatible server',
  fn: async (page, { shot }) => {
    const dir = mkdtempSync(join(tmpdir(), 'mlwb-gateway-flow-'));
    const seen = [];
    const upstream = await startUpstream(seen);
    let server;
    // The server starts (tens of seconds on a busy machine) while the view is checked.
    const starting = startGatewayServer(dir, `http://127.0.0.1:${upstream.address().port}/v1`).then((s) => (server = s));
    starting.catch(() => undefined);
    try {
      await openMlflowContainer(page);
      // The workspace's own store is a file store: the view says why it has nothing to show.
      for (const other of ['Experiments', 'Models', 'Prompts']) {
        const h = page.locator('.pane-header', { hasText: other }).first();
        if ((await h.getAttribute('aria-expanded').catch(() => null)) === 'true') await h.click();
      }
      const header = page.locator('.pane-header', { hasText: 'AI Gateway' }).first();
      await header.waitFor({ timeout: 15_000 });
      if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
      const view = pane(page, 'AI Gateway');
      await view.locator('.welcome-view-content', { hasText: 'not an MLflow server' }).waitFor({ timeout: 20_000 });
      await shot('19-gateway-view-not-a-server');
      await starting;

      await selectStore(page, async () => {
        await pickQuickItem(page, 'Enter server URL');
        const input = page.locator('.quick-input-widget input');
        await input.fill(server.url);
        await page.keyboard.press('Enter');
        await pickQuickItem(page, 'No authentication');
      });
      const endpointRow = row(view, 'flow-chat');
      await endpointRow.waitFor({ timeout: 60_000 });
      assert.match(await endpointRow.innerText(), /openai\/gpt-flow/);
      await endpointRow.hover();
      await endpointRow.locator('.action-label[aria-label^="Open AI Gateway Playground"]').click();

      // The workbench's own frame shows the tab title and the tree row too: look for the page's server line.
      const frame = await waitForFrame(page, (t) => t.includes(`Gateway of ${server.url}`) && t.includes('Endpoint'), 60_000);
      assert.ok(frame, 'no playground panel with the endpoint');
      assert.equal(await frame.locator('select#endpoint').inputValue(), 'flow-chat');
      await frame.locator('select#prompt').selectOption('qa-prompt');
      await frame.locator('select#version').selectOption('1');
      assert.equal(await frame.locator('pre.template').innerText(), 'Answer {{question}} in a {{ style }} tone.');
      assert.equal(await frame.locator('button.send').isDisabled(), true, 'Send is on with empty variables');
      await frame.locator('textarea#var-question').fill('Why is the sky <i>blue</i>?');
      await frame.locator('textarea#var-style').fill('pirate');
      await frame.locator('button.send').click();
      const answer = frame.locator('pre.answer-text');
      await answer.waitFor({ timeout: 60_000 });
      assert.equal(await answer.innerText(), '<b>echo</b>: Answer Why is the sky <i>blue</i>? in a pirate tone.');
      assert.equal(await frame.locator('.answer b, .answer i').count(), 0, 'model output rendered as HTML');
      assert.match(await frame.locator('p.meta').innerText(), /^\d+ ms · tokens: 7 in, 3 out, 10 total/);
      assert.deepEqual(seen.at(-1).messages, [{ role: 'user', content: 'Answer Why is the sky <i>blue</i>? in a pirate tone.' }]);
      const link = frame.locator('.trace-link');
      await link.waitFor({ timeout: 30_000 });
      await shot('20-gateway-playground-answer');

      const traceId = /Open trace (tr-\S+)/.exec(await link.innerText())?.[1];
      assert.ok(traceId, `no trace id in the link: ${await link.innerText()}`);
      await link.click();
      await page.locator('.tabs-container .tab', { hasText: /^Trace / }).first().waitFor({ timeout: 30_000 });
      // The trace panel (traces' own page) shows the trace the call made, with the prompt sent.
      const tracePage = await waitForFrame(page, (t) => t.includes(traceId) && t.includes('Loading') === false && t.includes('sky'), 60_000);
      assert.ok(tracePage, `the trace panel does not show ${traceId} with the call's request`);
      await shot('21-gateway-trace-opened');
    } finally {
      // Back to the workspace's own store for whatever runs next.
      await page.keyboard.press('Escape').catch(() => undefined);
      await selectStore(page, () => pickQuickItem(page, 'Detect automatically')).catch(() => undefined);
      await page.waitForTimeout(1000);
      await starting.catch(() => undefined);
      await server?.stop();
      upstream.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
