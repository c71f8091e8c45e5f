import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ModelVersion } from '../../../extension/core/model/entities';
import { predictArgs, serveArgs, servingProcessEnv } from '../../../extension/core/serving/commands';
import { invoke, waitUntilServing } from '../../../extension/core/serving/scoringClient';
import { isolatedPythonArgs } from '../../../extension/core/store/isolatedPython';
import { freePort } from '../../../extension/core/store/localServer';
import { firstBody, tryItRequests } from '../../../extension/host/tryItRequests';
import { mlflowPython, runPythonJson } from '../../support/python';

/**
 * Serving with the real MLflow: a pyfunc model with an input example, registered in a SQLite store
 * by the Python client, served by `mlflow models serve` started from our argument vector and
 * environment (--env-manager local), asked through our client, and `mlflow models predict` run
 * the same way. The Try-it handlers (host side, no vscode) are exercised on the same server.
 */

const tmp = mkdtempSync(join(tmpdir(), 'mlwb-serve-'));
const dbUri = `sqlite:///${join(tmp, 'mlflow.db')}`;
let version: ModelVersion;
const children: ChildProcess[] = [];
/** As the extension starts them: the interpreter by its full path, its venv not activated. */
const env = () => servingProcessEnv(mlflowPython(), process.env, join(tmp, 'cache'), dbUri);

function serve(model: Parameters<typeof serveArgs>[0]['model'], port: number): { child: ChildProcess; output: () => string; exitCode: () => number | null } {
  const child = spawn(mlflowPython(), isolatedPythonArgs(serveArgs({ model, port, envManager: 'local' })), {
    env: env(),
    cwd: tmp,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out, exitCode: () => child.exitCode };
}

function killGroup(c: ChildProcess): void {
  try {
    process.kill(-c.pid!, 'SIGKILL');
  } catch {
    // gone
  }
}

before(() => {
  const v = runPythonJson<{ name: string; version: string; storage_location: string; source: string }>(
    `
import json, mlflow, pandas as pd
from mlflow import MlflowClient
mlflow.set_tracking_uri(${JSON.stringify(dbUri)})

class Doubler(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return model_input[["a"]] * 2

with mlflow.start_run():
    info = mlflow.pyfunc.log_model(name="model", python_model=Doubler(), input_example=pd.DataFrame({"a": [1.0, 2.5], "b": ["x", "y"]}))
mv = mlflow.register_model(info.model_uri, "doubler")
c = MlflowClient()
c.set_registered_model_alias("doubler", "champ", mv.version)
mv = c.get_model_version("doubler", mv.version)
print(json.dumps({"name": mv.name, "version": mv.version, "storage_location": c.get_model_version_download_uri(mv.name, mv.version), "source": mv.source}))
`,
    {},
    tmp,
  );
  version = {
    name: v.name, version: v.version, storageLocation: v.storage_location, source: v.source,
    creationTimestamp: 0, lastUpdatedTimestamp: 0, currentStage: 'None', description: null, runId: null, runLink: null, status: 'READY', statusMessage: null, userId: null, tags: {}, aliases: ['champ'],
  };
});

after(() => {
  for (const c of children) killGroup(c);
  rmSync(tmp, { recursive: true, force: true });
});

test('serve a registered version, wait for /ping, send the input example, get predictions; errors come back as answers', async () => {
  const first = await firstBody(undefined, version);
  assert.equal(first.exampleNote, 'Prefilled from serving_input_example.json.');
  assert.deepEqual(JSON.parse(first.body), { dataframe_split: { columns: ['a', 'b'], data: [[1.0, 'x'], [2.5, 'y']] } });

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const srv = serve({ name: 'doubler', version: version.version }, port);
  try {
    await waitUntilServing(url, { timeoutMs: 180_000, exited: () => (srv.exitCode() === null ? undefined : `exit ${srv.exitCode()}: ${srv.output()}`) });
    const ok = await invoke(url, first.body);
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(JSON.parse(ok.text), { predictions: [{ a: 2.0 }, { a: 5.0 }] });

    // The Try-it panel's Send: the same request from the host, checked first.
    const send = tryItRequests(() => url).send;
    assert.deepEqual(JSON.parse((await send({ body: '{"dataframe_records": [{"a": 4, "b": "z"}]}' })).text), { predictions: [{ a: 8 }] });
    await assert.rejects(async () => send({ body: '{"rows": []}' }), /Unknown key 'rows'/);

    // A body MLflow rejects: its 400 and message come back as an answer, for the page to show.
    const bad = await invoke(url, '{"dataframe_split": {"columns": ["zzz"], "data": [[1]]}}');
    assert.ok(bad.status >= 400 && bad.status < 600, `${bad.status} ${bad.text}`);
    assert.match(bad.text, /error_code|message/);
  } finally {
    killGroup(srv.child);
  }
});

test('a version that does not exist: the wait ends as soon as the serve process exits, not at the timeout', async () => {
  const port = await freePort();
  const srv = serve({ name: 'doubler', version: '99' }, port);
  const started = Date.now();
  await assert.rejects(
    waitUntilServing(`http://127.0.0.1:${port}`, { timeoutMs: 600_000, exited: () => (srv.exitCode() === null ? undefined : `exit ${srv.exitCode()}`) }),
    /stopped before it was ready \(exit [1-9]/,
  );
  assert.ok(Date.now() - started < 300_000);
  assert.match(srv.output(), /99|RESOURCE_DOES_NOT_EXIST|not found/i);
});

test('mlflow models predict by alias, from a JSON body file and from a CSV file', () => {
  for (const [name, text, type] of [
    ['in.json', '{"dataframe_split": {"columns": ["a", "b"], "data": [[3.0, "p"]]}}', 'json'],
    ['in.csv', 'a,b\n1.5,q\n', 'csv'],
  ] as const) {
    const input = join(tmp, name);
    const output = join(tmp, `${name}.out.json`);
    writeFileSync(input, text);
    const r = spawnSync(mlflowPython(), isolatedPythonArgs(predictArgs({ model: { name: 'doubler', alias: 'champ' }, inputPath: input, outputPath: output, contentType: type, envManager: 'local' })), {
      env: env(),
      cwd: tmp,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(readFileSync(output, 'utf8'));
    assert.deepEqual(out, { predictions: [{ a: type === 'json' ? 6.0 : 3.0 }] });
  }
});
