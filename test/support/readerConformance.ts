import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Metric } from '../../extension/core/model/entities';
import type { RegistryReader, TrackingReader } from '../../extension/core/store/trackingStore';
import { expectedValue, type Expected, type ExpectedMetric } from './fixture';

/**
 * One set of read checks for every store reader: what it returns must equal what the Python mlflow
 * library reported for the same store (expected.json, written by test/fixtures/make_fixture_store.py).
 */

function sameMetric(actual: Metric | undefined, exp: ExpectedMetric, where: string): void {
  assert.ok(actual, `${where}: missing`);
  assert.equal(actual.step, exp.step, `${where}: step`);
  assert.equal(actual.timestamp, exp.timestamp, `${where}: timestamp`);
  const v = expectedValue(exp.value);
  if (Number.isNaN(v)) assert.ok(Number.isNaN(actual.value), `${where}: expected NaN`);
  else assert.equal(actual.value, v, `${where}: value`);
}

export function describeReaderConformance(title: string, expected: Expected, store: TrackingReader & RegistryReader): void {
describe(title, () => {
  test('fixture was written by a real mlflow', () => {
    assert.match(expected.mlflow_version, /^\d+\.\d+/);
    assert.ok(expected.runs.length >= 10);
  });

  test('active experiments: same ids, names, tags, times and order as mlflow', async () => {
    const ours = await store.searchExperiments();
    const theirs = expected.experiments.filter((e) => e.lifecycle_stage === 'active');
    assert.deepEqual(
      ours.map((e) => [e.experimentId, e.name, e.artifactLocation, e.creationTime, e.lastUpdateTime, e.tags]),
      theirs.map((e) => [e.experiment_id, e.name, e.artifact_location, e.creation_time, e.last_update_time, e.tags]),
    );
  });

  test('ALL view includes the deleted experiment from .trash', async () => {
    const all = await store.searchExperiments({ viewType: 'ALL' });
    assert.deepEqual(all.map((e) => [e.experimentId, e.lifecycleStage]), expected.experiments.map((e) => [e.experiment_id, e.lifecycle_stage]));
    const deleted = await store.searchExperiments({ viewType: 'DELETED_ONLY' });
    assert.deepEqual(deleted.map((e) => e.name), ['old-experiment']);
  });

  test('every run: info, params, tags and latest metrics equal mlflow get_run', async () => {
    for (const exp of expected.runs) {
      const run = await store.getRun(exp.run_id);
      const where = `run ${exp.run_name} (${exp.run_id})`;
      assert.deepEqual(
        [run.info.runId, run.info.experimentId, run.info.runName, run.info.status, run.info.startTime, run.info.endTime, run.info.lifecycleStage, run.info.artifactUri, run.info.userId],
        [exp.run_id, exp.experiment_id, exp.run_name, exp.status, exp.start_time, exp.end_time, exp.lifecycle_stage, exp.artifact_uri, exp.user_id],
        where,
      );
      assert.deepEqual(run.data.params, exp.params, `${where}: params`);
      assert.deepEqual(run.data.tags, exp.tags, `${where}: tags`);
      assert.deepEqual(Object.keys(run.data.metrics).sort(), Object.keys(exp.metrics).sort(), `${where}: metric keys`);
      for (const [k, m] of Object.entries(exp.metrics)) sameMetric(run.data.metrics[k], m, `${where} metric ${k}`);
    }
  });

  test('metric histories equal mlflow get_metric_history point by point', async () => {
    let points = 0;
    for (const exp of expected.runs) {
      for (const [key, hist] of Object.entries(exp.history)) {
        const ours = await store.getMetricHistory(exp.run_id, key);
        assert.equal(ours.length, hist.length, `${exp.run_name} ${key}: length`);
        hist.forEach((h, i) => sameMetric(ours[i], h, `${exp.run_name} ${key}[${i}]`));
        points += hist.length;
      }
    }
    assert.ok(points > 1000, `compared ${points} points`);
  });

  test('searchRuns over all active experiments: same runs in the same order as mlflow.search_runs', async () => {
    const exps = await store.searchExperiments();
    const runs = await store.searchRuns({ experimentIds: exps.map((e) => e.experimentId) });
    assert.deepEqual(runs.map((r) => r.info.runId), expected.active_runs);
  });

  test('deleted runs only in DELETED_ONLY/ALL views', async () => {
    const exps = await store.searchExperiments();
    const ids = exps.map((e) => e.experimentId);
    const deleted = await store.searchRuns({ experimentIds: ids, viewType: 'DELETED_ONLY' });
    assert.deepEqual(deleted.map((r) => r.info.runName), ['to-be-deleted']);
    const all = await store.searchRuns({ experimentIds: ids, viewType: 'ALL' });
    assert.equal(all.length, expected.active_runs.length + 1);
  });

  test('nested runs carry mlflow.parentRunId of the parent', async () => {
    const children = expected.runs.filter((r) => r.tags['mlflow.parentRunId'] === expected.parent_run_id);
    assert.equal(children.length, 3);
    for (const c of children) assert.equal((await store.getRun(c.run_id)).data.tags['mlflow.parentRunId'], expected.parent_run_id);
  });

  test('artifact listing equals mlflow list_artifacts', async () => {
    const root = await store.listArtifacts(expected.parent_run_id);
    assert.deepEqual(root.map((a) => ({ path: a.path, is_dir: a.isDir, file_size: a.fileSize ?? null })), expected.artifacts.root);
    const config = await store.listArtifacts(expected.parent_run_id, 'config');
    assert.deepEqual(config.map((a) => ({ path: a.path, is_dir: a.isDir, file_size: a.fileSize ?? null })), expected.artifacts.config);
    const text = Buffer.from(await store.readArtifact(expected.parent_run_id, 'config/search.yaml')).toString('utf8');
    assert.equal(text, 'grid: [0.1, 0.05, 0.01]\n');
    await assert.rejects(store.readArtifact(expected.parent_run_id, '../meta.yaml'), /Invalid artifact path/);
  });

  test('registry: models, versions, stages, aliases, tags equal mlflow', async () => {
    const models = await store.searchRegisteredModels();
    assert.deepEqual(models.map((m) => m.name), expected.registered_models.map((m) => m.name));
    for (const exp of expected.registered_models) {
      const m = await store.getRegisteredModel(exp.name);
      assert.equal(m.description, exp.description);
      assert.deepEqual(m.tags, exp.tags);
      assert.deepEqual(m.aliases, exp.aliases);
      assert.equal(m.creationTimestamp, exp.creation_timestamp);
      assert.equal(m.lastUpdatedTimestamp, exp.last_updated_timestamp);
      assert.deepEqual(m.latestVersions.map((v) => v.version).sort(), exp.latest_versions);
      const versions = (await store.searchModelVersions()).filter((v) => v.name === exp.name).sort((a, b) => Number(a.version) - Number(b.version));
      assert.deepEqual(
        versions.map((v) => ({ version: v.version, current_stage: v.currentStage, source: v.source, run_id: v.runId, status: v.status, description: v.description, aliases: v.aliases, tags: v.tags })),
        exp.versions,
      );
    }
    assert.equal((await store.getModelVersionByAlias('iris-model', 'champion')).version, '2');
    assert.equal((await store.getModelVersionByAlias('iris-model', 'latest')).version, '3');
  });

  test('errors name what is missing', async () => {
    await assert.rejects(store.getRun('0123456789abcdef0123456789abcdef'), /Run ('|with id=)0123456789abcdef0123456789abcdef'? not found/);
    await assert.rejects(store.getExperiment('424242'), /(Could not find experiment with ID |No Experiment with id=)424242/);
    await assert.rejects(store.getRegisteredModel('nope'), /Registered Model with name=nope not found/);
  });
});
}
