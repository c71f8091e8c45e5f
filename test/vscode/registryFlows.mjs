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
];
