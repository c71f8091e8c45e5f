/**
 * The direct-SQLite part of storeListing.bench.ts. node:sqlite needs Node 22.5+, and the bench runner
 * is Node 20, so the bench starts this file in a Node 24 child (`node24 --import tsx`). Reads one JSON
 * argument, prints one JSON line: the sample runs (for the correctness check) and the timings.
 */
import { SqliteReader } from '../../extension/core/store/sqliteReader';
import type { Run } from '../../extension/core/model/entities';
import { timeReps } from './benchTiming';

interface Input {
  uri: string;
  path: string;
  experimentId: string;
  sampleRunIds: string[];
  historyRunIds: string[];
  metric: string;
  reps: number;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2]) as Input;
  const t0 = performance.now();
  const reader = new SqliteReader(input.uri, input.path);
  const openMs = performance.now() - t0;

  const sample: (Run & { history: unknown[] })[] = [];
  for (const id of input.sampleRunIds) sample.push({ ...(await reader.getRun(id)), history: await reader.getMetricHistory(id, input.metric) });

  const list = async () => (await reader.searchRuns({ experimentIds: [input.experimentId] })).length;
  const hist = async () => {
    let n = 0;
    for (const id of input.historyRunIds) n += (await reader.getMetricHistory(id, input.metric)).length;
    return n;
  };
  const listing = await timeReps(list, input.reps);
  const history = await timeReps(hist, input.reps);
  await reader.close();
  process.stdout.write(JSON.stringify({ openMs, sample, listing, history }) + '\n');
}

main().catch((e) => {
  process.stderr.write(`sqliteDirectTimer: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
