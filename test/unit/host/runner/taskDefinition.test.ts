import assert from 'node:assert/strict';
import { test } from 'node:test';
import { combinationCount, definitionProblems, isGitProject, parameterStrings, parseValueList, sweepValues, taskLabel, type MlflowTaskDefinition } from '../../../../extension/host/runner/taskDefinition';

const def = (extra: Partial<MlflowTaskDefinition>): MlflowTaskDefinition => ({ type: 'mlflow', ...extra });

test('comma lists: trimmed, empty items dropped', () => {
  assert.deepEqual(parseValueList(' 0.1, 0.01 ,0.001,'), ['0.1', '0.01', '0.001']);
  assert.deepEqual(parseValueList(' , '), []);
  assert.deepEqual(parseValueList('a b; touch x'), ['a b; touch x'], 'no shell meaning: the value stays as typed');
});

test('sweep values from tasks.json: arrays of scalars or one comma string; combinations multiply', () => {
  const sv = sweepValues({ lr: [0.1, 0.01], depth: '3, 5, 7', flag: [true] });
  assert.deepEqual(sv, { lr: ['0.1', '0.01'], depth: ['3', '5', '7'], flag: ['true'] });
  assert.equal(combinationCount(sv), 6);
  assert.equal(combinationCount({}), 0);
});

test('definition problems name the field and what is wrong', () => {
  assert.deepEqual(definitionProblems(def({ entryPoint: 'main', parameters: { lr: 0.1, name: 'x', on: true } })), []);
  assert.deepEqual(definitionProblems(def({ sweep: { lr: [0.1, 0.2] }, parallelism: 2 })), []);
  assert.match(definitionProblems(def({ entryPoint: 3 as unknown as string })).join(), /"entryPoint" must be a string/);
  assert.match(definitionProblems(def({ parameters: { lr: { x: 1 } as unknown as string } })).join(), /"parameters.lr"/);
  assert.match(definitionProblems(def({ envManager: 'pipenv' as never })).join(), /envManager.*local, virtualenv, uv, conda, docker/);
  assert.match(definitionProblems(def({ sweep: { lr: [1] }, parallelism: 0 })).join(), /"parallelism" must be a whole number/);
  assert.match(definitionProblems(def({ sweep: { lr: [] as string[] } })).join(), /"sweep.lr"/);
  assert.match(definitionProblems(def({ sweep: { lr: ' , ' } })).join(), /"sweep.lr" holds no values/);
  assert.match(definitionProblems(def({ sweep: { lr: [1, 2] }, parameters: { lr: 3 } })).join(), /both in "parameters" and in "sweep"/);
});

test('git URIs are told apart from workspace folders', () => {
  for (const g of ['https://github.com/mlflow/mlflow-example', 'file:///tmp/repo.git', 'git@github.com:a/b.git', 'ssh://host/r', '/srv/repo.git#sub']) assert.ok(isGitProject(g), g);
  for (const f of ['.', 'sub/project', '/abs/project', 'C:\\proj']) assert.ok(!isGitProject(f), f);
});

test('labels and parameter strings', () => {
  assert.equal(taskLabel(def({ entryPoint: 'train' }), 'models/a'), 'run train (models/a)');
  assert.equal(taskLabel(def({ sweep: { a: [1, 2] } })), 'sweep main');
  assert.deepEqual(parameterStrings({ a: 1, b: false, c: '; touch x' }), { a: '1', b: 'false', c: '; touch x' });
});
