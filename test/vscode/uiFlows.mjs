// User flows through the real workbench UI, driven by Chromium as a person would: clicks, keys,
// and what is visible on screen. Each flow gets (page, { workspace, expected, shot }).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mlflowPython } from './workspace.mjs';

const ROW = '.monaco-list-row';

/** A tree/list row inside `scope` whose text contains `text` (exact label match on the row's label). */
function row(scope, text) {
  return scope.locator(ROW).filter({ has: scope.page().locator('.label-name', { hasText: text }) }).first();
}

async function openMlflowContainer(page) {
  const entry = page.locator('.activitybar [aria-label^="MLflow"]').first();
  await entry.waitFor({ timeout: 30_000 });
  // The container may already be open (restored state); clicking an open one would close it.
  if ((await entry.getAttribute('aria-expanded')) !== 'true' && !(await page.locator('.pane-header[aria-label*="Experiments"]').isVisible().catch(() => false))) await entry.click();
  await page.locator('.pane-header', { hasText: 'Experiments' }).first().waitFor({ timeout: 15_000 });
}

function pane(page, title) {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: title }) }).first();
}

async function expandPane(page, title) {
  const header = page.locator('.pane-header', { hasText: title }).first();
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
}

/** Expands a collapsed tree row by clicking its twistie. */
async function expand(r) {
  await r.waitFor({ timeout: 20_000 });
  if ((await r.getAttribute('aria-expanded')) === 'false') await r.locator('.monaco-tl-twistie').click();
}

export const userFlows = [
  {
    name: 'MLflow views show experiments, nested runs, models and aliases',
    fn: async (page, { expected, shot }) => {
      await openMlflowContainer(page);
      const exps = pane(page, 'Experiments');
      for (const e of expected.experiments.filter((x) => x.lifecycle_stage === 'active')) await row(exps, e.name).waitFor({ timeout: 20_000 });
      const deleted = expected.experiments.find((x) => x.lifecycle_stage === 'deleted');
      assert.equal(await row(exps, deleted.name).count(), 0, `deleted experiment ${deleted.name} is shown`);
      const parent = expected.runs.find((r) => r.run_id === expected.parent_run_id);
      const expName = expected.experiments.find((x) => x.experiment_id === parent.experiment_id).name;
      await expand(row(exps, expName));
      await expand(row(exps, parent.run_name));
      const child = expected.runs.find((r) => r.tags['mlflow.parentRunId'] === parent.run_id);
      await row(exps, child.run_name).waitFor({ timeout: 20_000 });

      await expandPane(page, 'Models');
      const models = pane(page, 'Models');
      const model = expected.registered_models.find((m) => Object.keys(m.aliases).length > 0);
      const modelRow = row(models, model.name);
      await modelRow.waitFor({ timeout: 20_000 });
      const alias = Object.keys(model.aliases)[0];
      assert.match(await modelRow.innerText(), new RegExp(`@${alias}`), `model row lacks @${alias}`);
      await expand(modelRow);
      const v = model.aliases[alias];
      const vRow = row(models, `Version ${v}`);
      await vRow.waitFor({ timeout: 20_000 });
      assert.match(await vRow.innerText(), new RegExp(`@${alias}`), `Version ${v} row lacks @${alias}`);
      await shot('01-mlflow-views');
    },
  },
];

/**
 * Sets an alias through the Models view's inline action and checks that the real mlflow reads it
 * back from the store. On a SQLite workspace this is the first write: the extension starts its own
 * `mlflow server` for it.
 */
