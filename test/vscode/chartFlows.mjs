// Metric charts in the real workbench (issue #9): select runs in the Experiments view, open the
// chart panel, read what is drawn through the page's test hook (window.__mlwbCharts), switch the x
// axis and the log scale through the page's controls, screenshots in light and dark; HTML payloads
// in run names and tags stay text; a Python process logging with mlflow while the panel is open
// makes the chart grow within 2 s.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repo } from './build.mjs';
import { mlflowPython } from './workspace.mjs';

const ROW = '.monaco-list-row';
const ENV = { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true', PYTHONWARNINGS: 'ignore', GIT_PYTHON_REFRESH: 'quiet' };
delete ENV.MLFLOW_TRACKING_URI;

function trackingUri(workspace, kind) {
  return kind === 'sqlite' ? `sqlite:///${join(workspace, 'mlflow.db')}` : `file://${join(workspace, 'mlruns')}`;
}

/** OUT/workspace holding test/support/make_chart_store.py's runs (file store or mlflow.db); OUT/expected.json its run ids. */
export function prepareChartWorkspace(out, kind) {
  const workspace = join(out, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const r = spawnSync(mlflowPython(), [join(repo, 'test/support/make_chart_store.py'), trackingUri(workspace, kind)], { cwd: workspace, env: ENV, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`make_chart_store.py failed:\n${r.stderr}`);
  const expected = join(out, 'expected.json');
  writeFileSync(expected, JSON.stringify({ ...JSON.parse(r.stdout.trim().split('\n').pop()), kind }));
  return { workspace, expected };
}

function row(scope, text) {
  return scope.locator(ROW).filter({ has: scope.page().locator('.label-name', { hasText: text }) }).first();
}

function pane(page, title) {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: title }) }).first();
}

async function openExperiments(page) {
  const entry = page.locator('.activitybar [aria-label^="MLflow"]').first();
  await entry.waitFor({ timeout: 30_000 });
  if (!(await page.locator('.pane-header[aria-label*="Experiments"]').isVisible().catch(() => false))) await entry.click();
  await page.locator('.pane-header', { hasText: 'Experiments' }).first().waitFor({ timeout: 15_000 });
  const exps = pane(page, 'Experiments');
  const exp = row(exps, 'charts');
  await exp.waitFor({ timeout: 30_000 });
  if ((await exp.getAttribute('aria-expanded')) === 'false') await exp.locator('.monaco-tl-twistie').click();
  return exps;
}

/** The webview frame whose page has the chart test hook ready. */
async function chartFrame(page, timeoutMs = 60_000, not = undefined) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      if (f === not) continue;
      const ok = await f.evaluate(() => Boolean(window.__mlwbCharts?.ready)).catch(() => false);
      if (ok) return f;
    }
    await page.waitForTimeout(250);
  }
  throw new Error('no chart panel became ready');
}

async function charts(frame) {
  return frame.evaluate(() => window.__mlwbCharts.charts());
}

async function waitCharts(frame, test, what, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    last = await charts(frame).catch((e) => String(e));
    if (Array.isArray(last) && test(last)) return last;
    await frame.page().waitForTimeout(200);
  }
  throw new Error(`${what}: not reached; charts are ${JSON.stringify(last)?.slice(0, 600)}`);
}

/**
 * Picks an item of the open context menu. The workbench sometimes drops a click that lands right
 * after the menu appears, so the click is repeated while the menu stays open.
 */
async function pickFromMenu(page, label) {
  const item = page.locator('.monaco-menu .action-label:visible', { hasText: label }).first();
  await item.waitFor({ timeout: 10_000 });
  for (let i = 0; i < 4 && (await item.isVisible().catch(() => false)); i++) {
    await page.waitForTimeout(300);
    await item.click({ timeout: 5_000 }).catch(() => undefined);
    await page.waitForTimeout(700);
  }
}

const openChartsFromMenu = (page) => pickFromMenu(page, 'Open Metric Charts');

async function selectRunsAndOpen(page, exps, names) {
  const first = row(exps, names[0]);
  await first.waitFor({ timeout: 20_000 });
  await first.click();
  for (const n of names.slice(1)) {
    const r = row(exps, n);
    await r.waitFor({ timeout: 20_000 });
    await r.click({ modifiers: ['Control'] });
  }
  await row(exps, names[names.length - 1]).click({ button: 'right', modifiers: [] }).catch(() => undefined);
  await openChartsFromMenu(page);
}

