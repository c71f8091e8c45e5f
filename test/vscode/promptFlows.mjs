// Prompts in the real workbench (issue 12): prompts registered by the real mlflow client
// (`mlflow.genai.register_prompt`) show in the Prompts view; a version opens read-only with its
// {{variables}} highlighted; two versions open in VS Code's diff editor; an edited template is
// registered as the next version and `mlflow.genai.load_prompt` reads it back.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repo } from './build.mjs';
import { mlflowPython } from './workspace.mjs';
import { runCommand } from './uiFlows.mjs';

const ROW = '.monaco-list-row';
const ENV = { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true', PYTHONWARNINGS: 'ignore', GIT_PYTHON_REFRESH: 'quiet' };
delete ENV.MLFLOW_TRACKING_URI;

function storeUri(workspace) {
  return existsSync(join(workspace, 'mlflow.db')) ? `sqlite:///${join(workspace, 'mlflow.db')}` : pathToFileURL(join(workspace, 'mlruns')).href;
}

function python(args, workspace) {
  return execFileSync(mlflowPython(), args, { cwd: workspace, env: ENV, encoding: 'utf8' }).trim().split('\n').pop();
}

function row(scope, text) {
  return scope.locator(ROW).filter({ has: scope.page().locator('.label-name', { hasText: text }) }).first();
}

function pane(page, title) {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: title }) }).first();
}

async function openPromptsView(page) {
  const entry = page.locator('.activitybar [aria-label^="MLflow"]').first();
  await entry.waitFor({ timeout: 30_000 });
  if (!(await page.locator('.pane-header', { hasText: 'Prompts' }).first().isVisible().catch(() => false))) await entry.click();
  const header = page.locator('.pane-header', { hasText: 'Prompts' }).first();
  await header.waitFor({ timeout: 15_000 });
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  // The other views are not needed here; collapsing them leaves the Prompts view room.
  for (const other of ['Experiments', 'Models']) {
    const h = page.locator('.pane-header', { hasText: other }).first();
    if ((await h.getAttribute('aria-expanded').catch(() => null)) === 'true') await h.click();
  }
  return pane(page, 'Prompts');
}

/** Refreshes the Prompts view until `text` shows (a file watcher refreshes it too, after a delay). */
async function waitForRow(page, view, text, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await row(view, text).isVisible().catch(() => false)) return row(view, text);
    if (Date.now() > end) throw new Error(`the Prompts view shows no '${text}': ${await view.innerText().catch(() => '')}`);
    const header = page.locator('.pane-header', { hasText: 'Prompts' }).first();
    await header.hover();
    await header.locator('.action-label[aria-label^="Refresh Prompts"]').click().catch(() => undefined);
    await page.waitForTimeout(1500);
  }
}

async function expand(r) {
  await r.waitFor({ timeout: 20_000 });
  if ((await r.getAttribute('aria-expanded')) === 'false') await r.locator('.monaco-tl-twistie').click();
}

async function editorLines(page, scope = '.editor-group-container.active .monaco-editor') {
  const lines = await page.locator(`${scope} .view-line`).evaluateAll((els) => els.map((e) => ({ top: parseFloat(e.style.top) || 0, text: (e.textContent || '').replace(/\u00a0/g, ' ') })));
  return lines.sort((a, b) => a.top - b.top).map((l) => l.text);
}


/** Token classes (Monaco's mtkN colour classes) of the span holding `text` on the active editor's lines. */
async function tokenClass(page, text) {
  return page.locator('.editor-group-container.active .monaco-editor .view-line span span', { hasText: text }).first().getAttribute('class');
}

let registered = false;
/** Registers qa-prompt (v1 @production, v2) and chat-prompt with the real mlflow, once per workspace. */
export function registerPrompts(workspace) {
  if (registered) return;
  python([join(repo, 'test/support/mlflow_prompts.py'), 'make', storeUri(workspace)], workspace);
  registered = true;
}

