import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { FilterError, formatFilterError, likeRegExp, parseFilter, parseOrderBy, RUNS, EXPERIMENTS, REGISTERED_MODELS, MODEL_VERSIONS } from '../../../extension/core/filter';
import { mlflowEnv, mlflowPython } from '../../support/python';

function err(fn: () => unknown): FilterError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FilterError) return e;
    throw e;
  }
  assert.fail('expected a FilterError');
}

/** The text an error points at. */
function pointed(e: FilterError): string {
  return e.input.slice(e.offset, e.offset + e.length);
}

describe('filter parser', () => {
  test('clauses carry entity type, key, comparator and typed value', () => {
    const c = parseFilter("metrics.`val loss` <= 1e-3 and params.lr = \"0.1\" AND tags.mlflow.runName ILIKE 'x%' AND run_id IN ('a', 'b',) AND created > 5", RUNS);
    assert.deepEqual(
      c.map((x) => [x.type, x.key, x.comparator, x.value]),
      [
        ['metric', 'val loss', '<=', 0.001],
        ['parameter', 'lr', '=', '0.1'],
        ['tag', 'mlflow.runName', 'ILIKE', 'x%'],
        ['attribute', 'run_id', 'IN', ['a', 'b']],
        ['attribute', 'created', '>', 5],
      ],
    );
    assert.equal(c[0].span.offset, 0);
    assert.equal(c[0].keySpan.offset, 'metrics.'.length);
  });

  test('keywords are case-insensitive, entity prefixes are not', () => {
    assert.deepEqual(parseFilter('params.x is not null And params.y Like \'a\'', RUNS).map((c) => c.comparator), ['IS NOT NULL', 'LIKE']);
    const e = err(() => parseFilter('Metrics.rmse < 1', RUNS));
    assert.equal(pointed(e), 'Metrics');
    assert.match(e.message, /Invalid entity type 'Metrics'/);
  });

  test('quoted values are taken verbatim, as MLflow does (no unescaping)', () => {
    assert.equal(parseFilter("params.x = 'it''s'", RUNS)[0].value, "it''s");
    assert.equal(parseFilter("params.x = 'a\\'b'", RUNS)[0].value, "a\\'b");
  });

  test('errors point at the offending text', () => {
    const cases: [string, string, RegExp][] = [
      ["params.model < 'a'", '<', /Invalid comparator '<' for params/],
      ['metrics.rmse LIKE 1', 'LIKE', /Invalid comparator 'LIKE' for metrics/],
      ["metrics.rmse = '0.7'", "'0.7'", /Expected numeric value type for metric/],
      ['params.model = tree', 'tree', /not quoted/],
      ["lifecycle_stage = 'active'", 'lifecycle_stage', /Invalid attribute key 'lifecycle_stage'/],
      ["params.a = 'x' OR params.b = 'y'", 'OR', /only support AND/],
      ["params.a-b = 'x'", 'params.a-b', /back-ticks/],
      ["params.a = 'x'; params.b = 'y'", ';', /multiple expressions/],
      ["params.a = 'x", "'x", /Unterminated string/],
      ['run_id IN ()', '()', /non-empty list/],
      ["status IN ('FINISHED')", "('FINISHED')", /Only run_id support/],
      ['end_time IS NULL', 'IS NULL', /IS NULL \/ IS NOT NULL is not supported/],
      ['metrics.rmse > - 1', '-', /expected a value/],
      ['metrics.rmse', 'metrics.rmse', /Expected a comparator/],
      ['metrics.rmse > 1.5.3', '1.5.3', /expected a value/],
    ];
    for (const [filter, at, msg] of cases) {
      const e = err(() => parseFilter(filter, RUNS));
      assert.equal(pointed(e), at, `${filter}: points at ${JSON.stringify(pointed(e))}`);
      assert.match(e.message, msg, filter);
      assert.equal(e.code, 'INVALID_PARAMETER_VALUE');
    }
  });

  test('deliberate difference: a list with = is rejected (MLflow accepts it and then never matches)', () => {
    assert.match(err(() => parseFilter("run_id = ('abc')", RUNS)).message, /needs IN or NOT IN/);
  });

  test('the caret display marks the span', () => {
    const e = err(() => parseFilter("params.model < 'a'", RUNS));
    assert.equal(formatFilterError(e).split('\n').slice(1).join('\n'), "  params.model < 'a'\n               ^");
  });

  test('dialects: experiments, registered models and versions', () => {
    assert.equal(parseFilter("attribute.name LIKE 'a%'", EXPERIMENTS)[0].key, 'name');
    assert.match(err(() => parseFilter("attributes.name = 'a'", EXPERIMENTS)).message, /Invalid entity type 'attributes'/);
    assert.match(err(() => parseFilter("metrics.x = 1", EXPERIMENTS)).message, /Invalid entity type 'metrics'/);
    assert.deepEqual(parseFilter("experiment_id IN ('1', '2')", EXPERIMENTS)[0].value, ['1', '2']);
    assert.equal(pointed(err(() => parseFilter("`name` = 'm'", REGISTERED_MODELS))), '`name`');
    assert.match(err(() => parseFilter('tags.x IS NULL', REGISTERED_MODELS)).message, /not supported/);
    assert.equal(parseFilter("version_number = '3'", MODEL_VERSIONS)[0].value, 3);
    assert.equal(pointed(err(() => parseFilter('name = 1', MODEL_VERSIONS))), '1');
  });

  test('order_by entries', () => {
    assert.deepEqual(parseOrderBy('metrics.`my key` DESC', RUNS), { type: 'metric', key: 'my key', ascending: false, keySpan: { offset: 8, length: 8 } });
    assert.equal(parseOrderBy('start_time', RUNS).ascending, true);
    assert.equal(parseOrderBy('params.x  asc', RUNS).key, 'x');
    assert.equal(pointed(err(() => parseOrderBy('metrics.rmse sideways', RUNS))), 'sideways');
    assert.equal(pointed(err(() => parseOrderBy('metrics.rmse ', RUNS))), ' ');
    assert.match(err(() => parseOrderBy('tags.x', EXPERIMENTS)).message, /can only be ordered by attribute/);
    assert.match(err(() => parseOrderBy('timestamp', REGISTERED_MODELS)).message, /Invalid attribute key 'timestamp'/);
  });

  test('LIKE patterns: % and _ wildcards, everything else literal, Python newline rules', () => {
    assert.ok(likeRegExp('a%c', false).test('abbbc'));
    assert.ok(likeRegExp('a_c', false).test('abc'));
    assert.ok(!likeRegExp('a_c', false).test('abbc'));
    assert.ok(!likeRegExp('A%', false).test('abc'));
    assert.ok(likeRegExp('A%', true).test('abc'));
    assert.ok(likeRegExp('a.c(1)', false).test('a.c(1)'));
    assert.ok(!likeRegExp('a.c', false).test('abc'));
    assert.ok(!likeRegExp('a%b', false).test('a\nb'));
    assert.ok(likeRegExp('ab', false).test('ab\n'));
  });
});

