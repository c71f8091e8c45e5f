import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FileStore } from '../../../extension/core/store/fileStoreWriter';
import { LocalServerStore } from '../../../extension/core/store/localServerStore';
import type { Store } from '../../../extension/core/store/openStore';
import { registerModel, registerRequestProblem } from '../../../extension/core/store/registerModel';
import { RestStore } from '../../../extension/core/store/rest/restStore';
import { makeLoggedModels, tempDir, type LoggedModelIds } from '../../support/loggedModelStore';
import { startMlflowServer, type TestServer } from '../../support/mlflowServer';
import { mlflowPython, runPythonJson } from '../../support/python';

/**
 * Register Model against each store kind, read back by MLflow's Python client, and compared with
 * what `mlflow.register_model` itself writes for the same sources in the same store.
 */

interface PyVersion {
  source: string;
  run_id: string | null;
  model_id: string | null;
  download_uri: string;
  aliases: string[];
  description: string | null;
  tags: Record<string, string>;
}

function pyVersion(uri: string, name: string, version: string): PyVersion {
  return runPythonJson<PyVersion>(`
import json, mlflow
c = mlflow.MlflowClient(${JSON.stringify(uri)}, ${JSON.stringify(uri)})
v = c.get_model_version(${JSON.stringify(name)}, ${JSON.stringify(version)})
print(json.dumps({"source": v.source, "run_id": v.run_id, "model_id": v.model_id, "aliases": sorted(v.aliases),
  "download_uri": c.get_model_version_download_uri(${JSON.stringify(name)}, ${JSON.stringify(version)}),
  "description": v.description, "tags": dict(v.tags)}))
`);
}

/** What mlflow.register_model makes of these sources, as model "py-<n>". */
function pythonRegisters(uri: string, sources: string[]): PyVersion[] {
  return runPythonJson<PyVersion[]>(`
import json, mlflow, warnings
warnings.simplefilter("ignore")
mlflow.set_tracking_uri(${JSON.stringify(uri)}); mlflow.set_registry_uri(${JSON.stringify(uri)})
c = mlflow.MlflowClient()
out = []
for i, s in enumerate(${JSON.stringify(sources)}):
    v = mlflow.register_model(s, f"py-{i}")
    v = c.get_model_version(v.name, v.version)
    out.append({"source": v.source, "run_id": v.run_id, "model_id": v.model_id, "aliases": sorted(v.aliases),
      "download_uri": c.get_model_version_download_uri(v.name, v.version), "description": v.description, "tags": dict(v.tags)})
print(json.dumps(out))
`);
}

function pyModelVersionsTag(uri: string, modelId: string): unknown {
  return runPythonJson(`
import json, mlflow
t = mlflow.MlflowClient(${JSON.stringify(uri)}).get_logged_model(${JSON.stringify(modelId)}).tags.get("mlflow.modelVersions")
print(json.dumps(json.loads(t) if t else None))
`);
}

function pyRegistry(uri: string): { models: { name: string; description: string | null; tags: Record<string, string> }[]; versions: { name: string; version: string }[] } {
  return runPythonJson(`
import json, mlflow
c = mlflow.MlflowClient(${JSON.stringify(uri)}, ${JSON.stringify(uri)})
print(json.dumps({"models": [{"name": m.name, "description": m.description, "tags": dict(m.tags)} for m in c.search_registered_models()],
  "versions": sorted([{"name": v.name, "version": str(v.version)} for v in c.search_model_versions()], key=lambda v: (v["name"], int(v["version"])))}))
`);
}

