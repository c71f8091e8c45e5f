// Serving flows through the real workbench: "Serve Model Version" on a version in the Models view
// starts `mlflow models serve` as a task (--env-manager local, the settings' Python), the Try-it
// panel opens when /ping answers, and Send shows the model's prediction.
import assert from 'node:assert/strict';

const ROW = '.monaco-list-row';

function row(scope, text) {
  return scope.locator(ROW).filter({ has: scope.page().locator('.label-name', { hasText: text }) }).first();
}

function pane(page, title) {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: title }) }).first();
}

async function openModels(page) {
  const entry = page.locator('.activitybar [aria-label^="MLflow"]').first();
  await entry.waitFor({ timeout: 30_000 });
  if ((await entry.getAttribute('aria-expanded')) !== 'true' && !(await page.locator('.pane-header[aria-label*="Experiments"]').isVisible().catch(() => false))) await entry.click();
  const header = page.locator('.pane-header', { hasText: 'Models' }).first();
  await header.waitFor({ timeout: 15_000 });
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return pane(page, 'Models');
}

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** The webview frame whose text satisfies `test`. */
async function frameWith(page, test, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      const text = await f.evaluate(() => document.body?.innerText ?? '').catch(() => '');
      if (test(text)) return f;
    }
    await page.waitForTimeout(300);
  }
  return undefined;
}

async function notifications(page) {
  return (await page.locator('.notification-toast').allInnerTexts().catch(() => [])).join(' | ');
}

export const servingFlow = {
  name: 'Serve Model Version from the Models view; a prediction in the Try-it panel',
  fn: async (page, { expected, shot }) => {
    const models = await openModels(page);
    const model = expected.registered_models.find((m) => Object.keys(m.aliases).length > 0);
    const version = Object.values(model.aliases)[0];
    // "Version N" rows repeat across models: only this model stays expanded.
    for (const other of expected.registered_models.filter((m) => m.name !== model.name)) {
      const r = row(models, other.name);
      if ((await r.count()) && (await r.getAttribute('aria-expanded')) === 'true') await r.locator('.monaco-tl-twistie').click();
    }
    const modelRow = row(models, model.name);
    await modelRow.waitFor({ timeout: 20_000 });
    if ((await modelRow.getAttribute('aria-expanded')) === 'false') await modelRow.locator('.monaco-tl-twistie').click();
    const vRow = row(models, `Version ${version}`);
    await vRow.waitFor({ timeout: 20_000 });
    await vRow.click();
    await vRow.click({ button: 'right' });
    // The workbench sometimes drops a click right after the menu opens: repeat while it is open.
    const item = page.locator('.monaco-menu .action-label:visible', { hasText: /^Serve Model Version$/ }).first();
    await item.waitFor({ timeout: 10_000 });
    for (let i = 0; i < 4 && (await item.isVisible().catch(() => false)); i++) {
      await page.waitForTimeout(300);
      await item.click({ timeout: 5_000 }).catch(() => undefined);
      await page.waitForTimeout(700);
    }
    // Loading mlflow, the model and uvicorn on a busy 2-core machine: tens of seconds.
    const frame = await frameWith(page, (t) => t.includes('The model server is running.'), 150_000);
    assert.ok(frame, `no Try-it panel with a running server; notifications: ${await notifications(page)}`);
    const body = frame.locator('textarea.body');
    assert.ok(JSON.parse(await body.inputValue()), 'the body box holds no JSON');
    assert.match(await frame.locator('body').innerText(), new RegExp(`models:/${model.name}/${version} served at http://127\\.0\\.0\\.1:\\d+`));

    // A body MLflow would refuse is caught as typed, and Send is off until it is fixed.
    const good = await body.inputValue();
    await body.fill('{"rows": [[1]]}');
    await frame.locator('.check.error', { hasText: "Unknown key 'rows'" }).waitFor({ timeout: 5_000 });
    assert.equal(await frame.locator('button.send').isDisabled(), true, 'Send is enabled for an invalid body');
    await body.fill(JSON.stringify({ dataframe_split: { columns: ['sepal_length', 'species'], data: [[5.1, 'setosa'], [6.2, 'virginica']] } }, null, 2));
    assert.notEqual(good, '');

    await frame.locator('button.send').click();
    await frame.locator('h2', { hasText: 'Prediction' }).waitFor({ timeout: 60_000 });
    const answer = JSON.parse(await frame.locator('pre.result').innerText());
    // The fixture's model returns its input: the rows come back as predictions.
    assert.deepEqual(answer, { predictions: [{ sepal_length: 5.1, species: 'setosa' }, { sepal_length: 6.2, species: 'virginica' }] });
    assert.match(await frame.locator('p.muted', { hasText: 'HTTP 200' }).innerText(), /HTTP 200 · \d+ ms/);
    await shot('12-try-it-prediction');

    // Switching the format converts the body; the server takes that form too.
    await frame.locator('select#format').selectOption('dataframe_records');
    assert.deepEqual(JSON.parse(await body.inputValue()), { dataframe_records: [{ sepal_length: 5.1, species: 'setosa' }, { sepal_length: 6.2, species: 'virginica' }] });

    await runCommand(page, 'MLflow: Stop Model Server');
    const stopped = await frameWith(page, (t) => /The model server (stopped|exited with code)/.test(t), 30_000);
    assert.ok(stopped, 'the Try-it panel does not say the server stopped');
    assert.equal(await stopped.locator('button.send').isDisabled(), true, 'Send is enabled with no server');
    await shot('13-try-it-server-stopped');
  },
};