export const registryEditFlow = {
  name: 'Models view: set an alias inline; mlflow reads it back from the store',
  fn: async (page, { workspace, expected, shot }) => {
    await openMlflowContainer(page);
    await expandPane(page, 'Models');
    const models = pane(page, 'Models');
    const model = expected.registered_models.find((m) => m.versions.some((v) => v.aliases.length === 0));
    const version = model.versions.find((v) => v.aliases.length === 0).version;
    // "Version N" rows repeat across models: keep only this model expanded so the row is unique.
    for (const other of expected.registered_models.filter((m) => m.name !== model.name)) {
      const r = row(models, other.name);
      if ((await r.count()) && (await r.getAttribute('aria-expanded')) === 'true') await r.locator('.monaco-tl-twistie').click();
    }
    await expand(row(models, model.name));
    const vRow = row(models, `Version ${version}`);
    await vRow.waitFor({ timeout: 20_000 });
    // The click can land while the tree re-renders (a refresh replaces the row): select the row,
    // then retry the inline action until the input box is there.
    const input = page.locator('.quick-input-widget input');
    for (let attempt = 0; ; attempt++) {
      await vRow.click();
      await vRow.hover();
      await vRow.locator('.action-label[aria-label^="Set Alias"]').click();
      if (await input.waitFor({ timeout: 5_000 }).then(() => true, () => false)) break;
      if (attempt >= 3) throw new Error(`no alias input box after ${attempt + 1} clicks on Set Alias; notifications: ${await notificationText(page)}`);
    }
    await input.fill('ui-check');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 }).catch(async () => {
      throw new Error(`the alias input box stayed open: ${await page.locator('.quick-input-widget').innerText().catch(() => '?')}`);
    });
    // The write first (a local mlflow server may have to start: seconds, more on a busy machine),
    // read back by mlflow itself, so a failure says whether the write or the view is at fault.
    const sqlite = existsSync(join(workspace, 'mlflow.db'));
    const uri = sqlite ? `sqlite:///${join(workspace, 'mlflow.db')}` : pathToFileURL(join(workspace, 'mlruns')).href;
    const code = `import sys, mlflow\nc = mlflow.MlflowClient(sys.argv[1])\ntry:\n  print(c.get_model_version_by_alias(sys.argv[2], 'ui-check').version)\nexcept Exception:\n  print('none')`;
    const readBack = () =>
      execFileSync(mlflowPython(), ['-c', code, uri, model.name], {
        env: { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true', MLFLOW_TRACKING_URI: uri, PYTHONWARNINGS: 'ignore', GIT_PYTHON_REFRESH: 'quiet' },
        encoding: 'utf8',
      }).trim();
    let got = readBack();
    for (const end = Date.now() + 90_000; got === 'none' && Date.now() < end; got = readBack()) await page.waitForTimeout(1_000);
    assert.equal(got, String(version), `mlflow reads @ui-check as ${got}; notifications: ${await notificationText(page)}`);
    // Then the view. If the row has not changed after a while, the view is refreshed by hand, as a user would.
    const shown = () =>
      page.waitForFunction(
        ({ sel, label }) => [...document.querySelectorAll(sel)].some((r) => r.textContent.includes(label) && r.textContent.includes('@ui-check')),
        { sel: '.pane .monaco-list-row', label: `Version ${version}` },
        { timeout: 20_000 },
      );
    for (let attempt = 0; ; attempt++) {
      try {
        await shown();
        break;
      } catch (e) {
        if (attempt >= 2) throw new Error(`the store has @ui-check but the Models view does not show it: ${e}`);
        await page.locator('.pane-header', { hasText: 'Models' }).first().hover();
        await pane(page, 'Models').locator('.pane-header .action-label[aria-label^="Refresh"]').first().click().catch(() => undefined);
      }
    }
    await shot('08-alias-set-inline');
  },
};

/** The text of the visible notification toasts (for failure messages). */
async function notificationText(page) {
  return (await page.locator('.notification-toast').allInnerTexts().catch(() => [])).join(' | ').replace(/\s+/g, ' ') || '(none)';
}

/** Visible text of the active editor, line by line (Monaco renders spaces as U+00A0). */
async function editorLines(page) {
  const lines = await page.locator('.editor-group-container.active .monaco-editor .view-line').evaluateAll((els) =>
    els.map((e) => ({ top: parseFloat(e.style.top) || 0, text: (e.textContent || '').replace(/\u00a0/g, ' ') })),
  );
  return lines.sort((a, b) => a.top - b.top).map((l) => l.text);
}

async function waitForLines(page, test, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const lines = await editorLines(page);
    if (test(lines)) return lines;
    if (Date.now() > end) throw new Error(`editor text is not as expected: ${JSON.stringify(lines)}`);
    await page.waitForTimeout(100);
  }
}

/**
 * Runs a command from the palette. A finished task's terminal closes on any key ("press any key to
 * close it"), and the palette it was opened over then loses focus and closes: so the panel is hidden
 * first when a terminal has focus, and the palette is opened again if it closed under us.
 */
async function runCommand(page, title) {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 0; ; attempt++) {
    if (await page.locator('.part.panel .terminal-wrapper.active, .part.panel .xterm.focus').count().catch(() => 0)) await hidePanel(page);
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ timeout: 10_000 });
      await input.fill(`>${title}`, { timeout: 5_000 });
      await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      return;
    } catch (e) {
      if (attempt >= 2) throw e;
      await page.keyboard.press('Escape').catch(() => undefined);
      await hidePanel(page);
    }
  }
}

