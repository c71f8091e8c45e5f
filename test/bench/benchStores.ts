import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pyFloatRepr } from '../../extension/core/lang/yamlSupport';
import { mlflowEnv, mlflowPython, repoRoot } from '../support/python';

/**
 * Generator of the large benchmark stores (issue #4): one experiment of `runs` runs with 20 params,
 * 5 tags and 10 metrics of `steps` points each, as a file store (mlruns/) and as MLflow's SQLite
 * store, holding the same data. Every value is a pure function of (run index, metric, step), so the
 * bench can check any run against `expectedRun()` without keeping the data around.
 *
 * The stores are cached under ~/.cache/mlflow-workbench-bench/<sizes>/ (benchCacheDir) and reused: the full size takes minutes to
 * write. A store counts as present only when its ready marker exists (written last, atomically).
 */

export interface BenchSizes {
  runs: number;
  steps: number;
}

export const PARAMS_PER_RUN = 20;
export const METRIC_KEYS = ['loss', 'accuracy', 'val_loss', 'val_accuracy', 'f1', 'precision', 'recall', 'lr', 'grad_norm', 'throughput'];
/** Bump when the generated data or layout changes, so old caches are not reused. */
const FORMAT_VERSION = 1;
const T0 = 1_700_000_000_000;
const OPTIMIZERS = ['adam', 'sgd', 'adamw', 'rmsprop'];

export function sizesFromEnv(env: NodeJS.ProcessEnv = process.env): BenchSizes {
  const read = (name: string, dflt: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return dflt;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got '${raw}'`);
    return n;
  };
  return { runs: read('MLWB_BENCH_RUNS', 10_000), steps: read('MLWB_BENCH_STEPS', 1_000) };
}

/** Run start times are this far apart, so every metric timestamp of one run sorts before the next run's. */
function stride(sizes: BenchSizes): number {
  return Math.max(1_000_000, sizes.steps * 100 + 10_000);
}

export function runId(idx: number): string {
  return createHash('md5').update(`mlwb-bench-${idx}`).digest('hex');
}

/** Same formula as VALUE_SQL in make_bench_stores.py: integers, then one division, so both give the same double. */
export function metricValue(idx: number, m: number, step: number, steps: number): number {
  return ((((idx * 7919 + m * 104729) % 1000) * 1000 + (steps - step) * 997 + 1000) / 1000000.0);
}

export function metricTimestamp(sizes: BenchSizes, idx: number, step: number): number {
  return T0 + idx * stride(sizes) + step * 100;
}

export interface ExpectedRun {
  idx: number;
  runId: string;
  runName: string;
  userId: string;
  startTime: number;
  endTime: number;
  params: Record<string, string>;
  tags: Record<string, string>;
  /** key -> latest point (the last step) */
  metrics: Record<string, { value: number; timestamp: number; step: number }>;
}

export function expectedRun(sizes: BenchSizes, idx: number): ExpectedRun {
  const params: Record<string, string> = {};
  for (let p = 0; p < PARAMS_PER_RUN; p++) {
    const key = `param_${String(p).padStart(2, '0')}`;
    switch (p % 4) {
      case 0:
        params[key] = pyFloatRepr(((idx + p) % 97 + 1) / 1000);
        break;
      case 1:
        params[key] = String((idx * 31 + p) % 512);
        break;
      case 2:
        params[key] = OPTIMIZERS[(idx + p) % OPTIMIZERS.length];
        break;
      default:
        params[key] = `layers-${(idx + p) % 7}/width-${64 << (idx % 4)}`;
    }
  }
  const runName = `bench-${String(idx).padStart(6, '0')}`;
  const tags: Record<string, string> = {
    'mlflow.runName': runName,
    'mlflow.user': 'bench',
    'mlflow.source.name': 'train.py',
    'mlflow.source.type': 'LOCAL',
    team: `group-${idx % 10}`,
  };
  const metrics: ExpectedRun['metrics'] = {};
  const last = sizes.steps - 1;
  METRIC_KEYS.forEach((key, m) => {
    metrics[key] = { value: metricValue(idx, m, last, sizes.steps), timestamp: metricTimestamp(sizes, idx, last), step: last };
  });
  return {
    idx,
    runId: runId(idx),
    runName,
    userId: 'bench',
    startTime: metricTimestamp(sizes, idx, 0) - 1000,
    endTime: metricTimestamp(sizes, idx, last) + 1000,
    params,
    tags,
    metrics,
  };
}

export function expectedHistory(sizes: BenchSizes, idx: number, m: number): { value: number; timestamp: number; step: number }[] {
  const out = [];
  for (let s = 0; s < sizes.steps; s++) out.push({ value: metricValue(idx, m, s, sizes.steps), timestamp: metricTimestamp(sizes, idx, s), step: s });
  return out;
}

/** A few runs spread over the store (first, last, some in between) that the bench checks against MLflow. */
export function sampleIndices(sizes: BenchSizes): number[] {
  const n = sizes.runs;
  return [...new Set([0, 1, Math.floor(n / 3), Math.floor(n / 2), n - 2, n - 1].filter((i) => i >= 0 && i < n))];
}

/** Python's str(float) for the metric file; the common case skips the general formatter (100M calls). */
function pyFloat(x: number): string {
  if (x >= 1e-4 && x < 1e16) {
    const s = String(x);
    return Number.isInteger(x) ? s + '.0' : s;
  }
  return pyFloatRepr(x);
}

export interface BenchStore {
  sizes: BenchSizes;
  dir: string;
  experimentName: string;
  file: { root: string; experimentId: string; generatedSeconds: number | null };
  sqlite: { path: string; uri: string; experimentId: string; generatedSeconds: number | null };
}

interface Ready {
  experimentId: string;
  generatedSeconds: number;
}

function readReady(path: string): Ready | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Ready;
  } catch {
    return undefined;
  }
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function runPythonAsync(args: string[], what: string, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // cwd matters: the SQL store resolves its default artifact root (./mlruns) against it.
    const child = spawn(mlflowPython(), args, { env: mlflowEnv(), cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      for (const line of d.toString().split('\n')) if (line.startsWith('make_bench_stores:')) process.stderr.write(`  ${line}\n`);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${what} failed (exit ${code}):\n${err.slice(-4000)}`));
      else resolve(out.trim().split('\n').pop() ?? '');
    });
  });
}

