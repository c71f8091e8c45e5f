import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { memoryFileProbe } from '../../../extension/core/lang/nodeFileProbe';
import { computeCommand, computeParameters, loadProject, parseProject, resolveEntryPoint, shellQuote, validateParamValue } from '../../../extension/core/project';
import { runPythonJson } from '../../support/python';

/**
 * The MLproject model and parameter handling, checked against the real MLflow: what it loads,
 * how it quotes, what Python's float()/int() accept, and the command `mlflow run` builds.
 */

const PROJECT = `name: demo
python_env: env/python_env.yaml
entry_points:
  main:
    parameters:
      lr: {type: float, default: 0.10}
      epochs: {type: int, default: 010}
      flag: {type: string, default: yes}
      quoted: {type: string, default: "0.10"}
      data: path
      where: {type: uri, default: "file:///tmp"}
      note: string
    command: "python train.py --lr {lr} --epochs {epochs} --flag {flag} --q {quoted} --data {data} --where {where} --note {note}"
  other:
    command: "echo {{literal}} done"
`;

describe('MLproject model', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mlwb-project-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('entry points, types and defaults as PyYAML loads them', () => {
    const fs = memoryFileProbe({ '/p/MLproject': PROJECT, '/p/env/python_env.yaml': 'python: "3.11"\ndependencies: [mlflow]\n' });
    const p = parseProject(PROJECT, '/p/MLproject', fs);
    assert.equal(p.name, 'demo');
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.env, { kind: 'python_env', file: '/p/env/python_env.yaml' });
    const main = p.entryPoints.find((e) => e.name === 'main')!;
    assert.deepEqual(
      main.parameters.map((x) => [x.name, x.type, x.declaredType, x.default]),
      [
        ['lr', 'float', 'float', '0.1'],
        ['epochs', 'int', 'int', '8'],
        ['flag', 'string', 'string', 'True'],
        ['quoted', 'string', 'string', '0.10'],
        ['data', 'path', 'path', undefined],
        ['where', 'uri', 'uri', 'file:///tmp'],
        ['note', 'string', 'string', undefined],
      ],
    );
    // The same defaults through the real MLflow loader.
    const dir = join(tmp, 'defaults');
    mkdirSync(join(dir, 'env'), { recursive: true });
    writeFileSync(join(dir, 'MLproject'), PROJECT);
    writeFileSync(join(dir, 'env', 'python_env.yaml'), 'python: "3.11"\n');
    const fromMlflow = runPythonJson<Record<string, string | null>>(
      `import json
from mlflow.projects._project_spec import load_project
p = load_project(${JSON.stringify(dir)})
print(json.dumps({k: (None if v.default is None else str(v.default)) for k, v in p.get_entry_point('main').parameters.items()}))`,
    );
    for (const x of main.parameters) assert.equal(x.default ?? null, fromMlflow[x.name], x.name);
  });

  test('environment kinds and MLflow fallbacks', () => {
    const docker = parseProject('name: d\ndocker_env:\n  image: python:3.11\nentry_points: {}\n', '/d/MLproject', memoryFileProbe({}));
    assert.deepEqual(docker.env, { kind: 'docker_env', image: 'python:3.11' });
    const conda = parseProject('name: c\nconda_env: conda.yaml\n', '/c/MLproject', memoryFileProbe({ '/c/conda.yaml': 'dependencies: []\n' }));
    assert.deepEqual(conda.env, { kind: 'conda_env', file: '/c/conda.yaml' });
    const implicit = parseProject('name: i\n', '/i/MLproject', memoryFileProbe({ '/i/python_env.yaml': 'python: "3.11"\n' }));
    assert.deepEqual(implicit.env, { kind: 'python_env', file: '/i/python_env.yaml', implicit: true });
    assert.deepEqual(parseProject('name: n\n', '/n/MLproject', memoryFileProbe({})).env, { kind: 'none' });
  });

  test('loadProject finds the file case-insensitively and reports errors with the path', () => {
    const dir = join(tmp, 'load');
    mkdirSync(dir);
    writeFileSync(join(dir, 'mlProject'), 'entry_points:\n  main:\n    command: "python x.py {missing}"\n');
    const p = loadProject(dir);
    assert.equal(p.file, join(dir, 'mlProject'));
    assert.equal(p.errors.length, 1);
    assert.match(p.errors[0], /mlProject:3:\d+: .*'\{missing\}'/);
    assert.throws(() => loadProject(join(tmp, 'nope')), /does not exist/);
    const bare = join(tmp, 'bare');
    mkdirSync(bare);
    assert.deepEqual(loadProject(bare).entryPoints, []);
    assert.equal(resolveEntryPoint(loadProject(bare), 'train.py')?.script, true);
    assert.equal(resolveEntryPoint(loadProject(bare), 'train'), undefined);
  });
});

