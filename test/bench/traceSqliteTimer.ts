import { SqliteReader } from '../../extension/core/store/sqliteReader';
import { timeReps } from './benchTiming';

/**
 * Runs under Node 24 (node:sqlite), started by traces.bench.ts: opens the SQLite store cold in this
 * new process and times the first page of an experiment's traces (the Experiments view's page of
 * 50, and a 100 page), then warm repetitions. Prints one JSON line.
 */
async function main(): Promise<void> {
  const { db, experimentId, reps } = JSON.parse(process.argv[2]) as { db: string; experimentId: string; reps: number };
  let t = performance.now();
  const reader = new SqliteReader(`sqlite:///${db}`, db);
  const openMs = performance.now() - t;
  let ids: string[] = [];
  const page = async (n: number, filter?: string) => {
    const p = await reader.searchTraces({ experimentIds: [experimentId], maxResults: n, filter });
    ids = p.traces.map((x) => x.traceId);
    return p.traces.length;
  };
  const first50 = await timeReps(() => page(50), reps);
  const first50Ids = ids;
  const first100 = await timeReps(() => page(100), reps);
  const filtered = await timeReps(() => page(50, "tags.batch = '1' AND execution_time_ms >= 0"), reps);
  t = performance.now();
  await reader.close();
  process.stdout.write(JSON.stringify({ openMs, first50, first100, filtered, ids: first50Ids }) + '\n');
}
void main().catch((e) => {
  process.stderr.write(String(e instanceof Error ? e.stack : e));
  process.exit(1);
});
