import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isStoreError } from '../../../extension/core/store/errors';
import { checkMlflowPython } from '../../../extension/core/store/localServer';
import { LocalServerStore } from '../../../extension/core/store/localServerStore';
import { openWritableStore } from '../../../extension/core/store/openStore';
import { main } from '../../../extension/cli/main';
import { mlflowPython, runPythonJson } from '../../support/python';
import { storeBehaviourSuite } from '../../support/storeBehaviour';

/**
 * Database URIs through our own LocalMlflowServer: `openWritableStore('sqlite:///…')` starts a real
 * `mlflow server`, the behaviour suite runs through it, a crash is survived (the server restarts,
 * the REST store retries), runs logged by a script straight into the database (artifacts in
 * ./mlruns) resolve, and closing leaves no process behind. One server for the whole file.
 */

const ws = mkdtempSync(join(tmpdir(), 'mlwb-local-'));
const dbUri = `sqlite:///${join(ws, 'mlflow.db')}`;
let store: LocalServerStore | undefined;
const log: string[] = [];
// A real Python without site-packages: mlflow cannot be imported, whatever the machine has installed.
const noMlflow = join(ws, 'python-no-mlflow');
writeFileSync(noMlflow, `#!/bin/sh\nexec python3 -S "$@"\n`, { mode: 0o755 });

function alive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

before(async () => {
  const s = await openWritableStore(dbUri, { python: mlflowPython(), baseDir: ws, onServerLog: (l) => log.push(l) });
  assert.ok(s instanceof LocalServerStore);
  store = s;
});

after(async () => {
  await store?.close();
  rmSync(ws, { recursive: true, force: true });
});

storeBehaviourSuite(`openWritableStore(sqlite:///…) through our LocalMlflowServer`, async () => ({ store: store!, close: async () => undefined }));

describe('LocalMlflowServer', () => {
  test('the store keeps the database URI as its identity, the server listens on 127.0.0.1', () => {
    assert.equal(store!.uri, dbUri);
    assert.equal(store!.kind, 'sqlite');
    assert.match(store!.server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(log.some((l) => l.includes('mlflow server ready')), 'server output reaches the log callback');
  });

  test('a run logged by a script straight into the database: its ./mlruns artifacts list and read through the server', async () => {
    const py = runPythonJson<{ run_id: string; artifact_uri: string }>(
      `
import json, mlflow
mlflow.set_tracking_uri("${dbUri}")
mlflow.set_experiment("script-exp")
with mlflow.start_run(run_name="script") as r:
    mlflow.log_param("x", "1")
    mlflow.log_text("hello artifacts\\n", "notes/readme.txt")
print(json.dumps({"run_id": r.info.run_id, "artifact_uri": r.info.artifact_uri}))
`,
      {},
      ws,
    );
    assert.ok(py.artifact_uri.startsWith(join(ws, 'mlruns')), `artifacts under the workspace's mlruns: ${py.artifact_uri}`);
    const run = await store!.getRun(py.run_id);
    assert.equal(run.data.params.x, '1');
    assert.deepEqual(await store!.listArtifacts(py.run_id), [{ path: 'notes', isDir: true }]);
    assert.deepEqual(await store!.listArtifacts(py.run_id, 'notes'), [{ path: 'notes/readme.txt', isDir: false, fileSize: 16 }]);
    assert.equal(Buffer.from(await store!.readArtifact(py.run_id, 'notes/readme.txt')).toString('utf8'), 'hello artifacts\n');
    await assert.rejects(store!.readArtifact(py.run_id, 'notes/missing.txt'), (e: unknown) => isStoreError(e, 'RESOURCE_DOES_NOT_EXIST'));
    // New experiments created through our server put artifacts where a script would.
    const exp = await store!.createExperiment(`via-server-${Date.now()}`);
    assert.ok((await store!.getExperiment(exp)).artifactLocation.startsWith(join(ws, 'mlruns')));
  });

  test('the server killed mid-session: it restarts on the same port and the next calls succeed', async () => {
    const exp = await store!.createExperiment(`crash-${Date.now()}`);
    const run = await store!.createRun({ experimentId: exp, runName: 'before-crash' });
    const oldPid = store!.server.pid!;
    store!.server.crashForTest();
    // Issued while the server is down: the REST store retries the dropped connection.
    await store!.logBatch(run.info.runId, { params: [{ key: 'after', value: 'crash' }] });
    assert.equal((await store!.getRun(run.info.runId)).data.params.after, 'crash');
    await store!.server.settled();
    assert.notEqual(store!.server.pid, oldPid);
    assert.ok(!alive(oldPid), 'the crashed process group is gone');
    assert.ok(log.some((l) => /restarting mlflow server \(1\/3\)/.test(l)), log.slice(-5).join('\n'));
  });

  test('no mlflow in the given Python: a message that says how to fix it', async () => {
    await assert.rejects(checkMlflowPython(noMlflow, { PATH: process.env.PATH }), (e: unknown) => {
      assert.ok(isStoreError(e, 'UNSUPPORTED_STORE'));
      assert.equal(e.message, `mlflow is not installed for ${noMlflow}: run \`${noMlflow} -m pip install mlflow\` or set mlflow.pythonPath`);
      return true;
    });
    await assert.rejects(checkMlflowPython('/no/such/python'), /Python \/no\/such\/python not found/);
  });
});

describe('mlwb and openStore on database URIs', () => {
  test('mlwb experiments --store http://… reads the same server', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['experiments', '--store', store!.server.url, '--json'], { out: (s) => out.push(s), err: (s) => err.push(s), env: { ...process.env, MLFLOW_TRACKING_URI: '' }, cwd: ws });
    assert.equal(code, 0, err.join('\n'));
    const names = (JSON.parse(out.join('')) as { name: string }[]).map((e) => e.name);
    assert.ok(names.includes('script-exp'), names.join(','));
  });

  test('mlwb on sqlite:/// with a Python without mlflow: exit 1 and the fix on stderr', async () => {
    const err: string[] = [];
    const code = await main(['runs', '--store', dbUri, '--python', noMlflow], { out: () => undefined, err: (s) => err.push(s), env: { PATH: process.env.PATH }, cwd: ws });
    if ((await import('../../../extension/core/store/sqliteReader')).directSqliteAvailable()) {
      assert.equal(code, 0, 'read directly where node:sqlite exists');
    } else {
      assert.equal(code, 1);
      assert.ok(err.join('\n').includes(`mlwb: mlflow is not installed for ${noMlflow}: run \`${noMlflow} -m pip install mlflow\` or set mlflow.pythonPath`), err.join('\n'));
    }
  });

  test('close() stops the server and its whole process group', async () => {
    const pid = store!.server.pid!;
    assert.ok(alive(pid));
    await store!.close();
    assert.ok(!alive(pid), 'no process of the server group is left');
    store = undefined;
  });
});
