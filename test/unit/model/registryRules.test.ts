import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aliasNameProblem, normaliseStage } from '../../../extension/core/model/registryRules';

test('alias rules follow MLflow', () => {
  for (const ok of ['champion', 'prod-2', 'a_b', 'V1x', 'x'.repeat(255)]) assert.equal(aliasNameProblem(ok), undefined, ok);
  assert.match(aliasNameProblem('')!, /empty/);
  assert.match(aliasNameProblem('latest')!, /reserved/);
  assert.match(aliasNameProblem('LATEST')!, /reserved/);
  assert.match(aliasNameProblem('v12')!, /reserved/);
  assert.match(aliasNameProblem('V3')!, /reserved/);
  assert.match(aliasNameProblem('has space')!, /letters, digits/);
  assert.match(aliasNameProblem('a/b')!, /letters, digits/);
  assert.match(aliasNameProblem('x'.repeat(256))!, /255/);
});

test('stages are case-insensitive', () => {
  assert.equal(normaliseStage('production'), 'Production');
  assert.equal(normaliseStage('NONE'), 'None');
  assert.equal(normaliseStage('Deleted_Internal'), undefined);
});
