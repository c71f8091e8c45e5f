#!/usr/bin/env node
// The real-VS-Code layer: runs the extension-host suite inside code-server (through the test-runner
// extension) and then drives the workbench through Chromium like a person. Prints `PASS name` /
// `FAIL name: reason` per case and a final `vscode: N passed, N failed`; exits 1 on any failure.
// Screenshots land in test-results/vscode/. Expects out/mlflow-workbench.vsix (packages it if missing).
// Env: MLWB_KEEP_TMP=1 keeps the temp workspace; MLWB_SKIP_RESTRICTED=1 skips the Restricted Mode pass;
// MLWB_SKIP_SQLITE=1 skips the passes on a workspace holding mlflow.db (trusted, and untrusted with
// a hostile `mlflow/` package of its own). MLWB_ONLY_PASS=name[,name] runs only those passes
// (trusted, restricted, sqlite, restricted-sqlite). MLWB_MANY_RUNS=N sizes the paging flow's
// experiment (default 1000). MLWB_FLOWS=text[|text…] runs only the UI flows whose name contains one of them
// (the extension-host suite always runs).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSuite, packageRunner, repo } from './build.mjs';
import { checkCodeServer, installExtensions, startCodeServer, writeUserSettings } from './codeServer.mjs';
import { launchBrowser, openWorkbench } from './browser.mjs';
import { servingFlow } from './servingFlows.mjs';
import { experimentsViewFlows, plantHostilePackages, registryEditFlow, restrictedFlows, restrictedHostileFlow, runsTableFlow, userFlows } from './uiFlows.mjs';
import { addManyRuns, mlflowPython, prepareWorkspace } from './workspace.mjs';
import { chartFlows, liveChartFlow, prepareChartWorkspace } from './chartFlows.mjs';
import { promptFlows } from './promptFlows.mjs';
import { lifecycleFlows } from './lifecycleFlows.mjs';
import { registryFlows } from './registryFlows.mjs';
import { runnerFlow, runnerSweepFlow } from './runnerFlows.mjs';
import { addTraces, traceFlows } from './traceFlows.mjs';
import { addEvaluations, evaluationFlows } from './evaluationFlows.mjs';
import { gatewayFlow } from './gatewayFlows.mjs';

const SUITE_TIMEOUT_MS = 150_000;
/** Runs in the paging flow's experiment (MLWB_MANY_RUNS overrides, e.g. for a quick local pass). */
const MANY_RUNS = Number(process.env.MLWB_MANY_RUNS ?? 1000);
const shots = join(repo, 'test-results', 'vscode');
const results = []; // {name, ok, error}
const cleanups = [];

