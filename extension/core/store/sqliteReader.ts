import { existsSync, statSync } from 'node:fs';
import { fileKind } from './boundedRead';
import type { Experiment, LoggedModel, LoggedModelMetric, Metric, ModelVersion, RegisteredModel, Run, RunInfo, RunStatus, ViewType } from '../model/entities';
import { StoreError, type ProblemSink } from './errors';
import { listLocalArtifacts, localArtifactRoot, readLocalArtifact, streamLocalArtifact } from './localArtifacts';
import { applyExperimentSearch, applyModelSearch, applyVersionSearch, sortModelVersions, sortRegisteredModels } from './searchLocal';
import { latestLoggedModelMetrics, loggedModelStatusOfNumber, sortLoggedModels } from './loggedModels';
import { readLocalModelVersionFile } from './modelVersionFiles';
import type { RegistryReader, RunsPage, SearchLoggedModelsOptions, StoreCapabilities, SearchExperimentsOptions, SearchModelsOptions, SearchRunsOptions, SearchRunsPageOptions, TrackingReader } from './trackingStore';
import { checkMaxResults, decodePageToken, encodePageToken } from './paging';
import { runSearchSql } from './sqliteRunSearch';
import { planRunSearch } from '../filter';
import { SqliteTraces } from '../traces/sqliteTraces';
import type { SearchTracesOptions, Trace, TracesPage } from '../traces/entities';

/**
 * Reads MLflow's SQLite store (the default since MLflow 3.7) straight from the database file with
 * Node's built-in `node:sqlite` (Node 22.5+; the extension host of current VS Code has it), read-only.
 * Listing thousands of runs this way avoids a server round trip per page. Writes never go here: they
 * go through a real `mlflow server`, which owns the schema and its migrations. The schema is read
 * defensively (optional columns are probed) because Alembic migrations change it between versions.
 */

interface StatementLike {
  all(...params: unknown[]): Record<string, unknown>[];
  get(...params: unknown[]): Record<string, unknown> | undefined;
}
interface DatabaseLike {
  prepare(sql: string): StatementLike;
  close(): void;
}
type SqliteModule = { DatabaseSync: new (path: string, opts?: { readOnly?: boolean }) => DatabaseLike };

function loadSqlite(): SqliteModule | undefined {
  try {
    // getBuiltinModule keeps bundlers from trying to resolve the module and works in CommonJS.
    const get = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
    const mod = get?.('node:sqlite') as SqliteModule | undefined;
    return mod && typeof mod.DatabaseSync === 'function' ? mod : undefined;
  } catch {
    return undefined;
  }
}

/** True when this Node runtime can read SQLite files itself. */
export function directSqliteAvailable(): boolean {
  return loadSqlite() !== undefined;
}

const STATUSES = new Set(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);
const CHUNK = 500; // SQLite's bound-parameter limit is 999 on old builds

function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'bigint' ? Number(v) : Number(v);
  return Number.isFinite(n) ? n : null;
}
function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}
function metricValue(value: unknown, isNan: unknown): number {
  return Number(isNan) === 1 ? NaN : Number(value);
}
function placeholders(n: number): string {
  return new Array(n).fill('?').join(',');
}

export class SqliteReader implements TrackingReader, RegistryReader {
  readonly kind = 'sqlite' as const;
  /** Read-only: writes go through a real mlflow server, which owns the schema. */
  readonly capabilities: StoreCapabilities = Object.freeze({
    trackingRead: true,
    trackingWrite: false,
    registryRead: true,
    registryWrite: false,
    artifacts: true,
    traces: true,
    traceFeedback: false,
    runPaging: 'sql',
    historyBulkInterval: false,
    loggedModels: true,
  });
  private readonly db: DatabaseLike;
  private readonly hasWorkspace: (table: string) => boolean;
  private datasetTables: boolean | undefined;
  private loggedModelTables: boolean | undefined;

