import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { registerModel } from '../../../extension/core/store/registerModel';
import { RestStore } from '../../../extension/core/store/rest/restStore';
import { makeLoggedModels, tempDir, type LoggedModelIds } from '../../support/loggedModelStore';
import { startTeamCluster, type TeamCluster, type TeamServer } from '../../support/teamServer';

/**
 * Register Model on a team server with basic auth (PostgreSQL, S3 behind the proxy): a user who may
 * only read another user's registered model is refused with a message naming the model, and
 * nothing changes (read back by MLflow's client as the admin).
 */

let cluster: TeamCluster | undefined;
let server: TeamServer;
let dir: string;
let ids: LoggedModelIds;

before(async () => {
  dir = tempDir('mlwb-reg-auth-');
  cluster = await startTeamCluster();
  server = await cluster.startServer({ auth: true });
  const admin = server.users!.admin;
  ids = makeLoggedModels(server.url, dir, { MLFLOW_TRACKING_USERNAME: admin.username, MLFLOW_TRACKING_PASSWORD: admin.password });
});
after(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("a user with READ on someone else's model cannot add a version to it; nothing changes", async () => {
  const { admin, user } = server.users!;
  const asAdmin = await RestStore.connect(server.url, { username: admin.username, password: admin.password });
  const asUser = await RestStore.connect(server.url, { username: user.username, password: user.password });
  try {
    const first = await registerModel(asAdmin, { source: `models:/${ids.model_id}`, name: 'guarded', alias: 'champion' });
    assert.equal(first.version.version, '1');
    await assert.rejects(registerModel(asUser, { source: `models:/${ids.model_id}`, name: 'guarded', alias: 'champion' }), (e: Error) => {
      assert.match(e.message, /Permission denied on registered model 'guarded'/);
      return true;
    });
    const seen = server.python<{ versions: string[]; champion: string; links: unknown }>(`
import json, mlflow
c = mlflow.MlflowClient()
print(json.dumps({"versions": sorted(str(v.version) for v in c.search_model_versions("name = 'guarded'")),
  "champion": str(c.get_model_version_by_alias("guarded", "champion").version),
  "links": [{"name": l["name"], "version": str(l["version"])} for l in json.loads(c.get_logged_model(${JSON.stringify(ids.model_id)}).tags.get("mlflow.modelVersions", "[]"))]}))
`);
    assert.deepEqual(seen, { versions: ['1'], champion: '1', links: [{ name: 'guarded', version: '1' }] });
  } finally {
    await asAdmin.close();
    await asUser.close();
  }
});
