import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Run } from '../../extension/core/model/entities';
import { isStoreError, type StoreErrorCode } from '../../extension/core/store/errors';
import type { Store } from '../../extension/core/store/openStore';

/**
 * One behaviour suite for every writable store (REST against real `mlflow server`s, our local
 * server for database URIs, our own file store writer): the same calls must have the same effects.
 * Backend-neutral on purpose: ids are opaque strings, names are unique per run of the suite, and
 * nothing assumes the store starts empty.
 */

export interface OpenedStore {
  store: Store;
  close(): Promise<void>;
}

async function rejectsWith(p: Promise<unknown>, code: StoreErrorCode, text?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isStoreError(e), `expected a StoreError, got ${String(e)}`);
    assert.equal(e.code, code, `code of "${e.message}"`);
    if (text) assert.match(e.message, text);
    return true;
  });
}

export function storeBehaviourSuite(name: string, open: () => Promise<OpenedStore>): void {
  describe(`store behaviour: ${name}`, () => {
    const sfx = randomBytes(4).toString('hex');
    let opened: OpenedStore | undefined;
    let store: Store;
    let expId = '';
    let runA: Run;

    before(async () => {
      opened = await open();
      store = opened.store;
    });
    after(async () => {
      await opened?.close();
    });

    test('create experiment with tags; get by id and by name', async () => {
      expId = await store.createExperiment(`behaviour-${sfx}`, { tags: { team: 'ml', 'note.x': 'y' } });
      assert.equal(typeof expId, 'string');
      assert.ok(expId.length > 0);
      const e = await store.getExperiment(expId);
      assert.equal(e.name, `behaviour-${sfx}`);
      assert.equal(e.lifecycleStage, 'active');
      assert.equal(e.tags.team, 'ml');
      assert.equal(e.tags['note.x'], 'y');
      assert.equal((await store.getExperimentByName(`behaviour-${sfx}`))?.experimentId, expId);
      assert.equal(await store.getExperimentByName(`no-such-experiment-${sfx}`), undefined);
    });

    test('duplicate experiment name is RESOURCE_ALREADY_EXISTS', async () => {
      await rejectsWith(store.createExperiment(`behaviour-${sfx}`), 'RESOURCE_ALREADY_EXISTS', new RegExp(`behaviour-${sfx}`));
    });

    test('rename, set/delete experiment tag, delete and restore experiment', async () => {
      const id = await store.createExperiment(`lifecycle-${sfx}`);
      await store.renameExperiment(id, `renamed-${sfx}`);
      assert.equal((await store.getExperiment(id)).name, `renamed-${sfx}`);
      assert.equal(await store.getExperimentByName(`lifecycle-${sfx}`), undefined);
      await store.setExperimentTag(id, 'k', 'v1');
      await store.setExperimentTag(id, 'k', 'v2');
      assert.equal((await store.getExperiment(id)).tags.k, 'v2');
      await store.deleteExperimentTag(id, 'k');
      assert.equal((await store.getExperiment(id)).tags.k, undefined);
      await store.deleteExperiment(id);
      assert.equal((await store.getExperiment(id)).lifecycleStage, 'deleted');
      assert.ok(!(await store.searchExperiments()).some((e) => e.experimentId === id), 'deleted experiment is not active');
      assert.ok((await store.searchExperiments({ viewType: 'DELETED_ONLY' })).some((e) => e.experimentId === id));
      await store.restoreExperiment(id);
      assert.equal((await store.getExperiment(id)).lifecycleStage, 'active');
      assert.ok((await store.searchExperiments()).some((e) => e.experimentId === id));
    });

    test('create run, log a batch, read it back (params, tags, latest metrics, history)', async () => {
      runA = await store.createRun({ experimentId: expId, runName: 'run-a', startTime: 1_700_000_000_000, tags: { phase: 'train' } });
      assert.equal(runA.info.experimentId, expId);
      assert.equal(runA.info.runName, 'run-a');
      assert.equal(runA.info.status, 'RUNNING');
      assert.equal(runA.info.startTime, 1_700_000_000_000);
      assert.equal(runA.info.lifecycleStage, 'active');
      await store.logBatch(runA.info.runId, {
        params: [
          { key: 'lr', value: '0.01' },
          { key: 'optimizer', value: 'adam' },
        ],
        metrics: [
          { key: 'loss', value: 0.9, timestamp: 1_700_000_000_100, step: 0 },
          { key: 'loss', value: 0.5, timestamp: 1_700_000_000_200, step: 1 },
          { key: 'loss', value: 0.7, timestamp: 1_700_000_000_050, step: 2 },
          { key: 'acc', value: 0.8, timestamp: 1_700_000_000_300, step: 0 },
          { key: 'nan_metric', value: NaN, timestamp: 1_700_000_000_300, step: 0 },
        ],
        tags: [{ key: 'mlflow.note.content', value: 'a *note*' }],
      });
      const run = await store.getRun(runA.info.runId);
      assert.deepEqual(run.data.params, { lr: '0.01', optimizer: 'adam' });
      assert.equal(run.data.tags.phase, 'train');
      assert.equal(run.data.tags['mlflow.note.content'], 'a *note*');
      assert.equal(run.data.tags['mlflow.runName'], 'run-a');
      // Latest = greatest step, not the last timestamp.
      assert.deepEqual({ ...run.data.metrics.loss }, { key: 'loss', value: 0.7, timestamp: 1_700_000_000_050, step: 2 });
      assert.equal(run.data.metrics.acc.value, 0.8);
      assert.ok(Number.isNaN(run.data.metrics.nan_metric.value), 'NaN survives the round trip');
      const hist = await store.getMetricHistory(runA.info.runId, 'loss');
      assert.deepEqual(
        hist.map((m) => [m.step, m.timestamp, m.value]).sort((a, b) => a[0] - b[0]),
        [
          [0, 1_700_000_000_100, 0.9],
          [1, 1_700_000_000_200, 0.5],
          [2, 1_700_000_000_050, 0.7],
        ],
      );
      assert.deepEqual(await store.getMetricHistory(runA.info.runId, 'never-logged'), []);
    });

    test('a batch over MLflow limits (1500 metrics, 150 params, 120 tags) is split and fully stored', async () => {
      const r = await store.createRun({ experimentId: expId, runName: 'big' });
      const metrics = Array.from({ length: 1500 }, (_, i) => ({ key: 'curve', value: i / 7, timestamp: 1_700_000_000_000 + i, step: i }));
      const params = Array.from({ length: 150 }, (_, i) => ({ key: `p${i}`, value: String(i) }));
      const tags = Array.from({ length: 120 }, (_, i) => ({ key: `t${i}`, value: 'x'.repeat(10) }));
      await store.logBatch(r.info.runId, { metrics, params, tags });
      const run = await store.getRun(r.info.runId);
      assert.equal(Object.keys(run.data.params).length, 150);
      assert.equal(Object.keys(run.data.tags).filter((k) => /^t\d+$/.test(k)).length, 120);
      const hist = await store.getMetricHistory(r.info.runId, 'curve');
      assert.equal(hist.length, 1500);
      assert.deepEqual(
        hist.map((m) => m.step).sort((a, b) => a - b),
        metrics.map((m) => m.step),
      );
      assert.equal(run.data.metrics.curve.step, 1499);
    });

    test('search runs with filter, order_by and maxResults', async () => {
      const made: string[] = [];
      for (const [i, acc] of [0.2, 0.9, 0.6].entries()) {
        const r = await store.createRun({ experimentId: expId, runName: `s${i}`, startTime: 1_700_000_100_000 + i });
        await store.logBatch(r.info.runId, {
          metrics: [{ key: 'score', value: acc, timestamp: 1_700_000_100_000, step: 0 }],
          params: [{ key: 'kind', value: i === 1 ? 'b' : 'a' }],
          tags: [{ key: 'grp', value: 'search' }],
        });
        made.push(r.info.runId);
      }
      const names = (rs: Run[]) => rs.map((r) => r.info.runName);
      assert.deepEqual(names(await store.searchRuns({ experimentIds: [expId], filter: 'metrics.score > 0.5', orderBy: ['metrics.score DESC'] })), ['s1', 's2']);
      assert.deepEqual(names(await store.searchRuns({ experimentIds: [expId], filter: "params.kind = 'a'", orderBy: ['metrics.score ASC'] })), ['s0', 's2']);
      assert.deepEqual(
        names(await store.searchRuns({ experimentIds: [expId], filter: "tags.grp = 'search'", orderBy: ['attributes.start_time DESC'] })),
        ['s2', 's1', 's0'],
      );
      assert.deepEqual(names(await store.searchRuns({ experimentIds: [expId], filter: "attributes.run_name = 's1'" })), ['s1']);
      const two = await store.searchRuns({ experimentIds: [expId], filter: "tags.grp = 'search'", orderBy: ['metrics.score ASC'], maxResults: 2 });
      assert.deepEqual(names(two), ['s0', 's2']);
      // Default order: start_time DESC.
      const all = await store.searchRuns({ experimentIds: [expId] });
      const starts = all.map((r) => r.info.startTime ?? 0);
      assert.deepEqual([...starts].sort((a, b) => b - a), starts);
      assert.ok(made.every((id) => all.some((r) => r.info.runId === id)));
    });

    test('update run status and end time; run name', async () => {
      const info = await store.updateRun(runA.info.runId, { status: 'FINISHED', endTime: 1_700_000_009_000 });
      assert.equal(info.status, 'FINISHED');
      assert.equal(info.endTime, 1_700_000_009_000);
      const run = await store.getRun(runA.info.runId);
      assert.equal(run.info.status, 'FINISHED');
      assert.equal(run.info.endTime, 1_700_000_009_000);
      await store.updateRun(runA.info.runId, { runName: 'run-a2' });
      assert.equal((await store.getRun(runA.info.runId)).info.runName, 'run-a2');
      assert.equal((await store.getRun(runA.info.runId)).data.tags['mlflow.runName'], 'run-a2');
    });

    test('delete and restore run', async () => {
      const r = await store.createRun({ experimentId: expId, runName: 'doomed' });
      await store.deleteRun(r.info.runId);
      assert.equal((await store.getRun(r.info.runId)).info.lifecycleStage, 'deleted');
      assert.ok(!(await store.searchRuns({ experimentIds: [expId] })).some((x) => x.info.runId === r.info.runId));
      assert.ok((await store.searchRuns({ experimentIds: [expId], viewType: 'DELETED_ONLY' })).some((x) => x.info.runId === r.info.runId));
      await store.restoreRun(r.info.runId);
      assert.equal((await store.getRun(r.info.runId)).info.lifecycleStage, 'active');
    });

    test('delete run tag', async () => {
      await store.deleteTag(runA.info.runId, 'phase');
      assert.equal((await store.getRun(runA.info.runId)).data.tags.phase, undefined);
      await rejectsWith(store.deleteTag(runA.info.runId, 'phase'), 'RESOURCE_DOES_NOT_EXIST');
    });

    test('missing run, missing experiment and bad filter give typed errors', async () => {
      await rejectsWith(store.getRun(`00000000deadbeef${sfx}00000000`), 'RESOURCE_DOES_NOT_EXIST', /not found/i);
      await rejectsWith(store.getExperiment('987654321'), 'RESOURCE_DOES_NOT_EXIST');
      await rejectsWith(store.searchRuns({ experimentIds: [expId], filter: 'metrics.score >' }), 'INVALID_PARAMETER_VALUE');
      await rejectsWith(store.searchRuns({ experimentIds: [expId], filter: 'nonsense.key = 1' }), 'INVALID_PARAMETER_VALUE');
    });

    test('registry: model, versions from a run, aliases, stages, tags, delete', async () => {
      const name = `model-${sfx}`;
      const m = await store.createRegisteredModel(name, { description: 'first', tags: { task: 'cls' } });
      assert.equal(m.name, name);
      assert.equal(m.description, 'first');
      assert.deepEqual(m.tags, { task: 'cls' });
      await rejectsWith(store.createRegisteredModel(name), 'RESOURCE_ALREADY_EXISTS');

      const run = await store.getRun(runA.info.runId);
      const source = `${run.info.artifactUri}/model`;
      const v1 = await store.createModelVersion(name, { source, runId: run.info.runId, description: 'v1', tags: { q: 'good' } });
      const v2 = await store.createModelVersion(name, { source, runId: run.info.runId });
      assert.equal(v1.version, '1');
      assert.equal(v2.version, '2');
      assert.equal(v1.source, source);
      assert.equal(v1.runId, run.info.runId);
      assert.equal(v1.currentStage, 'None');
      assert.equal(v1.status, 'READY');
      assert.deepEqual(v1.tags, { q: 'good' });

      await store.setRegisteredModelAlias(name, 'champion', '1');
      assert.equal((await store.getModelVersionByAlias(name, 'champion')).version, '1');
      await store.setRegisteredModelAlias(name, 'champion', '2');
      assert.equal((await store.getModelVersionByAlias(name, 'champion')).version, '2');
      assert.deepEqual((await store.getRegisteredModel(name)).aliases, { champion: '2' });
      assert.deepEqual((await store.getModelVersion(name, '2')).aliases, ['champion']);
      await store.deleteRegisteredModelAlias(name, 'champion');
      assert.deepEqual((await store.getRegisteredModel(name)).aliases, {});
      await assert.rejects(store.getModelVersionByAlias(name, 'champion'), (e: unknown) => isStoreError(e) && ['RESOURCE_DOES_NOT_EXIST', 'INVALID_PARAMETER_VALUE'].includes(e.code));

      assert.equal((await store.transitionModelVersionStage(name, '1', 'Production', false)).currentStage, 'Production');
      const promoted = await store.transitionModelVersionStage(name, '2', 'Production', true);
      assert.equal(promoted.currentStage, 'Production');
      assert.equal((await store.getModelVersion(name, '1')).currentStage, 'Archived');
      const latest = (await store.getRegisteredModel(name)).latestVersions.map((v) => [v.version, v.currentStage]).sort();
      assert.deepEqual(latest, [
        ['1', 'Archived'],
        ['2', 'Production'],
      ]);

      await store.setModelVersionTag(name, '2', 'validated', 'true');
      assert.equal((await store.getModelVersion(name, '2')).tags.validated, 'true');
      await store.deleteModelVersionTag(name, '2', 'validated');
      assert.equal((await store.getModelVersion(name, '2')).tags.validated, undefined);
      await store.setRegisteredModelTag(name, 'owner', 'me');
      assert.equal((await store.getRegisteredModel(name)).tags.owner, 'me');
      await store.deleteRegisteredModelTag(name, 'owner');
      assert.equal((await store.getRegisteredModel(name)).tags.owner, undefined);
      assert.equal((await store.updateRegisteredModel(name, 'second')).description, 'second');
      assert.equal((await store.updateModelVersion(name, '1', 'old one')).description, 'old one');

      const vs = await store.searchModelVersions({ filter: `name = '${name}'` });
      assert.deepEqual(vs.map((v) => v.version).sort(), ['1', '2']);
      assert.ok((await store.searchRegisteredModels({ filter: `name = '${name}'` })).some((x) => x.name === name));

      await store.deleteModelVersion(name, '1');
      await rejectsWith(store.getModelVersion(name, '1'), 'RESOURCE_DOES_NOT_EXIST');
      const v3 = await store.createModelVersion(name, { source, runId: run.info.runId });
      assert.equal(v3.version, '3', 'version numbers are never reused');
      await store.deleteRegisteredModel(name);
      await rejectsWith(store.getRegisteredModel(name), 'RESOURCE_DOES_NOT_EXIST');
    });

    test('registry: rename a model; its versions follow', async () => {
      // Versions without tags: MLflow's own file store fails renaming models whose versions have
      // tags (AttributeError in FileStore.rename_registered_model, MLflow 3.17.2).
      const name = `rename-${sfx}`;
      await store.createRegisteredModel(name);
      const run = await store.getRun(runA.info.runId);
      await store.createModelVersion(name, { source: `${run.info.artifactUri}/model`, runId: run.info.runId });
      await store.transitionModelVersionStage(name, '1', 'Staging', false);
      const renamed = await store.renameRegisteredModel(name, `${name}-renamed`);
      assert.equal(renamed.name, `${name}-renamed`);
      const v = await store.getModelVersion(`${name}-renamed`, '1');
      assert.equal(v.name, `${name}-renamed`);
      assert.equal(v.currentStage, 'Staging');
      await rejectsWith(store.getRegisteredModel(name), 'RESOURCE_DOES_NOT_EXIST');
      await store.deleteRegisteredModel(`${name}-renamed`);
    });
  });
}
