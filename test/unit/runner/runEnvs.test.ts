import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { COMPLETE_MARKER, EnvBuildLock } from '../../../extension/core/runner/envCache';
import { startProjectRun } from '../../../extension/core/runner';
import { mlflowEnv } from '../../support/python';
import { collect, PYTHON, readRuns, tempDir, TRAIN_PROJECT, writeFiles } from './helpers';

/**
 * Environments and sources: a python_env project built once with uv and reused (and rebuilt when
 * a build was cut short), and a project fetched from a local bare git repository.
 */

const env = { ...mlflowEnv({ UV_PYTHON_DOWNLOADS: 'never', UV_NO_CACHE: '1' }) };
delete env.MLFLOW_TRACKING_URI;

describe('python_env environments', () => {
  const tmp = tempDir('runner-envs');
  after(() => tmp.remove());

  test('half-built environment folders are removed under the build lock', async () => {
    const root = join(tmp.path, 'lock-root');
    mkdirSync(join(root, 'mlflow-done'), { recursive: true });
    writeFileSync(join(root, 'mlflow-done', COMPLETE_MARKER), 'x');
    mkdirSync(join(root, 'mlflow-half', 'bin'), { recursive: true });
    const lock = await EnvBuildLock.acquire(root);
    assert.deepEqual(readdirSync(root).sort(), ['.mlwb-build-lock', 'mlflow-done']);
    // A second holder waits until the first releases.
    let second: EnvBuildLock | undefined;
    const waiting = EnvBuildLock.acquire(root).then((l) => (second = l));
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(second, undefined);
    mkdirSync(join(root, 'mlflow-new'));
    lock.markComplete();
    lock.release();
    await waiting;
    assert.ok(existsSync(join(root, 'mlflow-new', COMPLETE_MARKER)));
    second!.release();
    // A lock left by a dead process is taken over.
    mkdirSync(join(root, '.mlwb-build-lock'));
    writeFileSync(join(root, '.mlwb-build-lock', 'pid'), '999999999');
    (await EnvBuildLock.acquire(root)).release();
    const aborted = new AbortController();
    const held = await EnvBuildLock.acquire(root);
    const blocked = EnvBuildLock.acquire(root, aborted.signal);
    aborted.abort();
    await assert.rejects(blocked, /cancelled/);
    held.release();
  });

  test('uv builds the environment once, reuses it, and rebuilds one that was cut short', async () => {
    const project = join(tmp.path, 'pyenv-project');
    const version = execFileSync(PYTHON, ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' }).trim();
    writeFiles(project, {
      MLproject: 'name: pyenv-project\npython_env: python_env.yaml\nentry_points:\n  main:\n    command: "python -c \'import sys; print(\\"prefix\\", sys.prefix)\'"\n',
      'python_env.yaml': `python: "${version}"\nbuild_dependencies: []\ndependencies: []\n`,
    });
    const cacheDir = join(tmp.path, 'cache');
    const store = `file://${join(tmp.path, 'mlruns')}`;
    const run = async () => {
      const out = collect();
      const r = await startProjectRun({ project, entryPoint: 'main', parameters: {}, python: PYTHON, storeUri: store, envManager: 'uv' }, out, { env, cacheDir }).done;
      assert.equal(r.status, 'FINISHED', out.text());
      return { r, text: out.text() };
    };
    const first = await run();
    assert.match(first.text, /Creating a new environment in .* using uv/);
    const envs = readdirSync(join(cacheDir, 'envs')).filter((n) => !n.startsWith('.'));
    assert.equal(envs.length, 1);
    const envDir = join(cacheDir, 'envs', envs[0]);
    assert.match(first.text, new RegExp(`prefix ${envDir}`));
    assert.ok(existsSync(join(envDir, COMPLETE_MARKER)));
    assert.equal(readRuns(store, [first.r.runId])[first.r.runId].tags['mlflow.project.env'], 'uv');

    const second = await run();
    assert.doesNotMatch(second.text, /Creating a new environment/);
    assert.match(second.text, /already exists/);

    // As a build killed half way leaves it: the folder without our marker (and without bin/activate).
    rmSync(join(envDir, COMPLETE_MARKER));
    rmSync(join(envDir, 'bin', 'activate'));
    const third = await run();
    assert.match(third.text, /removed the unfinished environment/);
    assert.match(third.text, /Creating a new environment/);
    assert.ok(existsSync(join(envDir, COMPLETE_MARKER)));
  });
});

describe('git projects', () => {
  const tmp = tempDir('runner-git');
  after(() => tmp.remove());

  test('a project in a local bare repository (file://), at a branch, in a sub folder', async () => {
    const work = join(tmp.path, 'work');
    writeFiles(join(work, 'projects', 'train'), TRAIN_PROJECT);
    const git = (args: string[], cwd = work) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' }).trim();
    git(['init', '-q', '-b', 'main']);
    git(['add', '.']);
    git(['commit', '-qm', 'project']);
    const commit = git(['rev-parse', 'HEAD']);
    const bare = join(tmp.path, 'repo.git');
    git(['clone', '-q', '--bare', work, bare], tmp.path);
    // A later commit on main must not be what we run when asked for the first one.
    const uri = `file://${bare}#projects/train`;
    const store = `file://${join(tmp.path, 'mlruns')}`;
    const cacheDir = join(tmp.path, 'cache');
    const out = collect();
    const r = await startProjectRun({ project: uri, version: 'main', entryPoint: 'main', parameters: { lr: '3' }, python: PYTHON, storeUri: store }, out, { env, cacheDir }).done;
    assert.equal(r.status, 'FINISHED', out.text());
    const run = readRuns(store, [r.runId])[r.runId];
    assert.equal(run.metrics.loss, 0.25);
    assert.equal(run.tags['mlflow.source.name'], uri);
    assert.equal(run.tags['mlflow.source.git.commit'], commit);
    assert.equal(run.tags['mlflow.source.git.branch'], 'main');
    assert.equal(run.tags['mlflow.source.git.repoURL'], `file://${bare}`);
    // The checkout is cached by commit: one folder, reused by the next fetch of the same commit.
    const cached = readdirSync(join(cacheDir, 'projects'));
    assert.equal(cached.length, 1);
    assert.deepEqual(readdirSync(join(cacheDir, 'projects', cached[0])), [commit]);
    await assert.rejects(startProjectRun({ project: uri, version: 'no-such-branch', entryPoint: 'main', parameters: {}, python: PYTHON, storeUri: store }, collect(), { env, cacheDir }).done, /Unable to checkout version 'no-such-branch'/);
  });
});
