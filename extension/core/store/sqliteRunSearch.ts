import { RUNS, type Clause, type OrderKey } from '../filter';
import { StoreError } from './errors';

/**
 * MLflow's run search on its SQL schema, as one SELECT with bound parameters, following what
 * MLflow's SqlAlchemyStore does on SQLite:
 * - metric/param/tag clauses hold when the run has a row with that key whose value compares true
 *   (latest_metrics for metrics; NaN is stored as 0 with is_nan set, so a NaN only satisfies `!=`);
 *   IS [NOT] NULL asks whether such a row exists;
 * - `run_name` filters compare the `mlflow.runName` tag (runs from MLflow ≤ 1.29 have an empty
 *   name column), while ordering by run_name uses the column;
 * - MLflow turns on `PRAGMA case_sensitive_like`, so LIKE is case-sensitive; ILIKE is
 *   `lower(x) LIKE lower(pattern)` and SQLite's lower() only folds ASCII. Both are written here as
 *   GLOB (always case-sensitive) on the pattern translated from LIKE, which needs no pragma on
 *   our read-only connection;
 * - each order_by key sorts first by a presence rank (values, then NaN for metrics, then missing,
 *   whatever the direction), then by the value; then start_time DESC unless start_time was an
 *   order_by key, then run_uuid. A key given twice is an error, as in MLflow;
 * - dataset clauses match a run with an input dataset whose name/digest (or `mlflow.data.context`
 *   input tag) compares true.
 * Every clause our parser accepts for runs has an SQL form, so no part of a search is left to JS.
 */

export interface RunSearchQuery {
  experimentIds: number[];
  stages: string[];
  clauses: readonly Clause[];
  order: readonly OrderKey[];
}

export interface SqlText {
  sql: string;
  params: unknown[];
}

const RUN_NAME_TAG = 'mlflow.runName';
const DATASET_CONTEXT_TAG = 'mlflow.data.context';

/** Column of `runs` for an attribute key (after alias translation). */
function attributeColumn(key: string): string {
  switch (key) {
    case 'run_id':
      return 'runs.run_uuid';
    case 'run_name':
      return 'runs.name';
    case 'status':
    case 'user_id':
    case 'artifact_uri':
    case 'start_time':
    case 'end_time':
      return `runs.${key}`;
    default:
      throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid attribute key '${key}'`);
  }
}

/** LIKE pattern → GLOB pattern: % and _ become * and ?, GLOB's own specials are bracketed. */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '%') out += '*';
    else if (ch === '_') out += '?';
    else if (ch === '*' || ch === '?' || ch === '[') out += `[${ch}]`;
    else out += ch;
  }
  return out;
}

/** `<column> <comparator> <value>` with bound parameters. */
function compare(column: string, c: Clause, params: unknown[]): string {
  const v = c.value;
  switch (c.comparator) {
    case 'LIKE':
      params.push(likeToGlob(v as string));
      return `${column} GLOB ?`;
    case 'ILIKE':
      params.push(likeToGlob(v as string));
      return `lower(${column}) GLOB lower(?)`;
    case 'IN':
    case 'NOT IN': {
      const list = v as string[];
      params.push(...list);
      return `${c.comparator === 'NOT IN' ? 'NOT ' : ''}${column} IN (${list.map(() => '?').join(',')})`;
    }
    case '=':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      params.push(v);
      return `${column} ${c.comparator} ?`;
    default:
      throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid comparator '${c.comparator}'`);
  }
}

const KEYED_TABLE = { metric: 'latest_metrics', parameter: 'params', tag: 'tags' } as const;

