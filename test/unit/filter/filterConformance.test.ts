import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { ViewType } from '../../../extension/core/model/entities';
import { FilterError } from '../../../extension/core/filter';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { fixtureStore, loadExpected } from '../../support/fixture';
import { mlflowEnv, mlflowPython, repoRoot } from '../../support/python';

/**
 * Conformance against the real mlflow: every search below runs once through mlflow (one Python
 * process for the whole batch, on the fixture file store) and once through our file store reader.
 * Accepted searches must return the same ids in the same order; searches mlflow rejects must be
 * rejected by us with a FilterError, and vice versa.
 */

type Kind = 'runs' | 'experiments' | 'models' | 'versions';
interface Case {
  kind: Kind;
  filter?: string;
  order_by?: string[];
  view?: ViewType;
}
type Outcome = { ids: string[] } | { error: string };

const expected = loadExpected();
const runId = (name: string) => {
  const r = expected.runs.find((x) => x.run_name === name);
  if (!r) throw new Error(`fixture has no run named ${name}`);
  return r.run_id;
};
const exp = (name: string) => expected.experiments.find((e) => e.name === name)!;
const forecastStart = expected.runs.find((r) => r.run_name === 'arima-live')!.start_time;
const irisCreated = exp('iris-classifier').creation_time;

const runCases: Omit<Case, 'kind'>[] = [
  {},
  { filter: 'metrics.rmse > 0.75' },
  { filter: "metrics.rmse >= 0.8 AND params.model = 'forest'" },
  { filter: "params.model = 'tree'" },
  { filter: "params.model != 'tree'" },
  { filter: "params.lr LIKE '0.0%'" },
  { filter: "params.model ILIKE 'TR%'" },
  { filter: "params.model LIKE 'TR%'" },
  { filter: "params.model LIKE 't_ee'" },
  { filter: "tags.stage = 'trial'" },
  { filter: 'tags.`weird key-with space` IS NOT NULL' },
  { filter: 'params.missing IS NULL' },
  { filter: 'params.model is null' },
  { filter: "params.empty = ''" },
  { filter: "params.unicode LIKE '%✓'" },
  { filter: "params.unicode ILIKE 'TEMPÉRATURE%'" },
  { filter: 'metrics.nan_metric != 0' },
  { filter: 'metrics.nan_metric = 0' },
  { filter: 'metrics.nan_metric >= 0' },
  { filter: 'metrics.inf_metric > 1e300' },
  { filter: 'metrics.neg < -1' },
  { filter: 'metrics.tiny < 1e-6 AND metrics.huge >= 1e16' },
  { filter: 'metrics.`train/accuracy` > 0.98' },
  { filter: "params.`data/path` = 'data/iris.csv'" },
  { filter: "params.\"data/path\" = \"data/iris.csv\"" },
  { filter: "status = 'FINISHED'" },
  { filter: "attributes.status != 'FINISHED'" },
  { filter: "attr.status LIKE 'F%'" },
  { filter: "run_name LIKE 'trial-%'" },
  { filter: "`Run name` = 'trial-1'" },
  { filter: "tags.mlflow.runName ILIKE 'TRIAL%'" },
  { filter: `run_id IN ('${runId('trial-0')}', '${runId('killed-run')}')` },
  { filter: `run.run_id NOT IN ('${runId('trial-0')}')` },
  { filter: `start_time > ${forecastStart - 150000} AND start_time < ${forecastStart + 50000}` },
  { filter: `created >= ${forecastStart}` },
  { filter: 'end_time > 0' },
  { filter: "user_id = 'unknown'" },
  { filter: "artifact_uri LIKE '%/artifacts'" },
  { filter: "params.model = 'tree' metrics.rmse > 0.8" },
  { filter: 'AND metrics.rmse > 0.75 AND' },
  { filter: "metric.rmse < 0.85 and param.model = 'tree'" },
  { filter: 'metrics."rmse" < 0.85' },
  { filter: '`metrics`.rmse < .85' },
  { filter: "dataset.name = 'iris'" },
  { filter: 'metrics.x = 2', view: 'ALL' },
  { filter: 'metrics.loss > 1', view: 'DELETED_ONLY' },
  { order_by: ['metrics.rmse DESC'] },
  { order_by: ['metrics.rmse'] },
  { order_by: ['metrics.loss ASC'], view: 'ALL' },
  { order_by: ['params.model DESC', 'metrics.rmse ASC'] },
  { order_by: ['attributes.start_time ASC'] },
  { order_by: ['run_name'] },
  { order_by: ['status DESC'] },
  { order_by: ['end_time DESC'] },
  { order_by: ['tags.`mlflow.runName` DESC'] },
  { order_by: ['metrics.`train/accuracy`  desc'] },
  { order_by: ['created'] },
  { order_by: ['metrics.mape DESC'] },
  { order_by: ['metrics.nan_metric DESC'] },
  { order_by: ['metrics.nan_metric'] },
  { order_by: ['params.lr'] },
  { filter: "params.model = 'tree'", order_by: ['metrics.rmse DESC'] },
  // rejected by mlflow
  { filter: "params.model < 'a'" },
  { filter: "metrics.rmse LIKE '0%'" },
  { filter: "metrics.rmse = '0.7'" },
  { filter: 'params.model = tree' },
  { filter: 'Metrics.rmse > 1' },
  { filter: "foo.x = 'a'" },
  { filter: "lifecycle_stage = 'active'" },
  { filter: "experiment_id = '0'" },
  { filter: "status IN ('FINISHED')" },
  { filter: "params.model = 'a' OR params.model = 'b'" },
  { filter: "(params.model = 'a')" },
  { filter: "params.model = 'a'; params.lr = '1'" },
  { filter: "params.a-b = 'x'" },
  { filter: "start_time > '5'" },
  { filter: 'end_time IS NULL' },
  { filter: 'metrics.rmse <> 1' },
  { filter: 'params.model IS  NOT  NULL' },
  { filter: 'run_id IN ()' },
  { filter: 'run_id IN (1, 2)' },
  { filter: 'metrics.rmse > - 1' },
  { filter: "params.model = 'a' -- x" },
  { filter: 'metrics.rmse' },
  { filter: "NOT params.model = 'a'" },
  { order_by: ['metrics.rmse DESC ASC'] },
  { order_by: ['metrics.rmse foo'] },
  { order_by: [' metrics.rmse'] },
  { order_by: ['lifecycle_stage'] },
  { order_by: ['metrics.rmse, params.x'] },
  { order_by: ['`Run name`'] },
  { order_by: ['dataset.name'] },
];

