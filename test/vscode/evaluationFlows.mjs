// Evaluation results in the real workbench (issue 12): "Open Evaluation Results" on a run made by
// `mlflow.genai.evaluate` and on one made by `mlflow.models.evaluate` (both written by the real
// mlflow into the file-store workspace); the per-row table and the aggregate scores must be what
// mlflow's client reads back, and a column sorts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repo } from './build.mjs';
import { expand, openMlflowContainer, pane, row, runCommand } from './uiFlows.mjs';
import { mlflowPython } from './workspace.mjs';

const EXPERIMENT = 'evaluations';
const SCRIPT = join(repo, 'test', 'support', 'mlflow_evaluate.py');

function env() {
  const e = { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true', PYTHONWARNINGS: 'ignore', GIT_PYTHON_REFRESH: 'quiet' };
  delete e.MLFLOW_TRACKING_URI;
  return e;
}

const storeUri = (workspace) => pathToFileURL(join(workspace, 'mlruns')).href;

function python(args, workspace) {
  const out = execFileSync(mlflowPython(), args, { cwd: workspace, env: env(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.trim().split('\n').pop());
}

/**
 * Adds the experiment "evaluations" (a genai.evaluate run with two code scorers and an
 * expectation, a models.evaluate run with a custom metric; test/support/mlflow_evaluate.py) to a
 * file-store workspace made by prepareWorkspace, and records it in expected.json.
 */
export function addEvaluations(out) {
  const ws = join(out, 'workspace');
  const py = python([SCRIPT, 'make', storeUri(ws)], ws);
  const path = join(out, 'expected.json');
  const expected = JSON.parse(readFileSync(path, 'utf8'));
  expected.experiments.push({ experiment_id: py.experiment_id, name: EXPERIMENT, lifecycle_stage: 'active', tags: {} });
  expected.evaluations = py;
  writeFileSync(path + '.tmp', JSON.stringify(expected, null, 1));
  renameSync(path + '.tmp', path);
}

/** The evaluation panel's frame showing `runName` (its page sets window.__mlwbEvaluation). */
async function evaluationFrame(page, runName, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      const ok = await f.evaluate((name) => Boolean(window.__mlwbEvaluation?.ready) && document.body.innerText.includes(`Evaluation · ${name}`), runName).catch(() => false);
      if (ok) return f;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no evaluation panel for run ${runName}`);
}

/** Right-clicks a tree row and picks a context-menu entry (repeated while the menu stays open: a click that lands as it opens is dropped). */
async function contextMenu(page, r, title) {
  await r.click({ button: 'right' });
  const item = page.locator('.context-view .monaco-menu .action-item', { hasText: title }).first();
  await item.waitFor({ timeout: 10_000 });
  for (let i = 0; i < 4 && (await item.isVisible().catch(() => false)); i++) {
    await page.waitForTimeout(300);
    await item.click({ timeout: 5_000 }).catch(() => undefined);
    await page.waitForTimeout(700);
  }
}

/** The metric cards: key → shown text. */
const metricCards = (frame) => frame.locator('.metric').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.querySelector('.metric-key').textContent, e.querySelector('.metric-value').textContent])));
const table = (frame) => frame.evaluate(() => ({ columns: window.__mlwbEvaluation.columns(), rows: window.__mlwbEvaluation.rows() }));
/** How the page prints a number (6 significant digits); the comparison is on the value. */
const sameNumber = (shown, value) => Math.abs(Number(shown) - value) <= Math.abs(value) * 1e-5;

async function checkMetrics(frame, metrics) {
  const cards = await metricCards(frame);
  assert.deepEqual(Object.keys(cards).sort(), Object.keys(metrics).sort(), 'the aggregate scores are the run metrics mlflow reads');
  for (const [k, v] of Object.entries(metrics)) assert.ok(sameNumber(cards[k], v), `${k}: shown ${cards[k]}, mlflow reads ${v}`);
}

let readBack;
/** Both runs as mlflow's client reads them: one Python start for both flows (each costs seconds on a loaded machine). */
function mlflowReads(workspace, expected) {
  const ev = expected.evaluations;
  assert.ok(ev, 'the workspace has evaluation runs (addEvaluations)');
  readBack ??= python([SCRIPT, 'runs', storeUri(workspace), ev.genai, ev.classic], workspace);
  return readBack;
}

async function experimentsPane(page) {
  await openMlflowContainer(page);
  const exps = pane(page, 'Experiments');
  await expand(row(exps, EXPERIMENT));
  return exps;
}

export const evaluationFlows = [
  {
    name: 'evaluation: a genai.evaluate run: rows and aggregate scores as mlflow reads them; sort by a scorer',
    fn: async (page, { workspace, expected, shot }) => {
      const { genai } = mlflowReads(workspace, expected);
      const theirRows = genai.rows;
      assert.equal(theirRows.length, 3);

      const exps = await experimentsPane(page);
      const genaiRow = row(exps, genai.name);
      await genaiRow.waitFor({ timeout: 20_000 });
      await contextMenu(page, genaiRow, 'Open Evaluation Results');
      const frame = await evaluationFrame(page, genai.name);

      // Aggregates: exact_match/mean, length/mean as the run's metrics.
      await checkMetrics(frame, genai.metrics);
      assert.deepEqual(Object.keys(genai.metrics).sort(), ['exact_match/mean', 'length/mean']);

      // Rows: one per evaluation trace, request/response previews and every assessment as mlflow reads them.
      const t = await table(frame);
      const col = (k) => t.columns.indexOf(k);
      assert.ok(col('trace') >= 0 && col('request') >= 0 && col('response') >= 0, `columns: ${t.columns}`);
      const ours = t.rows
        .map((r) => {
          const assessments = {};
          t.columns.forEach((c, i) => {
            if ((c.startsWith('feedback:') || c.startsWith('expectation:')) && r[i] !== '') assessments[c] = r[i];
          });
          return { trace_id: r[col('trace')], request: r[col('request')], response: r[col('response')], assessments };
        })
        .sort((a, b) => (a.trace_id < b.trace_id ? -1 : 1));
      const text = (v) => (typeof v === 'string' ? v : String(v));
      const theirs = theirRows.map((r) => ({ ...r, assessments: Object.fromEntries(Object.entries(r.assessments).map(([k, v]) => [k, text(v)])) }));
      assert.deepEqual(ours, theirs);
      assert.equal(await frame.locator('tbody b, tbody script, tbody img').count(), 0, 'markup in the inputs stays text');

      // Sort by the length scorer: ascending, then descending (aria-sort follows).
      const lengthCol = col('feedback:length');
      const lengths = async () => (await table(frame)).rows.map((r) => Number(r[lengthCol]));
      const header = frame.locator('thead th[data-key="feedback:length"]');
      await header.click();
      await frame.waitForFunction(() => document.querySelector('thead th[data-key="feedback:length"]')?.getAttribute('aria-sort') === 'ascending', null, { timeout: 10_000 });
      const asc = await lengths();
      assert.deepEqual(asc, [...asc].sort((a, b) => a - b));
      await header.click();
      await frame.waitForFunction(() => document.querySelector('thead th[data-key="feedback:length"]')?.getAttribute('aria-sort') === 'descending', null, { timeout: 10_000 });
      const desc = await lengths();
      assert.deepEqual(desc, [...asc].reverse());
      assert.notDeepEqual(asc, desc, 'the lengths differ, so the order shows');
      await shot('26-evaluation-genai');
      await runCommand(page, 'View: Close All Editors');
    },
  },
  {
    name: 'evaluation: a models.evaluate run: eval_results_table.json and aggregates as mlflow reads them; sort',
    fn: async (page, { workspace, expected, shot }) => {
      const { classic } = mlflowReads(workspace, expected);
      const exps = await experimentsPane(page);
      const classicRow = row(exps, classic.name);
      await classicRow.waitFor({ timeout: 20_000 });
      await contextMenu(page, classicRow, 'Open Evaluation Results');
      const frame2 = await evaluationFrame(page, classic.name);
      await checkMetrics(frame2, classic.metrics);
      const t2 = await table(frame2);
      const cols2 = classic.columns.map((c) => t2.columns.indexOf(`column:${c}`));
      assert.ok(cols2.every((i) => i >= 0), `the table has mlflow's columns ${classic.columns}: ${t2.columns}`);
      assert.deepEqual(
        t2.rows.map((r) => cols2.map((i) => r[i])),
        classic.rows.map((r) => r.map((v) => (typeof v === 'number' ? String(v) : v))),
      );
      await frame2.locator('thead th', { hasText: 'pred_length/score' }).click();
      await frame2.waitForFunction(() => [...document.querySelectorAll('thead th')].some((th) => th.getAttribute('aria-sort') === 'ascending'), null, { timeout: 10_000 });
      const scores = (await table(frame2)).rows.map((r) => Number(r[cols2[classic.columns.indexOf('pred_length/score')]]));
      assert.deepEqual(scores, [...scores].sort((a, b) => a - b));
      await shot('27-evaluation-models-evaluate');
      await runCommand(page, 'View: Close All Editors');
    },
  },
];
