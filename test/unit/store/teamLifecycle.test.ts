import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RestStore } from '../../../extension/core/store/rest/restStore';
import { checkNotes, checkReadBack, mlwb, seed, steps, type Py } from '../../support/lifecycleSteps';
import { startTeamCluster, type TeamCluster, type TeamServer, type TeamUser } from '../../support/teamServer';

/**
 * The lifecycle write actions on a team's server (PostgreSQL, S3 through the server's proxy, basic
 * auth with two users): the whole `mlwb` sequence as the admin, read back by mlflow's client; and
 * a user with READ only on an experiment is refused every edit there with "permission denied", and
 * nothing changes.
 */

for (const k of Object.keys(process.env)) if (k.startsWith('AWS_') || k === 'MLFLOW_S3_ENDPOINT_URL') delete process.env[k];

let cluster: TeamCluster | undefined;
let server: TeamServer;
const tmp = mkdtempSync(join(tmpdir(), 'mlwb-team-lifecycle-'));
const creds = (u: TeamUser) => ({ MLFLOW_TRACKING_USERNAME: u.username, MLFLOW_TRACKING_PASSWORD: u.password });

before(async () => {
  cluster = await startTeamCluster();
  server = await cluster.startServer({ auth: true });
});

after(async () => {
  await cluster?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test('team server: every write action through mlwb as the admin, then descriptions; mlflow reads them back', async () => {
  const admin = server.users!.admin;
  const py: Py = (code) => server.python(code);
  const ids = seed(py);
  for (const s of steps(ids)) {
    const r = mlwb(tmp, [...s.argv, '--store', server.url, '--json'], creds(admin));
    assert.equal(r.code, 0, `${s.argv.join(' ')}: ${r.stderr}`);
    s.check(JSON.parse(r.stdout));
  }
  checkReadBack(py, ids);
  const store = new RestStore(server.url, { username: admin.username, password: admin.password, maxRetries: 1 });
  await checkNotes(store, py, ids);
});

test('team server: a user with READ on an experiment is refused each edit with permission denied; nothing changes', async () => {
  const user = server.users!.user;
  const made = server.python<{ exp: string; run: string }>(`
import json
from mlflow import MlflowClient
c = MlflowClient()
exp = c.create_experiment("locked-exp")
r = c.create_run(exp, run_name="locked-run")
print(json.dumps({"exp": exp, "run": r.info.run_id}))
`);
  await server.grantExperiment(user.username, made.exp, 'READ');
  const attempts = [
    ['experiment', 'rename', '--experiment', made.exp, '--name', 'hacked'],
    ['experiment', 'delete', '--experiment', made.exp],
    ['run', 'rename', '--run', made.run, '--name', 'hacked'],
    ['run', 'set-tag', '--run', made.run, '--key', 'owner', '--value', 'me'],
    ['run', 'delete', '--run', made.run],
  ];
  for (const argv of attempts) {
    const r = mlwb(tmp, [...argv, '--store', server.url], creds(user));
    assert.equal(r.code, 1, `${argv.join(' ')} as ${user.username}: exit ${r.code}\n${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /permission denied/i, `${argv.join(' ')}: ${r.stderr}`);
  }
  const renamed = mlwb(tmp, [...attempts[0], '--store', server.url], creds(user));
  assert.match(renamed.stderr, /locked-exp/, `the refusal names the experiment: ${renamed.stderr}`);
  const now = server.python<{ name: string; stage: string; run: string; runStage: string; tags: Record<string, string> }>(`
import json
from mlflow import MlflowClient
c = MlflowClient()
e = c.get_experiment("${made.exp}")
r = c.get_run("${made.run}")
print(json.dumps({"name": e.name, "stage": e.lifecycle_stage, "run": r.info.run_name, "runStage": r.info.lifecycle_stage, "tags": dict(r.data.tags)}))
`);
  assert.deepEqual({ name: now.name, stage: now.stage, run: now.run, runStage: now.runStage, owner: now.tags.owner }, { name: 'locked-exp', stage: 'active', run: 'locked-run', runStage: 'active', owner: undefined });
});
