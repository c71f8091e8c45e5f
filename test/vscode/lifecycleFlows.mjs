// Lifecycle flows through the real workbench: a run's description edited in an editor tab and
// saved, and a run deleted then restored with Show Deleted. Each result is read back from the store
// by the real mlflow. Each flow gets (page, { workspace, expected, shot }).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mlflowPython } from './workspace.mjs';

const ROW = '.monaco-list-row';

function row(scope, text) {
  return scope.locator(ROW).filter({ has: scope.page().locator('.label-name', { hasText: text }) }).first();
}

function pane(page, title) {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: title }) }).first();
}

async function openMlflowContainer(page) {
  const entry = page.locator('.activitybar [aria-label^="MLflow"]').first();
  await entry.waitFor({ timeout: 30_000 });
  if ((await entry.getAttribute('aria-expanded')) !== 'true' && !(await page.locator('.pane-header[aria-label*="Experiments"]').isVisible().catch(() => false))) await entry.click();
  await page.locator('.pane-header', { hasText: 'Experiments' }).first().waitFor({ timeout: 15_000 });
}

async function expand(r) {
  await r.waitFor({ timeout: 20_000 });
  if ((await r.getAttribute('aria-expanded')) === 'false') await r.locator('.monaco-tl-twistie').click();
}

async function viewTitleAction(page, viewTitle, label) {
  const header = page.locator('.pane-header', { hasText: viewTitle }).first();
  await header.hover();
  const action = header.locator(`.action-label[aria-label^="${label}"]`).first();
  await action.waitFor({ timeout: 10_000 });
  await action.click();
}

/**
 * Right-clicks a tree row and picks a context-menu entry by its title. The workbench sometimes
 * drops a click that lands just as the menu opens, so the click repeats while the menu stays open.
 */
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

