import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryFileProbe } from '../../../extension/core/lang/nodeFileProbe';
import { applyFix, byCode, covered, diags } from './helpers';

const P = (t: string, ctx = {}) => diags('mlproject', t, ctx);
const errors = (t: string, ctx = {}) => P(t, ctx).filter((d) => d.severity === 'error');

const GOOD = `name: tutorial
python_env: python_env.yaml
entry_points:
  main:
    parameters:
      alpha: {type: float, default: 0.5}
      data: path
    command: "python train.py --alpha {alpha} --data {data}"
`;
const fs = memoryFileProbe({ '/p/python_env.yaml': 'python: "3.11"\nbuild_dependencies: [pip]\ndependencies: [mlflow]\n', '/p/train.py': '' });

test('a correct project has no diagnostics at all', () => {
  assert.deepEqual(P(GOOD, { path: '/p/MLproject', fs }), []);
});

test('YAML syntax errors are errors with a precise range', () => {
  const text = 'entry_points:\n  main:\n    command: "echo\n  x: [\n';
  const ds = byCode(P(text), 'mlproject/yaml-syntax');
  assert.ok(ds.length > 0);
  assert.equal(ds[0].severity, 'error');
  assert.ok(ds[0].range.start.line >= 2);
});

test('undeclared placeholder: error on exactly the {field}, fix declares the parameter', () => {
  const text = 'entry_points:\n  main:\n    parameters:\n      a: string\n    command: "python t.py {a} {beta}"\n';
  const [d] = byCode(P(text), 'mlproject/undeclared-placeholder');
  assert.equal(d.severity, 'error');
  assert.equal(covered(text, d), '{beta}');
  assert.match(d.message, /beta/);
  const fixed = applyFix(text, d);
  assert.match(fixed, /\n {6}beta: string\n/);
  assert.deepEqual(errors(fixed), []);
});

test('placeholder ranges stay exact in folded multi-line and block commands', () => {
  const text = 'entry_points:\n  main:\n    command: "python t.py\n      --x {x}\n      --y {y}"\n';
  const ds = byCode(P(text), 'mlproject/undeclared-placeholder');
  assert.deepEqual(ds.map((d) => covered(text, d)), ['{x}', '{y}']);
  assert.deepEqual(ds.map((d) => d.range.start.line), [3, 4]);
  const block = "entry_points:\n  main:\n    command: |\n      python t.py \\\n        --lr {lr}\n";
  const [b] = byCode(P(block), 'mlproject/undeclared-placeholder');
  assert.equal(covered(block, b), '{lr}');
  const single = "entry_points:\n  main:\n    command: 'echo ''q'' {z}'\n";
  assert.equal(covered(single, byCode(P(single), 'mlproject/undeclared-placeholder')[0]), '{z}');
});

test('declare-parameter fix creates a parameters block when there is none', () => {
  const text = 'entry_points:\n  main:\n    command: "python t.py {alpha}"\n';
  const [d] = byCode(P(text), 'mlproject/undeclared-placeholder');
  const fixed = applyFix(text, d);
  assert.equal(fixed, 'entry_points:\n  main:\n    parameters:\n      alpha: string\n    command: "python t.py {alpha}"\n');
  assert.deepEqual(P(fixed), []);
});

test('{{ }} escapes are fine; positional, unclosed and float-format placeholders are errors', () => {
  assert.deepEqual(errors('entry_points:\n  main:\n    command: "echo {{x}}"\n'), []);
  assert.equal(byCode(P('entry_points:\n  main:\n    command: "echo {}"\n'), 'mlproject/positional-placeholder').length, 1);
  assert.equal(byCode(P('entry_points:\n  main:\n    parameters: {a: string}\n    command: "echo {a"\n'), 'mlproject/command-format').length, 1);
  assert.equal(byCode(P('entry_points:\n  main:\n    parameters: {a: float}\n    command: "echo {a:.2f}"\n'), 'mlproject/command-format').length, 1);
  assert.deepEqual(errors('entry_points:\n  main:\n    parameters: {a: float}\n    command: "echo {a:>8}"\n'), []);
});