/** Hides the bottom panel (terminals, problems) if it is open, and puts the focus in the editor area. */
async function hidePanel(page) {
  const close = page.locator('.part.panel .title-actions .action-label[aria-label^="Hide Panel"], .part.panel .title-actions .action-label[aria-label^="Close Panel"], .part.panel .title-actions .codicon-close').first();
  if (await close.isVisible().catch(() => false)) await close.click({ timeout: 5_000 }).catch(() => undefined);
  await page.locator('.monaco-workbench .part.editor').first().click({ position: { x: 400, y: 200 } }).catch(() => undefined);
}

async function quickOpen(page, name, folderHint) {
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => undefined);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(name);
  const rows = page.locator('.quick-input-list .monaco-list-row');
  // Several files share the name, and "recently opened" rows come before file search results:
  // wait for the row whose label (name, then folder) the hint accepts.
  const end = Date.now() + 15_000;
  let labels = [];
  while (Date.now() < end) {
    labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    const i = labels.findIndex((l) => l.startsWith(name) && folderHint(l));
    if (i >= 0) return rows.nth(i).click();
    await page.waitForTimeout(200);
  }
  throw new Error(`Quick Open offers no ${name} matching: ${labels.join(' | ')}`);
}

userFlows.push(
  {
    name: 'MLproject editing: completion, error squiggle, quick fix',
    fn: async (page, { shot }) => {
      await quickOpen(page, 'MLproject', (label) => !label.includes('lang'));
      const editor = page.locator('.editor-group-container.active .monaco-editor').first();
      await editor.locator('.view-line', { hasText: 'entry_points' }).waitFor({ timeout: 20_000 });
      const commandLine = (await editorLines(page)).findIndex((l) => l.includes('command:')) + 1;
      assert.ok(commandLine > 0, 'no command line in MLproject');
      await page.keyboard.press('Control+G');
      await page.keyboard.type(String(commandLine));
      await page.keyboard.press('Enter');
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowLeft'); // inside the closing quote
      await page.keyboard.type(' --seed {');
      const suggest = page.locator('.suggest-widget.visible');
      await suggest.waitFor({ timeout: 15_000 });
      await suggest.locator('.monaco-list-row', { hasText: 'max_depth' }).first().waitFor({ timeout: 10_000 });
      await shot('02-mlproject-completion');
      await page.keyboard.press('Escape');
      await page.keyboard.type('seed');
      // Monaco renders on the next animation frame: wait for the text rather than read it at once.
      const lines = await waitForLines(page, (ls) => ls.some((l) => l.includes('{seed')));
      if (!lines.some((l) => l.includes('{seed}'))) await page.keyboard.type('}'); // no auto-closed brace inside strings
      await waitForLines(page, (ls) => ls.some((l) => l.includes('--seed {seed}"')));
      await editor.locator('.squiggly-error').first().waitFor({ timeout: 15_000 });
      await shot('03-mlproject-undeclared-error');

      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('Control+.');
      const fix = page.locator('.action-widget .monaco-list-row', { hasText: "Declare parameter 'seed'" }).first();
      await fix.waitFor({ timeout: 15_000 });
      await shot('04-mlproject-quick-fix-menu');
      await fix.click();
      await editor.locator('.view-line', { hasText: /^\s*seed:/ }).first().waitFor({ timeout: 10_000 });
      await editor.locator('.squiggly-error').first().waitFor({ state: 'detached', timeout: 15_000 });
      await shot('05-mlproject-after-quick-fix');
      // leave the file as written for the next pass
      await runCommand(page, 'View: Revert and Close Editor');
    },
  },
  {
    name: 'run details webview shows the run params',
    fn: async (page, { expected, shot }) => {
      await openMlflowContainer(page);
      const exps = pane(page, 'Experiments');
      const parent = expected.runs.find((r) => r.run_id === expected.parent_run_id);
      const expName = expected.experiments.find((x) => x.experiment_id === parent.experiment_id).name;
      await expand(row(exps, expName));
      await row(exps, parent.run_name).locator('.label-name').click();
      await page.locator('.tab', { hasText: `Run ${parent.run_name}` }).first().waitFor({ timeout: 15_000 });
      const frame = await waitForFrame(page, (body) => body.includes('Run ID') && body.includes(parent.run_id), 20_000);
      assert.ok(frame, 'no webview frame shows the run');
      const tab = frame.locator('vscode-tab-header', { hasText: /^\s*Params \(\d+\)\s*$/ }).first();
      if (!(await tab.count())) throw new Error(`no Params tab: ${await frame.locator('vscode-tab-header').allTextContents()}`);
      await tab.click();
      const params = Object.entries(parent.params);
      const shown = await waitForFrame(page, (body) => params.every(([k, v]) => body.includes(k) && body.includes(v)), 10_000);
      assert.ok(shown, `params ${JSON.stringify(parent.params)} not visible after opening the Params tab`);
      await shot('06-run-details-webview');
    },
  },
  {
    name: 'run details: one preview tab, parent link by name, a text artifact opens read-only and closes without a save prompt',
    fn: async (page, { expected, shot }) => {
      await openMlflowContainer(page);
      const exps = pane(page, 'Experiments');
      const parent = expected.runs.find((r) => r.run_id === expected.parent_run_id);
      const child = expected.runs.find((r) => r.tags['mlflow.parentRunId'] === parent.run_id && r.lifecycle_stage === 'active');
      const expName = expected.experiments.find((x) => x.experiment_id === parent.experiment_id).name;
      await expand(row(exps, expName));
      await row(exps, parent.run_name).locator('.label-name').click();
      const runTabs = page.locator('.tabs-container .tab', { hasText: /^Run / });
      await page.locator('.tab', { hasText: `Run ${parent.run_name}` }).first().waitFor({ timeout: 15_000 });
      await expand(row(exps, parent.run_name));
      await row(exps, child.run_name).locator('.label-name').click();
      await page.locator('.tab', { hasText: `Run ${child.run_name}` }).first().waitFor({ timeout: 15_000 });
      assert.equal(await runTabs.count(), 1, `a click opened another tab: ${await runTabs.allTextContents()}`);

      // The child's "Parent run" is a link named after the parent; it opens the parent in the same preview tab.
      const frame = await waitForFrame(page, (body) => body.includes(child.run_id) && body.includes('Parent run') && body.includes(parent.run_name), 20_000);
      assert.ok(frame, `the child's details do not name the parent ${parent.run_name}`);
      await frame.locator('a', { hasText: parent.run_name }).first().click();
      await page.locator('.tab', { hasText: `Run ${parent.run_name}` }).first().waitFor({ timeout: 15_000 });
      assert.equal(await runTabs.count(), 1, `the parent link opened another tab: ${await runTabs.allTextContents()}`);

      const details = await waitForFrame(page, (body) => body.includes(parent.run_id) && body.includes('Keep Open'), 20_000);
      assert.ok(details, 'the preview panel shows no Keep Open');
      await details.locator('vscode-tab-header', { hasText: /^\s*Artifacts/ }).first().click();
      await details.locator('.artifact-row', { hasText: 'labels.json' }).first().click();
      await page.locator('.tab', { hasText: 'labels.json' }).first().waitFor({ timeout: 15_000 });
      await waitForLines(page, (ls) => ls.some((l) => l.includes('setosa')), 15_000);
      await shot('09-artifact-read-only');
      const editor = page.locator('.editor-group-container.active .monaco-editor').first();
      await editor.click();
      await page.keyboard.type('x');
      const lines = await editorLines(page);
      assert.ok(!lines.some((l) => l.includes('x{') || l.startsWith('x')), `typing changed a read-only artifact: ${lines.join(' / ')}`);
      assert.equal(await page.locator('.tab.dirty').count(), 0, 'an artifact editor is dirty');
      await runCommand(page, 'View: Close Editor');
      await page.locator('.tab', { hasText: 'labels.json' }).first().waitFor({ state: 'detached', timeout: 10_000 });
      assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'closing the artifact asked something');

      // A folder expands in place; a text file inside it opens with its language; an image previews.
      const frame2 = await waitForFrame(page, (body) => body.includes(parent.run_id) && body.includes('plots'), 20_000);
      assert.ok(frame2, 'the details page lost its artifacts');
      await frame2.locator('.artifact-row.folder', { hasText: 'config' }).first().click();
      await frame2.locator('.artifact-row[data-path="config/search.yaml"]').waitFor({ timeout: 15_000 });
      await frame2.locator('.artifact-row.folder', { hasText: 'plots' }).first().click();
      await frame2.locator('.artifact-row[data-path="plots/loss.png"]').waitFor({ timeout: 15_000 });
      await shot('10-artifact-folders-expanded');
      await frame2.locator('.artifact-row[data-path="config/search.yaml"]').click();
      await page.locator('.tab', { hasText: 'search.yaml' }).first().waitFor({ timeout: 15_000 });
      await waitForLines(page, (ls) => ls.some((l) => l.includes('grid: [0.1, 0.05, 0.01]')), 15_000);
      const yamlTokens = await page.locator('.editor-group-container.active .monaco-editor .view-line span span').evaluateAll((els) => new Set(els.map((e) => e.className)).size);
      assert.ok(yamlTokens > 1, 'search.yaml is not highlighted as YAML');
      await runCommand(page, 'View: Close Editor');
      await page.locator('.tab', { hasText: 'search.yaml' }).first().waitFor({ state: 'detached', timeout: 10_000 });
      assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'closing search.yaml asked something');

      const frame3 = await waitForFrame(page, (body) => body.includes(parent.run_id) && body.includes('loss.png'), 20_000);
      await frame3.locator('.artifact-row[data-path="plots/loss.png"]').click();
      await page.locator('.tab', { hasText: 'loss.png' }).first().waitFor({ timeout: 15_000 });
      const end = Date.now() + 20_000;
      let shown = false;
      while (!shown && Date.now() < end) {
        for (const f of page.frames()) {
          shown ||= await f.evaluate(() => [...document.images].some((i) => i.complete && i.naturalWidth === 48 && i.naturalHeight === 24)).catch(() => false);
        }
        if (!shown) await page.waitForTimeout(250);
      }
      assert.ok(shown, 'the image preview shows no 48×24 loss.png');
      await shot('11-artifact-image-preview');
      await runCommand(page, 'View: Close Editor');
      assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'closing the image asked something');
    },
  },
  {
    name: "run details: Open Charts charts the run's metrics",
    fn: async (page, { expected, shot }) => {
      await openMlflowContainer(page);
      const exps = pane(page, 'Experiments');
      const parent = expected.runs.find((r) => r.run_id === expected.parent_run_id);
      const child = expected.runs.find((r) => r.tags['mlflow.parentRunId'] === parent.run_id && r.lifecycle_stage === 'active' && Object.keys(r.metrics).length > 0);
      const expName = expected.experiments.find((x) => x.experiment_id === parent.experiment_id).name;
      await expand(row(exps, expName));
      await expand(row(exps, parent.run_name));
      await row(exps, child.run_name).locator('.label-name').click();
      const details = await waitForFrame(page, (body) => body.includes(child.run_id) && body.includes('Open Charts'), 20_000);
      assert.ok(details, `the details of ${child.run_name} offer no Open Charts`);
      await details.locator('[data-action="open-charts"]').click();
      const end = Date.now() + 60_000;
      let keys = [];
      // Each chart is drawn when its own data arrives: wait for all of the run's metrics, not the first.
      const all = () => Object.keys(child.metrics).every((k) => keys.includes(k));
      while (Date.now() < end) {
        for (const f of page.frames()) {
          keys = await f
            .evaluate((id) => (window.__mlwbCharts?.ready && window.__mlwbCharts.state().runIds.includes(id) ? window.__mlwbCharts.charts().map((c) => c.key) : []), child.run_id)
            .catch(() => []);
          if (keys.length) break;
        }
        if (all()) break;
        await page.waitForTimeout(250);
      }
      for (const k of Object.keys(child.metrics)) assert.ok(keys.includes(k), `the chart panel shows ${keys.join(', ') || 'nothing'}, not ${k}`);
      await shot('13-run-details-open-charts');
      await runCommand(page, 'View: Close All Editors');
    },
  },
);

