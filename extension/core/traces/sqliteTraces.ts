import { StoreError } from '../store/errors';
import { checkMaxResults, decodePageToken, encodePageToken } from '../store/paging';
import { likeToGlob } from '../store/sqliteRunSearch';
import type { Comparator } from '../filter';
import { TRACE_KEY, type Assessment, type SearchTracesOptions, type Trace, type TraceInfo, type TracesPage } from './entities';
import { readSpansArtifact } from './fileTraces';
import { spanOf, nanoJsonParse } from './spanJson';
import { parseTraceFilter, parseTraceOrderBy, type TraceClause, type TraceOrder } from './traceFilter';
import { stateOf } from './traceInfoJson';

/**
 * Traces in MLflow's SQL schema, read straight from an SQLite file (SqliteReader's connection).
 * What MLflow 3.17's SqlAlchemyStore does, and this follows:
 * - `trace_info` holds one row per trace; since 3.x the trace name is the `trace_name` column
 *   (not a `mlflow.traceName` tag row), the session id `session_id`, and token usage and cost are
 *   columns (`input_tokens`…, `input_cost`…) that it turns back into the `mlflow.trace.tokenUsage`
 *   and `mlflow.trace.cost` metadata JSON;
 * - tags and metadata are `trace_tags` / `trace_request_metadata` rows, assessments `assessments`
 *   rows with JSON-text values;
 * - spans are `spans.content` rows (MLflow's span JSON) when the trace's tag
 *   `mlflow.trace.spansLocation` is TRACKING_STORE, else the artifact traces.json;
 * - a search orders by the order_by keys (missing values last), then timestamp_ms DESC, request_id;
 *   `run_id = X` also matches traces linked to run X through `entity_associations`.
 * Columns are probed, since Alembic migrations add them between versions.
 */

export type Query = (sql: string, ...params: unknown[]) => Record<string, unknown>[];

const TOKEN_COLUMNS: [string, string][] = [
  ['input_tokens', 'input_tokens'],
  ['output_tokens', 'output_tokens'],
  ['total_tokens', 'total_tokens'],
  ['cache_read_input_tokens', 'cache_read_input_tokens'],
  ['cache_creation_input_tokens', 'cache_creation_input_tokens'],
  ['cache_creation_input_tokens_above_1hr', 'cache_creation_input_tokens_above_1hr'],
];
const COST_COLUMNS = ['input_cost', 'output_cost', 'total_cost'];
const CHUNK = 400;