describe('parameter values', () => {
  test('float and int accept exactly what Python float() and int() accept', () => {
    const samples = ['1', '-1', '+2.5', '1e-3', '1E5', '.5', '5.', '1_000.5', '1__0', '_1', 'inf', '-Infinity', 'nan', 'NaN', ' 3 ', 'abc', '', '0x10', '1.0.0', '1e', 'e5', '1_', '--1', '007', '1,5', 'infinit'];
    const py = runPythonJson<Record<string, [boolean, boolean]>>(
      `import json
def ok(f, s):
    try:
        f(s); return True
    except ValueError:
        return False
print(json.dumps({s: [ok(float, s), ok(int, s)] for s in ${JSON.stringify(samples)}}))`,
    );
    for (const s of samples) {
      assert.equal(validateParamValue('float', s).error === undefined, py[s][0], `float(${JSON.stringify(s)})`);
      assert.equal(validateParamValue('int', s).error === undefined, py[s][1], `int(${JSON.stringify(s)})`);
    }
  });

  test('uri needs a scheme; a missing local path is a warning; strings pass', () => {
    assert.match(validateParamValue('uri', './data').error ?? '', /not a URI/);
    assert.deepEqual(validateParamValue('uri', 's3://bucket/x'), {});
    assert.match(validateParamValue('path', 'nope.csv', { baseDir: '/nonexistent' }).warning ?? '', /does not exist/);
    assert.deepEqual(validateParamValue('path', 's3://bucket/x'), {});
    assert.deepEqual(validateParamValue('path', 'file:///'), {});
    assert.deepEqual(validateParamValue('string', '; touch x'), {});
  });

  test('shellQuote is shlex.quote', () => {
    const samples = ['', 'plain', 'a b', "it's", '; touch x', '$(rm -rf /)', 'a=b,c:d/e.f-g@h%i+j', 'tab\there', 'é', '`x`', '"q"'];
    const py = runPythonJson<string[]>(`import json, shlex; print(json.dumps([shlex.quote(s) for s in ${JSON.stringify(samples)}]))`);
    assert.deepEqual(samples.map(shellQuote), py);
  });

  test('command and logged params match mlflow compute_command / compute_parameters', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlwb-cmd-'));
    try {
      mkdirSync(join(dir, 'env'));
      writeFileSync(join(dir, 'MLproject'), PROJECT);
      writeFileSync(join(dir, 'env', 'python_env.yaml'), 'python: "3.11"\n');
      writeFileSync(join(dir, 'data.csv'), 'x\n');
      const user = { data: join(dir, 'data.csv'), note: "; touch x 'quoted'", lr: '1e-3', 'extra key': 'v w' };
      const p = loadProject(dir);
      const ep = resolveEntryPoint(p, 'main')!;
      const ours = { command: computeCommand(ep, user, dir), logged: computeParameters(ep, user).logged, other: computeCommand(resolveEntryPoint(p, 'other')!, {}, dir) };
      const theirs = runPythonJson<typeof ours>(
        `import json, tempfile
from mlflow.projects._project_spec import load_project
p = load_project(${JSON.stringify(dir)})
ep = p.get_entry_point('main')
user = ${JSON.stringify(user)}
final, extra = ep.compute_parameters(user, None)
print(json.dumps({'command': ep.compute_command(user, tempfile.mkdtemp()), 'logged': {**final, **extra}, 'other': p.get_entry_point('other').compute_command({}, None)}))`,
      );
      assert.deepEqual(ours, theirs);
      assert.throws(() => computeParameters(ep, {}), /No value given for missing parameters: 'data', 'note'/);
      assert.throws(() => computeParameters(ep, { data: 'x', note: 'n', where: 'relative' }), /Expected URI for parameter where/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