/** Chooses an option of a vscode-single-select through its own dropdown, as a person would. */
async function choose(frame, test, optionText) {
  // The dropdown's list lives in the element's shadow DOM: open it, then move with the keyboard to
  // the option, as a keyboard user would.
  const sel = frame.locator(`vscode-single-select[data-test="${test}"]`);
  const options = await sel.locator('vscode-option').allTextContents();
  const target = options.findIndex((t) => t.trim() === optionText);
  if (target < 0) throw new Error(`no option '${optionText}' in ${test}: ${options.join(', ')}`);
  const shown = (await sel.evaluate((e) => e.querySelector(`vscode-option[value="${e.value ?? ''}"]`)?.textContent ?? '')).trim();
  const current = options.findIndex((t) => t.trim() === shown);
  await sel.click();
  const moves = target - Math.max(current, 0);
  for (let i = 0; i < Math.abs(moves); i++) await frame.page().keyboard.press(moves > 0 ? 'ArrowDown' : 'ArrowUp');
  await frame.page().keyboard.press('Enter');
}

async function toggleTheme(page) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill('>Toggle between Light/Dark Themes');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Toggle between Light/Dark Themes' }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.waitForTimeout(800);
}

export const chartFlows = [
  {
    name: 'charts: three runs selected in the tree; series drawn; x axis and log scale switched; light and dark',
    fn: async (page, { expected, shot }) => {
      const exps = await openExperiments(page);
      await selectRunsAndOpen(page, exps, ['spiky', 'ties', 'short']);
      const frame = await chartFrame(page);
      const state = await frame.evaluate(() => window.__mlwbCharts.state());
      assert.deepEqual(new Set(state.runIds), new Set([expected.runs.spiky, expected.runs.ties, expected.runs.short]));
      let cs = await waitCharts(frame, (c) => c.some((x) => x.key === 'loss' && x.datasets.length === 3), 'loss chart with three runs');
      let loss = cs.find((c) => c.key === 'loss');
      assert.equal(loss.type, 'line');
      assert.equal(loss.xScale, 'linear');
      const spiky = loss.datasets.find((d) => d.runId === expected.runs.spiky);
      assert.ok(spiky.points.length <= 1000 && spiky.points.length > 500, `${spiky.points.length} points`);
      assert.ok(spiky.points.some((p) => p.x === 1234 && p.y === 50), 'the spike at step 1234 is drawn');
      assert.ok(spiky.points.some((p) => p.x === 777 && p.y === -7.5), 'the dip at step 777 is drawn');
      assert.equal(spiky.points[0].x, 0);
      assert.ok(spiky.points.every((p, i) => i === 0 || p.x > spiky.points[i - 1].x), 'steps in order');
      assert.match(loss.notes, /2 NaN, 1 \+Infinity, 1 −Infinity not drawn/); // spiky's NaN, +inf, -inf and ties' NaN
      const ties = loss.datasets.find((d) => d.runId === expected.runs.ties);
      assert.deepEqual(ties.points.map((p) => p.x), [0, 1, 1, 1, 2, 3, 3, 5]); // NaN at step 2 not drawn
      // A metric logged once per run is a bar chart.
      const final = cs.find((c) => c.key === 'final_score');
      assert.equal(final?.type, 'bar', 'final_score (one value in one run) is not a bar chart');
      assert.ok(final.barHeights.length === 1 && final.barHeights[0] > 10, `final_score's bar is ${JSON.stringify(final.barHeights)} px high`);
      await shot('20-charts-light');

      await choose(frame, 'x-axis', 'Relative time (s)');
      cs = await waitCharts(frame, (c) => c.some((x) => x.key === 'loss' && x.xAxis === 'relative'), 'relative time axis');
      loss = cs.find((c) => c.key === 'loss');
      const rel = loss.datasets.find((d) => d.runId === expected.runs.spiky).points;
      // Steps are logged 10 ms apart in the spiky run, and the same sampled points are drawn on
      // either axis: the gap between two points in seconds is 0.01 × their gap in steps.
      const stepGap = spiky.points[1].x - spiky.points[0].x;
      assert.ok(Math.abs(rel[1].x - rel[0].x - 0.01 * stepGap) < 1e-6, `${rel[0].x}, ${rel[1].x} for ${stepGap} steps`);

      await frame.locator('vscode-checkbox[data-test="log-y"]').click();
      cs = await waitCharts(frame, (c) => c.some((x) => x.key === 'loss' && x.yScale === 'logarithmic'), 'log scale');
      loss = cs.find((c) => c.key === 'loss');
      assert.match(loss.notes, /value(s)? ≤ 0 not shown on the log scale/);
      assert.ok(loss.datasets.every((d) => d.points.every((p) => p.y > 0)));
      const finalLog = cs.find((c) => c.key === 'final_score');
      assert.ok(finalLog.yScale === 'logarithmic' && finalLog.barHeights[0] > 10, `on the log scale final_score's bar is ${JSON.stringify(finalLog.barHeights)} px high`);
      await shot('21-charts-relative-log-light');
      await toggleTheme(page);
      await shot('22-charts-relative-log-dark');
      await toggleTheme(page);
    },
  },
  {
    name: 'charts: HTML and script payloads in run names, tags and params stay text',
    fn: async (page, { expected, shot }) => {
      const exps = await openExperiments(page);
      // The payload run's label is its name: find it by the start of the payload.
      const evilRow = exps.locator(ROW).filter({ hasText: '<img src=x' }).first();
      await evilRow.waitFor({ timeout: 20_000 });
      await evilRow.click();
      await evilRow.click({ button: 'right' });
      await openChartsFromMenu(page);
      const before = page.frames().length;
      void before;
      const frame = await chartFrame(page, 60_000);
      const ok = await frame.evaluate(() => window.__mlwbCharts.state().runIds.length === 1).catch(() => false);
      assert.ok(ok);
      await waitCharts(frame, (c) => c.some((x) => x.key === 'loss'), 'loss chart of the payload run');
      // Group by the tag holding a payload, so it is drawn in a label too.
      await choose(frame, 'group-by', 'tags.group');
      await waitCharts(frame, (c) => c.some((x) => x.datasets.some((d) => d.role === 'mean')), 'grouped');
      const probe = await frame.evaluate(() => ({
        pwned: window.__pwned ?? null,
        imgs: document.querySelectorAll('main img').length,
        scripts: document.querySelectorAll('main script').length,
        legend: [...document.querySelectorAll('.run-name')].map((e) => e.textContent),
        keys: [...document.querySelectorAll('.card-title')].map((e) => e.textContent),
      }));
      assert.equal(probe.pwned, null, 'a payload ran');
      assert.equal(probe.imgs, 0);
      assert.equal(probe.scripts, 0);
      assert.ok(probe.legend.some((t) => t.startsWith('<img src=x onerror=')), `legend shows ${JSON.stringify(probe.legend)}`);
      assert.ok(probe.keys.includes('x:odd key/with-chars.1') || probe.keys.includes('loss'));
      await shot('23-charts-payloads-as-text');
    },
  },
];

