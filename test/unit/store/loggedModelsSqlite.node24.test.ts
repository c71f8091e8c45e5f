import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SqliteReader } from '../../../extension/core/store/sqliteReader';
import { loadModelVersionView } from '../../../extension/host/modelVersionRequests';
import { makeLoggedModels, ours, pythonLoggedModels, tempDir, type LoggedModelIds } from '../../support/loggedModelStore';
import { runPythonJson } from '../../support/python';

/**
 * Logged models and a registered version's files read straight from SQLite (node:sqlite, the
 * extension host's runtime), compared with MLflow's Python client on the same database.
 */

let dir: string;
let ids: LoggedModelIds;
let uri: string;
before(() => {
  dir = tempDir('mlwb-lm-sqlite-');
  uri = `sqlite:///${join(dir, 'mlflow.db')}`;
  ids = makeLoggedModels(uri, dir);
  runPythonJson(`
import json, mlflow, warnings
warnings.simplefilter("ignore")
mlflow.set_tracking_uri(${JSON.stringify(uri)}); mlflow.set_registry_uri(${JSON.stringify(uri)})
v = mlflow.register_model("models:/${ids.model_id}", "sq")
mlflow.MlflowClient().set_registered_model_alias("sq", "champion", v.version)
print(json.dumps(str(v.version)))
`, {}, dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('SQLite read directly: logged models as Python lists them; the version page finds its lineage and MLmodel', async () => {
  const store = new SqliteReader(uri, join(dir, 'mlflow.db'));
  try {
    assert.deepEqual(ours(await store.searchLoggedModels({ experimentIds: [ids.experiment_id] })), pythonLoggedModels(uri, ids.experiment_id));
    const view = await loadModelVersionView(store, 'sq', '1');
    assert.deepEqual(view.uris, ['models:/sq/1', 'models:/sq@champion']);
    assert.equal(view.run?.runId, ids.run_id);
    // model_id is not kept by MLflow's SQL registry: the page finds the logged model from the source.
    assert.equal(view.loggedModel?.modelId, ids.model_id);
    assert.deepEqual(view.mlmodel.summary?.flavors.map((f) => f.name), ['python_function']);
  } finally {
    await store.close();
  }
});
