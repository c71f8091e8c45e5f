import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFilter, parseOrderBy, RUNS } from '../../../extension/core/filter';
import { andClause, childrenClause, describeQuery, filterProblem, runIdInClause, sortChoices, TOP_LEVEL_CLAUSE } from '../../../extension/core/runs/runsQuery';

test('clauses added to a user filter parse as MLflow filters', () => {
  for (const f of [
    andClause('', TOP_LEVEL_CLAUSE),
    andClause('metrics.rmse < 1;', TOP_LEVEL_CLAUSE),
    andClause(' params.a = "x" ', childrenClause('0123abcd')),
    andClause('', runIdInClause(['a1', 'b-2'])),
  ]) {
    assert.doesNotThrow(() => parseFilter(f, RUNS), f);
  }
  assert.equal(andClause('metrics.rmse < 1;', TOP_LEVEL_CLAUSE), 'metrics.rmse < 1 AND tags.mlflow.parentRunId IS NULL');
});

test('sort choices are valid order_by entries; odd metric keys are back-ticked', () => {
  const choices = sortChoices(['val-loss', 'rmse', 'a`b', 'rmse']);
  for (const c of choices) for (const o of c.orderBy) assert.doesNotThrow(() => parseOrderBy(o, RUNS), o);
  assert.ok(choices.some((c) => c.orderBy[0] === 'metrics.`val-loss` DESC'));
  assert.equal(choices.filter((c) => c.orderBy[0].startsWith('metrics.rmse')).length, 2);
  assert.ok(!choices.some((c) => c.label.startsWith('a`b')), 'a key with a back-tick cannot be written');
});

test('query description', () => {
  assert.equal(describeQuery({ filter: '', orderBy: [] }), '');
  assert.equal(describeQuery({ filter: 'metrics.x > 1', orderBy: ['metrics.x ASC'] }), 'filter: metrics.x > 1 · order: metrics.x ASC');
});

test('a refused filter is described on one line with a caret mark at the position', () => {
  assert.equal(filterProblem({ filter: 'metrics.rmse < 1', orderBy: [] }), undefined);
  const filter = 'metrics.rmse < 1 and params.x ~ 2';
  const text = filterProblem({ filter, orderBy: [] })!;
  assert.ok(!text.includes('\n'), text);
  const at = filter.indexOf('~');
  assert.ok(text.endsWith(` — at character ${at + 1}: ${filter.slice(0, at)}‸${filter.slice(at)}`), text);
  assert.ok(text.length > filter.length + 20, 'MLflow\'s message comes first');
  const long = `${'params.a = "x" and '.repeat(5)}metrics.b >`;
  const cut = filterProblem({ filter: long, orderBy: [] })!;
  assert.match(cut, /: ….{40}‸>$/u, cut);
  assert.match(filterProblem({ filter: '', orderBy: ['metrics.rmse sideways'] })!, /ASC or DESC/);
});