/** A Python process that logs to a new RUNNING run of experiment `charts` every 300 ms after "go". */
const LOGGER = `
import json, sys, time
from mlflow import MlflowClient
c = MlflowClient(sys.argv[1])
exp = c.get_experiment_by_name("charts").experiment_id
run = c.create_run(exp, run_name="live-run")
c.log_metric(run.info.run_id, "loss", 1.0, step=0)
print(json.dumps({"run_id": run.info.run_id}), flush=True)
sys.stdin.readline()
for i in range(1, 16):
    c.log_metric(run.info.run_id, "loss", 1.0 / (i + 1), step=i)
    print(json.dumps({"step": i, "at": time.time() * 1000}), flush=True)
    time.sleep(0.3)
print(json.dumps({"done": True}), flush=True)
sys.stdin.readline()
`;

/** The webview frame whose page has the compare test hook ready. */
async function compareFrame(page, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const f of page.frames()) if (await f.evaluate(() => Boolean(window.__mlwbCompare?.ready)).catch(() => false)) return f;
    await page.waitForTimeout(250);
  }
  throw new Error('no compare panel became ready');
}

chartFlows.push({
  name: 'compare: two runs from the tree side by side; only differences; a row name orders the runs; light and dark',
  fn: async (page, { expected, shot }) => {
    const exps = await openExperiments(page);
    const names = ['spiky', 'short'];
    await row(exps, names[0]).click();
    await row(exps, names[1]).click({ modifiers: ['Control'] });
    await row(exps, names[1]).click({ button: 'right' });
    await pickFromMenu(page, 'Compare Runs');
    const frame = await compareFrame(page);
    const table = () => frame.evaluate(() => window.__mlwbCompare.table());
    let t = await table();
    assert.deepEqual(new Set(t.columns), new Set(names.map((n) => expected.runs[n])));
    for (const key of ['loss', 'acc', 'final_score', 'lr', 'group']) assert.ok(t.rows.includes(key), `no row ${key} in ${t.rows.join(', ')}`);
    const cells = (key) =>
      frame.evaluate((k) => {
        const tr = [...document.querySelectorAll('tbody tr')].find((r) => r.querySelector('th')?.textContent === k);
        return tr ? [...tr.querySelectorAll('td')].map((td) => td.textContent) : null;
      }, key);
    assert.deepEqual(await cells('group'), ['a', 'a']);
    const scatter = await frame.evaluate(() => window.__mlwbCompare.scatter());
    assert.notEqual(scatter.x, scatter.y, 'the scatter plots a metric against itself');
    await shot('25-compare-light');
    // Both runs have group "a": only differences hides that row and keeps the rest.
    await frame.locator('vscode-checkbox[data-test="only-differences"]').click();
    await frame.waitForFunction(() => !window.__mlwbCompare.table().rows.includes('group'), null, { timeout: 10_000 });
    t = await table();
    for (const key of ['loss', 'lr']) assert.ok(t.rows.includes(key), `only differences dropped ${key}: ${t.rows.join(', ')}`);
    // A row name orders the runs: loss ascending puts spiky (about 0.048) before short (0.42); again reverses.
    const order = async () => (await table()).columns.map((id) => (id === expected.runs.spiky ? 'spiky' : 'short')).join(',');
    await frame.locator('tbody th button', { hasText: /^loss$/ }).first().click();
    await frame.waitForFunction((want) => window.__mlwbCompare.table().columns[0] === want, expected.runs.spiky, { timeout: 10_000 });
    await frame.locator('tbody th button', { hasText: /^loss$/ }).first().click();
    await frame.waitForFunction((want) => window.__mlwbCompare.table().columns[0] === want, expected.runs.short, { timeout: 10_000 }).catch(async () => {
      throw new Error(`clicking loss again did not reverse the order: ${await order()}`);
    });
    await toggleTheme(page);
    await shot('26-compare-only-differences-dark');
    await toggleTheme(page);
  },
});

