// Traces in the real workbench (issue 12): the Experiments view's Traces folder, the trace panel
// (span tree, expand/collapse, span details with untrusted HTML as text, an ERROR trace), and
// feedback saved from the panel that the real mlflow then reads back from the store.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repo } from './build.mjs';
import { expand, openMlflowContainer, pane, row, runCommand, waitForFrame } from './uiFlows.mjs';
import { registerPrompts } from './promptFlows.mjs';
import { mlflowPython } from './workspace.mjs';

const EXPERIMENT = 'genai-traces';

function env() {
  const e = { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true', PYTHONWARNINGS: 'ignore', GIT_PYTHON_REFRESH: 'quiet', MLWB_TRACES_NO_RUN: '1' };
  delete e.MLFLOW_TRACKING_URI;
  return e;
}

/**
 * Adds the experiment "genai-traces" (an agent trace with nested spans, feedback and an expectation,
 * a failing trace, one simple trace; written by the real mlflow client, no run) to a file-store
 * workspace made by prepareWorkspace, and records it in expected.json (`experiments`, `traces`).
 */
export function addTraces(out) {
  const ws = join(out, 'workspace');
  const stdout = execFileSync(mlflowPython(), [join(repo, 'test', 'support', 'make_trace_store.py'), pathToFileURL(join(ws, 'mlruns')).href, '1', EXPERIMENT], { cwd: ws, env: env(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const py = JSON.parse(stdout.trim().split('\n').pop());
  const path = join(out, 'expected.json');
  const expected = JSON.parse(readFileSync(path, 'utf8'));
  expected.experiments.push({ experiment_id: py.experiment_id, name: EXPERIMENT, lifecycle_stage: 'active', tags: {} });
  expected.traces = { experiment_id: py.experiment_id, agent_id: py.agent_id, failing_id: py.failing_id, spans: py.spans };
  writeFileSync(path + '.tmp', JSON.stringify(expected, null, 1));
  renameSync(path + '.tmp', path);
}

/** What mlflow's client reads back now for one trace (its assessments). */
function mlflowAssessments(workspace, traceId) {
  const code = `import json, mlflow\nmlflow.set_tracking_uri(${JSON.stringify(pathToFileURL(join(workspace, 'mlruns')).href)})\nprint(json.dumps([a.to_dictionary() for a in mlflow.get_trace(${JSON.stringify(traceId)}).info.assessments]))`;
  const out = execFileSync(mlflowPython(), ['-c', code], { cwd: workspace, env: env(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out.trim().split('\n').pop());
}

async function toggleTheme(page, frame) {
  const before = await frame.evaluate(() => document.body.className);
  await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
  await frame.waitForFunction((b) => document.body.className !== b, before, { timeout: 15_000 });
  await page.waitForTimeout(400);
  return (/vscode-(light|dark|high-contrast(-light)?)/.exec(await frame.evaluate(() => document.body.className)) ?? ['?', '?'])[1];
}

const visibleNames = (frame) => frame.locator('.row:not([hidden])').evaluateAll((els) => els.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top)).map((e) => e.querySelector('.span-name').textContent));

export const traceFlows = [
  {
    name: 'traces: open a trace, expand spans, add feedback that mlflow reads back; dark and light',
    fn: async (page, { workspace, expected, shot }) => {
      const t = expected.traces;
      assert.ok(t, 'the workspace has traces (addTraces)');
      await openMlflowContainer(page);
      const exps = pane(page, 'Experiments');
      await expand(row(exps, EXPERIMENT));
      await expand(row(exps, /^Traces$/));
      const agentRow = row(exps, '{"q": "hello"}');
      await agentRow.waitFor({ timeout: 20_000 });
      assert.match(await agentRow.innerText(), /15 tokens/);
      await row(exps, /^failing$/).waitFor({ timeout: 20_000 });
      await shot('20-traces-folder');

      // the ERROR trace: its span row is red, the error message and the exception event show
      await row(exps, /^failing$/).click();
      await page.locator('.tab', { hasText: 'Trace failing' }).first().waitFor({ timeout: 20_000 });
      const failing = await waitForFrame(page, (body) => body.includes('ValueError: boom <script>'), 30_000);
      assert.ok(failing, 'the failing trace panel shows the error message as text');
      assert.equal(await failing.locator('.row.error').count(), 1);
      await shot('21-trace-error');

      // the agent trace: the span tree, collapse and expand, a span's details
      await agentRow.click();
      await page.locator('.tab', { hasText: 'Trace agent' }).first().waitFor({ timeout: 20_000 });
      const frame = await waitForFrame(page, (body) => body.includes('retrieve') && body.includes('format') && body.includes('Add Feedback'), 30_000);
      assert.ok(frame, 'the agent trace panel lists its spans');
      assert.deepEqual(await visibleNames(frame), ['agent', 'retrieve', 'tool', 'llm', 'format']);
      const rowOf = (name) => frame.locator('.row:not([hidden])', { has: frame.locator('.span-name', { hasText: new RegExp(`^${name}$`) }) }).first();
      await rowOf('llm').locator('.twistie').click();
      await frame.waitForFunction(() => document.querySelectorAll('.row:not([hidden])').length === 4, null, { timeout: 10_000 });
      await rowOf('llm').locator('.twistie').click();
      await frame.waitForFunction(() => document.querySelectorAll('.row:not([hidden])').length === 5, null, { timeout: 10_000 });
      await rowOf('tool').click();
      await frame.locator('.detail h2', { hasText: 'tool' }).waitFor({ timeout: 10_000 });
      await frame.locator('.detail', { hasText: '<img src=x onerror=alert(1)><b>bold</b>' }).waitFor({ timeout: 10_000 });
      assert.equal(await frame.locator('.detail img, .detail b').count(), 0, 'model output stays text');
      const theme1 = (/vscode-(light|dark)/.exec(await frame.evaluate(() => document.body.className)) ?? ['', 'theme'])[1];
      await shot(`22-trace-panel-${theme1}`);

      // feedback on the retrieve span, saved through the store; mlflow reads it back
      await rowOf('retrieve').click();
      await frame.locator('.detail h2', { hasText: 'retrieve' }).waitFor({ timeout: 10_000 });
      await frame.locator('[data-action="add-feedback"]').click();
      const form = frame.locator('.feedback-form');
      await form.locator('input[name="name"]').fill('retrieval_ok');
      await form.locator('select[name="choice"]').selectOption('false');
      await form.locator('textarea[name="rationale"]').fill('missed the <b>doc</b>');
      const spanId = t.spans[t.agent_id].find((s) => s.name === 'retrieve').span_id;
      await form.locator('select[name="target"]').selectOption(spanId);
      await shot('23-trace-feedback-form');
      await form.locator('[data-action="save-feedback"]').click();
      await form.waitFor({ state: 'detached', timeout: 30_000 });
      await frame.locator('.detail .assessment-name', { hasText: 'retrieval_ok' }).waitFor({ timeout: 10_000 });
      const theirs = mlflowAssessments(workspace, t.agent_id).find((a) => a.assessment_name === 'retrieval_ok');
      assert.ok(theirs, 'mlflow reads the feedback back');
      assert.deepEqual(theirs.feedback, { value: false });
      assert.equal(theirs.span_id, spanId);
      assert.equal(theirs.rationale, 'missed the <b>doc</b>');
      assert.equal(theirs.source.source_type, 'HUMAN');

      const theme2 = await toggleTheme(page, frame);
      assert.notEqual(theme2, theme1);
      await shot(`24-trace-panel-${theme2}`);
      await toggleTheme(page, frame);

      // the linked prompt (tag mlflow.linkedPrompts: qa-prompt v2) opens that version's template
      registerPrompts(workspace);
      const link = frame.locator('[data-prompt="qa-prompt"]');
      assert.equal((await link.innerText()).trim(), 'qa-prompt v2');
      await link.click();
      await page.locator('.tab', { hasText: 'qa-prompt v2' }).first().waitFor({ timeout: 20_000 });
      await page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: 'briefly,' }).first().waitFor({ timeout: 15_000 });
      await shot('25-trace-linked-prompt');
      await runCommand(page, 'View: Close All Editors');
    },
  },
];
