import assert from 'node:assert/strict';
import { test } from 'node:test';
import { childrenFilter, childrenPage, parentOf } from '../../../extension/core/store/runRelations';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { RUNS, parseFilter } from '../../../extension/core/filter';
import { fixtureStore, loadExpected } from '../../support/fixture';

const expected = loadExpected();
const store = new FileStoreReader(fixtureStore);
const parentId = expected.parent_run_id;
const parent = expected.runs.find((r) => r.run_id === parentId)!;
const children = expected.runs.filter((r) => r.tags['mlflow.parentRunId'] === parentId && r.lifecycle_stage === 'active');

test('a nested run names its parent by the parent run name; a top-level run has none', async () => {
  const child = await store.getRun(children[0].run_id);
  assert.deepEqual(await parentOf(store, child), { runId: parentId, runName: parent.run_name });
  assert.equal(await parentOf(store, await store.getRun(parentId)), undefined);
});

test('a parent whose run is gone keeps its id and says why', async () => {
  const child = await store.getRun(children[0].run_id);
  child.data.tags['mlflow.parentRunId'] = 'f'.repeat(32);
  const ref = await parentOf(store, child);
  assert.equal(ref?.runId, 'f'.repeat(32));
  assert.equal(ref?.runName, undefined);
  assert.match(ref?.problem ?? '', /not found/);
});

test("a parent's children, page by page, are the runs whose mlflow.parentRunId names it", async () => {
  assert.ok(children.length >= 3, 'the fixture has nested runs');
  const run = await store.getRun(parentId);
  const all = await childrenPage(store, run, { maxResults: 1000 });
  assert.deepEqual(all.runs.map((r) => r.info.runId).sort(), children.map((r) => r.run_id).sort());
  assert.equal(all.nextPageToken, undefined);
  const seen: string[] = [];
  let token: string | undefined;
  do {
    const page = await childrenPage(store, run, { maxResults: 2, pageToken: token });
    assert.ok(page.runs.length <= 2);
    seen.push(...page.runs.map((r) => r.info.runId));
    token = page.nextPageToken;
  } while (token);
  assert.deepEqual(seen, all.runs.map((r) => r.info.runId), 'pages concatenate to the full answer in its order');
  const leaf = await childrenPage(store, await store.getRun(children[0].run_id), { maxResults: 10 });
  assert.deepEqual(leaf.runs, []);
});

test('the children filter is one MLflow string literal whatever the id holds', () => {
  assert.equal(childrenFilter('abc'), "tags.mlflow.parentRunId = 'abc'");
  assert.equal(childrenFilter("it's"), `tags.mlflow.parentRunId = "it's"`);
  assert.throws(() => childrenFilter(`a'b"c`), /cannot be quoted/);
  for (const id of ['abc', "it's"]) {
    const [clause, ...rest] = parseFilter(childrenFilter(id), RUNS);
    assert.deepEqual([clause.type, clause.key, clause.comparator, clause.value, rest.length], ['tag', 'mlflow.parentRunId', '=', id, 0]);
  }
});