test('unused declared parameter is a hint (MLflow does not append declared params); fix appends it', () => {
  const text = 'entry_points:\n  main:\n    parameters:\n      a: {type: float, default: 1}\n    command: "python t.py"\n';
  const [d] = byCode(P(text), 'mlproject/unused-parameter');
  assert.equal(d.severity, 'hint');
  assert.equal(d.unnecessary, true);
  assert.equal(covered(text, d), 'a');
  const fixed = applyFix(text, d);
  assert.match(fixed, /command: "python t.py --a \{a\}"/);
  assert.deepEqual(P(fixed), []);
});

test('entry point without command is an error with an add-command fix', () => {
  const text = 'entry_points:\n  main:\n    parameters:\n      a: string\n';
  const [d] = byCode(P(text), 'mlproject/missing-command');
  assert.equal(d.severity, 'error');
  assert.equal(covered(text, d), 'main');
  assert.match(applyFix(text, d), /command: ""/);
});

test('undocumented types are warnings with a fix to the documented type', () => {
  for (const [t, want] of [['int', 'float'], ['str', 'string'], ['bool', 'string'], ['boolean', 'string'], ['list[str]', 'string'], ['flaot', 'float']]) {
    const text = `entry_points:\n  main:\n    parameters:\n      a: ${t}\n    command: "e {a}"\n`;
    const [d] = byCode(P(text), 'mlproject/undocumented-type');
    assert.equal(d.severity, 'warning', t);
    assert.equal(covered(text, d), t);
    assert.match(applyFix(text, d), new RegExp(`a: ${want.replace('[', '\\[')}\\n`));
  }
});

test('a non-numeric float default is a warning (MLflow does not check), with fixes', () => {
  const text = 'entry_points:\n  main:\n    parameters:\n      a: {type: float, default: abc}\n    command: "e {a}"\n';
  const [d] = byCode(P(text), 'mlproject/default-not-number');
  assert.equal(d.severity, 'warning');
  assert.equal(covered(text, d), 'abc');
  assert.match(applyFix(text, d, 0), /type: string/);
  assert.match(applyFix(text, d, 1), /default: 0.0/);
  // PyYAML keeps 1e-3 a string, but it is a number for the script.
  assert.deepEqual(byCode(P('entry_points:\n  main:\n    parameters:\n      a: {type: float, default: 1e-3}\n    command: "e {a}"\n'), 'mlproject/default-not-number'), []);
});

test('YAML 1.1 typing of defaults is reported with a quote fix', () => {
  const text = 'entry_points:\n  main:\n    parameters:\n      a: {type: string, default: yes}\n      b: {type: string, default: 010}\n      c: {type: float, default: 0.10}\n    command: "e {a} {b} {c}"\n';
  const ds = byCode(P(text), 'mlproject/yaml11-value');
  assert.deepEqual(ds.map((d) => [covered(text, d), d.severity]), [['yes', 'warning'], ['010', 'warning'], ['0.10', 'info']]);
  assert.match(ds[0].message, /True/);
  assert.match(ds[1].message, /\b8\b/);
  assert.match(applyFix(text, ds[0]), /default: "yes"/);
});

test('uri default without scheme is an error; with scheme it is fine', () => {
  const bad = 'entry_points:\n  main:\n    parameters:\n      d: {type: uri, default: ./data}\n    command: "e {d}"\n';
  assert.equal(byCode(P(bad), 'mlproject/uri-default-no-scheme')[0].severity, 'error');
  assert.deepEqual(errors(bad.replace('./data', 's3://b/data')), []);
});

test('parameters that are not a mapping, and bad parameter specs, are errors', () => {
  assert.equal(byCode(P('entry_points:\n  main:\n    parameters: [a]\n    command: e\n'), 'mlproject/parameters-not-mapping')[0].severity, 'error');
  const text = 'entry_points:\n  main:\n    parameters:\n      a: 0.5\n    command: "e {a}"\n';
  const [d] = byCode(P(text), 'mlproject/parameter-spec');
  assert.equal(d.severity, 'error');
  const fixed = applyFix(text, d);
  assert.match(fixed, /a: \{type: float, default: 0.5\}/);
  assert.deepEqual(errors(fixed), []);
});

test('more than one environment is an error on each extra key; fix removes it', () => {
  const text = 'name: x\nconda_env: conda.yaml\npython_env: python_env.yaml\nentry_points:\n  main:\n    command: e\n';
  const [d] = byCode(P(text), 'mlproject/multiple-environments');
  assert.equal(d.severity, 'error');
  assert.equal(covered(text, d), 'python_env');
  const fixed = applyFix(text, d);
  assert.equal(fixed, 'name: x\nconda_env: conda.yaml\nentry_points:\n  main:\n    command: e\n');
  assert.deepEqual(byCode(P(fixed), 'mlproject/multiple-environments'), []);
});

