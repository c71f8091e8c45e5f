import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentTypeOf, defaultOutputPath, envManagerOf, predictArgs, serveArgs, servingEnv } from '../../../extension/core/serving/commands';
import { bodyFromSchema, exampleBody } from '../../../extension/core/serving/inputExample';
import { modelLabel, modelUri } from '../../../extension/core/serving/modelUri';
import { convertBody, parseBody } from '../../../extension/core/serving/requestBody';
import { checkScoringUrl } from '../../../extension/core/serving/scoringClient';

/** The pure parts of serving; servingReal.test.ts runs them against the real `mlflow models serve`. */

test('model URIs as MLflow parses them; bad versions and aliases refused', () => {
  assert.equal(modelUri({ name: 'iris model', version: '3' }), 'models:/iris model/3');
  assert.equal(modelUri({ name: 'iris', alias: 'champion' }), 'models:/iris@champion');
  assert.equal(modelLabel({ name: 'iris', alias: 'champion' }), 'iris@champion');
  assert.equal(modelLabel({ name: 'iris', version: '2' }), 'iris v2');
  assert.throws(() => modelUri({ name: 'iris', version: '0' }), /Invalid model version/);
  assert.throws(() => modelUri({ name: 'iris', version: '1; rm -rf /' }), /Invalid model version/);
  assert.throws(() => modelUri({ name: 'iris', alias: 'a/b' }), /Invalid alias/);
  assert.throws(() => modelUri({ name: '', version: '1' }), /name/);
});

test('serve and predict argument vectors: loopback only, one worker, values passed as single arguments', () => {
  assert.deepEqual(serveArgs({ model: { name: "it's; $(x)", version: '2' }, port: 5123, envManager: 'local' }), [
    '-m', 'mlflow', 'models', 'serve', '-m', "models:/it's; $(x)/2", '-h', '127.0.0.1', '-p', '5123', '--env-manager', 'local', '-w', '1',
  ]);
  assert.deepEqual(serveArgs({ model: { name: 'm', alias: 'prod' }, port: 1, envManager: 'uv', timeoutSeconds: 5 }).slice(-6), ['--env-manager', 'uv', '-w', '1', '-t', '5']);
  assert.throws(() => serveArgs({ model: { name: 'm', version: '1' }, port: 70000, envManager: 'local' }), /Invalid port/);
  assert.deepEqual(predictArgs({ model: { name: 'm', version: '1' }, inputPath: '/d/in put.csv', outputPath: '/d/o.json', contentType: 'csv', envManager: 'virtualenv' }), [
    '-m', 'mlflow', 'models', 'predict', '-m', 'models:/m/1', '-i', '/d/in put.csv', '-t', 'csv', '-o', '/d/o.json', '--env-manager', 'virtualenv',
  ]);
  assert.equal(envManagerOf('uv'), 'uv');
  assert.equal(envManagerOf('pipenv'), 'local');
  assert.equal(envManagerOf(undefined), 'local');
  assert.equal(contentTypeOf('/x/data.CSV'), 'csv');
  assert.equal(contentTypeOf('/x/data.json'), 'json');
  assert.equal(defaultOutputPath('/x/data.json'), '/x/data.predictions.json');
  assert.equal(defaultOutputPath('/x.y/data'), '/x.y/data.predictions.json');
});

test('the serve process environment: the store and its credentials, nothing else', () => {
  assert.deepEqual(servingEnv('http://h:5000', { username: 'u', password: 'p' }), {
    MLFLOW_ALLOW_FILE_STORE: 'true', MLFLOW_TRACKING_URI: 'http://h:5000', MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p',
  });
  assert.deepEqual(servingEnv('http://h', { token: 't' }), { MLFLOW_ALLOW_FILE_STORE: 'true', MLFLOW_TRACKING_URI: 'http://h', MLFLOW_TRACKING_TOKEN: 't' });
  assert.deepEqual(servingEnv(undefined), { MLFLOW_ALLOW_FILE_STORE: 'true' });
});

test('only loopback scoring servers are called', () => {
  assert.equal(checkScoringUrl('http://127.0.0.1:5001').port, '5001');
  assert.throws(() => checkScoringUrl('http://example.com:5001'), /Not a local scoring server/);
  assert.throws(() => checkScoringUrl('https://127.0.0.1:5001'), /Not a local scoring server/);
  assert.throws(() => checkScoringUrl('http://127.0.0.1'), /Not a local scoring server/);
});

