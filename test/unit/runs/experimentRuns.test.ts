import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { FilterError } from '../../../extension/core/filter';
import type { Run } from '../../../extension/core/model/entities';
import { ExperimentRuns, levelKey } from '../../../extension/core/runs/experimentRuns';
import { StoreError } from '../../../extension/core/store/errors';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { FileStore } from '../../../extension/core/store/fileStoreWriter';
import type { SearchRunsPageOptions, TrackingReader } from '../../../extension/core/store/trackingStore';
import { copyFixtureStore, fixtureStore, loadExpected } from '../../support/fixture';

const expected = loadExpected();
const parent = expected.runs.find((r) => r.run_id === expected.parent_run_id)!;
const iris = parent.experiment_id;
const forecasting = expected.experiments.find((e) => e.name === 'forecasting')!.experiment_id;

/** The real fixture reader, with every page request recorded: paging must be visible in the calls. */
function recording(reader: TrackingReader) {
  const calls: SearchRunsPageOptions[] = [];
  const wrapped = {
    kind: reader.kind,
    uri: reader.uri,
    searchRunsPage: (o: SearchRunsPageOptions) => {
      calls.push(o);
      return reader.searchRunsPage(o);
    },
  };
  return { reader: wrapped, calls };
}

const ids = (runs: readonly Run[]) => runs.map((r) => r.info.runId);

/** What mlflow reported: active runs of an experiment, in MLflow's default order (start time desc, then run id). */
function mlflowOrder(experimentId: string, keep: (r: (typeof expected.runs)[number]) => boolean): string[] {
  return expected.runs
    .filter((r) => r.experiment_id === experimentId && r.lifecycle_stage === 'active' && keep(r))
    .sort((a, b) => b.start_time - a.start_time || (a.run_id < b.run_id ? -1 : 1))
    .map((r) => r.run_id);
}

test('top level pages through the store with its tokens; "load more" asks for the next page only', async () => {
  const { reader, calls } = recording(new FileStoreReader(fixtureStore));
  const model = new ExperimentRuns(reader, { pageSize: 2 });
  const first = await model.level(forecasting);
  const want = mlflowOrder(forecasting, (r) => !r.tags['mlflow.parentRunId']);
  assert.equal(want.length, 4);
  assert.deepEqual(ids(first.runs), want.slice(0, 2));
  assert.equal(first.hasMore, true);
  const topCalls = calls.filter((c) => c.filter?.endsWith('IS NULL'));
  assert.equal(topCalls.length, 1);
  assert.equal(topCalls[0].maxResults, 2);
  assert.equal(topCalls[0].pageToken, undefined);

  const added = await model.loadMore(forecasting);
  assert.deepEqual(ids(added), want.slice(2, 4));
  const second = await model.level(forecasting);
  assert.deepEqual(ids(second.runs), want);
  assert.equal(second.hasMore, false);
  const next = calls.filter((c) => c.filter?.endsWith('IS NULL'));
  assert.equal(next.length, 2, 'one request per page');
  assert.ok(next[1].pageToken, 'the second page is asked for with the token of the first');
  assert.equal(next[1].maxResults, 2);
  // Nothing more to load: no request.
  assert.deepEqual(await model.loadMore(forecasting), []);
  assert.equal(calls.filter((c) => c.filter?.endsWith('IS NULL')).length, 2);
});

test('two clicks on "load more" at once load one page', async () => {
  const { reader, calls } = recording(new FileStoreReader(fixtureStore));
  const model = new ExperimentRuns(reader, { pageSize: 1 });
  await model.level(forecasting);
  const [a, b] = await Promise.all([model.loadMore(forecasting), model.loadMore(forecasting)]);
  assert.equal(a.length, 1);
  assert.equal((await model.level(forecasting)).runs.length, 2);
  assert.equal(calls.filter((c) => c.filter?.endsWith('IS NULL')).length, 2);
  assert.ok(b.length <= 1);
});

test('nesting: top level has no parent runs; children load when their parent is opened', async () => {
  const { reader, calls } = recording(new FileStoreReader(fixtureStore));
  const model = new ExperimentRuns(reader);
  const top = await model.level(iris);
  assert.deepEqual(ids(top.runs), mlflowOrder(iris, (r) => !r.tags['mlflow.parentRunId']));
  assert.equal(model.hasChildren(iris, parent.run_id), true);
  for (const r of top.runs.filter((r) => r.info.runId !== parent.run_id)) assert.equal(model.hasChildren(iris, r.info.runId), false, r.info.runName);
  assert.equal(calls.some((c) => c.filter?.includes(`= '${parent.run_id}'`)), false, 'children are not read before the parent is opened');

  const children = await model.level(iris, parent.run_id);
  assert.deepEqual(ids(children.runs), mlflowOrder(iris, (r) => r.tags['mlflow.parentRunId'] === parent.run_id));
  assert.equal(children.runs.length, 3);
  assert.deepEqual(await model.orphans(iris), []);
});