test('docker_env without image or without project name is an error', () => {
  const noImage = 'name: d\ndocker_env:\n  volumes: ["/a:/b"]\nentry_points:\n  main:\n    command: e\n';
  const [d] = byCode(P(noImage), 'mlproject/docker-no-image');
  assert.equal(d.severity, 'error');
  const fixed = applyFix(noImage, d);
  assert.match(fixed, /docker_env:\n {2}image: python:3.11-slim\n {2}volumes/);
  assert.deepEqual(errors(fixed), []);
  const noName = 'docker_env:\n  image: x\nentry_points:\n  main:\n    command: e\n';
  const [n] = byCode(P(noName), 'mlproject/docker-no-name');
  assert.equal(n.severity, 'error');
  assert.deepEqual(errors(applyFix(noName, n)), []);
});

test('environment files: missing is an error, invalid python_env is an error, found is clean', () => {
  const text = 'python_env: env.yaml\nentry_points:\n  main:\n    command: e\n';
  const [m] = byCode(P(text, { path: '/q/MLproject', fs: memoryFileProbe({}) }), 'mlproject/environment-file-missing');
  assert.equal(m.severity, 'error');
  assert.equal(covered(text, m), 'env.yaml');
  const bad = memoryFileProbe({ '/q/env.yaml': 'python: 3.10\n' });
  assert.match(byCode(P(text, { path: '/q/MLproject', fs: bad }), 'mlproject/environment-file-invalid')[0].message, /quote/);
  const ok = memoryFileProbe({ '/q/env.yaml': 'python: "3.10"\ndependencies: [numpy]\n' });
  assert.deepEqual(P(text, { path: '/q/MLproject', fs: ok }), []);
});

test('unknown keys and misspellings are warnings with a rename fix', () => {
  const text = 'name: x\nentry_point:\n  main:\n    cmd: e\n';
  const ds = P(text);
  const top = ds.find((d) => covered(text, d) === 'entry_point')!;
  assert.equal(top.severity, 'warning');
  assert.match(top.message, /did you mean 'entry_points'/);
  assert.equal(applyFix(text, top), 'name: x\nentry_points:\n  main:\n    cmd: e\n');
  const glued = 'entry_points:\n  main:\n    parameters:\n      lr: {type:float, default: 1.0}\n    command: "e {lr}"\n';
  const [g] = byCode(P(glued), 'mlproject/unknown-key');
  assert.equal(g.severity, 'warning');
  assert.match(applyFix(glued, g), /\{type: float, default: 1.0\}/);
});

test('duplicate keys are warnings (PyYAML keeps the last); fix removes the earlier one', () => {
  const text = 'name: a\nname: b\nentry_points:\n  main:\n    command: e\n';
  const [d] = byCode(P(text), 'mlproject/duplicate-key');
  assert.equal(d.severity, 'warning');
  assert.equal(d.range.start.line, 0);
  assert.equal(applyFix(text, d), 'name: b\nentry_points:\n  main:\n    command: e\n');
});

test('empty file and non-mapping documents are errors (MLflow calls .keys() on them)', () => {
  assert.equal(byCode(P(''), 'mlproject/not-a-mapping')[0].severity, 'error');
  assert.equal(byCode(P('- a\n'), 'mlproject/not-a-mapping')[0].severity, 'error');
});

test('entry_points that is null or not a mapping is an error', () => {
  assert.equal(byCode(P('entry_points:\n'), 'mlproject/entry-points-not-mapping').length, 1);
  assert.equal(byCode(P('entry_points: [a]\n'), 'mlproject/entry-points-not-mapping').length, 1);
});

test('Databricks spark job rules', () => {
  assert.ok(byCode(P('name: s\nconda_env: c.yaml\ndatabricks_spark_job:\n  python_file: a.py\n'), 'mlproject/spark-job').length > 0);
  assert.ok(byCode(P('databricks_spark_job:\n  parameters: [a]\n'), 'mlproject/spark-job').length > 0);
  assert.deepEqual(errors('databricks_spark_job:\n  python_file: a.py\n'), []);
});