/** Light ↔ dark through the command palette, as a person would; returns the webview body's new theme class. */
async function toggleTheme(page, frame) {
  const before = await frame.evaluate(() => document.body.className);
  await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
  await frame.waitForFunction((b) => document.body.className !== b, before, { timeout: 15_000 });
  await page.waitForTimeout(300);
  return frame.evaluate(() => (/vscode-(light|dark|high-contrast(-light)?)/.exec(document.body.className) ?? ['?', '?'])[1]);
}

/**
 * The runs table: opened from the command palette on the experiment with a RUNNING run, sorted by a
 * metric column, filtered (an invalid expression first: the caret shows and the rows stay), three
 * runs selected; screenshots in the dark and the light theme.
 */
export const runsTableFlow = {
  name: 'runs table: open, sort by a metric, filter, select three runs; dark and light',
  fn: async (page, { expected, shot }) => {
    const exp = expected.experiments.find((e) => e.lifecycle_stage === 'active' && expected.runs.filter((r) => r.experiment_id === e.experiment_id && r.lifecycle_stage === 'active').length >= 4 && expected.runs.some((r) => r.experiment_id === e.experiment_id && r.status === 'RUNNING'));
    assert.ok(exp, 'the fixture has an experiment with 4+ runs, one RUNNING');
    const runs = expected.runs.filter((r) => r.experiment_id === exp.experiment_id && r.lifecycle_stage === 'active');
    const metric = Object.keys(runs.find((r) => Object.keys(r.metrics).length).metrics)[0];
    await runCommand(page, 'MLflow: Open Runs Table');
    const input = page.locator('.quick-input-widget input');
    await input.fill(exp.name);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: exp.name }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: `Runs: ${exp.name}` }).first().waitFor({ timeout: 15_000 });
    const frame = await waitForFrame(page, (body) => runs.every((r) => body.includes(r.run_name)), 30_000);
    assert.ok(frame, `no webview frame lists the runs of ${exp.name}`);
    const names = () => frame.locator('.row:not([hidden])').evaluateAll((els) => els.sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index)).map((e) => e.querySelector('.name').textContent));

    // sort by the metric: ascending, values in order, runs without it after them
    const head = frame.locator('.header .cell.head', { has: frame.locator('.label', { hasText: new RegExp(`^${metric}$`) }) }).first();
    await head.click();
    await frame.locator('.header .cell.head[aria-sort="ascending"]', { hasText: metric }).waitFor({ timeout: 15_000 });
    const withMetric = runs.filter((r) => r.metrics[metric]).sort((a, b) => a.metrics[metric].value - b.metrics[metric].value).map((r) => r.run_name);
    await frame.waitForFunction((want) => {
      const got = [...document.querySelectorAll('.row:not([hidden])')].sort((a, b) => a.dataset.index - b.dataset.index).map((e) => e.querySelector('.name').textContent);
      return want.every((n, i) => got[i] === n);
    }, withMetric, { timeout: 15_000 });

    // an invalid filter: the caret under the error, nothing sent, the rows stay
    const filter = frame.locator('vscode-textfield.filter input');
    await filter.click();
    await filter.fill(`metrics.${metric} <<< 1`);
    await filter.press('Enter');
    await frame.locator('.filter-error .marks').waitFor({ timeout: 10_000 });
    assert.match(await frame.locator('.filter-error .marks').textContent(), /^\s*\^+$/);
    assert.equal((await names()).length, runs.length);
    await shot('09-runs-table-filter-error');

    // a valid filter: the store answers, one run fewer
    const values = runs.filter((r) => r.metrics[metric]).map((r) => r.metrics[metric].value).sort((a, b) => a - b);
    const below = values[values.length - 1];
    await filter.fill(`metrics.${metric} < ${below}`);
    await filter.press('Enter');
    await frame.locator('.filter-error').waitFor({ state: 'hidden', timeout: 10_000 });
    const want = runs.filter((r) => r.metrics[metric] && r.metrics[metric].value < below).map((r) => r.run_name);
    await frame.waitForFunction((n) => document.querySelectorAll('.row:not([hidden])').length === n, want.length, { timeout: 15_000 });
    assert.deepEqual((await names()).sort(), want.sort());

    // clear it, select three runs
    await filter.fill('');
    await filter.press('Enter');
    await frame.waitForFunction((n) => document.querySelectorAll('.row:not([hidden])').length === n, runs.length, { timeout: 15_000 });
    for (let i = 0; i < 3; i++) await frame.locator(`.row[data-index="${i}"] .select input`).click();
    await frame.locator('.count', { hasText: '3 selected' }).waitFor({ timeout: 10_000 });
    assert.equal(await frame.locator('.row.selected').count(), 3);
    // VS Code sets vscode-light / vscode-dark on the webview's body; the table follows its variables.
    const first = (/vscode-(light|dark)/.exec(await frame.evaluate(() => document.body.className)) ?? ['', 'theme'])[1];
    await shot(`10-runs-table-${first}`);
    const second = await toggleTheme(page, frame);
    assert.notEqual(second, first);
    await shot(`11-runs-table-${second}`);
    await toggleTheme(page, frame);

    // a window reload: the serializer reopens the table with its sort and selection
    // Wait for the new document, not the old workbench that is still on screen for a moment.
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await page.locator('.tab', { hasText: `Runs: ${exp.name}` }).first().waitFor({ timeout: 30_000 });
    const again = await waitForFrame(page, (body) => body.includes('3 selected') && runs.every((r) => body.includes(r.run_name)), 60_000);
    assert.ok(again, 'after a reload the runs table is back with its three selected runs');
    await again.locator('.header .cell.head[aria-sort="ascending"]', { hasText: metric }).waitFor({ timeout: 10_000 });
  },
};