test('children page too', async () => {
  const model = new ExperimentRuns(new FileStoreReader(fixtureStore), { pageSize: 2 });
  await model.level(iris);
  const first = await model.level(iris, parent.run_id);
  assert.equal(first.runs.length, 2);
  assert.equal(first.hasMore, true);
  await model.loadMore(iris, parent.run_id);
  assert.deepEqual(ids((await model.level(iris, parent.run_id)).runs), mlflowOrder(iris, (r) => r.tags['mlflow.parentRunId'] === parent.run_id));
});

test('an incomplete parent index leaves unknown runs expandable until opened', async () => {
  const model = new ExperimentRuns(new FileStoreReader(fixtureStore), { parentIndexPage: 1 });
  const top = await model.level(iris);
  const leaf = top.runs.find((r) => r.info.runId !== parent.run_id)!;
  assert.equal(model.hasChildren(iris, parent.run_id), true);
  assert.equal(model.hasChildren(iris, leaf.info.runId), true, 'unknown: may have children');
  assert.deepEqual((await model.level(iris, leaf.info.runId)).runs, []);
  assert.equal(model.hasChildren(iris, leaf.info.runId), false, 'opened and found empty');
});

test('the filter applies at every level; matching children of an unlisted parent are orphans, not lost', async () => {
  const model = new ExperimentRuns(new FileStoreReader(fixtureStore));
  model.setQuery({ filter: "params.model = 'tree'", orderBy: [] });
  assert.deepEqual(ids((await model.level(iris)).runs), [], 'the parent run has no param "model"');
  const tree = mlflowOrder(iris, (r) => r.params.model === 'tree');
  assert.equal(tree.length, 2);
  assert.deepEqual(ids(await model.orphans(iris)).sort(), tree.slice().sort());

  model.setQuery({ filter: "params.search = 'grid'", orderBy: [] });
  assert.deepEqual(ids((await model.level(iris)).runs), [parent.run_id]);
  assert.equal(model.hasChildren(iris, parent.run_id), false, 'no child has the param "search"');
});

test('order_by is sent to the store: sort by a metric', async () => {
  const model = new ExperimentRuns(new FileStoreReader(fixtureStore));
  model.setQuery({ filter: '', orderBy: ['metrics.mape ASC'] });
  const runs = (await model.level(forecasting)).runs;
  const withMape = expected.runs.filter((r) => r.experiment_id === forecasting && r.metrics.mape).sort((a, b) => Number(a.metrics.mape.value) - Number(b.metrics.mape.value));
  assert.deepEqual(ids(runs).slice(0, withMape.length), withMape.map((r) => r.run_id));
  assert.ok(model.metricKeys().includes('mape'));
});

test('a bad filter or order_by is refused with the position and keeps the previous query', async () => {
  const { reader, calls } = recording(new FileStoreReader(fixtureStore));
  const model = new ExperimentRuns(reader);
  model.setQuery({ filter: 'metrics.rmse < 1', orderBy: [] });
  assert.throws(
    () => model.setQuery({ filter: 'metrics.rmse < 1 and params.x = ', orderBy: [] }),
    (e: unknown) => e instanceof FilterError && e.offset > 0,
  );
  assert.throws(() => model.setQuery({ filter: '', orderBy: ['metrics.rmse UP'] }), FilterError);
  assert.equal(model.query.filter, 'metrics.rmse < 1');
  assert.equal(calls.length, 0, 'nothing was sent');
});

