import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isStoreError } from '../../../extension/core/store/errors';
import { freePort } from '../../../extension/core/store/localServer';
import type { Store } from '../../../extension/core/store/openStore';
import { restOptionsFromEnv } from '../../../extension/core/store/rest/restOptions';
import { RestStore } from '../../../extension/core/store/rest/restStore';
import { copyFixtureStore, loadExpected, type Expected } from '../../support/fixture';
import { startMlflowServer, type TestServer } from '../../support/mlflowServer';
import { repoRoot, runPythonJson } from '../../support/python';
import { describeReaderConformance } from '../../support/readerConformance';
import { storeBehaviourSuite } from '../../support/storeBehaviour';

/**
 * The REST store against real `mlflow server`s: one on a copy of the SQLite fixture, one on a copy
 * of the file-store fixture (both first checked read-only against what Python mlflow reported,
 * then put through the behaviour suite), and one with the basic-auth app. Cross checks go through
 * the Python client on the same server. Servers start once, in parallel, and always stop.
 */

const tmp = mkdtempSync(join(tmpdir(), 'mlwb-rest-'));
const sqliteExpected = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'generated-sqlite', 'expected.json'), 'utf8')) as Expected;
const fileExpected = loadExpected();
const ADMIN_PASSWORD = 'Wb-admin-pass-0451';

let sqliteSrv: TestServer | undefined;
let fileSrv: TestServer | undefined;
let authSrv: TestServer | undefined;
const opened: RestStore[] = [];

function storeOn(url: () => string | undefined): Store {
  // Conformance suites take a store when they are declared, before the servers have ports.
  let real: RestStore | undefined;
  return new Proxy({} as Store, {
    get(_t, prop) {
      if (!real) {
        const u = url();
        if (!u) throw new Error('server did not start');
        real = new RestStore(u, { maxRetries: 2, backoffFactor: 0.2 });
        opened.push(real);
      }
      const v = (real as unknown as Record<string | symbol, unknown>)[prop];
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(real) : v;
    },
  });
}

before(async () => {
  const db = join(tmp, 'mlflow.db');
  copyFileSync(join(repoRoot, 'test', 'fixtures', 'generated-sqlite', 'workspace', 'mlflow.db'), db);
  const fileStore = copyFixtureStore();
  const authIni = join(tmp, 'auth.ini');
  writeFileSync(
    authIni,
    ['[mlflow]', 'default_permission = READ', `database_uri = sqlite:///${join(tmp, 'auth.db')}`, 'admin_username = admin', `admin_password = ${ADMIN_PASSWORD}`, 'authorization_function = mlflow.server.auth:authenticate_request_basic_auth', ''].join('\n'),
  );
  const results = await Promise.allSettled([
    startMlflowServer(['--backend-store-uri', `sqlite:///${db}`, '--default-artifact-root', join(tmp, 'mlruns')], {}, tmp),
    startMlflowServer(['--backend-store-uri', `file://${fileStore}`], {}, tmp),
    startMlflowServer(['--backend-store-uri', `sqlite:///${join(tmp, 'auth-main.db')}`, '--app-name', 'basic-auth'], { MLFLOW_AUTH_CONFIG_PATH: authIni, MLFLOW_FLASK_SERVER_SECRET_KEY: 'mlwb-test-secret' }, tmp),
  ]);
  [sqliteSrv, fileSrv, authSrv] = results.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
});

after(async () => {
  for (const s of opened) await s.close();
  await Promise.all([sqliteSrv?.stop(), fileSrv?.stop(), authSrv?.stop()]);
  rmSync(tmp, { recursive: true, force: true });
});

describeReaderConformance('REST store vs mlflow on the SQLite fixture, through mlflow server', sqliteExpected, storeOn(() => sqliteSrv?.url));
describeReaderConformance('REST store vs mlflow on the file-store fixture, through mlflow server', fileExpected, storeOn(() => fileSrv?.url));

storeBehaviourSuite('REST store on mlflow server (sqlite)', async () => {
  const store = await RestStore.connect(sqliteSrv!.url);
  return { store, close: () => store.close() };
});
storeBehaviourSuite('REST store on mlflow server (file store)', async () => {
  const store = await RestStore.connect(fileSrv!.url);
  return { store, close: () => store.close() };
});

interface PyRun {
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, number>;
  history: [number, number, number][];
  alias_version: string;
  version_tags: Record<string, string>;
  run_name: string;
  status: string;
  start_time: number;
  end_time: number | null;
}

