import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawn } from 'node:child_process';
import { serveArgs, servingProcessEnv } from '../../../extension/core/serving/commands';
import { invoke, waitUntilServing } from '../../../extension/core/serving/scoringClient';
import { downloadArtifacts } from '../../../extension/core/store/artifactDownload';
import { isolatedPythonArgs } from '../../../extension/core/store/isolatedPython';
import { freePort } from '../../../extension/core/store/localServer';
import { firstBody } from '../../../extension/host/tryItRequests';
import { mlflowPython } from '../../support/python';
import { isStoreError } from '../../../extension/core/store/errors';
import { RestStore } from '../../../extension/core/store/rest/restStore';
import { storeBehaviourSuite } from '../../support/storeBehaviour';
import { startTeamCluster, type TeamCluster, type TeamServer } from '../../support/teamServer';

/**
 * The REST store against a team's server: PostgreSQL backend, S3 (moto) artifact destination
 * behind the server's proxy, and the same with basic auth and two users. One cluster for the file,
 * both servers started in parallel. This process holds no AWS credentials: every artifact byte
 * goes through the MLflow server's proxy. Cross checks use the Python client on the same server.
 */

// Whatever the developer's shell exports, the extension under test has no storage credentials.
for (const k of Object.keys(process.env)) if (k.startsWith('AWS_') || k === 'MLFLOW_S3_ENDPOINT_URL') delete process.env[k];

let cluster: TeamCluster | undefined;
let plain: TeamServer;
let authed: TeamServer;
const tmp = mkdtempSync(join(tmpdir(), 'mlwb-team-test-'));

interface Seed {
  exp: string;
  runs: string[];
  model_id: string;
  pages: string[][];
  listed: string[];
}

let seed: Seed;

before(async () => {
  const started = Date.now();
  cluster = await startTeamCluster();
  const servers = await Promise.allSettled([cluster.startServer(), cluster.startServer({ auth: true })]);
  const failed = servers.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  [plain, authed] = servers.map((r) => (r as PromiseFulfilledResult<TeamServer>).value);
  // Start-up time, for docs/team-server.md (printed, never asserted).
  console.log(`# team server start: ${JSON.stringify(cluster.timings)}, total ${Date.now() - started} ms`);
  seed = plain.python<Seed>(`
import json, os, tempfile
import mlflow
from mlflow import MlflowClient
c = MlflowClient()
exp = c.create_experiment("team-exp")
runs = []
for i in range(7):
    r = c.create_run(exp, run_name=f"r{i}", start_time=1_700_000_000_000 + i)
    c.log_metric(r.info.run_id, "loss", 1.0 / (i + 1), timestamp=1_700_000_000_000, step=i)
    c.log_param(r.info.run_id, "i", str(i))
    c.set_terminated(r.info.run_id)
    runs.append(r.info.run_id)
d = tempfile.mkdtemp()
with open(os.path.join(d, "notes.txt"), "w") as f:
    f.write("hello team\\n")
os.makedirs(os.path.join(d, "data", "deep"))
with open(os.path.join(d, "data", "deep", "blob.bin"), "wb") as f:
    f.write(bytes(range(256)) * 40)
c.log_artifacts(runs[0], d)

class Echo(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return model_input

import pandas as pd
with mlflow.start_run(run_id=runs[1]):
    info = mlflow.pyfunc.log_model(name="model", python_model=Echo(), input_example=pd.DataFrame({"x": [1, 2]}))
pages, token = [], None
while True:
    page = c.search_runs([exp], max_results=3, order_by=["attributes.start_time ASC"], page_token=token)
    pages.append([r.info.run_id for r in page])
    token = page.token
    if not token:
        break
listed = sorted(f.path for f in c.list_artifacts(runs[0]))
print(json.dumps({"exp": exp, "runs": runs, "model_id": info.model_id, "pages": pages, "listed": listed}))
`);
});

