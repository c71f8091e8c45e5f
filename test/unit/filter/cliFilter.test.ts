import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from '../../../extension/cli/main';
import { fixtureStore, loadExpected } from '../../support/fixture';

/** `mlwb runs --filter/--order-by` on the fixture store, in process. */

async function mlwb(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const env = { ...process.env };
  delete env.MLFLOW_TRACKING_URI;
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s), env, cwd: process.cwd() });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const expected = loadExpected();
const idOf = (name: string) => expected.runs.find((r) => r.run_name === name)!.run_id;

test('mlwb runs --filter and repeatable --order-by select and order runs', async () => {
  const r = await mlwb(['runs', '--store', fixtureStore, '--json', '--filter', "tags.stage = 'trial'"]);
  assert.equal(r.code, 0, r.stderr);
  const ids = (JSON.parse(r.stdout) as { run_id: string }[]).map((x) => x.run_id);
  assert.deepEqual(ids.sort(), [idOf('trial-0'), idOf('trial-1'), idOf('trial-2')].sort());

  const o = await mlwb(['runs', '--store', fixtureStore, '--json', '--filter', "tags.stage = 'trial'", '--order-by', 'params.model DESC', '--order-by=metrics.rmse ASC']);
  assert.equal(o.code, 0, o.stderr);
  // model DESC puts the trees first, ordered by rmse ascending (trial-2 0.7, trial-0 0.9), then the forest.
  assert.deepEqual((JSON.parse(o.stdout) as { run_id: string }[]).map((x) => x.run_id), [idOf('trial-2'), idOf('trial-0'), idOf('trial-1')]);
});

test('mlwb runs: a bad filter or order_by exits 2 with a caret under the problem', async () => {
  const r = await mlwb(['runs', '--store', fixtureStore, '--filter', "params.model < 'a'"]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n');
  assert.match(lines[0], /^mlwb: Invalid comparator '<' for params/);
  assert.equal(lines[1], "  params.model < 'a'");
  assert.equal(lines[2], '               ^');

  const o = await mlwb(['runs', '--store', fixtureStore, '--order-by', 'metrics.rmse DESC', '--order-by', 'lifecycle_stage']);
  assert.equal(o.code, 2);
  assert.match(o.stderr, /Invalid attribute key 'lifecycle_stage'/);
  assert.match(o.stderr, /\n {2}\^{15}$/);
});
