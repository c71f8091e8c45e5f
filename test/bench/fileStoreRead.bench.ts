import { FileStoreReader } from '../../extension/core/store/fileStore';
import { fixtureStore } from '../support/fixture';

/** Small, always-available benchmark: listing and history on the fixture store written by mlflow. */
export default async function (): Promise<Record<string, unknown>> {
  const store = new FileStoreReader(fixtureStore);
  const exps = await store.searchExperiments();
  const ids = exps.map((e) => e.experimentId);
  const times: number[] = [];
  let runs = 0;
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    runs = (await store.searchRuns({ experimentIds: ids })).length;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { fixture_runs: runs, list_all_runs_ms_p50: round(times[10]), list_all_runs_ms_min: round(times[0]) };
}

const round = (x: number) => Math.round(x * 100) / 100;