const experimentCases: Omit<Case, 'kind'>[] = [
  { view: 'ALL' },
  { filter: "name = 'Default'" },
  { filter: "name LIKE '%er%'", view: 'ALL' },
  { filter: "name ILIKE 'IRIS%'" },
  { filter: "tags.team = 'vision'" },
  { filter: 'tag.team IS NULL', view: 'ALL' },
  { filter: 'tags.team IS NOT NULL' },
  { filter: "attribute.name != 'Default'" },
  { filter: `creation_time > ${irisCreated}`, view: 'ALL' },
  { filter: `creation_time <= ${irisCreated} AND last_update_time >= 0` },
  { filter: "experiment_id = '0'" },
  { filter: `experiment_id IN ('0', '${exp('forecasting').experiment_id}')` },
  { order_by: ['name'], view: 'ALL' },
  { order_by: ['name DESC'] },
  { order_by: ['creation_time ASC'] },
  { order_by: ['last_update_time DESC', 'name'] },
  { order_by: ['experiment_id DESC'], view: 'ALL' },
  { filter: "attributes.name = 'x'" },
  { filter: "name IN ('Default')" },
  { filter: 'name IS NULL' },
  { filter: "creation_time > '1'" },
  { filter: "tags.team < 'x'" },
  { filter: "params.x = 'a'" },
  { order_by: ['tags.team'] },
  { order_by: ['lifecycle_stage'] },
  { order_by: ['attributes.name'] },
];

const modelCases: Omit<Case, 'kind'>[] = [
  {},
  { filter: "name = 'iris-model'" },
  { filter: "name LIKE 'iris%'" },
  { filter: "name ILIKE 'IRIS%'" },
  { filter: "name IN ('forecaster', 'nope')" },
  { filter: "name NOT IN ('forecaster')" },
  { filter: "tags.task = 'classification'" },
  { filter: "tags.task != 'x'" },
  { filter: "tags.`mlflow.prompt.is_prompt` = 'false'" },
  { order_by: ['name DESC'] },
  { order_by: ['creation_timestamp DESC'] },
  { order_by: ['last_updated_timestamp'] },
  { filter: "run_id = 'x'" },
  { filter: "`name` = 'iris-model'" },
  { filter: 'tags.task IS NULL' },
  { filter: "name > 'a'" },
  { filter: "params.x = 'a'" },
  { order_by: ['tags.task'] },
  { order_by: ['timestamp'] },
];