/** Webview content sits in nested iframes: the frame whose visible text satisfies `test`. */
async function waitForFrame(page, test, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      const body = await f.evaluate(() => document.body?.innerText ?? '').catch(() => '');
      if (test(body)) return f;
    }
    await page.waitForTimeout(250);
  }
  return undefined;
}

export const restrictedFlows = [
  {
    name: 'Restricted Mode: views still show the store',
    fn: async (page, { expected, shot }) => {
      await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 20_000 });
      await openMlflowContainer(page);
      const exps = pane(page, 'Experiments');
      for (const e of expected.experiments.filter((x) => x.lifecycle_stage === 'active')) await row(exps, e.name).waitFor({ timeout: 20_000 });
      await expandPane(page, 'Models');
      await row(pane(page, 'Models'), expected.registered_models[0].name).waitFor({ timeout: 20_000 });
      await shot('07-restricted-mode-views');
    },
  },
];

/** Clicks an action in a view's title bar (actions show when the header is hovered). */
async function viewTitleAction(page, viewTitle, label) {
  const header = page.locator('.pane-header', { hasText: viewTitle }).first();
  await header.hover();
  const action = header.locator(`.action-label[aria-label^="${label}"]`).first();
  await action.waitFor({ timeout: 10_000 });
  await action.click();
}

