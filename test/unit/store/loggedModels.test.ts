import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { LocalServerStore } from '../../../extension/core/store/localServerStore';
import { withModelVersionLink, modelVersionLinks, pyJsonDumps } from '../../../extension/core/store/loggedModels';
import { folderHasMlmodel, runModelChoices } from '../../../extension/core/store/runModels';
import { makeLoggedModels, ours, pythonLoggedModels, tempDir, type LoggedModelIds } from '../../support/loggedModelStore';
import { mlflowPython } from '../../support/python';
import { startMlflowServer, type TestServer } from '../../support/mlflowServer';
import { RestStore } from '../../../extension/core/store/rest/restStore';

/**
 * MLflow 3 logged models read by each store kind, compared with what MLflow's Python client lists
 * for the same store: the file store read directly, SQLite through our local mlflow server, and a
 * plain `mlflow server` with proxied artifacts (mlflow-artifacts:) through the REST store.
 */

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

describe('logged models: file store read directly', () => {
  let dir: string;
  let ids: LoggedModelIds;
  let uri: string;
  before(() => {
    dir = tempDir('mlwb-lm-file-');
    uri = `file://${join(dir, 'mlruns')}`;
    ids = makeLoggedModels(uri, dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('listed as the Python client lists them (order, status, params, tags, latest metrics)', async () => {
    const problems: string[] = [];
    const store = new FileStoreReader(join(dir, 'mlruns'), { onProblem: (p) => problems.push(`${p.location}: ${p.message}`) });
    assert.equal(store.capabilities.loggedModels, true);
    const got = await store.searchLoggedModels({ experimentIds: [ids.experiment_id] });
    assert.deepEqual(ours(got), pythonLoggedModels(uri, ids.experiment_id));
    assert.deepEqual(got.map((m) => [m.name, m.status]), [['draft', 'PENDING'], ['model', 'READY']]);
    assert.deepEqual(problems, []);
  });

  test('one model by id, its MLmodel, and a clear error for an unknown id', async () => {
    const store = new FileStoreReader(join(dir, 'mlruns'));
    const m = await store.getLoggedModel(ids.model_id);
    assert.equal(m.sourceRunId, ids.run_id);
    assert.match(text(await store.readLoggedModelArtifact(ids.model_id, 'MLmodel')), new RegExp(`model_id: ${ids.model_id}`));
    await assert.rejects(store.getLoggedModel('m-00000000000000000000000000000000'), /Logged model 'm-0+' not found/);
    await assert.rejects(store.readLoggedModelArtifact(ids.model_id, '../../meta.yaml'), /Invalid artifact path/);
  });

  test("a run's registrable models: its logged models and its artifact folders with an MLmodel", async () => {
    const store = new FileStoreReader(join(dir, 'mlruns'));
    const run = await store.getRun(ids.run_id);
    const choices = await runModelChoices(store, run);
    assert.deepEqual(
      choices.map((c) => [c.kind, c.source, c.suggestedName]),
      [
        ['logged', `models:/${ids.draft_id}`, 'draft'],
        ['logged', `models:/${ids.model_id}`, 'model'],
        ['folder', `runs:/${ids.run_id}/exported`, 'exported'],
      ],
    );
    assert.equal(await folderHasMlmodel(store, ids.run_id, 'exported'), true);
  });
});

describe('logged models: SQLite through a local mlflow server, and a team-style server with proxied artifacts', () => {
  let dir: string;
  let ids: LoggedModelIds;
  let proxiedIds: LoggedModelIds;
  let local: LocalServerStore;
  let server: TestServer;
  before(async () => {
    dir = tempDir('mlwb-lm-sql-');
    const db = `sqlite:///${join(dir, 'mlflow.db')}`;
    ids = makeLoggedModels(db, dir);
    [local, server] = await Promise.all([
      LocalServerStore.open(db, { python: mlflowPython(), baseDir: dir }),
      startMlflowServer(['--backend-store-uri', `sqlite:///${join(dir, 'server.db')}`, '--artifacts-destination', join(dir, 'served')], {}, dir),
    ]);
    proxiedIds = makeLoggedModels(server.url, dir);
  });
  after(async () => {
    await local?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('SQLite: listed as the Python client lists them', async () => {
    const got = await local.searchLoggedModels({ experimentIds: [ids.experiment_id] });
    assert.deepEqual(ours(got), pythonLoggedModels(`sqlite:///${join(dir, 'mlflow.db')}`, ids.experiment_id));
    assert.match(text(await local.readLoggedModelArtifact(ids.model_id, 'MLmodel')), /python_function/);
  });

  test('server with mlflow-artifacts: listed as Python lists them; the MLmodel comes through the proxy', async () => {
    const rest = await RestStore.connect(server.url);
    try {
      const got = await rest.searchLoggedModels({ experimentIds: [proxiedIds.experiment_id] });
      assert.deepEqual(ours(got), pythonLoggedModels(server.url, proxiedIds.experiment_id));
      assert.match(got[0].artifactLocation, /^mlflow-artifacts:/);
      assert.match(text(await rest.readLoggedModelArtifact(proxiedIds.model_id, 'MLmodel')), new RegExp(`model_id: ${proxiedIds.model_id}`));
      assert.deepEqual(await rest.searchLoggedModels({ experimentIds: [] }), []);
      await assert.rejects(rest.getLoggedModel('m-00000000000000000000000000000000'), /not found|does not exist/i);
    } finally {
      await rest.close();
    }
  });
});

test('mlflow.modelVersions: appended as MLflow writes it, never twice', () => {
  const none = { tags: {} };
  const first = withModelVersionLink(none, 'a', '1')!;
  assert.equal(first, '[{"name": "a", "version": 1}]');
  const second = withModelVersionLink({ tags: { 'mlflow.modelVersions': first } }, 'b', '2')!;
  assert.equal(second, '[{"name": "a", "version": 1}, {"name": "b", "version": 2}]');
  assert.equal(withModelVersionLink({ tags: { 'mlflow.modelVersions': second } }, 'b', '2'), undefined);
  assert.deepEqual(modelVersionLinks({ tags: { 'mlflow.modelVersions': second } }), [{ name: 'a', version: '1' }, { name: 'b', version: '2' }]);
  assert.deepEqual(modelVersionLinks({ tags: { 'mlflow.modelVersions': 'not json' } }), []);
  assert.equal(pyJsonDumps({ n: 'température' }), '{"n": "temp\\u00e9rature"}');
});