const versionCases: Omit<Case, 'kind'>[] = [
  {},
  { filter: "name = 'iris-model'" },
  { filter: `run_id = '${runId('tune-hyperparams')}'` },
  { filter: `run_id IN ('${runId('tune-hyperparams')}', 'nope')` },
  { filter: 'version_number > 1' },
  { filter: "version_number = '2'" },
  { filter: 'version_number = 2.7' },
  { filter: "source_path LIKE 'models:/%'" },
  { filter: "tags.validated = 'true'" },
  { filter: "name != 'iris-model'" },
  { order_by: ['version_number'] },
  { order_by: ['name DESC', 'version_number ASC'] },
  { order_by: ['creation_timestamp'] },
  { filter: 'version_number IS NULL' },
  { filter: "source = 'x'" },
  { filter: 'name > 1' },
  { filter: 'tags.validated IS NULL' },
  { filter: 'name IN (1)' },
  { order_by: ['run_id'] },
];

const cases: Case[] = [
  ...runCases.map((c) => ({ ...c, kind: 'runs' as const })),
  ...experimentCases.map((c) => ({ ...c, kind: 'experiments' as const })),
  ...modelCases.map((c) => ({ ...c, kind: 'models' as const })),
  ...versionCases.map((c) => ({ ...c, kind: 'versions' as const })),
];

function askMlflow(): Outcome[] {
  const script = join(repoRoot, 'test', 'unit', 'filter', 'mlflow_search.py');
  const uri = `file://${fixtureStore}`;
  const r = spawnSync(mlflowPython(), [script], { input: JSON.stringify({ uri, cases }), env: mlflowEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`mlflow search script failed (${r.status}):\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Outcome[];
}

async function askUs(store: FileStoreReader, c: Case, allExperimentIds: string[]): Promise<Outcome> {
  try {
    const opts = { filter: c.filter, orderBy: c.order_by };
    switch (c.kind) {
      case 'runs':
        return { ids: (await store.searchRuns({ experimentIds: allExperimentIds, viewType: c.view ?? 'ACTIVE_ONLY', ...opts })).map((r) => r.info.runId) };
      case 'experiments':
        return { ids: (await store.searchExperiments({ viewType: c.view ?? 'ACTIVE_ONLY', ...opts })).map((e) => e.experimentId) };
      case 'models':
        return { ids: (await store.searchRegisteredModels(opts)).map((m) => m.name) };
      case 'versions':
        return { ids: (await store.searchModelVersions(opts)).map((v) => `${v.name}/${v.version}`) };
    }
  } catch (e) {
    if (e instanceof FilterError) return { error: e.message };
    throw e;
  }
}

describe('search filters and order_by: file store reader vs real mlflow', () => {
  let theirs: Outcome[];
  const store = new FileStoreReader(fixtureStore);
  let allIds: string[];
  before(async () => {
    theirs = askMlflow();
    assert.equal(theirs.length, cases.length);
    allIds = (await store.searchExperiments({ viewType: 'ALL' })).map((e) => e.experimentId);
  });

  for (const kind of ['runs', 'experiments', 'models', 'versions'] as const) {
    test(`${kind}: same results and same rejections as mlflow`, async () => {
      const mismatches: string[] = [];
      let accepted = 0;
      let rejected = 0;
      for (let i = 0; i < cases.length; i++) {
        const c = cases[i];
        if (c.kind !== kind) continue;
        const want = theirs[i];
        const got = await askUs(store, c, allIds);
        const label = `filter=${JSON.stringify(c.filter ?? '')} order_by=${JSON.stringify(c.order_by ?? [])} view=${c.view ?? 'ACTIVE_ONLY'}`;
        if ('error' in want) {
          rejected++;
          if (!('error' in got)) mismatches.push(`${label}\n    mlflow rejects it (${want.error}) but we returned ${JSON.stringify(got.ids)}`);
        } else {
          accepted++;
          if ('error' in got) mismatches.push(`${label}\n    mlflow accepts it but we reject it: ${got.error}`);
          else if (JSON.stringify(got.ids) !== JSON.stringify(want.ids)) mismatches.push(`${label}\n    mlflow: ${JSON.stringify(want.ids)}\n    ours:   ${JSON.stringify(got.ids)}`);
        }
      }
      assert.deepEqual(mismatches, [], `${mismatches.length} mismatches:\n  ${mismatches.join('\n  ')}`);
      // The list must exercise both sides, or the comparison says little.
      assert.ok(accepted >= 5 && rejected >= 3, `accepted ${accepted}, rejected ${rejected}`);
    });
  }

  test('non-trivial results: filters select proper subsets and orders differ from the default', () => {
    const runIdx = cases.findIndex((c) => c.kind === 'runs' && c.filter === "params.model = 'tree'");
    const all = theirs[cases.findIndex((c) => c.kind === 'runs' && !c.filter && !c.order_by)] as { ids: string[] };
    const tree = theirs[runIdx] as { ids: string[] };
    assert.ok(tree.ids.length >= 2 && tree.ids.length < all.ids.length);
  });
});
