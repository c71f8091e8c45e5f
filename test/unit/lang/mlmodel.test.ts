import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { memoryFileProbe, nodeFileProbe } from '../../../extension/core/lang/nodeFileProbe';
import { repoRoot } from '../../support/python';
import { applyFix, byCode, covered, diags } from './helpers';

const M = (t: string, ctx = {}) => diags('mlmodel', t, ctx);

const VALID = `artifact_path: model
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    model_path: model.pkl
    python_version: 3.11.4
  sklearn:
    code: null
    pickled_model: model.pkl
    serialization_format: cloudpickle
    sklearn_version: 1.5.2
mlflow_version: 2.14.1
model_uuid: 33577393b12748afb08ecce5dc491f38
run_id: 5de1202285124f87ad4acf4314d3af53
signature:
  inputs: '[{"type": "double", "name": "Gender", "required": true}, {"type": "double",
    "name": "Age", "required": true}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
  params: null
utc_time_created: '2023-01-16 11:08:34.161879'
`;

test('a real MLflow-written MLmodel with its files is clean', () => {
  const dir = join(repoRoot, 'test/fixtures/lang-corpus/generated/pyfunc-columns-params');
  const text = readFileSync(join(dir, 'MLmodel'), 'utf8');
  assert.deepEqual(M(text, { path: join(dir, 'MLmodel'), fs: nodeFileProbe }), []);
});

test('a valid MLmodel without its folder: only missing-file warnings', () => {
  const ds = M(VALID, { path: '/nowhere/MLmodel', fs: memoryFileProbe({}) });
  assert.ok(ds.length > 0);
  assert.ok(ds.every((d) => d.code === 'mlmodel/missing-file' && d.severity === 'warning'));
  assert.deepEqual(M(VALID), []);
});

test('signature JSON errors point inside the string, also across folded lines', () => {
  const bad = VALID.replace('"name": "Age"', '"name": "Age",, ');
  const [d] = byCode(M(bad), 'mlmodel/signature-json');
  assert.equal(d.severity, 'error');
  assert.equal(d.range.start.line, 19);
  assert.equal(covered(bad, d), ',');
  const unknownType = VALID.replace('"double",\n    "name": "Age"', '"decimal",\n    "name": "Age"');
  const [u] = byCode(M(unknownType), 'mlmodel/signature-json');
  assert.equal(covered(unknownType, u), '"decimal"');
  assert.match(u.message, /decimal/);
  assert.equal(u.range.start.line, 18);
});

test('schema rules from MLflow: empty, mixed names, mixed tensor/column, extra keys, params', () => {
  const sig = (inputs: string, params = 'null') => `flavors: {}\nsignature:\n  inputs: '${inputs}'\n  params: ${params === 'null' ? 'null' : `'${params}'`}\n`;
  const err = (t: string) => byCode(M(t), 'mlmodel/signature-json').filter((d) => d.severity === 'error').map((d) => d.message);
  assert.match(err(sig('[]'))[0], /empty/);
  assert.match(err(sig('[{"type": "double", "name": "a"}, {"type": "double"}]'))[0], /named and unnamed/);
  assert.match(err(sig('[{"type": "double", "name": "a"}, {"type": "tensor", "name": "b", "tensor-spec": {"dtype": "float32", "shape": [-1]}}]'))[0], /mix tensor/);
  assert.match(err(sig('[{"type": "double", "name": "a", "nullable": true}]'))[0], /nullable/);
  assert.match(err(sig('[{"type": "double"}]', '[{"name": "k", "type": "long"}]'))[0], /default/);
  assert.match(err(sig('[{"type": "double"}]', '[{"name": "k", "type": "binary", "default": null}]'))[0], /binary/);
  assert.deepEqual(err(sig('[{"type": "array", "items": {"type": "string"}, "name": "t"}]', '[{"name": "k", "type": "long", "default": 3, "shape": null}]')), []);
});

test('python_function without loader_module is an error; missing pyfunc flavor is a warning', () => {
  assert.equal(byCode(M('flavors:\n  python_function:\n    python_version: 3.11.4\n'), 'mlmodel/pyfunc-loader')[0].severity, 'error');
  assert.equal(byCode(M('flavors:\n  sklearn:\n    pickled_model: model.pkl\n'), 'mlmodel/no-pyfunc')[0].severity, 'warning');
});

test('unknown flavors are warnings; misspelled ones get a rename fix', () => {
  const text = 'flavors:\n  sklean:\n    pickled_model: m.pkl\n  python_function:\n    loader_module: mlflow.sklearn\n    python_version: 3.11.4\n';
  const [d] = byCode(M(text), 'mlmodel/unknown-flavor');
  assert.equal(d.severity, 'warning');
  assert.match(applyFix(text, d), /\n {2}sklearn:\n/);
});

test('formats: utc_time_created, run_id, model_uuid, model_id, mlflow_version', () => {
  const base = 'flavors: {}\n';
  const one = (line: string) => M(base + line).map((d) => [d.code, d.severity]);
  assert.deepEqual(one("utc_time_created: '2024-01-01 10:00:00'\n"), []);
  assert.deepEqual(one("utc_time_created: 'yesterday'\n"), [['mlmodel/time-format', 'warning']]);
  assert.deepEqual(one('run_id: abc\n'), [['mlmodel/id-format', 'warning']]);
  assert.deepEqual(one('model_uuid: m-0123456789abcdef0123456789abcdef\n'), []);
  assert.deepEqual(one('model_id: 12\n'), [['mlmodel/id-format', 'warning']]);
  const ver = base + 'mlflow_version: 2.10\n';
  const [v] = byCode(M(ver), 'mlmodel/version-format');
  assert.equal(v.severity, 'warning');
  assert.match(applyFix(ver, v), /mlflow_version: '2.10'/);
});

test('not a mapping / invalid YAML are errors', () => {
  assert.equal(byCode(M('- a\n'), 'mlmodel/not-a-mapping')[0].severity, 'error');
  assert.equal(byCode(M('flavors: [\n'), 'mlmodel/yaml-syntax')[0].severity, 'error');
});

test('unknown top-level keys: misspelling is a warning with fix, other extras are info', () => {
  const text = 'flavours: {}\nmy_extra: 1\nflavors: {}\n';
  const ds = byCode(M(text), 'mlmodel/unknown-key');
  const extra = ds.find((d) => covered(text, d) === 'my_extra')!;
  assert.equal(extra.severity, 'info');
});
