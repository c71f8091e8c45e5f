// The project runner through the real workbench (issue 10): the command palette, typed parameter
// boxes, the experiment pick, the task's terminal, and the new run in the Experiments view, read
// back with the real mlflow afterwards.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pane, row, runCommand } from './uiFlows.mjs';
import { mlflowPython } from './workspace.mjs';

const PROJECT = 'runner-check';
const EXPERIMENT = 'runner-ui-check';
const RUN_NAME = 'ui-run';

/** A project of its own: slow enough (about 4 s of logging) that the view can show it RUNNING. */
function writeProject(workspace) {
  const dir = join(workspace, PROJECT);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'MLproject'),
    'name: runner-check\n\nentry_points:\n  main:\n    parameters:\n      lr: {type: float, default: 0.1}\n      steps: {type: float, default: 8}\n    command: "python train.py --lr {lr} --steps {steps}"\n',
  );
  writeFileSync(
    join(dir, 'train.py'),
    'import argparse, time\nimport mlflow\n\np = argparse.ArgumentParser()\np.add_argument("--lr", type=float)\np.add_argument("--steps", type=float)\na = p.parse_args()\n' +
      'for s in range(int(a.steps)):\n    mlflow.log_metric("loss", 1.0 / (1 + s * a.lr), step=s)\n    time.sleep(0.5)\n',
  );
  return dir;
}

function mlflowRead(workspace, code) {
  const uri = pathToFileURL(join(workspace, 'mlruns')).href;
  return JSON.parse(
    execFileSync(mlflowPython(), ['-c', `import json, sys, mlflow\nc = mlflow.MlflowClient(sys.argv[1])\n${code}`, uri], {
      env: { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true', MLFLOW_TRACKING_URI: uri, PYTHONWARNINGS: 'ignore', GIT_PYTHON_REFRESH: 'quiet' },
      encoding: 'utf8',
    }).trim().split('\n').pop(),
  );
}

async function pickInQuickInput(page, text) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 15_000 });
  await input.fill(text);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** The title of the open input box (each parameter has its own). */
async function waitForBox(page, title) {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).first().waitFor({ timeout: 15_000 });
  return page.locator('.quick-input-widget input');
}

export const runnerFlow = {
  name: 'runner: Run MLproject Entry Point refuses a bad float, then the run shows RUNNING and FINISHED',
  fn: async (page, { workspace, shot }) => {
    writeProject(workspace);
    try {
      await runCommand(page, 'MLflow: Run MLproject Entry Point');
      // Several MLprojects in the workspace (at any depth): pick ours.
      await pickInQuickInput(page, PROJECT);

      const lr = await waitForBox(page, 'main: lr (float)');
      await lr.fill('abc');
      const message = page.locator('.quick-input-widget .quick-input-message');
      await page.waitForFunction((sel) => /not a number/.test(document.querySelector(sel)?.textContent ?? ''), '.quick-input-widget .quick-input-message', { timeout: 10_000 });
      assert.match(await message.innerText(), /'abc' is not a number/);
      await shot('20-runner-invalid-float');
      await page.keyboard.press('Enter');
      await page.waitForTimeout(300);
      assert.ok(await page.locator('.quick-input-widget .quick-input-title', { hasText: 'main: lr (float)' }).isVisible(), 'an invalid float was accepted');

      await lr.fill('0.05');
      await page.waitForFunction((sel) => !/not a number/.test(document.querySelector(sel)?.textContent ?? ''), '.quick-input-widget .quick-input-message', { timeout: 10_000 });
      await page.keyboard.press('Enter');
      await waitForBox(page, 'main: steps (float)');
      await page.keyboard.press('Enter'); // the default

      await waitForBox(page, 'Run in which experiment?');
      await pickInQuickInput(page, 'New experiment');
      const expBox = await waitForBox(page, 'New experiment');
      await expBox.fill(EXPERIMENT);
      await page.keyboard.press('Enter');
      const nameBox = await waitForBox(page, 'name (optional)');
      await nameBox.fill(RUN_NAME);
      await page.keyboard.press('Enter');

      // The run appears RUNNING in the Experiments view, revealed (the view opens) and selected.
      const exps = pane(page, 'Experiments');
      const runRow = row(exps, RUN_NAME);
      await runRow.waitFor({ timeout: 40_000 });
      await page.waitForFunction(
        (name) => [...document.querySelectorAll('.pane .monaco-list-row')].some((r) => (r.getAttribute('aria-label') ?? '').startsWith(`Run ${name}, running`)),
        RUN_NAME,
        { timeout: 20_000 },
      );
      assert.equal(await runRow.getAttribute('aria-selected'), 'true', 'the new run is not selected');
      await page.locator('.notifications-toasts .notification-toast', { hasText: `run ${RUN_NAME} started` }).first().waitFor({ timeout: 10_000 });
      await shot('21-runner-run-running');

      await page.waitForFunction(
        (name) => [...document.querySelectorAll('.pane .monaco-list-row')].some((r) => (r.getAttribute('aria-label') ?? '').startsWith(`Run ${name}, finished`)),
        RUN_NAME,
        { timeout: 60_000 },
      );
      await shot('22-runner-run-finished');

      const got = mlflowRead(
        workspace,
        `e = c.get_experiment_by_name(${JSON.stringify(EXPERIMENT)})\nr = c.search_runs([e.experiment_id])[0]\n` +
          `print(json.dumps({'name': r.info.run_name, 'status': r.info.status, 'params': r.data.params, 'loss': len(c.get_metric_history(r.info.run_id, 'loss')), 'ep': r.data.tags.get('mlflow.project.entryPoint')}))`,
      );
      assert.deepEqual(got, { name: RUN_NAME, status: 'FINISHED', params: { lr: '0.05', steps: '8' }, loss: 8, ep: 'main' });
    } finally {
      // The workspace is shared with the later passes: their checks list exactly the fixture's experiments.
      try {
        mlflowRead(workspace, `e = c.get_experiment_by_name(${JSON.stringify(EXPERIMENT)})\nif e: c.delete_experiment(e.experiment_id)\nprint('{}')`);
      } catch {
        // nothing was created
      }
      rmSync(join(workspace, PROJECT), { recursive: true, force: true });
    }
  },
};