export const promptFlows = [
  {
    name: 'Prompts view: open a version read-only with variables highlighted, diff two versions',
    fn: async (page, { workspace, shot }) => {
      registerPrompts(workspace);
      const view = await openPromptsView(page);
      const prompt = await waitForRow(page, view, 'qa-prompt');
      assert.match(await prompt.innerText(), /@production/, 'qa-prompt row lacks its alias');
      await expand(prompt);
      const v1 = row(view, 'Version 1');
      await v1.waitFor({ timeout: 20_000 });
      assert.match(await v1.innerText(), /@production/);
      assert.match(await v1.innerText(), /first/, 'the commit message is the version description');
      await v1.locator('.label-name').click();
      await page.locator('.tab', { hasText: 'qa-prompt v1' }).first().waitFor({ timeout: 20_000 });
      const end = Date.now() + 15_000;
      while (!(await editorLines(page)).some((l) => l.includes('Answer {{question}} in a {{ style }} tone.'))) {
        if (Date.now() > end) throw new Error(`prompt document shows: ${JSON.stringify(await editorLines(page))}`);
        await page.waitForTimeout(200);
      }
      // Highlighted: the variable name is coloured differently from the surrounding text.
      // Monaco colours a document a moment after showing it: wait for the tokens, not the text.
      let plain;
      let variable;
      for (const until = Date.now() + 15_000; ; await page.waitForTimeout(250)) {
        plain = await tokenClass(page, 'Answer');
        variable = await tokenClass(page, 'question');
        if (variable !== plain || Date.now() > until) break;
      }
      assert.notEqual(variable, plain, `variable and text share token class ${plain}`);
      // Read-only: typing changes nothing.
      await page.locator('.editor-group-container.active .monaco-editor .view-line').first().click();
      await page.keyboard.type('XYZ');
      assert.ok(!(await editorLines(page)).some((l) => l.includes('XYZ')), 'the prompt document took typing');
      await shot('20-prompt-version-read-only');

      // Diff: the inline action on Version 2, then Version 1 from the quick pick.
      const v2 = row(view, 'Version 2');
      await v2.hover();
      await v2.locator('.action-label[aria-label^="Compare Prompt Versions"]').click();
      const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'qa-prompt v1' }).first();
      await pick.waitFor({ timeout: 10_000 });
      await pick.click();
      await page.locator('.tab', { hasText: 'qa-prompt v1 ↔ qa-prompt v2' }).first().waitFor({ timeout: 20_000 });
      const diff = page.locator('.editor-group-container.active .monaco-diff-editor');
      await diff.waitFor({ timeout: 20_000 });
      // Both sides hold their version; the changed words are marked as inserted/removed.
      await diff.locator('.editor.original .view-line', { hasText: 'in a {{ style }} tone.' }).first().waitFor({ timeout: 15_000 });
      await diff.locator('.editor.modified .view-line', { hasText: 'briefly,' }).first().waitFor({ timeout: 15_000 });
      await diff.locator('.char-insert, .line-insert').first().waitFor({ timeout: 15_000 });
      await shot('21-prompt-versions-diff');
      await runCommand(page, 'View: Close All Editors');
    },
  },
  {
    name: 'Prompts view: register a new version from an editor; mlflow.genai.load_prompt reads it',
    fn: async (page, { workspace, shot }) => {
      registerPrompts(workspace);
      const view = await openPromptsView(page);
      await expand(await waitForRow(page, view, 'qa-prompt'));
      const v2 = row(view, 'Version 2');
      await v2.waitFor({ timeout: 20_000 });
      await v2.hover();
      await v2.locator('.action-label[aria-label^="Edit as New Prompt Version"]').click();
      // An untitled draft holding version 2's template.
      const end = Date.now() + 15_000;
      while (!(await editorLines(page)).some((l) => l.includes('briefly,'))) {
        if (Date.now() > end) throw new Error(`draft shows: ${JSON.stringify(await editorLines(page))}`);
        await page.waitForTimeout(200);
      }
      const edited = 'Answer {{question}} as a haiku,\nin a {{style}} tone, for {{ audience }}.';
      await page.locator('.editor-group-container.active .monaco-editor .view-line').first().click();
      await page.keyboard.press('Control+A');
      // insertText: typed braces would be auto-closed by the editor.
      await page.keyboard.insertText(edited);
      await shot('22-prompt-draft-edited');
      await runCommand(page, 'MLflow: New Prompt Version from Editor');
      // The commit message box, not the command palette it replaces.
      const input = page.locator('.quick-input-widget input[placeholder="What changed"]');
      await input.waitFor({ timeout: 10_000 });
      await input.fill('haiku form');
      await page.keyboard.press('Enter');
      // The new version opens read-only and shows in the view.
      await page.locator('.tab', { hasText: 'qa-prompt v3' }).first().waitFor({ timeout: 60_000 });
      await waitForRow(page, view, 'Version 3');
      await shot('23-prompt-version-registered');
      const got = JSON.parse(
        python(['-c', 'import json, sys, mlflow\nmlflow.set_tracking_uri(sys.argv[1]); mlflow.set_registry_uri(sys.argv[1])\np = mlflow.genai.load_prompt("prompts:/qa-prompt/3")\nprint(json.dumps({"template": p.template, "message": p.commit_message, "variables": sorted(p.variables)}))', storeUri(workspace)], workspace),
      );
      assert.deepEqual(got, { template: edited, message: 'haiku form', variables: ['audience', 'question', 'style'] });
      // The draft is not needed any more; closing it must not ask to save.
      await runCommand(page, 'View: Close All Editors');
      const dontSave = page.locator('.monaco-dialog-box .monaco-button', { hasText: "Don't Save" });
      if (await dontSave.isVisible({ timeout: 3000 }).catch(() => false)) await dontSave.click();
    },
  },
];