after(async () => {
  await cluster?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('team server (PostgreSQL + S3 behind the proxy)', () => {
  test('experiments and runs list as the Python client wrote them', async () => {
    const store = await RestStore.connect(plain.url);
    try {
      const names = (await store.searchExperiments()).map((e) => e.name);
      assert.ok(names.includes('team-exp') && names.includes('Default'), names.join(', '));
      const runs = await store.searchRuns({ experimentIds: [seed.exp] });
      assert.deepEqual(runs.map((r) => r.info.runId).sort(), [...seed.runs].sort());
      const r3 = runs.find((r) => r.info.runName === 'r3')!;
      assert.equal(r3.data.params.i, '3');
      assert.equal(r3.data.metrics.loss.value, 0.25);
      assert.equal(r3.info.status, 'FINISHED');
      assert.match(r3.info.artifactUri, /^mlflow-artifacts:\//);
    } finally {
      await store.close();
    }
  });

  test('run search pages are the pages MLflow gives', async () => {
    const store = await RestStore.connect(plain.url);
    try {
      const pages: string[][] = [];
      let token: string | undefined;
      do {
        const page = await store.searchRunsPage({ experimentIds: [seed.exp], maxResults: 3, orderBy: ['attributes.start_time ASC'], pageToken: token });
        pages.push(page.runs.map((r) => r.info.runId));
        token = page.nextPageToken;
      } while (token);
      assert.deepEqual(pages, seed.pages);
      assert.deepEqual(pages.map((p) => p.length), [3, 3, 1]);
    } finally {
      await store.close();
    }
  });

  test('artifacts are listed, read and downloaded through the proxy, with no AWS credentials here', async () => {
    assert.deepEqual(Object.keys(process.env).filter((k) => k.startsWith('AWS_')), []);
    const store = await RestStore.connect(plain.url);
    try {
      const rid = seed.runs[0];
      assert.deepEqual((await store.listArtifacts(rid)).map((e) => e.path).sort(), seed.listed);
      assert.deepEqual(await store.listArtifacts(rid, 'data'), [{ path: 'data/deep', isDir: true }]);
      assert.equal(Buffer.from(await store.readArtifact(rid, 'notes.txt')).toString(), 'hello team\n');
      const dest = join(tmp, 'download');
      const written = await downloadArtifacts(store, rid, undefined, dest);
      assert.equal(written.length, 2);
      assert.deepEqual(readFileSync(join(dest, 'data', 'deep', 'blob.bin')), Buffer.from(new Uint8Array(Array.from({ length: 256 * 40 }, (_, i) => i % 256))));
      // The bytes really live in the bucket, where only the server can reach them.
      const keys = await plain.bucketKeys();
      assert.ok(keys.includes(`${seed.exp}/${rid}/artifacts/data/deep/blob.bin`), keys.join('\n'));
    } finally {
      await store.close();
    }
  });

  test('mlflow-artifacts: URIs: a version\'s files are read by URI and uploads land where MLflow reads them', async () => {
    const store = await RestStore.connect(plain.url);
    try {
      const name = 'team-model';
      await store.createRegisteredModel(name, { description: 'made by the REST store' });
      const v = await store.createModelVersion(name, { source: `models:/${seed.model_id}`, runId: seed.runs[1], modelId: seed.model_id });
      await store.setRegisteredModelAlias(name, 'prod', v.version);
      const uri = await store.getModelVersionDownloadUri(name, v.version);
      assert.match(uri, /^mlflow-artifacts:\//);
      const files = (await store.listArtifactsAt(uri)).map((e) => e.path);
      assert.ok(files.includes('MLmodel'), files.join(', '));
      assert.match(Buffer.from(await store.readArtifactAt(uri, 'MLmodel')).toString(), /python_function/);
      // An upload into a run's artifact root shows up in the run's listing and in the bucket.
      const run = await store.getRun(seed.runs[2]);
      const payload = new TextEncoder().encode('uploaded by the extension\n');
      await store.uploadArtifactAt(run.info.artifactUri, 'uploads/note.txt', payload);
      assert.deepEqual(await store.listArtifacts(seed.runs[2], 'uploads'), [{ path: 'uploads/note.txt', isDir: false, fileSize: payload.length }]);
      assert.ok((await plain.bucketKeys()).includes(`${seed.exp}/${seed.runs[2]}/artifacts/uploads/note.txt`));
      await assert.rejects(store.readArtifactAt(uri, '../../x'), (e: unknown) => isStoreError(e, 'INVALID_PARAMETER_VALUE'));
      await assert.rejects(store.listArtifactsAt('mlflow-artifacts://elsewhere:9/x'), /names the artifact server elsewhere:9/);

      // The Python client reads back what we wrote, and loads the model through the proxy.
      const back = plain.python<{ version: string; alias: string; desc: string; source: string; note: string; echo: number[] }>(`
import json
import mlflow, pandas as pd
from mlflow import MlflowClient
c = MlflowClient()
mv = c.get_model_version_by_alias("${name}", "prod")
note = mlflow.artifacts.load_text("runs:/${seed.runs[2]}/uploads/note.txt")
m = mlflow.pyfunc.load_model("models:/${name}@prod")
echo = m.predict(pd.DataFrame({"x": [1, 2]}))["x"].tolist()
print(json.dumps({"version": mv.version, "alias": "prod", "desc": c.get_registered_model("${name}").description, "source": mv.source, "note": note, "echo": echo}))
`);
      assert.deepEqual(back, { version: v.version, alias: 'prod', desc: 'made by the REST store', source: `models:/${seed.model_id}`, note: 'uploaded by the extension\n', echo: [1, 2] });

      // Serving it as the extension does: the Try-it body read through the proxy, and
      // `mlflow models serve -m models:/team-model@prod` with the team server as its store and no
      // AWS variable in its environment (MLflow fetches the model through the proxy too).
      const first = await firstBody(store, await store.getModelVersion(name, v.version));
      assert.equal(first.exampleNote, 'Prefilled from serving_input_example.json.');
      const port = await freePort();
      const env = servingProcessEnv(mlflowPython(), process.env, join(tmp, 'cache'), plain.url);
      assert.deepEqual(Object.keys(env).filter((k) => k.startsWith('AWS_')), []);
      const child = spawn(mlflowPython(), isolatedPythonArgs(serveArgs({ model: { name, alias: 'prod' }, port, envManager: 'local' })), { env, cwd: tmp, detached: true, stdio: 'ignore' });
      try {
        const url = `http://127.0.0.1:${port}`;
        await waitUntilServing(url, { timeoutMs: 180_000, exited: () => (child.exitCode === null ? undefined : `exit ${child.exitCode}`) });
        const answer = await invoke(url, first.body);
        assert.equal(answer.status, 200, answer.text);
        assert.deepEqual(JSON.parse(answer.text), { predictions: [{ x: 1 }, { x: 2 }] });
      } finally {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // gone
        }
      }
    } finally {
      await store.close();
    }
  });
});

describe('team server with basic auth and two users', () => {
  test('right and wrong passwords: a clear message naming the URL, never the password', async () => {
    const { admin, user } = authed.users!;
    await assert.rejects(RestStore.connect(authed.url, { username: user.username, password: 'wrong-password-123' }), (e: unknown) => {
      assert.ok(isStoreError(e, 'UNAUTHENTICATED'));
      assert.equal(e.message, `Authentication failed for ${authed.url} (401)`);
      assert.ok(!e.message.includes('wrong-password-123'));
      return true;
    });
    for (const who of [admin, user]) {
      const store = await RestStore.connect(authed.url, { username: who.username, password: who.password });
      try {
        assert.ok((await store.searchExperiments()).some((e) => e.name === 'Default'));
      } finally {
        await store.close();
      }
    }
  });

  test('a user without permission on an experiment gets "permission denied" naming it, and nothing changes', async () => {
    const { user } = authed.users!;
    const ids = authed.python<{ locked: string; hidden: string; shared: string; run: string }>(`
import json
from mlflow import MlflowClient
c = MlflowClient()
locked = c.create_experiment("locked-exp")
hidden = c.create_experiment("hidden-exp")
shared = c.create_experiment("shared-exp")
run = c.create_run(locked, run_name="keep-me").info.run_id
print(json.dumps({"locked": locked, "hidden": hidden, "shared": shared, "run": run}))
`);
    // READ (the server's default) on locked-exp, DENY (not even reading) on hidden-exp, EDIT on shared-exp.
    await authed.grantExperiment(user.username, ids.hidden, 'DENY');
    await authed.grantExperiment(user.username, ids.shared, 'EDIT');
    const store = await RestStore.connect(authed.url, { username: user.username, password: user.password });
    try {
      const denied = (what: RegExp) => (e: unknown) => {
        assert.ok(isStoreError(e, 'PERMISSION_DENIED'), String(e));
        assert.match(e.message, what);
        assert.ok(e.message.includes(authed.url), e.message);
        return true;
      };
      await assert.rejects(store.renameExperiment(ids.locked, 'stolen'), denied(new RegExp(`^Permission denied on experiment 'locked-exp' \\(id ${ids.locked}\\)`)));
      await assert.rejects(store.deleteRun(ids.run), denied(new RegExp(`^Permission denied on run ${ids.run} of experiment 'locked-exp' \\(id ${ids.locked}\\)`)));
      await assert.rejects(store.setExperimentTag(ids.locked, 'owner', 'alice'), denied(/experiment 'locked-exp'/));
      // Not even readable: the name cannot be known, the id is given.
      await assert.rejects(store.deleteExperiment(ids.hidden), denied(new RegExp(`^Permission denied on experiment ${ids.hidden}:`)));
      await store.renameExperiment(ids.shared, 'shared-renamed');

      const back = authed.python<{ locked: string; tags: Record<string, string>; run_stage: string; hidden: string; shared: string }>(`
import json
from mlflow import MlflowClient
c = MlflowClient()
e = c.get_experiment("${ids.locked}")
print(json.dumps({"locked": e.name, "tags": e.tags, "run_stage": c.get_run("${ids.run}").info.lifecycle_stage,
  "hidden": c.get_experiment("${ids.hidden}").lifecycle_stage, "shared": c.get_experiment("${ids.shared}").name}))
`);
      assert.deepEqual(back, { locked: 'locked-exp', tags: {}, run_stage: 'active', hidden: 'active', shared: 'shared-renamed' });
    } finally {
      await store.close();
    }
  });
});

// The shared behaviour suite, on PostgreSQL this time.
storeBehaviourSuite('REST store on the team server (PostgreSQL + S3)', async () => {
  const store = await RestStore.connect(plain.url);
  return { store, close: () => store.close() };
});
