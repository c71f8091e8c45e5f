import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, formatMetricValue, nestRuns, versionDescription } from '../../../extension/core/model/display';
import type { ModelVersion, Run } from '../../../extension/core/model/entities';

const run = (id: string, parent?: string): Run => ({
  info: { runId: id, experimentId: '1', runName: id, status: 'FINISHED', startTime: 0, endTime: 1, lifecycleStage: 'active', artifactUri: '', userId: 'u' },
  data: { params: {}, metrics: {}, tags: parent ? { 'mlflow.parentRunId': parent } : {} },
});

test('nested runs go under their parent; orphans and self-parents stay at the top', () => {
  const { roots, children } = nestRuns([run('p'), run('c1', 'p'), run('c2', 'p'), run('g', 'c1'), run('orphan', 'gone'), run('self', 'self')]);
  assert.deepEqual(roots.map((r) => r.info.runId), ['p', 'orphan', 'self']);
  assert.deepEqual(children.get('p')!.map((r) => r.info.runId), ['c1', 'c2']);
  assert.deepEqual(children.get('c1')!.map((r) => r.info.runId), ['g']);
});

test('durations and values', () => {
  assert.equal(formatDuration(4_400), '4s');
  assert.equal(formatDuration(125_000), '2m 5s');
  assert.equal(formatDuration(3_725_000), '1h 2m');
  assert.equal(formatMetricValue(NaN), 'NaN');
  assert.equal(formatMetricValue(-Infinity), '-Infinity');
  assert.equal(formatMetricValue(0.123456789), '0.123457');
  assert.equal(formatMetricValue(1e-7), '1.0000e-7');
});

test('version description shows aliases then stage', () => {
  const v = { aliases: ['champion'], currentStage: 'Production' } as ModelVersion;
  assert.equal(versionDescription(v), '@champion · Production');
  assert.equal(versionDescription({ aliases: [], currentStage: 'None' } as unknown as ModelVersion), '');
});