async function collapseAll(page, viewTitle) {
  await viewTitleAction(page, viewTitle, 'Collapse All').catch(() => undefined);
}

/** The Experiments view: MLflow filters (a bad one is refused with a caret), and paging with "Load more". */
export const experimentsViewFlows = [
  {
    name: 'Experiments view: an invalid filter is refused with a caret, a valid one filters, Clear Filter restores',
    fn: async (page, { shot }) => {
      await openMlflowContainer(page);
      await collapseAll(page, 'Experiments');
      const exps = pane(page, 'Experiments');
      await expand(row(exps, 'forecasting'));
      await row(exps, 'lstm-diverged').waitFor({ timeout: 20_000 });

      await viewTitleAction(page, 'Experiments', 'Filter Runs');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: 10_000 });
      await input.fill('metrics.mape < 20 and params.model = ');
      const message = page.locator('.quick-input-widget .quick-input-message');
      await page.waitForFunction((sel) => (document.querySelector(sel)?.textContent ?? '').includes('‸'), '.quick-input-widget .quick-input-message', { timeout: 10_000 });
      const text = await message.innerText();
      assert.match(text, /filter|clause|value/i, `validation message: ${text}`);
      assert.match(text, /at character 36: .*params\.model ‸=/, `no position and caret in: ${text}`);
      await shot('09-runs-filter-invalid');
      await page.keyboard.press('Enter');
      await page.waitForTimeout(300);
      assert.ok(await input.isVisible(), 'Enter accepted an invalid filter');

      await input.fill('metrics.mape < 20');
      await page.waitForFunction((sel) => !(document.querySelector(sel)?.textContent ?? '').includes('‸'), '.quick-input-widget .quick-input-message', { timeout: 10_000 });
      await page.keyboard.press('Enter');
      const description = page.locator('.pane-header', { hasText: 'Experiments' }).first().locator('.description');
      await description.filter({ hasText: 'filter: metrics.mape < 20' }).waitFor({ timeout: 10_000 });
      await expand(row(exps, 'forecasting'));
      await row(exps, 'prophet-baseline').waitFor({ timeout: 20_000 });
      await row(exps, 'arima-live').waitFor({ timeout: 20_000 });
      await row(exps, 'lstm-diverged').waitFor({ state: 'detached', timeout: 20_000 });
      assert.equal(await row(exps, 'killed-run').count(), 0, 'a run without the metric passes the filter');
      await shot('10-runs-filtered');

      await viewTitleAction(page, 'Experiments', 'Clear Filter');
      await row(exps, 'lstm-diverged').waitFor({ timeout: 20_000 });
      assert.equal(await description.filter({ hasText: 'filter:' }).count(), 0, 'the view still describes a filter');
      await collapseAll(page, 'Experiments');
    },
  },
  {
    name: 'Experiments view: "Load more" on a 1,000-run experiment fetches the next page',
    fn: async (page, { expected, shot }) => {
      const many = expected.many_runs;
      assert.ok(many, 'the workspace has no many-runs experiment (make_many_runs.py)');
      await openMlflowContainer(page);
      await collapseAll(page, 'Experiments');
      const exps = pane(page, 'Experiments');
      // Keyboard, as a person would on a long list: the tree renders only the rows in view.
      // Clicking the experiment focuses it (and toggles it); Right expands it if that collapsed it.
      const expRow = row(exps, many.name);
      await expRow.locator('.label-name').click();
      if ((await expRow.getAttribute('aria-expanded')) === 'false') await page.keyboard.press('ArrowRight');
      const newest = `run-${String(many.count - 1).padStart(4, '0')}`;
      await row(exps, newest).waitFor({ timeout: 30_000 });
      const focused = exps.locator('.monaco-list-row.focused');
      /** End, then Up to the "Load more runs…" row (only collapsed experiments follow it). */
      const focusLoadMore = async () => {
        await page.keyboard.press('End');
        for (let i = 0; i < 12; i++) {
          if (((await focused.textContent().catch(() => '')) ?? '').includes('Load more runs')) return Number(await focused.getAttribute('aria-posinset'));
          await page.keyboard.press('ArrowUp');
        }
        throw new Error(`no "Load more runs…" row at the end of ${many.name} (focused: ${await focused.textContent().catch(() => 'nothing')})`);
      };
      // The extension-host suite may have loaded pages already: whole pages of 100, then this row.
      const loaded = (await focusLoadMore()) - 1;
      assert.ok(loaded >= 100 && loaded % 100 === 0 && loaded < many.count, `"Load more" comes after ${loaded} runs, not after whole pages of 100`);
      await row(exps, `run-${String(many.count - loaded).padStart(4, '0')}`).waitFor({ timeout: 10_000 });
      await shot('11-runs-before-load-more');
      await page.keyboard.press('Enter');
      const firstOfNext = `run-${String(many.count - loaded - 1).padStart(4, '0')}`;
      await row(exps, firstOfNext).waitFor({ timeout: 30_000 });
      const next = await focusLoadMore();
      assert.equal(next, loaded + 101, `after "Load more", the next "Load more" row is number ${next}, not ${loaded + 101}`);
      await row(exps, `run-${String(many.count - loaded - 100).padStart(4, '0')}`).waitFor({ timeout: 10_000 });
      await shot('12-runs-after-load-more');
      await collapseAll(page, 'Experiments');
    },
  },
];

