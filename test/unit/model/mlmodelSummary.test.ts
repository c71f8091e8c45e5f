import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarizeMlmodel } from '../../../extension/core/model/mlmodelSummary';
import { loggedModelDescription, loggedModelTooltip } from '../../../extension/core/model/loggedModelDisplay';
import type { LoggedModel } from '../../../extension/core/model/entities';

/** The MLmodel below was written by mlflow 3.17.2 (`mlflow.pyfunc.log_model` with an inferred signature and an input example). */
const REAL = `artifact_path: file:///tmp/reg-probe/mlruns/264115107957381859/models/m-9f5ec707aa5647a8aba085c72a08b426/artifacts
flavors:
  python_function:
    cloudpickle_version: 3.1.3
    code: null
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.pyfunc.model
    python_model: python_model.pkl
    python_version: 3.11.7
    streamable: false
is_signature_from_type_hint: false
mlflow_version: 3.17.2
model_id: m-9f5ec707aa5647a8aba085c72a08b426
model_size_bytes: 1583
model_uuid: m-9f5ec707aa5647a8aba085c72a08b426
prompts: null
run_id: 6931cd99507f404a9690abcaafb93e0c
saved_input_example_info:
  artifact_path: input_example.json
  pandas_orient: split
  serving_input_path: serving_input_example.json
  type: dataframe
signature:
  inputs: '[{"type": "double", "name": "a", "required": true}, {"type": "double",
    "name": "b", "required": true}]'
  outputs: '[{"type": "double", "name": "a", "required": true}, {"type": "double",
    "name": "b", "required": true}]'
  params: null
type_hint_from_example: false
utc_time_created: '2026-11-29 15:50:37.136020'
`;

test('MLmodel summary: flavors, the JSON-in-YAML signature, provenance', () => {
  const s = summarizeMlmodel(REAL);
  assert.deepEqual(s.problems, []);
  assert.deepEqual(s.flavors.map((f) => f.name), ['python_function']);
  assert.deepEqual(s.flavors[0].settings, [
    { key: 'loader_module', value: 'mlflow.pyfunc.model' },
    { key: 'python_version', value: '3.11.7' },
    { key: 'python_model', value: 'python_model.pkl' },
    { key: 'env', value: 'conda, virtualenv' },
  ]);
  assert.deepEqual(s.signature, {
    inputs: [{ name: 'a', type: 'double', required: true }, { name: 'b', type: 'double', required: true }],
    outputs: [{ name: 'a', type: 'double', required: true }, { name: 'b', type: 'double', required: true }],
    params: null,
  });
  assert.equal(s.modelId, 'm-9f5ec707aa5647a8aba085c72a08b426');
  assert.equal(s.inputExample, true);
  assert.equal(s.mlflowVersion, '3.17.2');
});

test('MLmodel summary: tensors and params; damage reported per part', () => {
  const s = summarizeMlmodel(`flavors: {pytorch: {pytorch_version: 2.4.0}}
signature:
  inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]'
  outputs: 'not json'
  params: '[{"name": "temperature", "type": "double", "default": 0.7, "shape": null}]'
`);
  assert.deepEqual(s.signature?.inputs, [{ name: null, type: 'tensor (float32, [-1,4])', required: true }]);
  assert.equal(s.signature?.outputs, null);
  assert.deepEqual(s.signature?.params, [{ name: 'temperature', type: 'double', required: true, default: '0.7' }]);
  assert.match(s.problems[0], /signature.outputs is not valid JSON/);
  assert.match(summarizeMlmodel(':\n  - [').problems[0], /not valid YAML/);
});

test('logged model text: description and tooltip are plain, neutralized text', () => {
  const m: LoggedModel = {
    modelId: 'm-1',
    experimentId: '1',
    name: 'model\u202e',
    artifactLocation: '',
    creationTimestamp: 0,
    lastUpdatedTimestamp: 0,
    status: 'READY',
    statusMessage: null,
    modelType: null,
    sourceRunId: '0123456789abcdef',
    tags: { team: 'x', 'mlflow.user': 'u', 'mlflow.modelVersions': '[{"name": "a", "version": 1}]' },
    params: { lr: '0.1' },
    metrics: [{ key: 'rmse', value: 0.25, step: 0, timestamp: 0 }],
  };
  assert.equal(loggedModelDescription(m), 'READY · run 01234567 · rmse 0.25');
  const t = loggedModelTooltip(m);
  assert.match(t, /Model ID m-1 \(models:\/m-1\)/);
  assert.match(t, /Params\n {2}lr = 0.1/);
  assert.match(t, /Tags\n {2}team = x/);
  assert.doesNotMatch(t, /mlflow\.user/);
  assert.match(t, /Registered as \[\{"name": "a", "version": 1\}\]/);
  assert.doesNotMatch(t, /\u202e/);
});