const t0 = Date.now();
/** Phase timings go to stderr: they explain a slow run without cluttering the PASS/FAIL lines. */
function phase(what) {
  console.error(`· ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

function record(name, ok, error) {
  results.push({ name, ok, error });
  console.log(ok ? `PASS ${name}` : `FAIL ${name}: ${String(error).split('\n')[0]}`);
}

async function waitForResults(path, what, isAlive) {
  const end = Date.now() + SUITE_TIMEOUT_MS;
  while (!existsSync(path)) {
    if (!isAlive()) throw new Error(`code-server exited before the ${what} suite wrote ${path}`);
    if (Date.now() > end) throw new Error(`the ${what} extension-host suite wrote no results to ${path} within ${SUITE_TIMEOUT_MS / 1000} s (did the test-runner extension activate? see the code-server log)`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return JSON.parse(readFileSync(path, 'utf8'));
}

const onlyPasses = process.env.MLWB_ONLY_PASS ? new Set(process.env.MLWB_ONLY_PASS.split(',')) : undefined;

async function runPass({ tmp, name, trusted, extensionsDir, workspace, expected, browser, flows, mode, store, flowContext = {} }) {
  if (onlyPasses && !onlyPasses.has(name)) return;
  const userDataDir = join(tmp, `user-data-${name}`);
  writeUserSettings(userDataDir, {
    'workbench.startupEditor': 'none',
    'mlflow.pythonPath': mlflowPython(),
    'workbench.tips.enabled': false,
    // the chat side bar would squeeze the editor the flows type into
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'security.workspace.trust.enabled': true,
    'security.workspace.trust.startupPrompt': 'never',
  });
  // code-server's extension host is a remote one: machine-scoped settings (mlflow.pythonPath is
  // machine-overridable) come from the Machine settings, not the User ones.
  mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
  writeFileSync(join(userDataDir, 'Machine', 'settings.json'), JSON.stringify({ 'mlflow.pythonPath': mlflowPython() }, null, 1));
  const resultsFile = join(tmp, `results-${name}.json`);
  const cs = await startCodeServer({
    workspace,
    extensionsDir,
    userDataDir,
    trusted,
    logFile: join(tmp, `code-server-${name}.log`),
    env: {
      MLWB_TEST_SUITE: join(repo, 'out', 'vscode-suite', 'index.js'),
      MLWB_TEST_RESULTS: resultsFile,
      MLWB_TEST_EXPECTED: expected,
      MLWB_TEST_MODE: mode ?? (trusted ? 'trusted' : 'restricted'),
      MLWB_TEST_STORE: store ?? 'file',
    },
  });
  cleanups.push(cs.stop);
  // Tall enough that the Experiments view, sharing the side bar with Models, Prompts and AI Gateway,
  // still shows an experiment's runs and nested runs without scrolling: VS Code renders only the
  // tree rows in view, and the flows find rows by their text.
  const context = await browser.newContext({ viewport: { width: 1400, height: 1300 } });
  try {
    const page = await context.newPage();
    phase(`${name}: code-server up`);
    await openWorkbench(page, cs.folderUrl);
    phase(`${name}: workbench loaded`);
    const suite = await waitForResults(resultsFile, name, () => cs.proc.exitCode === null);
    phase(`${name}: suite done`);
    for (const r of suite.results) record(`${name === 'trusted' ? '' : `${name}: `}${r.name}`, r.ok, r.error);
    const only = process.env.MLWB_FLOWS?.split('|');
    for (const flow of flows.filter((f) => !only || only.some((o) => f.name.includes(o)))) {
      try {
        await flow.fn(page, { ...flowContext, workspace, expected: JSON.parse(readFileSync(expected, 'utf8')), shot: (n) => page.screenshot({ path: join(shots, `${name === 'trusted' ? '' : `${name}-`}${n}.png`) }) });
        record(`ui: ${name === 'trusted' ? '' : `${name}: `}${flow.name}`, true);
      } catch (e) {
        await page.screenshot({ path: join(shots, `FAILED-${name}-${flow.name.replace(/\W+/g, '-')}.png`) }).catch(() => undefined);
        record(`ui: ${name === 'trusted' ? '' : `${name}: `}${flow.name}`, false, e instanceof Error ? e.message : e);
      }
    }
    phase(`${name}: flows done`);
  } finally {
    await context.close().catch(() => undefined);
    await cs.stop();
  }
}

async function main() {
  checkCodeServer();
  if (!existsSync(join(repo, 'out', 'mlflow-workbench.vsix'))) execFileSync('node', [join(repo, 'scripts', 'package.mjs')], { stdio: 'inherit' });
  await buildSuite();
  const runnerVsix = packageRunner();
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'mlwb-vscode-'));
  if (!process.env.MLWB_KEEP_TMP) cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));
  phase('suite and runner built');
  const extensionsDir = join(tmp, 'extensions');
  const [{ workspace, expected }, sqlite, hostile] = await Promise.all([
    // The file-store workspace also gets a 1,000-run experiment for the paging flow.
    // …and an experiment of traces for the trace flows.
    // …and the evaluation runs for the evaluation flow.
    prepareWorkspace(join(tmp, 'fixture')).then(async (w) => (await addManyRuns(join(tmp, 'fixture'), MANY_RUNS), addTraces(join(tmp, 'fixture')), addEvaluations(join(tmp, 'fixture')), w)),
    process.env.MLWB_SKIP_SQLITE ? undefined : prepareWorkspace(join(tmp, 'fixture-sqlite'), 'sqlite'),
    process.env.MLWB_SKIP_SQLITE || process.env.MLWB_SKIP_RESTRICTED ? undefined : prepareWorkspace(join(tmp, 'fixture-hostile'), 'sqlite'),
    installExtensions(extensionsDir, [join(repo, 'out', 'mlflow-workbench.vsix'), runnerVsix]),
  ]);
  phase('workspace written by mlflow, extensions installed');
  const browser = await launchBrowser();
  cleanups.push(() => browser.close());
  await runPass({ tmp, name: 'trusted', trusted: true, extensionsDir, workspace, expected, browser, flows: [...userFlows, ...experimentsViewFlows, runsTableFlow, registryEditFlow, runnerFlow, runnerSweepFlow, ...lifecycleFlows, ...promptFlows, ...registryFlows, servingFlow, ...traceFlows, ...evaluationFlows, gatewayFlow] });
  if (!process.env.MLWB_SKIP_RESTRICTED) await runPass({ tmp, name: 'restricted', trusted: false, extensionsDir, workspace, expected, browser, flows: restrictedFlows });
  // MLflow's default store: the same store cases and the views flow on a workspace holding mlflow.db.
  if (sqlite) await runPass({ tmp, name: 'sqlite', trusted: true, extensionsDir, workspace: sqlite.workspace, expected: sqlite.expected, browser, flows: [userFlows[0], registryEditFlow], mode: 'stores', store: 'sqlite' });
  if (!process.env.MLWB_SKIP_CHARTS) {
    // Metric charts (issue #9) on stores of their own: the file store, then SQLite (read on reader
    // threads) for the first chart flow and the live flow.
    const charts = prepareChartWorkspace(join(tmp, 'charts-file'), 'file');
    await runPass({ tmp, name: 'charts', trusted: true, extensionsDir, workspace: charts.workspace, expected: charts.expected, browser, flows: [...chartFlows, liveChartFlow], mode: 'none' });
    if (!process.env.MLWB_SKIP_SQLITE) {
      const chartsSqlite = prepareChartWorkspace(join(tmp, 'charts-sqlite'), 'sqlite');
      await runPass({ tmp, name: 'charts-sqlite', trusted: true, extensionsDir, workspace: chartsSqlite.workspace, expected: chartsSqlite.expected, browser, flows: [chartFlows[0], liveChartFlow], mode: 'none', store: 'sqlite' });
    }
  }
  // Restricted Mode on mlflow.db next to a package `mlflow/` of the folder's own: nothing of it runs.
  if (hostile) {
    const marker = join(tmp, 'hostile-package-ran.txt');
    plantHostilePackages(hostile.workspace, marker);
    await runPass({ tmp, name: 'restricted-sqlite', trusted: false, extensionsDir, workspace: hostile.workspace, expected: hostile.expected, browser, flows: [restrictedHostileFlow], store: 'sqlite', flowContext: { marker } });
  }
}

async function cleanup() {
  for (const c of cleanups.reverse()) await Promise.resolve().then(c).catch(() => undefined);
  cleanups.length = 0;
}

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => void cleanup().then(() => process.exit(130)));

let fatal;
try {
  await main();
} catch (e) {
  fatal = e;
  record('setup', false, e instanceof Error ? e.message : e);
} finally {
  await cleanup();
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
if (fatal) console.error(fatal instanceof Error ? fatal.stack : fatal);
console.log(`vscode: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
