import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FileStore } from '../../../extension/core/store/fileStoreWriter';
import { LocalServerStore } from '../../../extension/core/store/localServerStore';
import type { Store } from '../../../extension/core/store/openStore';
import { registerModel, registerRequestProblem } from '../../../extension/core/store/registerModel';
import { RestStore } from '../../../extension/core/store/rest/restStore';
import { makeLoggedModels, tempDir, type LoggedModelIds } from '../../support/loggedModelStore';
import { startMlflowServer, type TestServer } from '../../support/mlflowServer';
import { startTeamCluster, type TeamCluster } from '../../support/teamServer';
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

const PY_VERSION = `
def version_json(c, name, version):
    v = c.get_model_version(name, version)
    return {"source": v.source, "run_id": v.run_id, "model_id": v.model_id, "aliases": sorted(v.aliases),
            "download_uri": c.get_model_version_download_uri(name, version), "description": v.description, "tags": dict(v.tags)}
`;

/**
 * One Python process (each costs seconds): mlflow.register_model on the same sources as model
 * "py-<n>", then ours read back, and the logged model's mlflow.modelVersions tag.
 */
function pythonRegistersAndReads(uri: string, sources: string[], ours: [string, string][], modelId: string): { py: PyVersion[]; ours: PyVersion[]; links: { name: string; version: number | string }[] } {
  return runPythonJson(`
import json, mlflow, warnings
warnings.simplefilter("ignore")
mlflow.set_tracking_uri(${JSON.stringify(uri)}); mlflow.set_registry_uri(${JSON.stringify(uri)})
c = mlflow.MlflowClient()
${PY_VERSION}
ours = [version_json(c, n, v) for n, v in ${JSON.stringify(ours)}]
py = []
for i, s in enumerate(${JSON.stringify(sources)}):
    v = mlflow.register_model(s, f"py-{i}")
    py.append(version_json(c, v.name, str(v.version)))
t = c.get_logged_model(${JSON.stringify(modelId)}).tags.get("mlflow.modelVersions")
print(json.dumps({"py": py, "ours": ours, "links": json.loads(t) if t else []}))
`, {}, tmpdir());
}

/** The registry as Python sees it, plus one version in full. */
function pyRegistry(uri: string, one: [string, string]): { models: { name: string; description: string | null; tags: Record<string, string> }[]; versions: { name: string; version: string }[]; one: PyVersion } {
  return runPythonJson(`
import json, mlflow
c = mlflow.MlflowClient(${JSON.stringify(uri)}, ${JSON.stringify(uri)})
${PY_VERSION}
print(json.dumps({"models": [{"name": m.name, "description": m.description, "tags": dict(m.tags)} for m in c.search_registered_models()],
  "versions": sorted([{"name": v.name, "version": str(v.version)} for v in c.search_model_versions()], key=lambda v: (v["name"], int(v["version"]))),
  "one": version_json(c, *${JSON.stringify(one)})}))
`, {}, tmpdir());
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

      const got = pythonRegistersAndReads(uri, sources, [['reg-a', '1'], ['reg-a', '2'], ['reg-b', '1']], ids.model_id);
      // An mlflow server stores an unset description as '' (its handler passes the proto default on),
      // so SQLite written through our local server reads '' where Python's direct SQL write reads None.
      const strip = (v: PyVersion) => ({ ...v, aliases: [], description: v.description || null });
      assert.deepEqual(got.ours.map(strip), got.py.map(strip));
      assert.deepEqual(got.ours.map((v) => v.aliases), [['champion'], [], ['prod']]);
      // The logged model lists every version made from it; ours once each. (Through a server, MLflow's
      // own register_model lists its versions twice: the server records the link, then the client
      // appends it again without checking.)
      const links = got.links.map((l) => `${l.name}/${l.version}`);
      assert.deepEqual([...new Set(links)].sort(), ['py-0/1', 'py-1/1', 'reg-a/1', 'reg-a/2']);
      assert.deepEqual(links.filter((l) => l.startsWith('reg-')).sort(), ['reg-a/1', 'reg-a/2']);
      // What the version page reads: the MLmodel through the store's artifact reading.
      assert.match(Buffer.from(await store.readModelVersionArtifact('reg-a', '1', 'MLmodel')).toString('utf8'), /python_function/);
      assert.match(Buffer.from(await store.readModelVersionArtifact('reg-b', '1', 'MLmodel')).toString('utf8'), /python_function/);
    });

    test('bad input refused before anything is written; create, edit and delete models and versions: read back by Python', async () => {
      assert.match(registerRequestProblem({ source: `models:/${ids.model_id}`, name: '' })!, /cannot be empty/);
      assert.match(registerRequestProblem({ source: `models:/${ids.model_id}`, name: 'a/b' })!, /'\/' or ':'/);
      assert.match(registerRequestProblem({ source: `models:/${ids.model_id}`, name: 'x', alias: 'latest' })!, /reserved/);
      assert.match(registerRequestProblem({ source: `models:/${ids.model_id}`, name: 'x', alias: 'a/b' })!, /letters, digits/);
      assert.match(registerRequestProblem({ source: 's3://bucket/m', name: 'x' })!, /neither models:\/m-<id>/);
      await assert.rejects(registerModel(store, { source: 'models:/m-00000000000000000000000000000000', name: 'never' }), /not found|does not exist/i);
      await assert.rejects(registerModel(store, { source: `runs:/${ids.run_id}/nothing-here`, name: 'never' }), /no MLmodel under 'nothing-here'/);

      await store.createRegisteredModel('edit-me', { description: 'first' });
      await registerModel(store, { source: `models:/${ids.model_id}`, name: 'edit-me' });
      await registerModel(store, { source: `models:/${ids.model_id}`, name: 'edit-me' });
      await store.updateRegisteredModel('edit-me', 'second *markdown*');
      await store.setRegisteredModelTag('edit-me', 'owner', 'ana');
      await store.updateModelVersion('edit-me', '1', 'v1 notes');
      await store.setModelVersionTag('edit-me', '1', 'checked', 'yes');
      await store.deleteModelVersion('edit-me', '2');
      await registerModel(store, { source: `models:/${ids.model_id}`, name: 'drop-me' });
      await store.deleteRegisteredModel('drop-me');

      const reg = pyRegistry(uri, ['edit-me', '1']);
      assert.ok(!reg.models.some((m) => m.name === 'never' || m.name === 'drop-me'), 'refused and deleted models are gone');
      assert.deepEqual(reg.models.find((m) => m.name === 'edit-me'), { name: 'edit-me', description: 'second *markdown*', tags: { owner: 'ana' } });
      assert.deepEqual(reg.versions.filter((v) => v.name === 'edit-me' || v.name === 'drop-me'), [{ name: 'edit-me', version: '1' }]);
      assert.equal(reg.one.description, 'v1 notes');
      assert.deepEqual(reg.one.tags, { checked: 'yes' });
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

registrationSuite('team server: PostgreSQL, S3 (moto) behind the artifact proxy', async () => {
  const dir = tempDir('mlwb-reg-team-');
  let cluster: TeamCluster | undefined;
  try {
    cluster = await startTeamCluster();
    const server = await cluster.startServer();
    // The Python that logs the models has no AWS credentials: its files go through the proxy.
    const ids = makeLoggedModels(server.url, dir);
    const store = await RestStore.connect(server.url);
    const c = cluster;
    return {
      uri: server.url,
      store,
      ids,
      close: async () => {
        await store.close();
        await c.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
});