/**
 * A folder with mlflow.db and Python packages of its own named `mlflow` and `uvicorn`, whose code
 * writes `marker` when imported: what an attacker would ship to run code through our
 * `python -m mlflow server`.
 */
export function plantHostilePackages(workspace, marker) {
  const code = `open(${JSON.stringify(marker)}, "a").write(__name__ + "\\n")\n`;
  for (const pkg of ['mlflow', 'uvicorn']) {
    mkdirSync(join(workspace, pkg), { recursive: true });
    writeFileSync(join(workspace, pkg, '__init__.py'), code);
    writeFileSync(join(workspace, pkg, '__main__.py'), code);
  }
}

/**
 * Restricted Mode on that folder: "Set Alias…" in the Models view starts nothing (no mlflow server,
 * so no import of the folder's packages) and says to trust the folder; browsing still works.
 */
export const restrictedHostileFlow = {
  name: 'Restricted Mode: Set Alias on mlflow.db runs nothing of the folder and asks to trust it',
  fn: async (page, { expected, shot, marker }) => {
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 20_000 });
    await openMlflowContainer(page);
    await expandPane(page, 'Models');
    const models = pane(page, 'Models');
    const model = expected.registered_models.find((m) => m.versions.length > 0);
    for (const other of expected.registered_models.filter((m) => m.name !== model.name)) {
      const r = row(models, other.name);
      if ((await r.count()) && (await r.getAttribute('aria-expanded')) === 'true') await r.locator('.monaco-tl-twistie').click();
    }
    await expand(row(models, model.name));
    const version = model.versions[0].version;
    const vRow = row(models, `Version ${version}`);
    await vRow.waitFor({ timeout: 20_000 });
    await vRow.hover();
    await vRow.locator('.action-label[aria-label^="Set Alias"]').click();
    const toast = page.locator('.notification-toast', { hasText: 'Trust this folder' }).first();
    await toast.waitFor({ timeout: 20_000 });
    assert.match(await toast.innerText(), /Restricted Mode/);
    assert.equal(await page.locator('.quick-input-widget input').isVisible().catch(() => false), false, 'an alias was asked for anyway');
    await shot('09-restricted-set-alias-refused');
    // A server start and its import would take seconds: give it time to show up if it ran at all.
    await page.waitForTimeout(8_000);
    assert.equal(existsSync(marker), false, `the folder's own Python package ran: ${marker} was written`);
  },
};

// Shared with the flows of other files (runnerFlows.mjs).
export { expand, openMlflowContainer, pane, row, runCommand, waitForFrame };