test('refresh reports the runs and levels that changed, keeps loaded pages, and reuses nodes', async () => {
  const root = copyFixtureStore();
  try {
    const store = new FileStore(root);
    const model = new ExperimentRuns(new FileStoreReader(root), { pageSize: 2 });
    await model.level(forecasting);
    await model.loadMore(forecasting);
    await model.level(iris);
    await model.level(iris, parent.run_id);

    assert.deepEqual(await model.refresh(), { runs: new Map(), levels: new Set(), errors: [] }, 'nothing changed');

    const live = expected.runs.find((r) => r.run_name === 'arima-live')!;
    await store.updateRun(live.run_id, { status: 'FINISHED', endTime: live.start_time + 1000 });
    const trial = expected.runs.find((r) => r.tags['mlflow.parentRunId'] === parent.run_id)!;
    await store.logBatch(trial.run_id, { metrics: [{ key: 'rmse', value: 0.01, timestamp: Date.now(), step: 99 }] });
    const changes = await model.refresh();
    assert.deepEqual([...changes.runs.keys()].sort(), [live.run_id, trial.run_id].sort());
    assert.equal(changes.runs.get(live.run_id)!.info.status, 'FINISHED', 'changes carry the runs as now read');
    assert.deepEqual([...changes.levels], []);
    const top = await model.level(forecasting);
    assert.equal(top.runs.length, 4, 'the pages loaded before the refresh are still loaded');
    assert.equal(top.runs.find((r) => r.info.runId === live.run_id)!.info.status, 'FINISHED');

    // A new top-level run and a new child of the parent change those two levels.
    const fresh = await store.createRun({ experimentId: forecasting, runName: 'new-run', startTime: Date.now() });
    const kid = await store.createRun({ experimentId: iris, runName: 'new-child', startTime: Date.now(), tags: { 'mlflow.parentRunId': parent.run_id } });
    const more = await model.refresh();
    assert.deepEqual([...more.levels].sort(), [levelKey(forecasting), levelKey(iris, parent.run_id)].sort());
    assert.equal((await model.level(forecasting)).runs[0].info.runId, fresh.info.runId);
    assert.ok(ids((await model.level(iris, parent.run_id)).runs).includes(kid.info.runId));

    // A run that becomes a parent changes (it gets an expand arrow).
    const leaf = expected.runs.find((r) => r.run_name === 'special-values')!;
    await store.createRun({ experimentId: iris, runName: 'grandchild', startTime: Date.now(), tags: { 'mlflow.parentRunId': leaf.run_id } });
    assert.ok((await model.refresh()).runs.has(leaf.run_id));
    assert.equal(model.hasChildren(iris, leaf.run_id), true);
  } finally {
    rmSync(dirname(root), { recursive: true, force: true });
  }
});

test('a level that fails to refresh keeps what it showed and is reported', async () => {
  const root = copyFixtureStore();
  try {
    const model = new ExperimentRuns(new FileStoreReader(root));
    const before = ids((await model.level(forecasting)).runs);
    rmSync(root, { recursive: true, force: true });
    const changes = await model.refresh();
    assert.ok(changes.errors.length > 0);
    assert.deepEqual(ids((await model.level(forecasting)).runs), before);
  } finally {
    rmSync(dirname(root), { recursive: true, force: true });
  }
});

test('a server that refuses IS NULL (MLflow < 3.11): page the experiment and nest the loaded pages', async () => {
  const file = new FileStoreReader(fixtureStore);
  const old = {
    kind: 'rest' as const,
    uri: 'http://127.0.0.1:1/',
    // What an MLflow 3.10 server answers: it is the real reader otherwise.
    searchRunsPage: (o: SearchRunsPageOptions) =>
      /IS (NOT )?NULL/.test(o.filter ?? '') ? Promise.reject(new StoreError('INVALID_PARAMETER_VALUE', "Invalid clause(s) in filter string: 'tags.mlflow.parentRunId IS NULL'")) : file.searchRunsPage(o),
  };
  const model = new ExperimentRuns(old);
  const top = await model.level(iris);
  assert.equal(model.nestingMode, 'loadedPages');
  assert.deepEqual(ids(top.runs), mlflowOrder(iris, (r) => !r.tags['mlflow.parentRunId']));
  assert.equal(model.hasChildren(iris, parent.run_id), true);
  assert.deepEqual(ids((await model.level(iris, parent.run_id)).runs), mlflowOrder(iris, (r) => r.tags['mlflow.parentRunId'] === parent.run_id));
});

test('a filter the server refuses is reported, not mistaken for an old server', async () => {
  const model = new ExperimentRuns({
    kind: 'rest',
    uri: 'http://127.0.0.1:1/',
    searchRunsPage: () => Promise.reject(new StoreError('INVALID_PARAMETER_VALUE', 'refused')),
  });
  await assert.rejects(model.level(iris), /refused/);
  assert.equal(model.nestingMode, 'parentTag');
});

test('each top-level "Load more" also reads the next page of the parent index', async () => {
  const { reader, calls } = recording(new FileStoreReader(fixtureStore));
  const model = new ExperimentRuns(reader, { pageSize: 1, parentIndexPage: 2 });
  await model.level(iris);
  const indexCalls = () => calls.filter((c) => c.filter?.endsWith('IS NOT NULL'));
  assert.equal(indexCalls().length, 1);
  assert.equal(indexCalls()[0].maxResults, 2);
  const other = expected.runs.find((r) => r.run_name === 'special-values')!;
  assert.equal(model.hasChildren(iris, other.run_id), true, 'three children, two read: unknown runs may have children');
  await model.loadMore(iris);
  assert.equal(indexCalls().length, 2);
  assert.ok(indexCalls()[1].pageToken, 'the next index page, by token');
  assert.equal(model.hasChildren(iris, other.run_id), false, 'the index is complete now');
  assert.equal(model.hasChildren(iris, parent.run_id), true);
  await model.loadMore(iris, parent.run_id);
  assert.equal(indexCalls().length, 2, 'children pages do not read the index');
});