/**
 * Accept/reject and parse results against MLflow's own parser (SearchUtils + its comparator
 * checks, applied eagerly), for grammar corners the store-level conformance test does not reach.
 */
const RUN_FILTERS = [
  'metrics.rmse>1',
  'metrics.rmse > -1',
  'metrics.rmse > .5',
  'metrics.rmse > 5.',
  'metrics.rmse > +1',
  'metrics.rmse == 1',
  "metrics.'my key' < 1",
  '`metrics`.rmse < 1',
  '"metrics".rmse < 1',
  "parameter.x = 'a'",
  "parameters.x = 'a'",
  "params.x IN ('a')",
  "params.x = `a`",
  "params.1a = 'x'",
  "params.a b = 'x'",
  "params.select = 'x'",
  "run.status = 'x'",
  "\"Run Name\" = 'x'",
  "attributes.`Run name` LIKE 'x%'",
  'start_time > 1.5',
  "run_id IN ('abc',)",
  "run_id IN (\"a\", 'b')",
  "run_id NOT IN ('abc')",
  "run_id in ('abc')",
  "run_id IN 'abc'",
  "params.x = 'a' AND AND metrics.y > 1",
  "params.x = 'a' AND",
  "params.x = 'a';",
  "params.x = 'a' /* c */",
  "dataset.name = 'x'",
  "datasets.digest IN ('a')",
  "dataset.context NOT IN ('train')",
  "dataset.foo = 'x'",
  "tags.x IS NOT NULL AND params.y IS NULL",
  'params.x IS NOT',
  'tags.x IS 1',
  "metrics.rmse < 1 params.x = 'y'",
  'metrics.rmse < 1e',
  "tags.`a.b` = 'x'",
  "tags.\"a b\" = 'x'",
];

describe('filter parser vs MLflow SearchUtils', () => {
  test('same accept/reject and same clauses on grammar corners', () => {
    const code = `
import json, sys
from mlflow.utils.search_utils import SearchUtils as S
out = []
for c in json.load(sys.stdin):
    try:
        r = S.parse_search_filter(c)
        for s in r:
            k = S.translate_key_alias(s['key']); cmp = s['comparator'].upper()
            S.is_metric(s['type'], cmp) or S.is_param(s['type'], cmp) or S.is_tag(s['type'], cmp) or S.is_string_attribute(s['type'], k, cmp) or S.is_numeric_attribute(s['type'], k, cmp) or S.is_dataset(s['type'], cmp)
        out.append({"ok": [[s['type'], s['key'], s['comparator'].upper(), float(s['value']) if s['type'] == 'metric' else list(s['value']) if isinstance(s['value'], tuple) else s['value']] for s in r]})
    except Exception as e:
        out.append({"error": str(e)})
print(json.dumps(out))
`;
    const r = spawnSync(mlflowPython(), ['-c', code], { input: JSON.stringify(RUN_FILTERS), env: mlflowEnv(), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const theirs = JSON.parse(r.stdout.trim().split('\n').pop()!) as ({ ok: unknown[][] } | { error: string })[];
    const mismatches: string[] = [];
    RUN_FILTERS.forEach((f, i) => {
      let ours: { ok: unknown[][] } | { error: string };
      try {
        ours = { ok: parseFilter(f, RUNS).map((c) => [c.type === 'parameter' ? 'parameter' : c.type, c.key, c.comparator, c.value]) };
      } catch (e) {
        if (!(e instanceof FilterError)) throw e;
        ours = { error: e.message };
      }
      const want = theirs[i];
      if ('error' in want !== 'error' in ours) mismatches.push(`${f}: mlflow ${JSON.stringify(want)} / ours ${JSON.stringify(ours)}`);
      else if ('ok' in want && JSON.stringify(want.ok) !== JSON.stringify((ours as { ok: unknown[][] }).ok)) mismatches.push(`${f}: mlflow ${JSON.stringify(want.ok)} / ours ${JSON.stringify((ours as { ok: unknown[][] }).ok)}`);
    });
    assert.deepEqual(mismatches, []);
  });
});