  constructor(
    readonly uri: string,
    readonly path: string,
    /**
     * Where problems that do not fail a read are reported: artifacts skipped while listing (links
     * out of the artifact folder, FIFOs…), chart reader threads that could not be used.
     */
    readonly onProblem?: ProblemSink,
  ) {
    const mod = loadSqlite();
    if (!mod) throw new StoreError('UNSUPPORTED_STORE', 'This Node runtime has no node:sqlite; use an mlflow server for this store', uri);
    if (!existsSync(path)) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `SQLite database not found: ${path}`, path);
    // SQLite opens the path synchronously: a FIFO there would block the extension host for good.
    const st = statSync(path);
    if (!st.isFile()) throw new StoreError('INVALID_PARAMETER_VALUE', `${path} is ${fileKind(st)}, not an SQLite database file`, path);
    try {
      this.db = new mod.DatabaseSync(path, { readOnly: true });
      this.db.prepare('select 1 from experiments limit 1').all();
    } catch (e) {
      throw new StoreError('CORRUPT_DATA', `${path} is not an MLflow SQLite store: ${e instanceof Error ? e.message : String(e)}`, path);
    }
    const cache = new Map<string, boolean>();
    this.hasWorkspace = (table) => {
      let v = cache.get(table);
      if (v === undefined) {
        v = this.db.prepare(`pragma table_info(${table})`).all().some((c) => c.name === 'workspace');
        cache.set(table, v);
      }
      return v;
    };
  }

  /** Restricts to MLflow's default workspace where the schema has workspaces (3.10+). */
  private ws(table: string, alias = table): string {
    return this.hasWorkspace(table) ? ` and ${alias}.workspace = 'default'` : '';
  }

  private query(sql: string, ...params: unknown[]): Record<string, unknown>[] {
    try {
      return this.db.prepare(sql).all(...params);
    } catch (e) {
      throw new StoreError('INTERNAL_ERROR', `Reading ${this.path}: ${e instanceof Error ? e.message : String(e)}`, this.path);
    }
  }

  // ---------------------------------------------------------------- experiments

  private experimentsWhere(where: string, ...params: unknown[]): Experiment[] {
    const rows = this.query(
      `select experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time from experiments e where ${where}${this.ws('experiments', 'e')}`,
      ...params,
    );
    const tags = new Map<string, Record<string, string>>();
    for (const t of this.query('select experiment_id, key, value from experiment_tags')) {
      const id = String(t.experiment_id);
      const m = tags.get(id) ?? {};
      m[String(t.key)] = str(t.value) ?? '';
      tags.set(id, m);
    }
    return rows.map((r) => ({
      experimentId: String(r.experiment_id),
      name: String(r.name),
      artifactLocation: str(r.artifact_location) ?? '',
      lifecycleStage: r.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
      creationTime: num(r.creation_time) ?? undefined,
      lastUpdateTime: num(r.last_update_time) ?? undefined,
      tags: tags.get(String(r.experiment_id)) ?? {},
    }));
  }

  async searchExperiments(opts: SearchExperimentsOptions = {}): Promise<Experiment[]> {
    const view = opts.viewType ?? 'ACTIVE_ONLY';
    const where = view === 'ALL' ? '1=1' : view === 'ACTIVE_ONLY' ? "lifecycle_stage = 'active'" : "lifecycle_stage = 'deleted'";
    return applyExperimentSearch(this.experimentsWhere(where), opts);
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const [e] = /^\d+$/.test(experimentId) ? this.experimentsWhere('experiment_id = ?', Number(experimentId)) : [];
    if (!e) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${experimentId} exists`, this.uri);
    return e;
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    return this.experimentsWhere('name = ?', name)[0];
  }

  // ---------------------------------------------------------------- runs

  private runsFromRows(rows: Record<string, unknown>[]): Run[] {
    const runs = new Map<string, Run>();
    for (const r of rows) {
      const status = String(r.status ?? 'RUNNING');
      const info: RunInfo = {
        runId: String(r.run_uuid),
        experimentId: String(r.experiment_id),
        runName: str(r.name) ?? '',
        status: (STATUSES.has(status) ? status : 'RUNNING') as RunStatus,
        startTime: num(r.start_time),
        endTime: num(r.end_time),
        lifecycleStage: r.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
        artifactUri: str(r.artifact_uri) ?? '',
        userId: str(r.user_id) ?? '',
        deletedTime: num(r.deleted_time),
      };
      runs.set(info.runId, { info, data: { params: {}, tags: {}, metrics: {} } });
    }
    const ids = [...runs.keys()];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const ph = placeholders(chunk.length);
      for (const p of this.query(`select run_uuid, key, value from params where run_uuid in (${ph})`, ...chunk)) runs.get(String(p.run_uuid))!.data.params[String(p.key)] = str(p.value) ?? '';
      for (const t of this.query(`select run_uuid, key, value from tags where run_uuid in (${ph})`, ...chunk)) runs.get(String(t.run_uuid))!.data.tags[String(t.key)] = str(t.value) ?? '';
      for (const m of this.query(`select run_uuid, key, value, timestamp, step, is_nan from latest_metrics where run_uuid in (${ph})`, ...chunk)) {
        const key = String(m.key);
        runs.get(String(m.run_uuid))!.data.metrics[key] = { key, value: metricValue(m.value, m.is_nan), timestamp: num(m.timestamp) ?? 0, step: num(m.step) ?? 0 };
      }
    }
    return [...runs.values()];
  }

  private hasDatasets(): boolean {
    this.datasetTables ??= ['datasets', 'inputs', 'input_tags'].every((t) => this.query('select 1 from sqlite_master where type = ? and name = ?', 'table', t).length > 0);
    return this.datasetTables;
  }

  /** The matching runs in MLflow's order, filtered, ordered and cut in SQL (sqliteRunSearch.ts). */
  private searchRows(opts: Omit<SearchRunsOptions, 'maxResults'>, limit?: number, offset?: number): Record<string, unknown>[] {
    // Parsed first, so a bad filter or order_by fails before the database is asked anything.
    const plan = planRunSearch(opts.filter, opts.orderBy);
    const bad = opts.experimentIds.find((x) => !/^\d+$/.test(x));
    if (bad !== undefined) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${bad} exists`, this.uri);
    if (opts.experimentIds.length === 0) return [];
    const view: ViewType = opts.viewType ?? 'ACTIVE_ONLY';
    const stages = view === 'ALL' ? ['active', 'deleted'] : view === 'ACTIVE_ONLY' ? ['active'] : ['deleted'];
    const q = runSearchSql(
      { experimentIds: opts.experimentIds.map(Number), stages, clauses: plan.clauses, order: plan.order },
      { hasDatasets: this.hasDatasets(), limit, offset },
    );
    return this.query(q.sql, ...q.params);
  }

  async searchRuns(opts: SearchRunsOptions): Promise<Run[]> {
    const max = opts.maxResults;
    return this.runsFromRows(this.searchRows(opts, max !== undefined && max >= 0 ? max : undefined));
  }

  async searchRunsPage(opts: SearchRunsPageOptions): Promise<RunsPage> {
    checkMaxResults(opts.maxResults, this.uri);
    const offset = decodePageToken(opts.pageToken, this.uri);
    // One row more than the page says whether another page follows, as MLflow's SQL store does.
    const rows = this.searchRows(opts, opts.maxResults + 1, offset);
    const more = rows.length > opts.maxResults;
    const runs = this.runsFromRows(more ? rows.slice(0, opts.maxResults) : rows);
    return more ? { runs, nextPageToken: encodePageToken(offset + opts.maxResults) } : { runs };
  }

  async getRun(runId: string): Promise<Run> {
    const [run] = this.runsFromRows(this.query('select * from runs where run_uuid = ?', runId));
    if (!run) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Run with id=${runId} not found`, this.uri);
    return run;
  }

  async getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    await this.getRun(runId);
    // MLflow's SQL store returns history ordered by timestamp, step, value. `+key` keeps SQLite from
    // walking the primary-key index on key (every run's points of that metric: 10M rows in a
    // 10,000-run store, about a second per call) instead of the run_uuid index: mlflow never runs ANALYZE.
    return this.query('select value, is_nan, timestamp, step from metrics where run_uuid = ? and +key = ? order by timestamp, step, value', runId, key).map((m) => ({
      key,
      value: metricValue(m.value, m.is_nan),
      timestamp: num(m.timestamp) ?? 0,
      step: num(m.step) ?? 0,
    }));
  }

  async listArtifacts(runId: string, path = ''): Promise<import('../model/entities').ArtifactEntry[]> {
    const run = await this.getRun(runId);
    return listLocalArtifacts(localArtifactRoot(runId, run.info.artifactUri), path, this.onProblem);
  }

  async readArtifact(runId: string, path: string): Promise<Uint8Array> {
    const run = await this.getRun(runId);
    return readLocalArtifact(localArtifactRoot(runId, run.info.artifactUri), path);
  }

  async streamArtifact(runId: string, path: string, onChunk: (chunk: Uint8Array) => Promise<void>): Promise<void> {
    const run = await this.getRun(runId);
    return streamLocalArtifact(localArtifactRoot(runId, run.info.artifactUri), path, onChunk);
  }

  // ---------------------------------------------------------------- logged models (MLflow 3)

  private hasLoggedModels(): boolean {
    this.loggedModelTables ??= ['logged_models', 'logged_model_metrics', 'logged_model_params', 'logged_model_tags'].every(
      (t) => this.query('select 1 from sqlite_master where type = ? and name = ?', 'table', t).length > 0,
    );
    return this.loggedModelTables;
  }

  private loggedModelsWhere(where: string, ...params: unknown[]): LoggedModel[] {
    if (!this.hasLoggedModels()) return [];
    const rows = this.query(`select * from logged_models lm where lifecycle_stage != 'deleted' and ${where}${this.ws('logged_models', 'lm')}`, ...params);
    const models = new Map<string, LoggedModel>();
    const metrics = new Map<string, LoggedModelMetric[]>();
    for (const r of rows) {
      const id = String(r.model_id);
      models.set(id, {
        modelId: id,
        experimentId: String(r.experiment_id),
        name: str(r.name) ?? '',
        artifactLocation: str(r.artifact_location) ?? '',
        creationTimestamp: num(r.creation_timestamp_ms) ?? 0,
        lastUpdatedTimestamp: num(r.last_updated_timestamp_ms) ?? 0,
        status: loggedModelStatusOfNumber(r.status),
        statusMessage: str(r.status_message),
        modelType: str(r.model_type),
        sourceRunId: str(r.source_run_id),
        tags: {},
        params: {},
        metrics: [],
      });
      metrics.set(id, []);
    }
    const ids = [...models.keys()];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const ph = placeholders(chunk.length);
      for (const t of this.query(`select model_id, tag_key, tag_value from logged_model_tags where model_id in (${ph})`, ...chunk)) models.get(String(t.model_id))!.tags[String(t.tag_key)] = str(t.tag_value) ?? '';
      for (const p of this.query(`select model_id, param_key, param_value from logged_model_params where model_id in (${ph})`, ...chunk)) models.get(String(p.model_id))!.params[String(p.param_key)] = str(p.param_value) ?? '';
      for (const m of this.query(`select model_id, metric_name, metric_timestamp_ms, metric_step, metric_value, run_id, dataset_name, dataset_digest from logged_model_metrics where model_id in (${ph})`, ...chunk)) {
        metrics.get(String(m.model_id))!.push({
          key: String(m.metric_name),
          value: m.metric_value === null ? NaN : Number(m.metric_value),
          timestamp: num(m.metric_timestamp_ms) ?? 0,
          step: num(m.metric_step) ?? 0,
          runId: str(m.run_id) ?? undefined,
          ...(m.dataset_name !== null && m.dataset_name !== undefined ? { datasetName: String(m.dataset_name) } : {}),
          ...(m.dataset_digest !== null && m.dataset_digest !== undefined ? { datasetDigest: String(m.dataset_digest) } : {}),
        });
      }
    }
    for (const [id, m] of models) m.metrics = latestLoggedModelMetrics(metrics.get(id) ?? []);
    return [...models.values()];
  }

  async searchLoggedModels(opts: SearchLoggedModelsOptions): Promise<LoggedModel[]> {
    const ids = [...new Set(opts.experimentIds)].filter((x) => /^\d+$/.test(x)).map(Number);
    if (ids.length === 0) return [];
    const sorted = sortLoggedModels(this.loggedModelsWhere(`experiment_id in (${placeholders(ids.length)})`, ...ids));
    return opts.maxResults !== undefined && opts.maxResults >= 0 ? sorted.slice(0, opts.maxResults) : sorted;
  }

  async getLoggedModel(modelId: string): Promise<LoggedModel> {
    const [m] = this.loggedModelsWhere('model_id = ?', modelId);
    if (!m) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Logged model with ID '${modelId}' not found`, this.uri);
    return m;
  }

  async readLoggedModelArtifact(modelId: string, path: string): Promise<Uint8Array> {
    const m = await this.getLoggedModel(modelId);
    return readLocalArtifact(localArtifactRoot(modelId, m.artifactLocation), path);
  }

  async readModelVersionArtifact(name: string, version: string, path: string): Promise<Uint8Array> {
    return readLocalModelVersionFile(await this.getModelVersion(name, version), path, this);
  }

  // ---------------------------------------------------------------- traces (extension/core/traces/sqliteTraces.ts)

  private tracesReader?: SqliteTraces;
  private get traces(): SqliteTraces {
    this.tracesReader ??= new SqliteTraces((sql, ...params) => this.query(sql, ...params), this.path);
    return this.tracesReader;
  }

  async searchTraces(opts: SearchTracesOptions): Promise<TracesPage> {
    return this.traces.searchTraces(opts);
  }

  getTrace(traceId: string): Promise<Trace> {
    return this.traces.getTrace(traceId);
  }

  // ---------------------------------------------------------------- registry

  private versionsWhere(where: string, ...params: unknown[]): ModelVersion[] {
    const rows = this.query(`select * from model_versions mv where current_stage != 'Deleted_Internal' and ${where}${this.ws('model_versions', 'mv')}`, ...params);
    const aliases = new Map<string, string[]>();
    for (const a of this.query(`select name, alias, version from registered_model_aliases ra where 1=1${this.ws('registered_model_aliases', 'ra')}`)) {
      const k = `${a.name}\u0000${a.version}`;
      aliases.set(k, [...(aliases.get(k) ?? []), String(a.alias)]);
    }
    const tags = new Map<string, Record<string, string>>();
    for (const t of this.query(`select name, version, key, value from model_version_tags mt where 1=1${this.ws('model_version_tags', 'mt')}`)) {
      const k = `${t.name}\u0000${t.version}`;
      const m = tags.get(k) ?? {};
      m[String(t.key)] = str(t.value) ?? '';
      tags.set(k, m);
    }
    return rows.map((r) => {
      const k = `${r.name}\u0000${r.version}`;
      return {
        name: String(r.name),
        version: String(r.version),
        creationTimestamp: num(r.creation_time) ?? 0,
        lastUpdatedTimestamp: num(r.last_updated_time) ?? 0,
        currentStage: str(r.current_stage) ?? 'None',
        description: str(r.description),
        source: str(r.source) ?? '',
        runId: str(r.run_id),
        runLink: str(r.run_link),
        status: str(r.status) ?? 'READY',
        statusMessage: str(r.status_message),
        userId: str(r.user_id),
        storageLocation: str(r.storage_location),
        // MLflow 3.17's model_versions table has no model_id column (its SQL store loses it); newer schemas may.
        modelId: str(r.model_id),
        tags: tags.get(k) ?? {},
        aliases: (aliases.get(k) ?? []).sort(),
      };
    });
  }

  private modelsWhere(where: string, ...params: unknown[]): RegisteredModel[] {
    const rows = this.query(`select name, creation_time, last_updated_time, description from registered_models rm where ${where}${this.ws('registered_models', 'rm')}`, ...params);
    const versions = this.versionsWhere('1=1');
    const tags = new Map<string, Record<string, string>>();
    for (const t of this.query(`select name, key, value from registered_model_tags rt where 1=1${this.ws('registered_model_tags', 'rt')}`)) {
      const m = tags.get(String(t.name)) ?? {};
      m[String(t.key)] = str(t.value) ?? '';
      tags.set(String(t.name), m);
    }
    return rows.map((r) => {
      const name = String(r.name);
      const mine = versions.filter((v) => v.name === name);
      const aliases: Record<string, string> = {};
      for (const v of mine) for (const a of v.aliases) aliases[a] = v.version;
      const latest = new Map<string, ModelVersion>();
      for (const v of mine) {
        const cur = latest.get(v.currentStage);
        if (!cur || Number(v.version) > Number(cur.version)) latest.set(v.currentStage, v);
      }
      return {
        name,
        creationTimestamp: num(r.creation_time) ?? 0,
        lastUpdatedTimestamp: num(r.last_updated_time) ?? 0,
        description: str(r.description),
        tags: tags.get(name) ?? {},
        aliases: Object.fromEntries(Object.entries(aliases).sort(([a], [b]) => (a < b ? -1 : 1))),
        latestVersions: [...latest.values()].sort((a, b) => Number(a.version) - Number(b.version)),
      };
    });
  }

  async searchRegisteredModels(opts: SearchModelsOptions = {}): Promise<RegisteredModel[]> {
    return sortRegisteredModels(applyModelSearch(this.modelsWhere('1=1'), opts), opts);
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    const [m] = this.modelsWhere('name = ?', name);
    if (!m) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${name} not found`, this.uri);
    return m;
  }

  async searchModelVersions(opts: SearchModelsOptions = {}): Promise<ModelVersion[]> {
    return sortModelVersions(applyVersionSearch(this.versionsWhere('1=1'), opts), opts);
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    const [v] = /^\d+$/.test(version) ? this.versionsWhere('name = ? and version = ?', name, Number(version)) : [];
    if (!v) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Model Version (name=${name}, version=${version}) not found`, this.uri);
    return v;
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    const versions = this.versionsWhere('name = ?', name).sort((a, b) => Number(a.version) - Number(b.version));
    if (alias.toLowerCase() === 'latest' && versions.length) return versions[versions.length - 1];
    const hit = versions.find((v) => v.aliases.includes(alias));
    if (!hit) throw new StoreError('INVALID_PARAMETER_VALUE', `Registered model alias ${alias} not found.`, this.uri);
    return hit;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
