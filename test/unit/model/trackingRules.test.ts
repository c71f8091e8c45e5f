import assert from 'node:assert/strict';
import { test } from 'node:test';
import { experimentNameProblem, pyNormpath, runNameProblem, tagKeyProblem, tagValueProblem } from '../../../extension/core/model/trackingRules';
import { runPythonJson } from '../../support/python';

/**
 * Our input-box rules against MLflow's own validation functions (mlflow/utils/validation.py of the
 * installed mlflow): every candidate MLflow refuses, we refuse, and the other way round.
 */

const KEYS = [
  'team', 'a.b', 'a b', 'a/b', 'a:b', 'a-b_c', 'ünïcödé', '数据', 'x1', '.hidden', 'a..b', 'a/./b', 'a//b', 'a/', '/a', '..', '../x',
  '.', '', ' ', 'a\\b', 'a$b', 'tab\there', 'new\nline', 'a,b', 'a=b', 'emoji😀', 'k'.repeat(250), 'k'.repeat(251), 'mlflow.note.content', './a', 'a/..',
];
const EXPERIMENTS = ['e', ' ', 'with/slash', '..', 'x'.repeat(500), 'x'.repeat(501), '😀'.repeat(500), ''];

test('tag keys: refused exactly where MLflow refuses them', () => {
  const py = runPythonJson<{ keys: boolean[]; norms: string[] }>(`
import json, sys, posixpath
from mlflow.utils.validation import _validate_tag_name, _validate_length_limit, MAX_ENTITY_KEY_LENGTH
keys = ${JSON.stringify(JSON.stringify(KEYS))}
keys = json.loads(keys)
def ok(k):
    try:
        _validate_tag_name(k)
        _validate_length_limit("key", MAX_ENTITY_KEY_LENGTH, k)
        return True
    except Exception:
        return False
print(json.dumps({"keys": [ok(k) for k in keys], "norms": [posixpath.normpath(k) for k in keys]}))
`);
  KEYS.forEach((k, i) => {
    assert.equal(tagKeyProblem(k) === undefined, py.keys[i], `${JSON.stringify(k)}: ours ${tagKeyProblem(k) ?? 'accepts'}, MLflow ${py.keys[i] ? 'accepts' : 'refuses'}`);
    assert.equal(pyNormpath(k), py.norms[i], `normpath ${JSON.stringify(k)}`);
  });
});

test('experiment names: refused exactly where MLflow refuses them', () => {
  const py = runPythonJson<boolean[]>(`
import json
from mlflow.utils.validation import _validate_experiment_name
def ok(n):
    try:
        _validate_experiment_name(n)
        return True
    except Exception:
        return False
print(json.dumps([ok(n) for n in json.loads(${JSON.stringify(JSON.stringify(EXPERIMENTS))})]))
`);
  EXPERIMENTS.forEach((n, i) => assert.equal(experimentNameProblem(n) === undefined, py[i], `${JSON.stringify(n.slice(0, 20))} (${n.length})`));
});

test('messages say the rule', () => {
  assert.match(experimentNameProblem('')!, /cannot be empty/);
  assert.match(experimentNameProblem('x'.repeat(501))!, /at most 500 characters \(this one has 501\)/);
  assert.match(runNameProblem('  ')!, /cannot be empty/);
  assert.match(runNameProblem('r'.repeat(251))!, /at most 250/);
  assert.equal(runNameProblem('trial 1'), undefined);
  assert.match(tagKeyProblem('a$b')!, /only letters, digits/);
  assert.match(tagKeyProblem('a//b')!, /resolve to 'a\/b'/);
  assert.match(tagKeyProblem('../x')!, /starts with '\.\.'/);
  assert.match(tagKeyProblem('')!, /empty/);
  assert.match(tagValueProblem('v'.repeat(8001), 'run')!, /^A run tag value is at most 8000/);
  assert.equal(tagValueProblem('v'.repeat(8000), 'run'), undefined);
  assert.match(tagValueProblem('v'.repeat(20001), 'experiment')!, /^An experiment tag value is at most 20000/);
});