const SCRIPT = join(repoRoot, 'test', 'bench', 'make_bench_stores.py');

/** Writes the runs of the file store directly in the layout MLflow's FileStore writes (a finished run). */
async function generateFileStore(store: BenchStore): Promise<Ready> {
  const t = performance.now();
  const root = store.file.root;
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(store.dir), { recursive: true });
  const init = JSON.parse(await runPythonAsync([SCRIPT, 'init-file', root, store.experimentName], 'creating the file-store experiment with mlflow', store.dir)) as {
    experiment_id: string;
    artifact_location: string;
  };
  const expId = init.experiment_id;
  const expDir = join(root, expId);
  const { sizes } = store;
  for (let idx = 0; idx < sizes.runs; idx++) {
    const e = expectedRun(sizes, idx);
    const runDir = join(expDir, e.runId);
    for (const sub of ['metrics', 'params', 'tags', 'artifacts']) mkdirSync(join(runDir, sub), { recursive: true });
    // Keys sorted as PyYAML's safe_dump(sort_keys=True) writes them; a finished run has no deleted_time.
    const meta =
      `artifact_uri: ${init.artifact_location}/${e.runId}/artifacts\n` +
      `end_time: ${e.endTime}\n` +
      `entry_point_name: ''\n` +
      `experiment_id: '${expId}'\n` +
      `lifecycle_stage: active\n` +
      `run_id: ${e.runId}\n` +
      `run_name: ${e.runName}\n` +
      `source_name: ''\n` +
      `source_type: 4\n` +
      `source_version: ''\n` +
      `start_time: ${e.startTime}\n` +
      `status: 3\n` +
      `tags: []\n` +
      `user_id: ${e.userId}\n`;
    writeFileSync(join(runDir, 'meta.yaml'), meta);
    for (const [k, v] of Object.entries(e.params)) writeKeyFile(join(runDir, 'params'), k, v);
    for (const [k, v] of Object.entries(e.tags)) writeKeyFile(join(runDir, 'tags'), k, v);
    for (let m = 0; m < METRIC_KEYS.length; m++) {
      const lines: string[] = new Array(sizes.steps);
      for (let s = 0; s < sizes.steps; s++) lines[s] = `${metricTimestamp(sizes, idx, s)} ${pyFloat(metricValue(idx, m, s, sizes.steps))} ${s}\n`;
      writeFileSync(join(runDir, 'metrics', METRIC_KEYS[m]), lines.join(''));
    }
    if (idx % 1000 === 999) {
      process.stderr.write(`  file store: ${idx + 1}/${sizes.runs} runs\n`);
      // Let the concurrently running SQLite generator's pipes drain.
      await new Promise((r) => setImmediate(r));
    }
  }
  return { experimentId: expId, generatedSeconds: (performance.now() - t) / 1000 };
}