/** The same checks on every store kind. */
function registrationSuite(kind: string, setup: () => Promise<{ uri: string; store: Store; ids: LoggedModelIds; close: () => Promise<void> }>): void {
  describe(`Register Model: ${kind}`, () => {
    let uri: string;
    let store: Store;
    let ids: LoggedModelIds;
    let close: () => Promise<void>;
    before(async () => ({ uri, store, ids, close } = await setup()));
    after(async () => close?.());

    test('from a logged model, from runs:/ (logged-model name and MLmodel folder), with aliases: as mlflow.register_model writes it', async () => {
      const sources = [`models:/${ids.model_id}`, `runs:/${ids.run_id}/model`, `runs:/${ids.run_id}/exported`];
      const a = await registerModel(store, { source: sources[0], name: 'reg-a', alias: 'champion' });
      assert.equal(a.createdModel, true);
      assert.equal(a.version.version, '1');
      assert.deepEqual(a.version.aliases, ['champion']);
      const b = await registerModel(store, { source: sources[1], name: 'reg-a' });
      assert.equal(b.createdModel, false);
      assert.equal(b.version.version, '2');
      assert.equal(b.source, `models:/${ids.model_id}`);
      const c = await registerModel(store, { source: sources[2], name: 'reg-b', alias: 'prod' });
      assert.match(c.source, /\/exported$/);
      assert.equal(c.modelId, undefined);

      const mine = [pyVersion(uri, 'reg-a', '1'), pyVersion(uri, 'reg-a', '2'), pyVersion(uri, 'reg-b', '1')];
      const py = pythonRegisters(uri, sources);
      const strip = (v: PyVersion) => ({ ...v, aliases: [] });
      assert.deepEqual(mine.map(strip), py.map(strip));
      assert.deepEqual(mine.map((v) => v.aliases), [['champion'], [], ['prod']]);
      // The logged model lists every version made from it, ours and Python's, once each.
      const links = pyModelVersionsTag(uri, ids.model_id) as { name: string; version: number | string }[];
      assert.deepEqual(
        links.map((l) => `${l.name}/${l.version}`).sort(),
        ['py-0/1', 'py-1/1', 'reg-a/1', 'reg-a/2'],
      );
      // What the version page reads: the MLmodel through the store's artifact reading.
      const mlmodel = Buffer.from(await store.readModelVersionArtifact('reg-a', '1', 'MLmodel')).toString('utf8');
      assert.match(mlmodel, /python_function/);
      assert.match(Buffer.from(await store.readModelVersionArtifact('reg-b', '1', 'MLmodel')).toString('utf8'), /python_function/);
    });

    test('bad names, aliases and sources are refused before anything is written', async () => {
      assert.match(registerRequestProblem({ source: `models:/${ids.model_id}`, name: '' })!, /cannot be empty/);
      assert.match(registerRequestProblem({ source: `models:/${ids.model_id}`, name: 'a/b' })!, /'\/' or ':'/);
      assert.match(registerRequestProblem({ source: `models:/${ids.model_id}`, name: 'x', alias: 'latest' })!, /reserved/);
      assert.match(registerRequestProblem({ source: `models:/${ids.model_id}`, name: 'x', alias: 'a/b' })!, /letters, digits/);
      assert.match(registerRequestProblem({ source: 's3://bucket/m', name: 'x' })!, /neither models:\/m-<id>/);
      await assert.rejects(registerModel(store, { source: 'models:/m-00000000000000000000000000000000', name: 'never' }), /not found|does not exist/i);
      await assert.rejects(registerModel(store, { source: `runs:/${ids.run_id}/nothing-here`, name: 'never' }), /no MLmodel under 'nothing-here'/);
      assert.ok(!pyRegistry(uri).models.some((m) => m.name === 'never'), 'a refused registration creates no model');
    });

    test('create, edit and delete a registered model and a version: read back by Python', async () => {
      await store.createRegisteredModel('edit-me', { description: 'first' });
      await registerModel(store, { source: `models:/${ids.model_id}`, name: 'edit-me' });
      await registerModel(store, { source: `models:/${ids.model_id}`, name: 'edit-me' });
      await store.updateRegisteredModel('edit-me', 'second *markdown*');
      await store.setRegisteredModelTag('edit-me', 'owner', 'ana');
      await store.updateModelVersion('edit-me', '1', 'v1 notes');
      await store.setModelVersionTag('edit-me', '1', 'checked', 'yes');
      await store.deleteModelVersion('edit-me', '2');
      let reg = pyRegistry(uri);
      assert.deepEqual(reg.models.find((m) => m.name === 'edit-me'), { name: 'edit-me', description: 'second *markdown*', tags: { owner: 'ana' } });
      assert.deepEqual(reg.versions.filter((v) => v.name === 'edit-me'), [{ name: 'edit-me', version: '1' }]);
      const v1 = pyVersion(uri, 'edit-me', '1');
      assert.equal(v1.description, 'v1 notes');
      assert.deepEqual(v1.tags, { checked: 'yes' });
      await store.deleteRegisteredModel('edit-me');
      reg = pyRegistry(uri);
      assert.ok(!reg.models.some((m) => m.name === 'edit-me'));
    });
  });
}

registrationSuite('file store', async () => {
  const dir = tempDir('mlwb-reg-file-');
  const root = join(dir, 'mlruns');
  const uri = `file://${root}`;
  const ids = makeLoggedModels(uri, dir);
  return { uri, store: new FileStore(root), ids, close: async () => rmSync(dir, { recursive: true, force: true }) };
});

registrationSuite('SQLite through the local mlflow server', async () => {
  const dir = tempDir('mlwb-reg-sqlite-');
  const uri = `sqlite:///${join(dir, 'mlflow.db')}`;
  const ids = makeLoggedModels(uri, dir);
  const store = await LocalServerStore.open(uri, { python: mlflowPython(), baseDir: dir });
  return {
    uri,
    store,
    ids,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

registrationSuite('mlflow server with proxied artifacts', async () => {
  const dir = tempDir('mlwb-reg-server-');
  let server: TestServer | undefined;
  try {
    server = await startMlflowServer(['--backend-store-uri', `sqlite:///${join(dir, 'server.db')}`, '--artifacts-destination', join(dir, 'served')], {}, dir);
    const ids = makeLoggedModels(server.url, dir);
    const store = await RestStore.connect(server.url);
    const s = server;
    return {
      uri: server.url,
      store,
      ids,
      close: async () => {
        await store.close();
        await s.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
});