describe('cross checks with the Python client on the same server', () => {
  // One Python process does both directions: it reads what we wrote, then writes what we read.
  test('what the REST store writes MlflowClient reads identically, and the other way round', async () => {
    const store = await RestStore.connect(sqliteSrv!.url);
    try {
      const exp = await store.createExperiment(`cross-ts-${Date.now()}`);
      const run = await store.createRun({ experimentId: exp, runName: 'from-ts', startTime: 1_700_000_000_000, tags: { origin: 'ts' } });
      const id = run.info.runId;
      await store.logBatch(id, {
        params: [{ key: 'alpha', value: '0.5' }, { key: 'path/with/slash', value: 'a b' }],
        metrics: [
          { key: 'loss', value: 1.25, timestamp: 1_700_000_000_010, step: 0 },
          { key: 'loss', value: 0.125, timestamp: 1_700_000_000_020, step: 5 },
          { key: 'loss', value: 1e-9, timestamp: 1_700_000_000_030, step: 7 },
        ],
        tags: [{ key: 'mlflow.note.content', value: 'ünïcode ✓' }],
      });
      await store.updateRun(id, { status: 'FINISHED', endTime: 1_700_000_000_999 });
      const name = `cross-ts-model-${Date.now()}`;
      await store.createRegisteredModel(name);
      const v = await store.createModelVersion(name, { source: `${run.info.artifactUri}/model`, runId: id, tags: { k: 'v' } });
      await store.setRegisteredModelAlias(name, 'prod', v.version);
      const pyName = `cross-py-model-${Date.now()}`;

      const out = runPythonJson<{ ours: PyRun; theirs: { run_id: string; exp_id: string; run: PyRun; user: string } }>(
        `
import json, mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag
c = MlflowClient("${sqliteSrv!.url}")
def dump(run_id, key, mv):
    g = c.get_run(run_id)
    return {"params": g.data.params, "tags": g.data.tags, "metrics": g.data.metrics,
      "history": [[m.step, m.timestamp, m.value] for m in c.get_metric_history(run_id, key)],
      "alias_version": mv.version, "version_tags": mv.tags, "run_name": g.info.run_name, "status": g.info.status,
      "start_time": g.info.start_time, "end_time": g.info.end_time}
ours = dump("${id}", "loss", c.get_model_version_by_alias("${name}", "prod"))
e = c.create_experiment("cross-py-${Date.now()}", tags={"owner": "py"})
r = c.create_run(e, run_name="from-py", start_time=1700000000000, tags={"origin": "py"})
c.log_batch(r.info.run_id, metrics=[Metric("acc", 0.5, 1700000000001, 0), Metric("acc", 0.75, 1700000000002, 3), Metric("acc", 0.25, 1700000000003, 1)],
  params=[Param("depth", "8")], tags=[RunTag("mlflow.note.content", "from python")])
c.set_terminated(r.info.run_id, "FAILED", end_time=1700000000500)
c.create_registered_model("${pyName}", description="py model")
mv = c.create_model_version("${pyName}", r.info.artifact_uri + "/model", run_id=r.info.run_id)
c.set_registered_model_alias("${pyName}", "champ", mv.version)
theirs = {"run_id": r.info.run_id, "exp_id": e, "user": c.get_run(r.info.run_id).info.user_id, "run": dump(r.info.run_id, "acc", mv)}
print(json.dumps({"ours": ours, "theirs": theirs}))
`,
      );
      const py = out.ours;
      assert.deepEqual(py.params, { alpha: '0.5', 'path/with/slash': 'a b' });
      assert.equal(py.tags.origin, 'ts');
      assert.equal(py.tags['mlflow.note.content'], 'ünïcode ✓');
      assert.deepEqual(py.metrics, { loss: 1e-9 });
      assert.deepEqual(py.history, [
        [0, 1_700_000_000_010, 1.25],
        [5, 1_700_000_000_020, 0.125],
        [7, 1_700_000_000_030, 1e-9],
      ]);
      assert.equal(py.alias_version, v.version);
      assert.deepEqual(py.version_tags, { k: 'v' });
      assert.deepEqual([py.run_name, py.status, py.start_time, py.end_time], ['from-ts', 'FINISHED', 1_700_000_000_000, 1_700_000_000_999]);

      const t = out.theirs;
      const back = await store.getRun(t.run_id);
      assert.deepEqual(back.data.params, t.run.params);
      assert.deepEqual(back.data.tags, t.run.tags);
      assert.deepEqual(Object.fromEntries(Object.entries(back.data.metrics).map(([k, m]) => [k, m.value])), t.run.metrics);
      assert.deepEqual((await store.getMetricHistory(t.run_id, 'acc')).map((m) => [m.step, m.timestamp, m.value]), t.run.history);
      assert.deepEqual([back.info.runName, back.info.status, back.info.startTime, back.info.endTime, back.info.userId], [t.run.run_name, t.run.status, t.run.start_time, t.run.end_time, t.user]);
      assert.equal((await store.getModelVersionByAlias(pyName, 'champ')).version, t.run.alias_version);
      assert.deepEqual((await store.getRegisteredModel(pyName)).aliases, { champ: t.run.alias_version });
      assert.equal((await store.getExperiment(t.exp_id)).tags.owner, 'py');
    } finally {
      await store.close();
    }
  });
});