function clauseSql(c: Clause, params: unknown[], hasDatasets: boolean): string {
  if (c.type === 'attribute') {
    const key = RUNS.alias(c.key);
    if (key !== 'run_name') return compare(attributeColumn(key), c, params);
    params.push(RUN_NAME_TAG);
    return `EXISTS (SELECT 1 FROM tags f WHERE f.run_uuid = runs.run_uuid AND f.key = ? AND ${compare('f.value', c, params)})`;
  }
  if (c.type === 'dataset') {
    if (!hasDatasets) return '0';
    if (c.key === 'context') {
      params.push(DATASET_CONTEXT_TAG);
      return (
        'EXISTS (SELECT 1 FROM datasets d JOIN inputs i ON i.source_id = d.dataset_uuid ' +
        `JOIN input_tags it ON it.input_uuid = i.input_uuid AND it.name = ? AND ${compare('it.value', c, params)} ` +
        'WHERE i.destination_id = runs.run_uuid)'
      );
    }
    if (c.key !== 'name' && c.key !== 'digest') throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid dataset key '${c.key}'`);
    return `EXISTS (SELECT 1 FROM datasets d JOIN inputs i ON i.source_id = d.dataset_uuid WHERE i.destination_id = runs.run_uuid AND ${compare(`d.${c.key}`, c, params)})`;
  }
  if (c.type === 'metadata') throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid entity type '${c.type}' in a run search`);
  const table = KEYED_TABLE[c.type];
  params.push(c.key);
  const row = `SELECT 1 FROM ${table} f WHERE f.run_uuid = runs.run_uuid AND f.key = ?`;
  if (c.comparator === 'IS NULL') return `NOT EXISTS (${row})`;
  if (c.comparator === 'IS NOT NULL') return `EXISTS (${row})`;
  if (c.type !== 'metric') return `EXISTS (${row} AND ${compare('f.value', c, params)})`;
  const cmp = compare('f.value', c, params);
  return `EXISTS (${row} AND ${c.comparator === '!=' ? `(${cmp} OR f.is_nan = 1)` : `${cmp} AND f.is_nan = 0`})`;
}

/**
 * SELECT of the matching runs' `runs` rows in MLflow's order. `limit`/`offset` page it; without a
 * limit every match is returned.
 */
export function runSearchSql(q: RunSearchQuery, opts: { hasDatasets: boolean; limit?: number; offset?: number }): SqlText {
  const joins: string[] = [];
  const joinParams: unknown[] = [];
  const orderTerms: string[] = [];
  const seen = new Set<string>();
  let orderedByStart = false;
  q.order.forEach((k, i) => {
    const key = k.type === 'attribute' ? RUNS.alias(k.key) : k.key;
    const id = `${k.type}\u0000${key}`;
    if (seen.has(id)) throw new StoreError('INVALID_PARAMETER_VALUE', `\`order_by\` contains duplicate fields: ${JSON.stringify(q.order.map((o) => o.key))}`);
    seen.add(id);
    const dir = k.ascending ? '' : ' DESC';
    if (k.type === 'attribute') {
      if (key === 'start_time') orderedByStart = true;
      const col = attributeColumn(key);
      orderTerms.push(`(${col} IS NULL)`, col + dir);
      return;
    }
    if (k.type === 'dataset' || k.type === 'metadata') throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid identifier type '${k.type}'`);
    const alias = `o${i}`;
    joins.push(`LEFT JOIN ${KEYED_TABLE[k.type]} ${alias} ON ${alias}.run_uuid = runs.run_uuid AND ${alias}.key = ?`);
    joinParams.push(k.key);
    const rank = k.type === 'metric' ? `CASE WHEN ${alias}.is_nan = 1 THEN 1 WHEN ${alias}.value IS NULL THEN 2 ELSE 0 END` : `(${alias}.value IS NULL)`;
    orderTerms.push(rank, `${alias}.value${dir}`);
  });
  if (!orderedByStart) orderTerms.push('runs.start_time DESC');
  orderTerms.push('runs.run_uuid');

  const whereParams: unknown[] = [...q.experimentIds, ...q.stages];
  const where = [`runs.experiment_id IN (${q.experimentIds.map(() => '?').join(',')})`, `runs.lifecycle_stage IN (${q.stages.map(() => '?').join(',')})`];
  for (const c of q.clauses) where.push(clauseSql(c, whereParams, opts.hasDatasets));

  let sql = `SELECT runs.* FROM runs ${joins.join(' ')} WHERE ${where.join(' AND ')} ORDER BY ${orderTerms.join(', ')}`;
  const tail: unknown[] = [];
  if (opts.limit !== undefined) {
    sql += ' LIMIT ? OFFSET ?';
    tail.push(opts.limit, opts.offset ?? 0);
  }
  return { sql, params: [...joinParams, ...whereParams, ...tail] };
}