test('request bodies: exactly one format key, precise messages', () => {
  assert.deepEqual(parseBody('{"inputs": [1, 2]}'), { ok: true, format: 'inputs', value: [1, 2] });
  assert.deepEqual(parseBody('{"inputs": [1], "params": {"k": 1}}'), { ok: true, format: 'inputs', value: [1], params: { k: 1 } });
  const bad = (text: string) => {
    const p = parseBody(text);
    assert.equal(p.ok, false);
    return (p as { message: string }).message;
  };
  assert.match(bad('{"inputs": [1,'), /^Not valid JSON/);
  assert.match(bad('[1, 2]'), /must be a JSON object/);
  assert.match(bad('{"data": [1]}'), /Unknown key 'data'/);
  assert.match(bad('{"inputs": [1], "instances": [1]}'), /exactly one of .* it has inputs and instances/);
  assert.match(bad('{}'), /it has none/);
  assert.match(bad('{"dataframe_split": [1]}'), /"data" array/);
  assert.match(bad('{"dataframe_records": [1]}'), /array of objects/);
});

test('converting between formats keeps the data; tensors only go where they fit', () => {
  const split = JSON.stringify({ dataframe_split: { columns: ['a', 'b'], data: [[1, 'x'], [2, 'y']] } });
  const records = JSON.parse(convertBody(split, 'dataframe_records'));
  assert.deepEqual(records, { dataframe_records: [{ a: 1, b: 'x' }, { a: 2, b: 'y' }] });
  assert.deepEqual(JSON.parse(convertBody(JSON.stringify(records), 'dataframe_split')), JSON.parse(split));
  assert.deepEqual(JSON.parse(convertBody(split, 'inputs')), { inputs: { a: [1, 2], b: ['x', 'y'] } });
  assert.deepEqual(JSON.parse(convertBody(split, 'instances')), { instances: [{ a: 1, b: 'x' }, { a: 2, b: 'y' }] });
  assert.deepEqual(JSON.parse(convertBody('{"inputs": {"a": [1, 2], "b": ["x", "y"]}}', 'dataframe_split')), JSON.parse(split));
  assert.deepEqual(JSON.parse(convertBody('{"inputs": {"q": "hello"}}', 'dataframe_records')), { dataframe_records: [{ q: 'hello' }] });
  // A 2-D tensor can be data frame rows (positional columns); a 3-D one cannot be records.
  assert.deepEqual(JSON.parse(convertBody('{"inputs": [[1, 2], [3, 4]]}', 'dataframe_split')), { dataframe_split: { data: [[1, 2], [3, 4]] } });
  assert.deepEqual(JSON.parse(convertBody('{"inputs": [[1, 2], [3, 4]]}', 'instances')), { instances: [[1, 2], [3, 4]] });
  assert.throws(() => convertBody('{"inputs": [[[1]]]}', 'dataframe_records'), /tensor, not a table/);
  assert.deepEqual(JSON.parse(convertBody('{"instances": [{"a": 1}], "params": {"t": 0.5}}', 'inputs')), { inputs: { a: [1] }, params: { t: 0.5 } });
});

test('the first body: serving_input_example.json, then input_example.json by type, then the signature', async () => {
  const files: Record<string, string> = {
    'serving_input_example.json': '{\n  "dataframe_split": {"columns": ["a"], "data": [[1.0]]}\n}',
    'input_example.json': '{"columns": ["a"], "data": [[1.0]]}',
  };
  const read = async (p: string) => files[p];
  const mlmodel = (info: string, sig = '') => `artifact_path: model\nflavors: {}\n${info}${sig}`;
  const full = 'saved_input_example_info:\n  artifact_path: input_example.json\n  pandas_orient: split\n  serving_input_path: serving_input_example.json\n  type: dataframe\n';
  assert.deepEqual(await exampleBody(mlmodel(full), read), { body: JSON.stringify({ dataframe_split: { columns: ['a'], data: [[1.0]] } }, null, 2), source: 'serving_input_example.json' });
  const older = 'saved_input_example_info:\n  artifact_path: input_example.json\n  pandas_orient: records\n  type: dataframe\n';
  files['input_example.json'] = '[{"a": 1.5}]';
  assert.equal(JSON.parse((await exampleBody(mlmodel(older), read))!.body).dataframe_records[0].a, 1.5);
  const nd = 'saved_input_example_info:\n  artifact_path: input_example.json\n  type: ndarray\n';
  files['input_example.json'] = '[[1, 2]]';
  assert.deepEqual(JSON.parse((await exampleBody(mlmodel(nd), read))!.body), { inputs: [[1, 2]] });
  // An example path that climbs out of the model folder is not read.
  assert.equal(await exampleBody(mlmodel('saved_input_example_info:\n  artifact_path: ../../etc/passwd\n  type: ndarray\n'), read), undefined);
  const sig = `signature:\n  inputs: '[{"type": "double", "name": "sepal length", "required": true}, {"type": "string", "name": "kind", "required": true}]'\n`;
  assert.deepEqual(await exampleBody(mlmodel('', sig), read), {
    body: JSON.stringify({ dataframe_split: { columns: ['sepal length', 'kind'], data: [[0, '']] } }, null, 2),
    source: 'the signature (placeholder values)',
  });
  assert.equal(await exampleBody('not: [valid', read), undefined);
  assert.deepEqual(JSON.parse(bodyFromSchema('[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 3]}}]')!), { inputs: [[0, 0, 0]] });
});