describe('auth and transport errors', () => {
  test('basic-auth server: wrong password is a 401 StoreError that names the server, not the password', async () => {
    await assert.rejects(RestStore.connect(authSrv!.url, { username: 'admin', password: 'not-the-password' }), (e: unknown) => {
      assert.ok(isStoreError(e, 'UNAUTHENTICATED'));
      assert.equal(e.message, `Authentication failed for ${authSrv!.url} (401)`);
      assert.ok(!e.message.includes('not-the-password'));
      return true;
    });
    await assert.rejects(RestStore.connect(authSrv!.url), (e: unknown) => isStoreError(e, 'UNAUTHENTICATED'));
  });

  test('basic-auth server: right credentials work, from options, from env and from user:password@ in the URL', async () => {
    const viaEnv = await RestStore.connect(authSrv!.url, restOptionsFromEnv({ MLFLOW_TRACKING_USERNAME: 'admin', MLFLOW_TRACKING_PASSWORD: ADMIN_PASSWORD }));
    try {
      const id = await viaEnv.createExperiment(`auth-${Date.now()}`);
      assert.equal((await viaEnv.getExperiment(id)).experimentId, id);
    } finally {
      await viaEnv.close();
    }
    const u = new URL(authSrv!.url);
    u.username = 'admin';
    u.password = ADMIN_PASSWORD;
    const viaUrl = await RestStore.connect(u.toString());
    try {
      assert.equal(viaUrl.uri, authSrv!.url, 'credentials are stripped from the store URI');
      assert.ok((await viaUrl.searchExperiments()).length >= 1);
    } finally {
      await viaUrl.close();
    }
  });

  test('nothing listening: "Cannot reach …: connection refused", without the password from the URL', async () => {
    const port = await freePort();
    await assert.rejects(RestStore.connect(`http://admin:hunter2@127.0.0.1:${port}`), (e: unknown) => {
      assert.ok(isStoreError(e, 'UNREACHABLE'));
      assert.equal(e.message, `Cannot reach http://127.0.0.1:${port}: connection refused`);
      return true;
    });
  });

  test('a URL that is not an MLflow API gives ENDPOINT_NOT_FOUND naming the URL', async () => {
    await assert.rejects(RestStore.connect(`${sqliteSrv!.url}/not-mlflow`), (e: unknown) => {
      assert.ok(isStoreError(e, 'ENDPOINT_NOT_FOUND'));
      assert.match(e.message, new RegExp(`${sqliteSrv!.url}/not-mlflow/api/2.0/mlflow/experiments/search does not exist \\(404\\)`));
      return true;
    });
  });

  test('env: insecure TLS together with a CA bundle is refused, as MLflow refuses it', () => {
    assert.throws(() => restOptionsFromEnv({ MLFLOW_TRACKING_INSECURE_TLS: 'true', MLFLOW_TRACKING_SERVER_CERT_PATH: '/x.pem' }), /cannot both be set/);
    assert.deepEqual(restOptionsFromEnv({ MLFLOW_TRACKING_TOKEN: 't', MLFLOW_HTTP_REQUEST_TIMEOUT: '5', MLFLOW_TRACKING_INSECURE_TLS: '1' }), { token: 't', timeoutMs: 5000, insecureTls: true });
  });

  test('transport: 429/503 are retried (Retry-After honoured), auth header precedence, old server without aliases', async () => {
    // A scripted HTTP peer for what a healthy MLflow never does on demand: throttle, fail, or be old.
    const seen: { path: string; auth?: string }[] = [];
    let failures = 2;
    const peer = http.createServer((req, res) => {
      seen.push({ path: req.url ?? '', auth: req.headers.authorization });
      if (req.url?.startsWith('/api/2.0/mlflow/experiments/search')) {
        if (failures-- > 0) {
          res.writeHead(failures === 1 ? 429 : 503, { 'Retry-After': '0', 'Content-Type': 'text/plain' });
          res.end('slow down');
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"experiments":[{"experiment_id":"0","name":"Default","lifecycle_stage":"active"}]}');
        return;
      }
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<h1>Not Found</h1>');
    });
    const port = await freePort();
    await new Promise<void>((r) => peer.listen(port, '127.0.0.1', r));
    try {
      const store = new RestStore(`http://127.0.0.1:${port}`, { username: 'u', password: 'p', token: 'tok', maxRetries: 3, backoffFactor: 0.01 });
      const exps = await store.searchExperiments();
      assert.deepEqual(exps.map((e) => e.name), ['Default']);
      assert.equal(seen.filter((s) => s.path.startsWith('/api/2.0/mlflow/experiments/search')).length, 3, 'two retries then success');
      assert.equal(seen[0].auth, 'Basic ' + Buffer.from('u:p').toString('base64'), 'basic wins over the token, as in MLflow');
      await assert.rejects(store.getModelVersionByAlias('m', 'a'), (e: unknown) => {
        assert.ok(isStoreError(e, 'ENDPOINT_NOT_FOUND'));
        assert.equal(e.message, 'server too old for aliases (404 on /api/2.0/mlflow/registered-models/alias)');
        return true;
      });
      await store.close();
      const bearer = new RestStore(`http://127.0.0.1:${port}`, { token: 'tok', maxRetries: 0 });
      await bearer.searchExperiments();
      assert.equal(seen[seen.length - 1].auth, 'Bearer tok');
      await bearer.close();
    } finally {
      await new Promise<void>((r) => peer.close(() => r()));
    }
  });
});