export const liveChartFlow = {
  name: 'charts: a run logging with mlflow.log_metric grows in the open chart within 2 s',
  fn: async (page, { workspace, expected, shot }) => {
    const child = spawn(mlflowPython(), ['-c', LOGGER, trackingUri(workspace, expected.kind)], { cwd: workspace, env: ENV, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const logged = new Map();
    let runId;
    const started = new Promise((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (l) => {
        const m = JSON.parse(l);
        if (m.run_id) resolve((runId = m.run_id));
        if (m.step !== undefined) logged.set(m.step, m.at);
      });
      child.once('exit', (code) => reject(new Error(`logger exited ${code}: ${stderr}`)));
    });
    try {
      await started;
      const exps = await openExperiments(page);
      await page.locator('.pane-header', { hasText: 'Experiments' }).first().hover();
      await page.locator('.pane-header .action-label[aria-label^="Refresh"]').first().click();
      const r = row(exps, 'live-run');
      await r.waitFor({ timeout: 30_000 });
      await r.click();
      await r.click({ button: 'right' });
      await openChartsFromMenu(page);
      const frame = await chartFrame(page, 60_000);
      await frame.waitForFunction((id) => window.__mlwbCharts.state().runIds.includes(id), runId, { timeout: 30_000 });
      await waitCharts(frame, (c) => c.some((x) => x.key === 'loss' && x.datasets.some((d) => d.runId === runId)), 'live run chart');
      child.stdin.write('go\n');
      const seen = new Map();
      const end = Date.now() + 60_000;
      while (seen.size < 15 && Date.now() < end) {
        const cs = await charts(frame);
        const loss = cs.find((c) => c.key === 'loss');
        const d = loss?.datasets.find((x) => x.runId === runId);
        for (const p of d?.points ?? []) if (p.x > 0 && !seen.has(p.x)) seen.set(p.x, Date.now());
        await page.waitForTimeout(100);
      }
      assert.equal(seen.size, 15, `the chart showed steps ${[...seen.keys()]}`);
      const latency = [...seen].map(([s, at]) => at - logged.get(s));
      assert.ok(Math.max(...latency) < 2000, `latencies ${latency.map((x) => Math.round(x)).join(', ')} ms`);
      await shot(`24-charts-live-${expected.kind}`);
    } finally {
      child.stdin.end();
      child.kill();
    }
  },
};

export function readExpected(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}
