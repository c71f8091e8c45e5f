import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { checkEnvTools, EnvToolError } from '../../../extension/core/runner/envManagers';
import { interpreterEnv } from '../../../extension/core/runner/interpreter';
import type { MlProject } from '../../../extension/core/project';
import { sweepCombinations, parseSweepSpec } from '../../../extension/core/runner';
import { tempDir } from './helpers';

/** The checks that run before any run is created, and the PATH the project's `python` is found on. */

const project = (kind: MlProject['env']['kind']): MlProject => ({ dir: '/p', file: '/p/MLproject', entryPoints: [], env: { kind }, errors: [] });

describe('environment managers and the interpreter PATH', () => {
  const tmp = tempDir('runner-tools');
  after(() => tmp.remove());
  const bin = (name: string, files: string[]) => {
    const dir = join(tmp.path, name);
    mkdirSync(dir, { recursive: true });
    for (const f of files) {
      writeFileSync(join(dir, f), '#!/bin/sh\nexit 0\n');
      chmodSync(join(dir, f), 0o755);
    }
    return dir;
  };

  test('a missing tool names what to install', () => {
    const empty = { PATH: bin('empty', []) };
    assert.throws(() => checkEnvTools('uv', project('python_env'), empty, '/venv/bin/python'), (e: Error) => e instanceof EnvToolError && /needs uv on PATH: install it with `\/venv\/bin\/python -m pip install uv`/.test(e.message));
    assert.throws(() => checkEnvTools('virtualenv', project('python_env'), empty, 'py'), /needs pyenv on PATH/);
    assert.throws(() => checkEnvTools('conda', project('conda_env'), empty, 'py'), /needs conda on PATH: install Miniconda or Miniforge/);
    assert.throws(() => checkEnvTools('conda', project('python_env'), empty, 'py'), /refuses to build with conda/);
    assert.throws(() => checkEnvTools('local', project('docker_env'), empty, 'py'), /docker is not installed/);
    assert.throws(() => checkEnvTools('docker', project('none'), empty, 'py'), /needs a project with docker_env/);
    assert.deepEqual(checkEnvTools('local', project('python_env'), empty, 'py'), {});
    assert.deepEqual(checkEnvTools('uv', project('python_env'), { PATH: bin('uv', ['uv']) }, 'py'), {});
    assert.deepEqual(checkEnvTools('conda', project('conda_env'), { PATH: bin('conda', ['conda', 'mamba']) }, 'py'), { MLFLOW_CONDA_CREATE_ENV_CMD: 'mamba' });
  });

  test('the interpreter folder goes first; a folder without a matching `python` gets exec shims; VIRTUAL_ENV only for a venv', () => {
    const venv = join(tmp.path, 'venv');
    const vbin = bin('venv/bin', ['python', 'python3']);
    writeFileSync(join(venv, 'pyvenv.cfg'), 'home = /usr/bin\n');
    const e1 = interpreterEnv(join(vbin, 'python3'), { PATH: `/usr/bin:${vbin}`, PYTHONHOME: '/x' }, join(tmp.path, 'cache'));
    assert.equal(e1.PATH, `${vbin}:/usr/bin`);
    assert.equal(e1.VIRTUAL_ENV, venv);
    assert.equal(e1.PYTHONHOME, undefined);
    // Only python3 in the folder: `python` there would be another one, so shims come first.
    const sys = bin('sys', ['python3']);
    const e2 = interpreterEnv(join(sys, 'python3'), { PATH: '/usr/bin', VIRTUAL_ENV: '/old' }, join(tmp.path, 'cache'));
    const [shims, second] = e2.PATH!.split(':');
    assert.equal(second, sys);
    assert.match(realpathSync(shims), /python-shims/);
    assert.equal(e2.VIRTUAL_ENV, undefined);
  });

  test('sweep grids', () => {
    assert.deepEqual(parseSweepSpec('lr=0.1,0.01'), { key: 'lr', values: ['0.1', '0.01'] });
    assert.deepEqual(parseSweepSpec('lr=0.1:0.5:0.2'), { key: 'lr', values: ['0.1', '0.3', '0.5'] });
    assert.deepEqual(parseSweepSpec('n=10:1:-4'), { key: 'n', values: ['10', '6', '2'] });
    assert.throws(() => parseSweepSpec('lr'), /KEY=V1,V2/);
    assert.throws(() => parseSweepSpec('lr=1:2:-1'), /step that goes from START towards STOP/);
    assert.deepEqual(sweepCombinations({ a: 'x', b: '1' }, { b: ['1', '2'], c: ['u', 'v'] }), [
      { a: 'x', b: '1', c: 'u' },
      { a: 'x', b: '1', c: 'v' },
      { a: 'x', b: '2', c: 'u' },
      { a: 'x', b: '2', c: 'v' },
    ]);
  });
});
