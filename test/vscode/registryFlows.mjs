// Registry flows through the real workbench: an MLflow 3 logged model registered from the
// Experiments view as a new model with an alias, and its version page (light and dark). The result
// is read back from the store by the real mlflow. Each flow gets (page, { workspace, expected, shot }).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expand, openMlflowContainer, pane, runCommand, waitForFrame } from './uiFlows.mjs';
import { mlflowPython } from './workspace.mjs';

/** A row whose label is exactly `label` (playwright's hasText is a case-insensitive substring). */
function exactRow(scope, label) {
  const re = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return scope.locator('.monaco-list-row').filter({ has: scope.page().locator('.label-name', { hasText: re }) }).first();
}

function storeUri(workspace) {
  return existsSync(join(workspace, 'mlflow.db')) ? `sqlite:///${join(workspace, 'mlflow.db')}` : pathToFileURL(join(workspace, 'mlruns')).href;
}

/** Runs a snippet with mlflow's client on the workspace's store (argv[1] is its URI); its last line is JSON. */
function mlflowJson(workspace, code, ...args) {
  const uri = storeUri(workspace);
  const out = execFileSync(mlflowPython(), ['-c', code, uri, ...args], {
    cwd: workspace,
    env: { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true', MLFLOW_TRACKING_URI: uri, PYTHONWARNINGS: 'ignore', GIT_PYTHON_REFRESH: 'quiet' },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop());
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

/** What mlflow's client reads about the alias in the workspace's store. */
function mlflowAlias(workspace, name, alias) {
  const sqlite = existsSync(join(workspace, 'mlflow.db'));
  const uri = sqlite ? `sqlite:///${join(workspace, 'mlflow.db')}` : pathToFileURL(join(workspace, 'mlruns')).href;
  const code = [
    'import sys, json, mlflow',
    'c = mlflow.MlflowClient(sys.argv[1], sys.argv[1])',
    'try:',
    '  v = c.get_model_version_by_alias(sys.argv[2], sys.argv[3])',
    '  print(json.dumps({"version": str(v.version), "source": v.source, "run_id": v.run_id}))',
    'except Exception as e:',
    '  print(json.dumps({"error": str(e)[:200]}))',
  ].join('\n');
  const out = execFileSync(mlflowPython(), ['-c', code, uri, name, alias], {
    cwd: workspace,
    env: { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true', MLFLOW_TRACKING_URI: uri, PYTHONWARNINGS: 'ignore', GIT_PYTHON_REFRESH: 'quiet' },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop());
}

async function toggleTheme(page, frame) {
  const before = await frame.evaluate(() => document.body.className);
  await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
  await frame.waitForFunction((b) => document.body.className !== b, before, { timeout: 15_000 });
  await page.waitForTimeout(300);
  return frame.evaluate(() => (/vscode-(light|dark|high-contrast(-light)?)/.exec(document.body.className) ?? ['?', '?'])[1]);
}

function themeOf(frame) {
  return frame.evaluate(() => (/vscode-(light|dark|high-contrast(-light)?)/.exec(document.body.className) ?? ['?', '?'])[1]);
}

export const registryFlows = [
  {
    name: 'registry: register a logged model from the experiment tree with an alias; the version page opens (light and dark)',
    fn: async (page, { workspace, expected, shot }) => {
      const parent = expected.runs.find((r) => r.run_id === expected.parent_run_id);
      const expName = expected.experiments.find((x) => x.experiment_id === parent.experiment_id).name;
      await openMlflowContainer(page);
      const exps = pane(page, 'Experiments');
      await expand(exactRow(exps, expName));
      const group = exactRow(exps, 'Models');
      await expand(group);
      // The fixture's logged model is named "model" (mlflow.pyfunc.log_model(name="model")).
      const modelRow = exactRow(exps, 'model');
      await modelRow.waitFor({ timeout: 20_000 });
      assert.match(await modelRow.innerText(), /READY/, 'the logged model row shows its status');
      await shot('registry-01-logged-model');

      const input = page.locator('.quick-input-widget input');
      for (let attempt = 0; ; attempt++) {
        await modelRow.click();
        await modelRow.hover();
        await modelRow.locator('.action-label[aria-label^="Register Model"]').click();
        if (await input.waitFor({ timeout: 5_000 }).then(() => true, () => false)) break;
        if (attempt >= 3) throw new Error('no quick pick after clicking Register Model');
      }
      // 1) target: a new registered model
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'New model' }).first().waitFor({ timeout: 10_000 });
      await input.fill('New model');
      await page.keyboard.press('Enter');
      // 2) its name: a bad one first, refused with MLflow's rule, then a good one
      await page.locator('.quick-input-widget', { hasText: 'New registered model name' }).waitFor({ timeout: 10_000 });
      await input.fill('bad/name');
      await page.locator('.quick-input-widget', { hasText: "cannot contain '/' or ':'" }).waitFor({ timeout: 10_000 });
      await input.fill('ui-registered');
      await page.keyboard.press('Enter');
      // 3) an alias
      await page.locator('.quick-input-widget', { hasText: 'Alias for the new version of ui-registered' }).waitFor({ timeout: 10_000 });
      await input.fill('latest');
      await page.locator('.quick-input-widget', { hasText: 'reserved' }).waitFor({ timeout: 10_000 });
      await input.fill('champion');
      await page.keyboard.press('Enter');

      // The version page opens on its own once the store has the version.
      const frame = await waitForFrame(page, (body) => body.includes('ui-registered · version 1') && body.includes('Lineage'), 90_000);
      assert.ok(frame, 'the version page did not open');
      const body = await frame.evaluate(() => document.body.innerText);
      assert.ok(body.includes('models:/ui-registered/1') && body.includes('models:/ui-registered@champion'), `URIs on the page: ${body.slice(0, 400)}`);
      assert.ok(body.includes(parent.run_name), 'the source run is linked by name');
      assert.match(body, /models:\/m-[0-9a-f]{32}/, 'the logged model is named');
      assert.ok(body.includes('python_function'), 'flavors from the MLmodel');

      const got = mlflowAlias(workspace, 'ui-registered', 'champion');
      assert.equal(got.version, '1', `mlflow reads @champion: ${JSON.stringify(got)}`);
      assert.match(got.source, /^models:\/m-/);
      assert.equal(got.run_id, parent.run_id);

      // The new version is revealed (selected) in the Models view.
      const models = pane(page, 'Models');
      await exactRow(models, 'ui-registered').waitFor({ timeout: 30_000 });
      await shot(`registry-02-version-page-${await themeOf(frame)}`);
      await shot(`registry-03-version-page-${await toggleTheme(page, frame)}`);
      await toggleTheme(page, frame);
      await runCommand(page, 'View: Close All Editors');
    },
  },
  {
    name: 'registry: on the version page, edit the description and delete the version after a modal naming it',
    fn: async (page, { workspace, shot }) => {
      await openMlflowContainer(page);
      const models = pane(page, 'Models');
      // "Version 1" rows repeat across models (an earlier flow leaves another model expanded):
      // keep only ui-registered expanded so the row is its own.
      for (const r of await models.locator('.monaco-list-row[aria-level="1"][aria-expanded="true"]').all()) {
        if (!/ui-registered/.test(await r.innerText().catch(() => ''))) await r.locator('.monaco-tl-twistie').click().catch(() => undefined);
      }
      await expand(exactRow(models, 'ui-registered'));
      const vRow = exactRow(models, 'Version 1');
      await vRow.waitFor({ timeout: 20_000 });
      await vRow.click();
      const frame = await waitForFrame(page, (body) => body.includes('ui-registered · version 1') && body.includes('Lineage'), 60_000);
      assert.ok(frame, 'a click on the version did not open its page');

      await frame.locator('[data-action="edit-description"]').click();
      await frame.locator('textarea.description-editor').fill('Registered from the **UI** test.');
      await frame.locator('[data-action="save-description"]').click();
      await frame.locator('pre.note', { hasText: 'Registered from the **UI** test.' }).waitFor({ timeout: 30_000 });
      const code = 'import sys, json, mlflow\nc = mlflow.MlflowClient(sys.argv[1], sys.argv[1])\nvs = [v for v in c.search_model_versions("name = \'ui-registered\'")]\nprint(json.dumps([[str(v.version), v.description] for v in vs]))';
      await until('mlflow reads the description', async () => {
        const got = mlflowJson(workspace, code);
        return { ok: JSON.stringify(got) === JSON.stringify([['1', 'Registered from the **UI** test.']]), got };
      });
      await shot('registry-04-description-saved');

      await frame.locator('[data-action="delete-version"]').click();
      const dialog = page.locator('.monaco-dialog-box').first();
      await dialog.waitFor({ timeout: 15_000 });
      const text = await dialog.innerText();
      assert.match(text, /Delete version 1 of ui-registered\?/, `dialog: ${text}`);
      assert.match(text, /@champion/, `the dialog names the alias that goes: ${text}`);
      await shot('registry-05-delete-confirm');
      await dialog.locator('.monaco-button', { hasText: 'Delete Version' }).first().click();
      await until('mlflow no longer lists the version', async () => {
        const got = mlflowJson(workspace, code);
        return { ok: got.length === 0, got };
      });
      await until('the version page closed', async () => ({ ok: !(await frame.evaluate(() => document.body.innerText.includes('ui-registered · version 1')).catch(() => false)) }));
      await shot('registry-06-version-deleted');
    },
  },
];
