import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, test } from 'node:test';

/**
 * Which interpreter the extension would start, trusted and in Restricted Mode. `vscode` is a
 * recording stand-in (glue-only test): a workspace folder on disk holding a `.venv`, the
 * `mlflow.pythonPath` value VS Code hands us, and a Python extension whose selected interpreter is
 * that `.venv`.
 */

const ws = mkdtempSync(join(tmpdir(), 'mlwb-trust-'));
mkdirSync(join(ws, '.venv', 'bin'), { recursive: true });
symlinkSync('/usr/bin/python3', join(ws, '.venv', 'bin', 'python'));
const venvPython = join(ws, '.venv', 'bin', 'python');

const state = { trusted: true, pythonPath: '', asked: 0 };
const folder = { uri: { scheme: 'file', fsPath: ws } };
const fakeVscode = {
  workspace: {
    get isTrusted() {
      return state.trusted;
    },
    workspaceFolders: [folder],
    getWorkspaceFolder: () => folder,
    getConfiguration: () => ({ get: (key: string) => (key === 'pythonPath' ? state.pythonPath : undefined) }),
  },
  extensions: {
    getExtension: (id: string) =>
      id === 'ms-python.python'
        ? {
            isActive: true,
            exports: {
              environments: {
                getActiveEnvironmentPath: () => {
                  state.asked++;
                  return { path: venvPython };
                },
              },
            },
          }
        : undefined,
  },
};
const resolver = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
const original = resolver._resolveFilename;
resolver._resolveFilename = (req, ...rest) => (req === 'vscode' ? 'vscode' : original(req, ...rest));
(require.cache as Record<string, unknown>).vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: fakeVscode };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { resolvePython, UntrustedPythonError } = require('../../../extension/host/python') as typeof import('../../../extension/host/python');

after(() => {
  resolver._resolveFilename = original;
  rmSync(ws, { recursive: true, force: true });
});
beforeEach(() => {
  state.asked = 0;
  state.pythonPath = '';
});

test('trusted: the Python extension’s interpreter, a relative setting taken against the folder', async () => {
  state.trusted = true;
  assert.equal(await resolvePython(), venvPython);
  state.pythonPath = '.venv/bin/python';
  assert.equal(await resolvePython(), venvPython);
});

test('Restricted Mode: the Python extension is not asked; python3 from PATH', async () => {
  state.trusted = false;
  assert.equal(await resolvePython(), 'python3');
  assert.equal(state.asked, 0, 'the Python extension was asked for its (workspace) interpreter');
});

test('Restricted Mode: a user-level interpreter outside the folder is used', async () => {
  state.trusted = false;
  state.pythonPath = '/opt/py/bin/python';
  assert.equal(await resolvePython(), '/opt/py/bin/python');
});

test('Restricted Mode: an interpreter inside the folder, or a relative one, is refused with the way out', async () => {
  state.trusted = false;
  for (const p of [venvPython, '.venv/bin/python']) {
    state.pythonPath = p;
    await assert.rejects(resolvePython(), (e: unknown) => e instanceof UntrustedPythonError && /inside this folder, which is not trusted\. Trust this folder/.test(e.message));
  }
});
