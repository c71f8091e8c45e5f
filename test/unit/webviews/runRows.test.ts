import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { toRunRow } from '../../../extension/host/mappers/runRows';
import { childrenFilter, checkRunsQuery, runsTableRequests } from '../../../extension/host/runsTableRequests';
import { FilterError } from '../../../extension/core/filter/errors';
import { expectedValue, fixtureStore, loadExpected } from '../../support/fixture';

/** The host mapper and request handlers of the runs table, on the store real mlflow wrote. */

const expected = loadExpected();
const store = new FileStoreReader(fixtureStore);

test('toRunRow carries raw values exactly as mlflow reports them', async () => {
  for (const e of expected.runs) {
    const row = toRunRow(await store.getRun(e.run_id));
    assert.equal(row.runId, e.run_id);
    assert.equal(row.experimentId, e.experiment_id);
    assert.equal(row.runName, e.run_name);
    assert.equal(row.status, e.status);
    assert.equal(row.startTime, e.start_time);
    assert.equal(row.endTime, e.end_time);
    assert.equal(row.user, e.user_id);
    assert.equal(row.parentRunId, e.tags['mlflow.parentRunId'] ?? '');
    assert.equal(row.sourceName, e.tags['mlflow.source.name'] ?? '');
    assert.deepEqual(row.params, e.params);
    assert.deepEqual(row.tags, e.tags);
    assert.deepEqual(Object.keys(row.metrics).sort(), Object.keys(e.metrics).sort());
    for (const [k, m] of Object.entries(e.metrics)) assert.ok(Object.is(row.metrics[k], expectedValue(m.value)), `${e.run_name} ${k}: ${row.metrics[k]}`);
  }
});

test('the page handler pages in the store order and maps every run', async () => {
  const iris = expected.experiments.find((x) => x.name === 'iris-classifier')!.experiment_id;
  const h = runsTableRequests(() => store);
  const query = { experimentIds: [iris], filter: '', orderBy: ['metrics.`loss` ASC'] };
  const all = await store.searchRuns({ experimentIds: [iris], orderBy: query.orderBy });
  const got: string[] = [];
  let token: string | undefined;
  do {
    const page = await h.page({ query, pageSize: 2, pageToken: token });
    assert.ok(page.rows.length <= 2);
    got.push(...page.rows.map((r) => r.runId));
    token = page.nextPageToken;
  } while (token);
  assert.deepEqual(got, all.map((r) => r.info.runId));
});

test('an invalid filter or order_by is rejected before the store is asked', async () => {
  let asked = 0;
  const counting = new Proxy(store, {
    get(t, p, r) {
      if (p === 'searchRunsPage') asked++;
      return Reflect.get(t, p, r);
    },
  });
  const h = runsTableRequests(() => counting);
  await assert.rejects(async () => h.page({ query: { experimentIds: ['0'], filter: 'metrics.x >> 1', orderBy: [] }, pageSize: 10 }), FilterError);
  await assert.rejects(async () => h.page({ query: { experimentIds: ['0'], filter: '', orderBy: ['bogus.x DESC'] }, pageSize: 10 }), FilterError);
  await assert.rejects(async () => h.children({ query: { experimentIds: ['0'], filter: 'params.a = ', orderBy: [] }, parentRunId: 'abc' }), FilterError);
  assert.throws(() => checkRunsQuery({ experimentIds: [], filter: '', orderBy: [] }), /no experiment/);
  assert.equal(asked, 0);
});

test('children of a parent: all of them, narrowed by the table filter', async () => {
  const h = runsTableRequests(() => store);
  const parent = expected.runs.find((r) => r.run_name === 'tune-hyperparams')!;
  const q = { experimentIds: [parent.experiment_id], filter: '', orderBy: [] };
  const kids = (await h.children({ query: q, parentRunId: parent.run_id })).rows.map((r) => r.runName).sort();
  assert.deepEqual(kids, ['trial-0', 'trial-1', 'trial-2']);
  const trees = (await h.children({ query: { ...q, filter: "params.model = 'tree'" }, parentRunId: parent.run_id })).rows.map((r) => r.runName).sort();
  assert.deepEqual(trees, ['trial-0', 'trial-2']);
  assert.throws(() => childrenFilter("x' or '1", ''), /Invalid run id/);
});

test('live refresh leaves out runs that no longer exist', async () => {
  const h = runsTableRequests(() => store);
  const live = expected.runs.find((r) => r.status === 'RUNNING')!;
  const { rows } = await h.runs({ runIds: [live.run_id, 'f'.repeat(32)] });
  assert.deepEqual(rows.map((r) => r.runId), [live.run_id]);
  assert.equal(rows[0].status, 'RUNNING');
});