function num(v: unknown): number | undefined {
  if (v === null || v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}
function str(v: unknown): string | undefined {
  return v === null || v === undefined ? undefined : String(v);
}
function jsonOr(v: unknown, fallback: unknown): unknown {
  if (typeof v !== 'string') return fallback;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

function compareSql(column: string, cmp: Comparator, value: unknown, params: unknown[]): string {
  switch (cmp) {
    case 'LIKE':
      params.push(likeToGlob(String(value)));
      return `${column} GLOB ?`;
    case 'ILIKE':
      params.push(likeToGlob(String(value)));
      return `lower(${column}) GLOB lower(?)`;
    case 'IN':
    case 'NOT IN': {
      const list = value as string[];
      params.push(...list);
      return `${cmp === 'NOT IN' ? 'NOT ' : ''}${column} IN (${list.map(() => '?').join(',')})`;
    }
    case '=':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      params.push(value);
      return `${column} ${cmp} ?`;
    default:
      throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid comparator '${cmp}'`);
  }
}

export class SqliteTraces {
  private columns: Set<string> | undefined;
  private tables = new Map<string, boolean>();

  constructor(
    private readonly query: Query,
    private readonly where: string,
  ) {}

  private cols(): Set<string> {
    this.columns ??= new Set(this.query('pragma table_info(trace_info)').map((c) => String(c.name)));
    return this.columns;
  }

  private hasTable(name: string): boolean {
    let v = this.tables.get(name);
    if (v === undefined) {
      v = this.query('select 1 from sqlite_master where type = ? and name = ?', 'table', name).length > 0;
      this.tables.set(name, v);
    }
    return v;
  }

  /** True when this database has MLflow's trace tables at all (MLflow ≥ 2.14). */
  available(): boolean {
    return this.hasTable('trace_info');
  }

  private attributeColumn(key: string): string {
    switch (key) {
      case 'request_id':
      case 'client_request_id':
      case 'status':
      case 'timestamp_ms':
      case 'execution_time_ms':
      case 'experiment_id':
        return `t.${key}`;
      case 'end_time_ms':
        return '(t.timestamp_ms + coalesce(t.execution_time_ms, 0))';
      default:
        throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid attribute key '${key}'`, this.where);
    }
  }

  /** A tag or metadata key that MLflow keeps in a trace_info column instead of a key/value row. */
  private promotedColumn(c: { on: string; key: string }): string | undefined {
    if (c.on === 'tag' && c.key === TRACE_KEY.traceName && this.cols().has('trace_name')) return 't.trace_name';
    if (c.on === 'metadata' && c.key === TRACE_KEY.session && this.cols().has('session_id')) return 't.session_id';
    return undefined;
  }

  private clauseSql(c: TraceClause, params: unknown[]): string {
    if (c.on === 'attribute') return compareSql(this.attributeColumn(c.key), c.comparator, c.value, params);
    if (c.on === 'metadata' && (c.key === TRACE_KEY.tokenUsage || c.key === TRACE_KEY.cost) && this.cols().has('input_tokens')) {
      const cols = c.key === TRACE_KEY.tokenUsage ? TOKEN_COLUMNS.map(([col]) => col) : COST_COLUMNS;
      const present = `(${cols.map((col) => `t.${col} IS NOT NULL`).join(' OR ')})`;
      if (c.comparator === 'IS NULL') return `NOT ${present}`;
      if (c.comparator === 'IS NOT NULL') return present;
      throw new StoreError('INVALID_PARAMETER_VALUE', `Comparator '${c.comparator}' is not supported for reserved metadata '${c.key}' by this reader; use IS NULL or IS NOT NULL`, this.where);
    }
    const col = this.promotedColumn(c);
    if (col) {
      if (c.comparator === 'IS NULL') return `${col} IS NULL`;
      if (c.comparator === 'IS NOT NULL') return `${col} IS NOT NULL`;
      return compareSql(col, c.comparator, c.value, params);
    }
    const table = c.on === 'tag' ? 'trace_tags' : 'trace_request_metadata';
    params.push(c.key);
    const row = `SELECT 1 FROM ${table} f WHERE f.request_id = t.request_id AND f.key = ?`;
    if (c.comparator === 'IS NULL') return `NOT EXISTS (${row})`;
    if (c.comparator === 'IS NOT NULL') return `EXISTS (${row})`;
    const own = `EXISTS (${row} AND ${compareSql('f.value', c.comparator, c.value, params)})`;
    if (c.on === 'metadata' && c.key === TRACE_KEY.sourceRun && c.comparator === '=' && this.hasTable('entity_associations')) {
      // MLflow also finds traces linked to the run (mlflow.link_traces_to_run), not only those made inside it.
      params.push(c.value);
      return `(${own} OR EXISTS (SELECT 1 FROM entity_associations ea WHERE ea.source_id = t.request_id AND ea.source_type = 'TRACE' AND ea.destination_type = 'RUN' AND ea.destination_id = ?))`;
    }
    return own;
  }

  private orderSql(order: readonly TraceOrder[], joins: string[], joinParams: unknown[]): string {
    const terms: string[] = [];
    order.forEach((o, i) => {
      const dir = o.ascending ? '' : ' DESC';
      let col: string;
      if (o.on === 'attribute') col = this.attributeColumn(o.key);
      else {
        const promoted = this.promotedColumn(o);
        if (promoted) col = promoted;
        else {
          const alias = `o${i}`;
          joins.push(`LEFT JOIN ${o.on === 'tag' ? 'trace_tags' : 'trace_request_metadata'} ${alias} ON ${alias}.request_id = t.request_id AND ${alias}.key = ?`);
          joinParams.push(o.key);
          col = `${alias}.value`;
        }
      }
      // request_id and timestamp_ms are NOT NULL in MLflow's schema; it ranks nulls only for the others.
      if (!(o.on === 'attribute' && (o.key === 'request_id' || o.key === 'timestamp_ms'))) terms.push(`(${col} IS NULL)`);
      terms.push(col + dir);
    });
    return terms.join(', ');
  }

  searchTraces(opts: SearchTracesOptions): TracesPage {
    checkMaxResults(opts.maxResults, this.where);
    const clauses = parseTraceFilter(opts.filter);
    const order = parseTraceOrderBy(opts.orderBy);
    const offset = decodePageToken(opts.pageToken, this.where);
    const ids = opts.experimentIds.filter((x) => /^\d+$/.test(x)).map(Number);
    if (ids.length === 0 || !this.available()) return { traces: [] };
    const joins: string[] = [];
    const joinParams: unknown[] = [];
    const orderBy = this.orderSql(order, joins, joinParams);
    const params: unknown[] = [];
    const where = [`t.experiment_id IN (${ids.map(() => '?').join(',')})`];
    params.push(...ids);
    for (const c of clauses) where.push(this.clauseSql(c, params));
    // One row more than the page tells whether another page follows.
    const sql = `SELECT t.* FROM trace_info t ${joins.join(' ')} WHERE ${where.join(' AND ')} ORDER BY ${orderBy} LIMIT ? OFFSET ?`;
    const rows = this.query(sql, ...joinParams, ...params, opts.maxResults + 1, offset);
    const more = rows.length > opts.maxResults;
    const traces = this.complete(more ? rows.slice(0, opts.maxResults) : rows);
    return more ? { traces, nextPageToken: encodePageToken(offset + opts.maxResults) } : { traces };
  }

  /** trace_info rows → TraceInfo with their tags, metadata and assessments (read per chunk of ids). */
  private complete(rows: Record<string, unknown>[]): TraceInfo[] {
    const infos = rows.map((r) => this.infoOfRow(r));
    const byId = new Map(infos.map((t) => [t.traceId, t]));
    const ids = [...byId.keys()];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const ph = chunk.map(() => '?').join(',');
      for (const r of this.query(`SELECT request_id, key, value FROM trace_tags WHERE request_id IN (${ph})`, ...chunk)) {
        const t = byId.get(String(r.request_id))!;
        // The column wins for the name, as in MLflow's to_mlflow_entity.
        if (String(r.key) === TRACE_KEY.traceName && this.cols().has('trace_name') && t.tags[TRACE_KEY.traceName] !== undefined) continue;
        t.tags[String(r.key)] = str(r.value) ?? '';
      }
      const promoted = new Set<string>(this.cols().has('input_tokens') ? [TRACE_KEY.tokenUsage, TRACE_KEY.cost, TRACE_KEY.session] : []);
      for (const r of this.query(`SELECT request_id, key, value FROM trace_request_metadata WHERE request_id IN (${ph})`, ...chunk)) {
        if (promoted.has(String(r.key))) continue;
        const t = byId.get(String(r.request_id))!;
        if (t.metadata[String(r.key)] === undefined) t.metadata[String(r.key)] = str(r.value) ?? '';
      }
      if (this.hasTable('assessments')) {
        for (const r of this.query(`SELECT * FROM assessments WHERE trace_id IN (${ph}) ORDER BY created_timestamp`, ...chunk)) {
          byId.get(String(r.trace_id))?.assessments.push(assessmentOfRow(r));
        }
      }
    }
    return infos;
  }

  private infoOfRow(r: Record<string, unknown>): TraceInfo {
    const cols = this.cols();
    const metadata: Record<string, string> = {};
    const tags: Record<string, string> = {};
    if (cols.has('trace_name') && r.trace_name !== null && r.trace_name !== undefined) tags[TRACE_KEY.traceName] = String(r.trace_name);
    if (cols.has('session_id') && r.session_id !== null && r.session_id !== undefined) metadata[TRACE_KEY.session] = String(r.session_id);
    const tokens: Record<string, number> = {};
    for (const [key, col] of TOKEN_COLUMNS) {
      const n = num(r[col]);
      if (n !== undefined) tokens[key] = Math.trunc(n);
    }
    // Python's json.dumps spacing, so the text equals what MLflow's client reads back.
    if (Object.keys(tokens).length) metadata[TRACE_KEY.tokenUsage] = pyJson(tokens);
    const cost: Record<string, number> = {};
    for (const col of COST_COLUMNS) {
      const n = num(r[col]);
      if (n !== undefined) cost[col] = n;
    }
    if (Object.keys(cost).length) metadata[TRACE_KEY.cost] = pyJson(cost);
    const duration = num(r.execution_time_ms);
    return {
      traceId: String(r.request_id),
      experimentId: String(r.experiment_id),
      ...(str(r.client_request_id) ? { clientRequestId: str(r.client_request_id) } : {}),
      requestTime: num(r.timestamp_ms) ?? 0,
      ...(duration !== undefined ? { executionDurationMs: duration } : {}),
      state: stateOf(r.status),
      ...(str(r.request_preview) !== undefined ? { requestPreview: str(r.request_preview) } : {}),
      ...(str(r.response_preview) !== undefined ? { responsePreview: str(r.response_preview) } : {}),
      metadata,
      tags,
      assessments: [],
    };
  }

  getTraceInfo(traceId: string): TraceInfo {
    const rows = this.available() ? this.query('SELECT * FROM trace_info t WHERE request_id = ?', traceId) : [];
    if (rows.length === 0) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Trace with ID '${traceId}' not found.`, this.where);
    return this.complete(rows)[0];
  }

  async getTrace(traceId: string): Promise<Trace> {
    const info = this.getTraceInfo(traceId);
    if (info.tags[TRACE_KEY.spansLocation] === 'TRACKING_STORE' && this.hasTable('spans')) {
      const rows = this.query('SELECT content FROM spans WHERE trace_id = ? ORDER BY start_time_unix_nano', traceId);
      const spans = rows.map((r) => spanOf(nanoJsonParse(String(r.content)), `${this.where} (spans of ${traceId})`));
      return { info, spans };
    }
    const location = info.tags[TRACE_KEY.artifactLocation];
    if (!location) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Trace ${traceId} has neither spans in the database nor an artifact location`, this.where);
    return { info, spans: await readSpansArtifact(location, traceId) };
  }
}

