import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from '../../../extension/cli/main';
import { fixtureStore } from '../../support/fixture';

/** `mlwb runs --max-results/--page-token` on the fixture store (written by real mlflow), in process. */

async function mlwb(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const env = { ...process.env };
  delete env.MLFLOW_TRACKING_URI;
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s), env, cwd: process.cwd() });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const ids = (stdout: string) => (JSON.parse(stdout) as { run_id: string }[]).map((r) => r.run_id);
const TOKEN_LINE = /^next page token: (\S+)$/m;

for (const order of [[], ['--order-by', 'metrics.rmse DESC', '--order-by', 'params.model']]) {
  test(`--max-results pages concatenate to the full listing ${order.length ? '(with --order-by)' : ''}`, async () => {
    const base = ['runs', '--store', fixtureStore, '--all', '--json', ...order];
    const full = await mlwb(base);
    assert.equal(full.code, 0, full.stderr);
    const want = ids(full.stdout);
    assert.ok(want.length >= 8, `${want.length} runs`);
    const got: string[] = [];
    let token: string | undefined;
    let pages = 0;
    for (;;) {
      const r = await mlwb([...base, '--max-results', '3', ...(token ? ['--page-token', token] : [])]);
      assert.equal(r.code, 0, r.stderr);
      const page = ids(r.stdout);
      pages++;
      got.push(...page);
      token = TOKEN_LINE.exec(r.stderr)?.[1];
      if (!token) break;
      assert.equal(page.length, 3);
      assert.ok(pages < 100);
    }
    assert.deepEqual(got, want);
    assert.equal(pages, Math.ceil(want.length / 3));
  });
}

test('--max-results with --filter; the table form prints the token on stderr too', async () => {
  const r = await mlwb(['runs', '--store', fixtureStore, '--filter', "tags.stage = 'trial'", '--max-results', '2']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 1 + 2, r.stdout);
  const token = TOKEN_LINE.exec(r.stderr)?.[1];
  assert.ok(token, r.stderr);
  const rest = await mlwb(['runs', '--store', fixtureStore, '--filter', "tags.stage = 'trial'", '--max-results', '2', '--page-token', token, '--json']);
  assert.equal(ids(rest.stdout).length, 1);
  assert.doesNotMatch(rest.stderr, TOKEN_LINE);
});

test('a bad page size is a usage error; a bad token names itself; a bad filter never reaches the store', async () => {
  for (const n of ['0', '50001', '-3', '2.5', 'ten']) {
    const r = await mlwb(['runs', '--store', fixtureStore, '--max-results', n]);
    assert.equal(r.code, 2, n);
    assert.match(r.stderr, /--max-results must be a whole number from 1 to 50000/);
  }
  const t = await mlwb(['runs', '--store', fixtureStore, '--max-results', '2', '--page-token', 'bogus']);
  assert.equal(t.code, 1);
  assert.match(t.stderr, /Invalid page token: "bogus"/);
  // Nothing listens on port 9: a store that was asked would fail to connect instead.
  const f = await mlwb(['runs', '--store', 'http://127.0.0.1:9', '--max-results', '2', '--filter', 'metrics.x >']);
  assert.equal(f.code, 2, f.stderr);
  assert.match(f.stderr, /^mlwb: /);
  assert.doesNotMatch(f.stderr, /127.0.0.1|reach/);
});
