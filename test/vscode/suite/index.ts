import * as vscode from 'vscode';
import { artifactCases } from './artifactCases';
import { runCases, writeResults, type TestCase } from './harness';
import { languageCases } from './languageCases';
import { restrictedCases, storeCases } from './storeCases';

/**
 * The extension-host suite. `run()` is the @vscode/test-electron contract (resolve = pass, reject =
 * fail); the code-server runner extension calls the same function. Env:
 *   MLWB_TEST_EXPECTED  expected.json written by make_fixture_store.py for the open workspace
 *   MLWB_TEST_RESULTS   where to write {passed, failed, results:[{name, ok, error}]}
 *   MLWB_TEST_MODE      "restricted" for the Restricted Mode cases, "stores" for the store cases
 *                       only, "none" for UI flows only, else the full suite
 *   MLWB_TEST_STORE     "sqlite" when the workspace holds mlflow.db instead of mlruns/
 */
export async function run(): Promise<void> {
  const lines: string[] = [];
  const log = (l: string) => {
    lines.push(l);
    console.log(`[mlwb suite] ${l}`);
  };
  let cases: TestCase[];
  try {
    const mode = process.env.MLWB_TEST_MODE;
    // 'none': a pass that only runs UI flows on a workspace of its own (the chart passes).
    cases = mode === 'none' ? [] : mode === 'restricted' ? restrictedCases() : mode === 'stores' ? [...storeCases(), ...artifactCases()] : [...storeCases(), ...artifactCases(), ...languageCases()];
  } catch (e) {
    cases = [{ name: 'suite setup', fn: () => Promise.reject(e) }];
  }
  const results = await runCases(cases, log);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const out = process.env.MLWB_TEST_RESULTS;
  if (out) writeResults(out, results);
  if (results.failed > 0) throw new Error(`${results.failed} of ${results.results.length} extension-host cases failed:\n${lines.filter((l) => l.startsWith('FAIL')).join('\n')}`);
}
