#!/usr/bin/env node
// The same extension-host suite through @vscode/test-electron, for contributors with desktop VS Code.
// VS Code is downloaded by @vscode/test-electron unless VSCODE_EXECUTABLE names a local binary
// (e.g. /usr/share/code/code). Prints PASS/FAIL per case and `vscode: N passed, N failed`.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runTests } from '@vscode/test-electron';
import { buildSuite, repo } from './build.mjs';
import { prepareWorkspace } from './workspace.mjs';

function finish(passed, failed, message) {
  if (message) console.error(`test:electron: ${message}`);
  console.log(`vscode: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

const exe = process.env.VSCODE_EXECUTABLE;
if (exe && !existsSync(exe)) finish(0, 1, `VSCODE_EXECUTABLE=${exe} does not exist: point it at a desktop VS Code binary (e.g. /usr/share/code/code)`);

// extensionDevelopmentPath loads the extension from dist/, not from the .vsix
if (!existsSync(join(repo, 'dist', 'extension.js'))) execFileSync('node', [join(repo, 'scripts', 'build.mjs')], { stdio: 'inherit' });
const suite = await buildSuite();
const tmp = mkdtempSync(join(tmpdir(), 'mlwb-electron-'));
let outcome = { passed: 0, failed: 1, message: '' };
try {
  const { workspace, expected } = await prepareWorkspace(join(tmp, 'fixture'));
  const resultsFile = join(tmp, 'results.json');
  try {
    await runTests({
      extensionDevelopmentPath: repo,
      extensionTestsPath: suite,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(tmp, 'user-data'), '--extensions-dir', join(tmp, 'extensions')],
      extensionTestsEnv: { MLWB_TEST_EXPECTED: expected, MLWB_TEST_RESULTS: resultsFile, MLWB_TEST_MODE: 'trusted', MLFLOW_TRACKING_URI: '' },
      ...(exe ? { vscodeExecutablePath: exe } : {}),
    });
  } catch (e) {
    if (!existsSync(resultsFile)) {
      const why = e instanceof Error ? e.message : String(e);
      throw new Error(
        exe
          ? `VS Code at ${exe} did not run the suite: ${why}`
          : `could not get VS Code (${why}). @vscode/test-electron downloads it, which needs the internet; offline, set VSCODE_EXECUTABLE to a desktop VS Code binary, or use npm run test:vscode (code-server)`,
      );
    }
  }
  const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
  for (const c of r.results) console.log(c.ok ? `PASS ${c.name}` : `FAIL ${c.name}: ${String(c.error).split('\n')[0]}`);
  outcome = { passed: r.passed, failed: r.failed, message: '' };
} catch (e) {
  outcome = { passed: 0, failed: 1, message: e instanceof Error ? e.message : String(e) };
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
finish(outcome.passed, outcome.failed, outcome.message);