/** Runs a snippet with mlflow's client on the workspace's store (argv[1] is the store URI) and parses its last line. */
function mlflowJson(workspace, code, ...args) {
  const sqlite = existsSync(join(workspace, 'mlflow.db'));
  const uri = sqlite ? `sqlite:///${join(workspace, 'mlflow.db')}` : pathToFileURL(join(workspace, 'mlruns')).href;
  const out = execFileSync(mlflowPython(), ['-c', `import sys, json, mlflow\nc = mlflow.MlflowClient(sys.argv[1])\n${code}`, uri, ...args], {
    cwd: workspace,
    env: { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true', MLFLOW_TRACKING_URI: uri, PYTHONWARNINGS: 'ignore', GIT_PYTHON_REFRESH: 'quiet' },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop());
}

/** What mlflow's client reads about a run in the workspace's store. */
function mlflowRun(workspace, runId) {
  return mlflowJson(workspace, 'r = c.get_run(sys.argv[2])\nprint(json.dumps({"stage": r.info.lifecycle_stage, "note": r.data.tags.get("mlflow.note.content"), "tags": dict(r.data.tags)}))', runId);
}

/** Waits until the quick input's message contains `text` (`gone`: no longer contains it). */
async function inputMessage(page, text, gone = false) {
  await page.waitForFunction(
    ({ sel, want, gone }) => (document.querySelector(sel)?.textContent ?? '').includes(want) !== gone,
    { sel: '.quick-input-widget .quick-input-message', want: text, gone },
    { timeout: 10_000 },
  );
  return (await page.locator('.quick-input-widget .quick-input-message').innerText().catch(() => '')).trim();
}

async function until(what, fn, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last.ok) return last;
    if (Date.now() > end) throw new Error(`${what}: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A run of the 'forecasting' experiment that other flows only read. */
function targetRun(expected) {
  const run = expected.runs.find((r) => r.run_name === 'prophet-baseline');
  assert.ok(run, 'fixture run prophet-baseline');
  return run;
}

export const lifecycleFlows = [
  {
    name: 'lifecycle: edit a run description in an editor tab and save it; mlflow reads it back',
    fn: async (page, { workspace, expected, shot }) => {
      const run = targetRun(expected);
      await openMlflowContainer(page);
      const exps = pane(page, 'Experiments');
      await expand(row(exps, 'forecasting'));
      const runRow = row(exps, run.run_name);
      await runRow.waitFor({ timeout: 20_000 });
      await contextMenu(page, runRow, 'Edit Run Description');
      const tab = page.locator('.tabs-container .tab', { hasText: `${run.run_name}.md` }).first();
      await tab.waitFor({ timeout: 20_000 });
      const editor = page.locator('.editor-group-container.active .monaco-editor').first();
      await editor.waitFor({ timeout: 10_000 });
      await editor.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.type('# Findings from the UI');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Enter');
      await page.keyboard.type('Seasonality helps; *keep* weekly terms.');
      await shot('lifecycle-01-description-typed');
      // code-server (a web build) defaults files.autoSave to afterDelay, so the tab may already be
      // saved; Ctrl+S saves whatever is left, as a person would.
      await page.keyboard.press('Control+S');
      await page.locator('.tabs-container .tab.dirty', { hasText: `${run.run_name}.md` }).waitFor({ state: 'detached', timeout: 30_000 });
      const got = await until('mlflow reads the new description', async () => {
        const r = mlflowRun(workspace, run.run_id);
        return { ok: r.note === '# Findings from the UI\n\nSeasonality helps; *keep* weekly terms.', note: r.note };
      });
      assert.ok(got.ok);
      await shot('lifecycle-02-description-saved');
      await page.keyboard.press('Control+W');
    },
  },
  {
    name: 'lifecycle: delete a run (modal), Show Deleted lists it marked, restore it; mlflow reads both',
    fn: async (page, { workspace, expected, shot }) => {
      const run = targetRun(expected);
      await openMlflowContainer(page);
      const exps = pane(page, 'Experiments');
      await expand(row(exps, 'forecasting'));
      const runRow = row(exps, run.run_name);
      await runRow.waitFor({ timeout: 20_000 });
      await contextMenu(page, runRow, 'Delete Run');
      const dialog = page.locator('.monaco-dialog-box').first();
      await dialog.waitFor({ timeout: 10_000 });
      const text = await dialog.innerText();
      assert.match(text, new RegExp(`Delete run '${run.run_name}'\\?`), `dialog: ${text}`);
      assert.ok(text.includes(run.run_id), `the dialog names the run id: ${text}`);
      await shot('lifecycle-03-delete-confirm');
      await dialog.locator('.monaco-button', { hasText: 'Delete' }).first().click();
      await runRow.waitFor({ state: 'detached', timeout: 30_000 });
      await until('mlflow reads the run as deleted', async () => ({ ok: mlflowRun(workspace, run.run_id).stage === 'deleted' }));

      await viewTitleAction(page, 'Experiments', 'Show Deleted');
      await expand(row(exps, 'forecasting'));
      const deletedRow = row(exps, run.run_name);
      await deletedRow.waitFor({ timeout: 30_000 });
      await page.waitForFunction(
        ({ sel, name }) => [...document.querySelectorAll(sel)].some((r) => r.textContent.includes(name) && r.textContent.includes('deleted')),
        { sel: '.pane .monaco-list-row', name: run.run_name },
        { timeout: 20_000 },
      );
      assert.equal(await deletedRow.locator('.codicon-trash').count(), 1, 'the deleted run has a trash icon');
      await shot('lifecycle-04-show-deleted');
      await deletedRow.hover();
      await deletedRow.locator('.action-label[aria-label^="Restore Run"]').click();
      await until('the row shows the run active again', async () => {
        const t = await row(exps, run.run_name).innerText().catch(() => '');
        return { ok: t !== '' && !t.includes('deleted'), text: t };
      });
      await until('mlflow reads the run as active', async () => ({ ok: mlflowRun(workspace, run.run_id).stage === 'active' }));
      await shot('lifecycle-05-restored');
      await viewTitleAction(page, 'Experiments', 'Hide Deleted');
    },
  },
  {
    name: 'lifecycle: New Experiment refuses names MLflow refuses (taken, too long), then creates one; mlflow reads it',
    fn: async (page, { workspace, shot }) => {
      await openMlflowContainer(page);
      await viewTitleAction(page, 'Experiments', 'New Experiment');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: 10_000 });
      await input.fill('forecasting');
      const taken = await inputMessage(page, 'already exists');
      assert.match(taken, /An experiment named 'forecasting' already exists \(id \d+\)/, taken);
      await shot('lifecycle-06-experiment-name-taken');
      await page.keyboard.press('Enter');
      await page.waitForTimeout(300);
      assert.ok(await input.isVisible(), 'Enter accepted a taken name');
      await input.fill('x'.repeat(501));
      assert.match(await inputMessage(page, 'at most 500'), /at most 500 characters \(this one has 501\)/);
      await input.fill('ui-created-exp');
      await inputMessage(page, 'this one has', true);
      await page.keyboard.press('Enter');
      await row(pane(page, 'Experiments'), 'ui-created-exp').waitFor({ timeout: 30_000 });
      const got = await until('mlflow reads the new experiment', async () => {
        const e = mlflowJson(workspace, 'e = c.get_experiment_by_name(sys.argv[2])\nprint(json.dumps(e and e.lifecycle_stage))', 'ui-created-exp');
        return { ok: e === 'active', e };
      });
      assert.ok(got.ok);
      await shot('lifecycle-07-experiment-created');
      // The Restricted Mode pass opens this workspace next and checks its exact list of experiments.
      mlflowJson(workspace, 'e = c.get_experiment_by_name(sys.argv[2])\nif e: c.delete_experiment(e.experiment_id)\nprint("null")', 'ui-created-exp');
    },
  },
  {
    name: 'lifecycle: add a run tag by quick input; a key MLflow refuses is refused with its rule; mlflow reads the tag',
    fn: async (page, { workspace, expected, shot }) => {
      const run = expected.runs.find((r) => r.run_name === 'killed-run');
      assert.ok(run, 'fixture run killed-run');
      await openMlflowContainer(page);
      const exps = pane(page, 'Experiments');
      await expand(row(exps, 'forecasting'));
      const runRow = row(exps, run.run_name);
      await runRow.waitFor({ timeout: 20_000 });
      await contextMenu(page, runRow, 'Add or Edit Tag');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'New tag' }).first().click();
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: 10_000 });
      await input.fill('bad//key');
      const why = await inputMessage(page, 'resolve');
      assert.match(why, /would resolve to 'bad\/key'/, why);
      await shot('lifecycle-08-tag-key-refused');
      await input.fill('reviewed by');
      await inputMessage(page, 'resolve', true);
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget .quick-input-title', { hasText: "Value of tag 'reviewed by'" }).waitFor({ timeout: 10_000 });
      await input.fill('ui-flow');
      await page.keyboard.press('Enter');
      const got = await until('mlflow reads the new tag', async () => {
        const r = mlflowRun(workspace, run.run_id);
        return { ok: r.tags['reviewed by'] === 'ui-flow', tags: r.tags };
      });
      assert.ok(got.ok);
    },
  },
];
