/**
 * One process of runPaging.bench.ts: opens a store reader (file store, or the direct SQLite reader
 * under Node 24), times the first call of one search (cold: new process, empty caches; the OS file
 * cache is whatever the machine has) and then `reps` warm calls. Prints one JSON line with the ids
 * the first call returned, so the bench checks the answer before it reports a time.
 *
 * runPaging.bench.ts runs this file bundled with esbuild, as the extension ships (one CommonJS file,
 * plain `node`), so no TypeScript loader's transform or hooks run in the process. Each call is timed
 * twice: wall clock, and the process's CPU time (user + system, all threads). `startup` is what the
 * process did before the reader existed: Node's own start and loading the bundle.
 */
import { FileStoreReader } from '../../extension/core/store/fileStore';
import type { TrackingReader } from '../../extension/core/store/trackingStore';
import { cpuMs, round, timeReps } from './benchTiming';

// Before anything else runs: since the process started (performance's time origin), in wall and CPU.
const loadedWallMs = performance.now();
const loadedCpuMs = cpuMs();

export interface TimerInput {
  kind: 'file' | 'sqlite';
  /** mlruns folder, or the database file. */
  path: string;
  uri: string;
  experimentId: string;
  /** 'page': searchRunsPage of `maxResults`; 'all': searchRuns (every run). */
  what: 'page' | 'all';
  maxResults: number;
  filter?: string;
  orderBy?: string[];
  reps: number;
}

async function open(input: TimerInput): Promise<TrackingReader> {
  if (input.kind === 'file') return new FileStoreReader(input.path, { onProblem: (p) => process.stderr.write(`problem: ${p.location}: ${p.message}\n`) });
  const { SqliteReader } = await import('../../extension/core/store/sqliteReader');
  return new SqliteReader(input.uri, input.path);
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2]) as TimerInput;
  const t0 = performance.now();
  const store = await open(input);
  const openMs = performance.now() - t0;
  let ids: string[] = [];
  const search = { experimentIds: [input.experimentId], filter: input.filter, orderBy: input.orderBy };
  const call = async () => {
    const runs = input.what === 'page' ? (await store.searchRunsPage({ ...search, maxResults: input.maxResults })).runs : await store.searchRuns(search);
    if (ids.length === 0) ids = runs.map((r) => r.info.runId);
    return runs.length;
  };
  const timed = await timeReps(call, input.reps);
  await store.close?.();
  const startup = { loaded_wall_ms: round(loadedWallMs), loaded_cpu_ms: round(loadedCpuMs), first_result_wall_ms: round(t0 + openMs + timed.cold_ms) };
  process.stdout.write(JSON.stringify({ openMs, timed, startup, ids: input.what === 'page' ? ids : ids.slice(0, 100) }) + '\n');
}

main().catch((e) => {
  process.stderr.write(`pagingTimer: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
