import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { mlflowEnv, repoRoot } from '../../support/python';
import { fakePythonDir, PYTHON, readRuns, tempDir, TRAIN_PROJECT, writeFiles } from './helpers';

/**
 * `mlwb run` as a CI job runs it: the same core as the VS Code tasks, the runs on stdout (table or
 * --json), the process output on stderr, exit 0 only when every run FINISHED.
 */

interface CliRuns {
  runs: { role: string; run_id: string | null; status: string; params: Record<string, string>; exit_code: number | null }[];
}

describe('mlwb run', () => {
  const tmp = tempDir('runner-cli');
  const project = join(tmp.path, 'project');
  const store = join(tmp.path, 'mlruns');
  const uri = `file://${store}`;
  let env: NodeJS.ProcessEnv;
  before(() => {
    writeFiles(project, TRAIN_PROJECT);
    env = { ...mlflowEnv(), PATH: `${fakePythonDir(tmp.path)}${delimiter}${process.env.PATH}`, MLWB_CACHE_DIR: join(tmp.path, 'cache') };
    delete env.MLFLOW_TRACKING_URI;
  });
  after(() => tmp.remove());

  function mlwb(args: string[]) {
    // The loader by path: the working folder is the temp folder, where `tsx` is not resolvable by name.
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href, join(repoRoot, 'extension/cli/index.ts'), 'run', ...args], { cwd: tmp.path, env, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  test('one run: metric, params and tags, with a python without mlflow first on PATH', () => {
    // Relative project and store: taken against the working folder, as mlflow run does.
    const r = mlwb(['project', '-e', 'main', '-P', 'lr=0.25', '-P', 'note=$(touch x)', '--store', 'mlruns', '--python', PYTHON, '--experiment', 'ci', '--run-name', 'cli-run', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Running command 'python train\.py --lr 0\.25 --note '\$\(touch x\)''/);
    assert.ok(!existsSync(join(project, 'x')) && !existsSync(join(tmp.path, 'x')));
    const out = JSON.parse(r.stdout) as CliRuns;
    assert.equal(out.runs.length, 1);
    const [one] = out.runs;
    assert.deepEqual({ ...one, run_id: typeof one.run_id }, { role: 'run', run_id: 'string', status: 'FINISHED', params: { lr: '0.25', note: '$(touch x)' }, exit_code: 0 });
    const run = readRuns(uri, [one.run_id!])[one.run_id!];
    assert.equal(run.status, 'FINISHED');
    assert.equal(run.run_name, 'cli-run');
    assert.deepEqual(run.params, { lr: '0.25', note: "'$(touch x)'" });
    assert.equal(run.metrics.loss, 1 / 1.25);
    assert.equal(run.tags['mlflow.project.entryPoint'], 'main');
    assert.equal(run.tags['mlflow.source.type'], 'PROJECT');
  });

  test('a sweep of 3 values, 2 at a time: one parent, three children with their params', () => {
    const r = mlwb(['project', '--sweep', 'lr=0.1,0.2,0.3', '--parallel', '2', '-P', 'note=swept', '--store', uri, '--python', PYTHON, '--experiment', 'ci-sweep', '--run-name', 'grid']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /sweep \w+: 3 runs, 2 at a time/);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^ROLE\s+RUN ID\s+STATUS\s+PARAMS$/);
    const rows = lines.slice(1).map((l) => l.split(/\s{2,}/));
    assert.deepEqual(rows.map((x) => [x[0], x[2], x[3]]), [
      ['parent', 'FINISHED', 'note=swept'],
      ['child', 'FINISHED', 'note=swept lr=0.1'],
      ['child', 'FINISHED', 'note=swept lr=0.2'],
      ['child', 'FINISHED', 'note=swept lr=0.3'],
    ]);
    const ids = rows.map((x) => x[1]);
    const runs = readRuns(uri, ids);
    const [parent, ...children] = ids.map((id) => runs[id]);
    assert.equal(parent.status, 'FINISHED');
    assert.equal(parent.run_name, 'grid');
    assert.deepEqual(parent.params, { note: 'swept' });
    assert.deepEqual(JSON.parse(parent.tags['mlwb.sweep']), { lr: ['0.1', '0.2', '0.3'] });
    assert.deepEqual(children.map((c) => [c.params.lr, c.params.note, c.tags['mlflow.parentRunId'], c.status, c.run_name]), [
      ['0.1', 'swept', ids[0], 'FINISHED', 'grid-lr=0.1'],
      ['0.2', 'swept', ids[0], 'FINISHED', 'grid-lr=0.2'],
      ['0.3', 'swept', ids[0], 'FINISHED', 'grid-lr=0.3'],
    ]);
    for (const c of children) assert.equal(c.metrics.loss, 1 / (1 + Number(c.params.lr)));
    // At most two at a time: the third child started only after one of the first two ended.
    const starts = [...r.stderr.matchAll(/\[mlwb\] run (\w+) (in experiment|FINISHED)/g)].map((m) => (m[2] === 'FINISHED' ? -1 : 1));
    let running = 0;
    for (const d of starts) assert.ok((running += d) <= 2, 'never more than 2 children running');
  });

  test('Ctrl-C stops the run: KILLED, exit 1, the entry point process gone', async () => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href, join(repoRoot, 'extension/cli/index.ts'), 'run', 'project', '-e', 'sleep', '--store', uri, '--python', PYTHON, '--json'], { cwd: tmp.path, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const started = new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/started/.test(stderr)) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    await Promise.race([started, exited]);
    const pid = Number(readFileSync(join(project, 'sleep.pid'), 'utf8'));
    child.kill('SIGINT');
    assert.equal(await exited, 1, stderr);
    const [one] = (JSON.parse(stdout) as CliRuns).runs;
    assert.equal(one.status, 'KILLED');
    assert.equal(readRuns(uri, [one.run_id!])[one.run_id!].status, 'KILLED');
    assert.throws(() => process.kill(pid, 0), /ESRCH/);
  });

  test('a failed run exits 1; usage errors exit 2 before anything runs', () => {
    const failed = mlwb(['project', '-e', 'fail', '--store', uri, '--python', PYTHON, '--json']);
    assert.equal(failed.code, 1, failed.stderr);
    assert.equal((JSON.parse(failed.stdout) as CliRuns).runs[0].status, 'FAILED');
    assert.match(failed.stderr, /about to fail/);
    const usage = mlwb(['project', '-P', 'novalue', '--store', uri]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /-P needs KEY=VALUE, got 'novalue'/);
    const badEnv = mlwb(['project', '--env-manager', 'pip', '--store', uri]);
    assert.equal(badEnv.code, 2);
    assert.match(badEnv.stderr, /--env-manager must be one of local, virtualenv, uv, conda, docker/);
    const badValue = mlwb(['project', '-P', 'lr=fast', '--store', uri, '--python', PYTHON]);
    assert.equal(badValue.code, 1);
    assert.match(badValue.stderr, /mlwb run: parameter 'lr' \(float\): 'fast' is not a number/);
  });
});
