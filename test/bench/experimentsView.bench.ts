import { ExperimentRuns } from '../../extension/core/runs/experimentRuns';
import { FileStoreReader } from '../../extension/core/store/fileStore';
import { ensureBenchStores, sizesFromEnv } from './benchStores';
import { round, timeReps, type Timed } from './benchTiming';

/**
 * What the Experiments view costs on the file store of the large bench experiment (10,000 runs,
 * none nested; MLWB_BENCH_RUNS / MLWB_BENCH_STEPS as for the other store benches): opening the
 * experiment (first page of 100 top-level runs + the parent index page + the orphan check, all
 * through ExperimentRuns) against the store's bare first page, then "Load more", and a refresh of
 * two loaded pages. Cold = a new reader (empty caches) in this process; warm = the same reader again.
 */
export default async function (): Promise<Record<string, unknown>> {
  const sizes = sizesFromEnv();
  const store = await ensureBenchStores(sizes);
  const reps = Number(process.env.MLWB_BENCH_REPS ?? 5);
  const expId = store.file.experimentId;
  const root = store.file.root;

  const cold = async (fn: (r: FileStoreReader) => Promise<number>): Promise<number> => {
    const t = performance.now();
    await fn(new FileStoreReader(root));
    return round(performance.now() - t);
  };
  const firstPage = (r: FileStoreReader) => r.searchRunsPage({ experimentIds: [expId], maxResults: 100 }).then((p) => p.runs.length);
  const openExperiment = async (r: FileStoreReader) => {
    const m = new ExperimentRuns(r);
    const [level] = await Promise.all([m.level(expId), m.orphans(expId)]);
    return level.runs.length;
  };
  const loadMore = async (r: FileStoreReader) => {
    const m = new ExperimentRuns(r);
    await m.level(expId);
    return (await m.loadMore(expId)).length;
  };
  const refresh = async (r: FileStoreReader, m: ExperimentRuns) => {
    await m.refresh();
    return (await m.level(expId)).runs.length;
  };

  const results: Record<string, Timed | number | string> = {
    runs: sizes.runs,
    steps: sizes.steps,
    store_page_100_cold_ms: await cold(firstPage),
    open_experiment_cold_ms: await cold(openExperiment),
  };
  const warm = new FileStoreReader(root);
  results.store_page_100 = await timeReps(() => firstPage(warm), reps);
  results.open_experiment = await timeReps(() => openExperiment(warm), reps);
  results.open_then_load_more = await timeReps(() => loadMore(warm), reps);
  const model = new ExperimentRuns(warm);
  await model.level(expId);
  await model.loadMore(expId);
  results.refresh_two_pages = await timeReps(() => refresh(warm, model), reps);
  const open = results.open_experiment as Timed;
  const page = results.store_page_100 as Timed;
  results.open_over_page_warm_ratio = round(open.median_ms / page.median_ms);
  return results;
}
