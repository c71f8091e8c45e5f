import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { repoRoot, runPythonJson } from '../../support/python';

/**
 * `mlwb` table output never passes a store string's escape sequences or bidi overrides to the
 * terminal; `--json` keeps them exactly. The store is written by the real mlflow client.
 */

const RUN_NAME = 'ok\x1b]0;pwned\x07\x1b[2J\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ \u202eexe.txt\r\x9b';
const PARAM = '\x1b[31mred\u2066\u2069';

function mlwb(args: string[], cwd: string) {
  // The source, not dist/cli.js, which may be older than the code under test.
  const argv = ['--import', pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href, join(repoRoot, 'extension/cli/index.ts'), ...args];
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.MLFLOW_TRACKING_URI;
  const r = spawnSync(process.execPath, argv, { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const RAW = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

describe('mlwb output against hostile store strings', () => {
  let dir: string;
  let runId: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlwb-term-'));
    const store = join(dir, 'mlruns');
    ({ runId } = runPythonJson<{ runId: string }>(`
import json, mlflow
mlflow.set_tracking_uri(${JSON.stringify('file://' + store)})
mlflow.set_experiment(${JSON.stringify('exp\x1b[2J\u202e')})
with mlflow.start_run(run_name=${JSON.stringify(RUN_NAME)}) as r:
    mlflow.log_param("p", ${JSON.stringify(PARAM)})
    mlflow.log_metric("m", 1.5)
print(json.dumps({"runId": r.info.run_id}))
`));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('runs table shows escapes as visible text', () => {
    const r = mlwb(['runs', '--store', join(dir, 'mlruns')], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!RAW.test(r.stdout), `raw control or bidi character in ${JSON.stringify(r.stdout)}`);
    assert.ok(r.stdout.includes('ok\\x1b]0;pwned\\x07\\x1b[2J\\x1b]8;;https://evil.example/\\x1b\\click\\x1b]8;;\\x1b\\ \\u202eexe.txt\\r\\x9b'), r.stdout);
    assert.ok(r.stdout.includes(runId));
  });

  test('experiments table too', () => {
    const r = mlwb(['experiments', '--store', join(dir, 'mlruns')], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!RAW.test(r.stdout));
    assert.ok(r.stdout.includes('exp\\x1b[2J\\u202e'), r.stdout);
  });

  test('--json keeps the exact strings', () => {
    const r = mlwb(['runs', '--store', join(dir, 'mlruns'), '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const [run] = JSON.parse(r.stdout) as { run_name: string; params: Record<string, string> }[];
    assert.equal(run.run_name, RUN_NAME);
    assert.equal(run.params.p, PARAM);
  });

  test('error messages quoting store input are neutralized on stderr', () => {
    const r = mlwb(['runs', '--store', join(dir, 'mlruns'), '--experiment', 'no\x1b]0;such\x07'], dir);
    assert.equal(r.code, 1);
    assert.ok(!RAW.test(r.stderr), JSON.stringify(r.stderr));
    assert.match(r.stderr, /experiment 'no\\x1b\]0;such\\x07' not found/);
  });
});