/** json.dumps text of a flat object of numbers (", " and ": " separators, ints without ".0"). */
function pyJson(o: Record<string, number>): string {
  return '{' + Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}: ${Number.isInteger(v) && Math.abs(v) < 1e16 ? String(v) : pyFloat(v)}`).join(', ') + '}';
}
function pyFloat(v: number): string {
  const s = String(v);
  return /[.eE]/.test(s) ? s : s + '.0';
}

function assessmentOfRow(r: Record<string, unknown>): Assessment {
  const kind = r.assessment_type === 'expectation' ? 'expectation' : 'feedback';
  const errorRaw = jsonOr(r.error, undefined) as Record<string, unknown> | undefined;
  const metadata = jsonOr(r.assessment_metadata, undefined) as Record<string, string> | undefined;
  return {
    assessmentId: String(r.assessment_id),
    name: String(r.name),
    traceId: String(r.trace_id),
    ...(str(r.span_id) ? { spanId: str(r.span_id) } : {}),
    source: { sourceType: str(r.source_type) ?? 'SOURCE_TYPE_UNSPECIFIED', sourceId: str(r.source_id) ?? '' },
    createTime: num(r.created_timestamp),
    lastUpdateTime: num(r.last_updated_timestamp),
    kind,
    value: jsonOr(r.value, null),
    ...(errorRaw && typeof errorRaw === 'object' ? { error: { errorCode: str(errorRaw.error_code), errorMessage: str(errorRaw.error_message) } } : {}),
    ...(str(r.rationale) !== undefined ? { rationale: str(r.rationale) } : {}),
    ...(r.valid !== null && r.valid !== undefined ? { valid: Number(r.valid) === 1 } : {}),
    ...(str(r.overrides) ? { overrides: str(r.overrides) } : {}),
    ...(str(r.run_id) ? { runId: str(r.run_id) } : {}),
    ...(metadata && typeof metadata === 'object' ? { metadata } : {}),
  };
}