/** Param/tag keys with '/' are nested folders, values are whole files without a trailing newline. */
function writeKeyFile(dir: string, key: string, value: string): void {
  const parts = key.split('/');
  if (parts.length > 1) mkdirSync(join(dir, ...parts.slice(0, -1)), { recursive: true });
  writeFileSync(join(dir, ...parts), value);
}

async function generateSqlite(store: BenchStore): Promise<Ready> {
  const t = performance.now();
  const { sizes } = store;
  rmSync(store.sqlite.path, { force: true });
  mkdirSync(store.dir, { recursive: true });
  const runs = [];
  for (let idx = 0; idx < sizes.runs; idx++) {
    const e = expectedRun(sizes, idx);
    runs.push({ idx, run_id: e.runId, run_name: e.runName, user_id: e.userId, start_time: e.startTime, end_time: e.endTime, params: e.params, tags: e.tags });
  }
  const specPath = join(store.dir, 'sqlite-spec.json');
  writeAtomic(specPath, JSON.stringify({ experiment_name: store.experimentName, steps: sizes.steps, t0: T0, stride: stride(sizes), metric_keys: METRIC_KEYS, runs }));
  const tmpDb = `${store.sqlite.path}.partial`;
  rmSync(tmpDb, { force: true });
  const out = JSON.parse(await runPythonAsync([SCRIPT, 'sqlite', tmpDb, specPath], 'building the SQLite store', store.dir)) as { experiment_id: string };
  // SQL artifact locations do not embed the database path, so the finished file can be renamed into place.
  renameSync(tmpDb, store.sqlite.path);
  rmSync(specPath, { force: true });
  return { experimentId: String(out.experiment_id), generatedSeconds: (performance.now() - t) / 1000 };
}

/**
 * Where generated bench stores are kept between runs: outside the repository (gigabytes of small
 * files would slow every tool that walks the repo, the .vsix packager among them). MLWB_BENCH_CACHE overrides.
 */
export function benchCacheDir(): string {
  return process.env.MLWB_BENCH_CACHE || join(homedir(), '.cache', 'mlflow-workbench-bench');
}

/** Returns the cached stores for these sizes, generating whichever is missing (both in parallel). */
export async function ensureBenchStores(sizes: BenchSizes): Promise<BenchStore> {
  const dir = join(benchCacheDir(), `runs${sizes.runs}-steps${sizes.steps}-v${FORMAT_VERSION}`);
  const store: BenchStore = {
    sizes,
    dir,
    experimentName: `bench-${sizes.runs}x${sizes.steps}`,
    file: { root: join(dir, 'mlruns'), experimentId: '', generatedSeconds: null },
    sqlite: { path: join(dir, 'mlflow.db'), uri: `sqlite:///${join(dir, 'mlflow.db')}`, experimentId: '', generatedSeconds: null },
  };
  const fileReadyPath = join(dir, 'file-ready.json');
  const sqliteReadyPath = join(dir, 'sqlite-ready.json');
  const fileReady = readReady(fileReadyPath);
  const sqliteReady = existsSync(store.sqlite.path) ? readReady(sqliteReadyPath) : undefined;
  mkdirSync(dir, { recursive: true });
  const jobs: Promise<void>[] = [];
  if (fileReady) store.file.experimentId = fileReady.experimentId;
  else {
    process.stderr.write(`  generating file store ${store.file.root}\n`);
    jobs.push(
      generateFileStore(store).then((r) => {
        writeAtomic(fileReadyPath, JSON.stringify(r));
        store.file.experimentId = r.experimentId;
        store.file.generatedSeconds = r.generatedSeconds;
      }),
    );
  }
  if (sqliteReady) store.sqlite.experimentId = sqliteReady.experimentId;
  else {
    process.stderr.write(`  generating SQLite store ${store.sqlite.path}\n`);
    jobs.push(
      generateSqlite(store).then((r) => {
        writeAtomic(sqliteReadyPath, JSON.stringify(r));
        store.sqlite.experimentId = r.experimentId;
        store.sqlite.generatedSeconds = r.generatedSeconds;
      }),
    );
  }
  await Promise.all(jobs);
  return store;
}
