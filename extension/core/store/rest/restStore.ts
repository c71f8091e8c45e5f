import { userInfo } from 'node:os';
import type { ArtifactEntry, Experiment, LoggedModel, Metric, ModelStage, ModelVersion, RegisteredModel, Run, RunInfo } from '../../model/entities';
import { isStoreError, StoreError } from '../errors';
import type {
  CreateModelVersionOptions,
  CreateRunOptions,
  LogBatch,
  RegistryStore,
  SearchExperimentsOptions,
  SearchModelsOptions,
  RunsPage,
  SearchLoggedModelsOptions,
  SearchRunsOptions,
  SearchRunsPageOptions,
  StoreCapabilities,
  TrackingStore,
  UpdateRunOptions,
} from '../trackingStore';
import { splitBatch } from './batchChunks';
import { getMetricHistoryBulkInterval, type BulkPoint } from './historyBulk';
import { checkMaxResults } from '../paging';
import { planRunSearch } from '../../filter';
import { MlflowHttpClient, type Params, type RequestContext } from './httpClient';
import type { RestOptions } from './restOptions';
import { RestTraces } from '../../traces/restTraces';
import type { Assessment, NewFeedback, SearchTracesOptions, Trace, TracesPage } from '../../traces/entities';
import { checkedListedName, joinProxyPath, PROXY_ROOT, proxiedPath, proxyRequestPath } from './proxiedArtifacts';
import { SHAPES } from './restShapes';
import { LOGGED_MODEL_SHAPES, loggedModelOf, type LoggedModelJson } from './loggedModelJson';
import type { Shape } from './shape';
import {
  experimentOf,
  metricJson,
  metricOf,
  modelVersionOf,
  registeredModelOf,
  runInfoOf,
  runOf,
  tagList,
  type ExperimentJson,
  type MetricJson,
  type ModelVersionJson,
  type RegisteredModelJson,
  type RunInfoJson,
  type RunJson,
} from './restJson';

/**
 * A tracking store and model registry behind an MLflow server, through its REST API 2.0
 * (mlflow/protos/service.proto, model_registry.proto). Searches page with page_token up to the
 * caller's cap; log-batch requests are split to MLflow's limits.
 */

const API = '/api/2.0/mlflow';
/** Page sizes: MLflow's defaults where they exist, never above its maxima. */
const PAGE = { experiments: 1000, runs: 1000, models: 1000, versions: 10_000, history: 25_000, loggedModels: 100 } as const;

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export class RestStore implements TrackingStore, RegistryStore {
  readonly kind: 'rest' | 'sqlite';
  readonly capabilities: StoreCapabilities = Object.freeze({
    trackingRead: true,
    trackingWrite: true,
    registryRead: true,
    registryWrite: true,
    artifacts: true,
    traces: true,
    traceFeedback: true,
    runPaging: 'server',
    historyBulkInterval: false,
    loggedModels: true,
  });
  readonly uri: string;
  protected readonly http: MlflowHttpClient;
  /** The server's HTTP client (credentials, bounds, retries), for APIs outside the store interface such as the AI Gateway. */
  get httpClient(): MlflowHttpClient {
    return this.http;
  }
  private onClose?: () => Promise<void>;

  /** `as`: the identity to show when the server is our own local one for a database store. */
  constructor(uri: string, opts: RestOptions = {}, as?: { uri: string; kind: 'rest' | 'sqlite' }) {
    this.http = new MlflowHttpClient(uri, opts);
    this.uri = as?.uri ?? this.http.baseUrl;
    this.kind = as?.kind ?? 'rest';
  }

  /** The server's base URL (without credentials). */
  get serverUrl(): string {
    return this.http.baseUrl;
  }

  /**
   * Opens the store and checks, with one quick request and no retries, that the server answers and
   * accepts the credentials, so a wrong URL or password surfaces when the store is picked.
   */
  static async connect(uri: string, opts: RestOptions = {}): Promise<RestStore> {
    const store = new RestStore(uri, opts);
    try {
      // A store opens on its own when a workspace opens: a server that never answers must not
      // leave it "connecting" for the full request timeout.
      await store.http.within(CONNECT_TIMEOUT_MS, `the ${CONNECT_TIMEOUT_MS / 1000} s allowed for a first contact`, () =>
        store.http.call('POST', `${API}/experiments/search`, { max_results: 1 }, SHAPES.searchExperiments, { maxRetries: 0, maxItems: 1 }),
      );
    } catch (e) {
      store.http.close();
      throw e;
    }
    return store;
  }

  /** Runs `fn` when the store closes (a local server owned by this store stops then). */
  onClosed(fn: () => Promise<void>): void {
    this.onClose = fn;
  }

  async close(): Promise<void> {
    this.http.close();
    const fn = this.onClose;
    this.onClose = undefined;
    await fn?.();
  }

  private call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, params: Params, shape: Shape, ctx?: RequestContext): Promise<T> {
    return this.http.call<T>(method, API + path, params, shape, ctx);
  }

  /**
   * Follows next_page_token until the server has no more or `max` items arrived. A server that
   * hands back a token it gave before, keeps sending empty pages with a token, or pages on past
   * the client's page or item limit is reported, naming the URL, instead of being followed forever.
   */
  private paged<J, T>(
    path: string,
    fetchPage: (pageSize: number, token: string | undefined) => Promise<{ items: J[] | undefined; next?: string }>,
    map: (j: J) => T,
    pageSize: number,
    max?: number,
  ): Promise<T[]> {
    const where = this.http.shown + API + path;
    return this.http.operation(async () => {
      const out: T[] = [];
      const seen = new Set<string>();
      let token: string | undefined;
      let emptyInARow = 0;
      for (let pages = 1; ; pages++) {
        const want = max === undefined ? pageSize : Math.min(pageSize, max - out.length);
        if (want <= 0) break;
        const page = await fetchPage(want, token);
        const items = page.items ?? [];
        for (const j of items) out.push(map(j));
        token = page.next;
        if (!token) break;
        if (seen.has(token)) throw pageLoop(where, `sent page token ${JSON.stringify(token.slice(0, 60))} a second time (on page ${pages})`);
        seen.add(token);
        emptyInARow = items.length === 0 ? emptyInARow + 1 : 0;
        if (emptyInARow >= MAX_EMPTY_PAGES) throw pageLoop(where, `sent ${emptyInARow} empty pages in a row, each with a next page token`);
        if (pages >= this.http.maxPages) throw pageLoop(where, `was still paging after ${pages} pages (the limit)`);
        if (out.length > this.http.maxItems) {
          throw new StoreError('RESOURCE_EXHAUSTED', `${where}: more than ${this.http.maxItems} items in one listing (the limit); narrow it with a filter`, where);
        }
      }
      return max === undefined ? out : out.slice(0, max);
    });
  }

  /**
   * Runs a write on one experiment or run. The auth app refuses with a bare "Permission denied"
   * (403): the error then names the experiment, by name when the user may still read it.
   */
  private async guarded<T>(target: { experimentId?: string; runId?: string }, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (e) {
      if (!isStoreError(e, 'PERMISSION_DENIED')) throw e;
      const what = await this.describeTarget(target);
      throw new StoreError('PERMISSION_DENIED', `Permission denied on ${what}: ${this.http.shown} refused ${e.location ?? 'the change'} (403)`, e.location, 403);
    }
  }

  private async describeTarget({ experimentId, runId }: { experimentId?: string; runId?: string }): Promise<string> {
    let expId = experimentId;
    const run = runId ? `run ${runId} of ` : '';
    if (runId) {
      try {
        expId = (await this.getRun(runId)).info.experimentId;
      } catch {
        return `run ${runId}`;
      }
    }
    try {
      return `${run}experiment '${(await this.getExperiment(expId!)).name}' (id ${expId})`;
    } catch {
      return `${run}experiment ${expId}`;
    }
  }

  // ---------------------------------------------------------------- experiments

  searchExperiments(opts: SearchExperimentsOptions = {}): Promise<Experiment[]> {
    return this.paged(
      '/experiments/search',
      async (n, token) => {
        const r = await this.call<{ experiments?: ExperimentJson[]; next_page_token?: string }>(
          'POST',
          '/experiments/search',
          {
            max_results: n,
            page_token: token,
            filter: opts.filter || undefined,
            order_by: opts.orderBy,
            view_type: opts.viewType ?? 'ACTIVE_ONLY',
          },
          SHAPES.searchExperiments,
          { maxItems: n },
        );
        return { items: r.experiments, next: r.next_page_token };
      },
      experimentOf,
      PAGE.experiments,
      opts.maxResults,
    );
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const r = await this.call<{ experiment: ExperimentJson }>('GET', '/experiments/get', { experiment_id: experimentId }, SHAPES.experiment, { notFound: `experiment ${experimentId}` });
    return experimentOf(r.experiment);
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    try {
      const r = await this.call<{ experiment: ExperimentJson }>('GET', '/experiments/get-by-name', { experiment_name: name }, SHAPES.experiment);
      return experimentOf(r.experiment);
    } catch (e) {
      if (isStoreError(e, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
      throw e;
    }
  }

  async createExperiment(name: string, opts: { artifactLocation?: string; tags?: Record<string, string> } = {}): Promise<string> {
    const r = await this.call<{ experiment_id: string }>(
      'POST',
      '/experiments/create',
      { name, artifact_location: opts.artifactLocation, tags: opts.tags ? tagList(opts.tags) : undefined },
      SHAPES.createExperiment,
    );
    return String(r.experiment_id);
  }

  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    return this.guarded({ experimentId }, async () => {
      await this.call('POST', '/experiments/update', { experiment_id: experimentId, new_name: newName }, SHAPES.empty, { notFound: `experiment ${experimentId}` });
    });
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    return this.guarded({ experimentId }, async () => {
      await this.call('POST', '/experiments/delete', { experiment_id: experimentId }, SHAPES.empty, { notFound: `experiment ${experimentId}` });
    });
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    return this.guarded({ experimentId }, async () => {
      await this.call('POST', '/experiments/restore', { experiment_id: experimentId }, SHAPES.empty, { notFound: `experiment ${experimentId}` });
    });
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    return this.guarded({ experimentId }, async () => {
      await this.call('POST', '/experiments/set-experiment-tag', { experiment_id: experimentId, key, value }, SHAPES.empty, { notFound: `experiment ${experimentId}` });
    });
  }

  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    return this.guarded({ experimentId }, async () => {
      await this.call('POST', '/experiments/delete-experiment-tag', { experiment_id: experimentId, key }, SHAPES.empty);
    });
  }

  // ---------------------------------------------------------------- runs

  async searchRuns(opts: SearchRunsOptions): Promise<Run[]> {
    // Our parser first: a bad filter or order_by never reaches the server, and its error has a position.
    planRunSearch(opts.filter, opts.orderBy);
    if (opts.experimentIds.length === 0) return [];
    return this.paged(
      '/runs/search',
      async (n, token) => {
        const r = await this.runsSearchCall(opts, n, token);
        return { items: r.runs, next: r.next_page_token };
      },
      runOf,
      PAGE.runs,
      opts.maxResults,
    );
  }

  async searchRunsPage(opts: SearchRunsPageOptions): Promise<RunsPage> {
    checkMaxResults(opts.maxResults, this.http.shown);
    planRunSearch(opts.filter, opts.orderBy);
    if (opts.experimentIds.length === 0) return { runs: [] };
    const r = await this.runsSearchCall(opts, opts.maxResults, opts.pageToken || undefined);
    const runs = (r.runs ?? []).map(runOf);
    if (r.next_page_token && r.next_page_token === opts.pageToken) {
      // The caller would ask for the same page forever.
      throw pageLoop(this.http.shown + API + '/runs/search', `answered page token ${JSON.stringify(r.next_page_token.slice(0, 60))} with itself as the next one`);
    }
    return r.next_page_token ? { runs, nextPageToken: r.next_page_token } : { runs };
  }

  /** One `runs/search` request: the same body whether we follow pages or hand one page out. */
  private runsSearchCall(opts: SearchRunsOptions, maxResults: number, pageToken: string | undefined) {
    return this.call<{ runs?: RunJson[]; next_page_token?: string }>(
      'POST',
      '/runs/search',
      {
        experiment_ids: opts.experimentIds,
        filter: opts.filter || undefined,
        run_view_type: opts.viewType ?? 'ACTIVE_ONLY',
        max_results: maxResults,
        order_by: opts.orderBy,
        page_token: pageToken,
      },
      SHAPES.searchRuns,
      { maxItems: maxResults },
    );
  }

  async getRun(runId: string): Promise<Run> {
    const r = await this.call<{ run: RunJson }>('GET', '/runs/get', { run_id: runId }, SHAPES.run, { notFound: `run ${runId}` });
    return runOf(r.run);
  }

  async createRun(opts: CreateRunOptions): Promise<Run> {
    return this.guarded({ experimentId: opts.experimentId }, async () => {
      const r = await this.call<{ run: RunJson }>(
        'POST',
        '/runs/create',
        {
          experiment_id: opts.experimentId,
          run_name: opts.runName,
          // MlflowClient.create_run stamps the start time and the OS user when none is given.
          start_time: opts.startTime ?? Date.now(),
          user_id: opts.userId ?? currentUser(),
          tags: opts.tags ? tagList(opts.tags) : undefined,
        },
        SHAPES.run,
        { notFound: `experiment ${opts.experimentId}` },
      );
      return runOf(r.run);
    });
  }

  async updateRun(runId: string, opts: UpdateRunOptions): Promise<RunInfo> {
    return this.guarded({ runId }, async () => {
      const r = await this.call<{ run_info: RunInfoJson }>(
        'POST',
        '/runs/update',
        { run_id: runId, status: opts.status, end_time: opts.endTime, run_name: opts.runName },
        SHAPES.updateRun,
        { notFound: `run ${runId}` },
      );
      return runInfoOf(r.run_info);
    });
  }

  async deleteRun(runId: string): Promise<void> {
    return this.guarded({ runId }, async () => {
      await this.call('POST', '/runs/delete', { run_id: runId }, SHAPES.empty, { notFound: `run ${runId}` });
    });
  }

  async restoreRun(runId: string): Promise<void> {
    return this.guarded({ runId }, async () => {
      await this.call('POST', '/runs/restore', { run_id: runId }, SHAPES.empty, { notFound: `run ${runId}` });
    });
  }

  async logBatch(runId: string, batch: LogBatch): Promise<void> {
    return this.guarded({ runId }, async () => {
      const body = (c: { metrics: Metric[]; params: { key: string; value: string }[]; tags: { key: string; value: string }[] }) => ({
        run_id: runId,
        metrics: c.metrics.map(metricJson),
        params: c.params,
        tags: c.tags,
      });
      for (const c of splitBatch(batch, (c) => JSON.stringify(body(c)))) {
        await this.call('POST', '/runs/log-batch', body(c), SHAPES.empty, { notFound: `run ${runId}` });
      }
    });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    return this.guarded({ runId }, async () => {
      await this.call('POST', '/runs/delete-tag', { run_id: runId, key }, SHAPES.empty);
    });
  }

  getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    return this.paged(
      '/metrics/get-history',
      async (n, token) => {
        const r = await this.call<{ metrics?: MetricJson[]; next_page_token?: string }>(
          'GET',
          '/metrics/get-history',
          { run_id: runId, metric_key: key, max_results: n, page_token: token },
          SHAPES.metricHistory,
          // Servers before paged history (MLflow 1.x) send the whole history in one answer: bound
          // it by the call's item limit, not the page size.
          { notFound: `run ${runId}`, maxItems: this.http.maxItems },
        );
        return { items: r.metrics, next: r.next_page_token };
      },
      metricOf,
      PAGE.history,
    );
  }

  /** Server-sampled histories of several runs in one call (see historyBulk.ts for what the sampling loses). */
  metricHistoryBulkInterval(runIds: string[], key: string, maxResults: number, range?: { startStep: number; endStep: number }): Promise<BulkPoint[]> {
    return getMetricHistoryBulkInterval(this.http, runIds, key, maxResults, range);
  }

  // ---------------------------------------------------------------- artifacts

  /**
   * One folder's entries. Each must lie strictly inside the folder listed: a server that lists a
   * folder inside itself (or outside, or under `..`) would send a recursive download around
   * forever or out of its destination, so that is an error naming the URL.
   */
  async listArtifacts(runId: string, path?: string): Promise<ArtifactEntry[]> {
    if (path) checkArtifactPath(path, this.uri);
    const folder = (path ?? '').replace(/\/+$/, '');
    const where = this.http.shown + API + '/artifacts/list';
    return this.paged(
      '/artifacts/list',
      async (_n, token) => {
        const r = await this.call<{ files?: { path: string; is_dir?: boolean | null; file_size?: number | string | null }[]; next_page_token?: string }>(
          'GET',
          '/artifacts/list',
          { run_id: runId, path: path || undefined, page_token: token },
          SHAPES.listArtifacts,
          { notFound: `run ${runId}`, maxItems: this.http.maxItems },
        );
        return { items: r.files, next: r.next_page_token };
      },
      (f): ArtifactEntry => {
        checkListedPath(f.path, folder, where);
        return f.is_dir ? { path: f.path, isDir: true } : { path: f.path, isDir: false, fileSize: f.file_size === undefined || f.file_size === null ? undefined : Number(f.file_size) };
      },
      Infinity,
    );
  }

  async readArtifact(runId: string, path: string): Promise<Uint8Array> {
    checkArtifactPath(path, this.uri);
    // /get-artifact sits beside /api (under any static prefix) and resolves every artifact
    // location the server knows, including proxied mlflow-artifacts:/ roots.
    return this.http.operation(() => this.http.bytes('/get-artifact', { run_id: runId, path }, { notFound: `artifact '${path}' of run ${runId}` }));
  }

  // ---------------------------------------------------------------- logged models (MLflow 3)

  searchLoggedModels(opts: SearchLoggedModelsOptions): Promise<LoggedModel[]> {
    const experimentIds = [...new Set(opts.experimentIds)];
    if (experimentIds.length === 0) return Promise.resolve([]);
    return this.paged(
      '/logged-models/search',
      async (n, token) => {
        const r = await this.call<{ models?: LoggedModelJson[]; next_page_token?: string }>(
          'POST',
          '/logged-models/search',
          { experiment_ids: experimentIds, max_results: n, page_token: token },
          LOGGED_MODEL_SHAPES.search,
          { maxItems: n, endpointMissing: `server too old for MLflow 3 logged models (404 on ${API}/logged-models/search)` },
        );
        return { items: r.models, next: r.next_page_token };
      },
      loggedModelOf,
      PAGE.loggedModels,
      opts.maxResults,
    );
  }

  async getLoggedModel(modelId: string): Promise<LoggedModel> {
    const r = await this.call<{ model: LoggedModelJson }>('GET', `/logged-models/${encodeURIComponent(modelId)}`, {}, LOGGED_MODEL_SHAPES.one, { notFound: `logged model ${modelId}` });
    return loggedModelOf(r.model);
  }

  async setLoggedModelTag(modelId: string, key: string, value: string): Promise<void> {
    await this.call('PATCH', `/logged-models/${encodeURIComponent(modelId)}/tags`, { tags: [{ key, value }] }, SHAPES.empty, { notFound: `logged model ${modelId}` });
  }

  async readLoggedModelArtifact(modelId: string, path: string): Promise<Uint8Array> {
    checkArtifactPath(path, this.uri);
    // The web UI's own route: it resolves proxied (mlflow-artifacts:) model locations on the server.
    return this.http.operation(() =>
      this.http.bytes(`/ajax-api/2.0/mlflow/logged-models/${encodeURIComponent(modelId)}/artifacts/files`, { artifact_file_path: path }, { notFound: `artifact '${path}' of logged model ${modelId}` }),
    );
  }

  async readModelVersionArtifact(name: string, version: string, path: string): Promise<Uint8Array> {
    checkArtifactPath(path, this.uri);
    return this.http.operation(() => this.http.bytes('/model-versions/get-artifact', { name, version, path }, { notFound: `artifact '${path}' of ${name} version ${version}` }));
  }

  // ---------------------------------------------------------------- traces (extension/core/traces/restTraces.ts)

  private get traces(): RestTraces {
    return new RestTraces(this.http);
  }

  searchTraces(opts: SearchTracesOptions): Promise<TracesPage> {
    return this.traces.searchTraces(opts);
  }

  getTrace(traceId: string): Promise<Trace> {
    return this.traces.getTrace(traceId);
  }

  createFeedback(feedback: NewFeedback): Promise<Assessment> {
    return this.traces.createFeedback(feedback);
  }

  // ---------------------------------------------------------------- proxied artifacts (mlflow-artifacts:)

  /**
   * One folder under an `mlflow-artifacts:` URI (a model version's storage location, a logged
   * model's artifacts), through the server's proxy. Paths come back relative to `uri`.
   */
  async listArtifactsAt(uri: string, path?: string): Promise<ArtifactEntry[]> {
    const base = proxiedPath(uri, this.http.baseUrl);
    const folder = joinProxyPath('', path, uri);
    const where = this.http.shown + PROXY_ROOT;
    const r = await this.http.operation(() =>
      this.http.call<{ files?: { path: string; is_dir?: boolean | null; file_size?: number | string | null }[] }>(
        'GET',
        PROXY_ROOT,
        { path: joinProxyPath(base, folder, uri) || undefined },
        SHAPES.listArtifacts,
        { notFound: `'${uri}${folder ? '/' + folder : ''}'`, maxItems: this.http.maxItems },
      ),
    );
    return (r.files ?? []).map((f): ArtifactEntry => {
      const rel = (folder ? folder + '/' : '') + checkedListedName(f.path, folder, where);
      return f.is_dir ? { path: rel, isDir: true } : { path: rel, isDir: false, fileSize: f.file_size === undefined || f.file_size === null ? undefined : Number(f.file_size) };
    });
  }

  /** One file under an `mlflow-artifacts:` URI, in memory (bounded like readArtifact). */
  async readArtifactAt(uri: string, path: string): Promise<Uint8Array> {
    const full = joinProxyPath(proxiedPath(uri, this.http.baseUrl), path, uri);
    return this.http.operation(() => this.http.bytes(proxyRequestPath(full), {}, { notFound: `'${uri}/${path}'` }));
  }

  /**
   * Uploads one file to `path` under an `mlflow-artifacts:` URI with the proxy's PUT, which streams
   * into the server's artifact destination: the client needs no storage credentials, and the
   * proxy takes any size in one request (its multipart endpoints serve clients that upload
   * straight to cloud storage).
   */
  async uploadArtifactAt(uri: string, path: string, bytes: Uint8Array): Promise<void> {
    const full = joinProxyPath(proxiedPath(uri, this.http.baseUrl), path, uri);
    if (!path || full.endsWith('/')) throw new StoreError('INVALID_PARAMETER_VALUE', `Upload to '${uri}' needs a file name`, uri);
    return this.http.operation(() => this.http.put(proxyRequestPath(full), bytes));
  }

  /** Where a version's files are (MLflow's get-download-uri): often `mlflow-artifacts:/…` on a team server. */
  async getModelVersionDownloadUri(name: string, version: string): Promise<string> {
    const r = await this.call<{ artifact_uri?: string }>('GET', '/model-versions/get-download-uri', { name, version }, SHAPES.downloadUri, {
      notFound: `version ${version} of model '${name}'`,
    });
    if (!r.artifact_uri) throw new StoreError('CORRUPT_DATA', `${this.http.shown}: no artifact_uri for version ${version} of model '${name}'`, this.http.shown);
    return r.artifact_uri;
  }

  // ---------------------------------------------------------------- registry

  searchRegisteredModels(opts: SearchModelsOptions = {}): Promise<RegisteredModel[]> {
    return this.paged(
      '/registered-models/search',
      async (n, token) => {
        const r = await this.call<{ registered_models?: RegisteredModelJson[]; next_page_token?: string }>(
          'GET',
          '/registered-models/search',
          { filter: opts.filter || undefined, max_results: n, order_by: opts.orderBy, page_token: token },
          SHAPES.searchRegisteredModels,
          { maxItems: n },
        );
        return { items: r.registered_models, next: r.next_page_token };
      },
      registeredModelOf,
      PAGE.models,
      opts.maxResults,
    );
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    const r = await this.call<{ registered_model: RegisteredModelJson }>('GET', '/registered-models/get', { name }, SHAPES.registeredModel, { notFound: `registered model '${name}'` });
    return registeredModelOf(r.registered_model);
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    const r = await this.call<{ model_version: ModelVersionJson }>('GET', '/registered-models/alias', { name, alias }, SHAPES.modelVersion, aliasCtx(name, alias));
    return modelVersionOf(r.model_version);
  }

  searchModelVersions(opts: SearchModelsOptions = {}): Promise<ModelVersion[]> {
    return this.http.operation(() => this.searchModelVersionsWithAliases(opts));
  }

  private async searchModelVersionsWithAliases(opts: SearchModelsOptions): Promise<ModelVersion[]> {
    const versions = await this.paged(
      '/model-versions/search',
      async (n, token) => {
        const r = await this.call<{ model_versions?: ModelVersionJson[]; next_page_token?: string }>(
          'GET',
          '/model-versions/search',
          { filter: opts.filter || undefined, max_results: n, order_by: opts.orderBy, page_token: token },
          SHAPES.searchModelVersions,
          { maxItems: n },
        );
        return { items: r.model_versions, next: r.next_page_token };
      },
      modelVersionOf,
      PAGE.versions,
      opts.maxResults,
    );
    // MLflow's SQL store leaves aliases out of search results (get_model_version has them); the
    // registered models carry them, so versions look the same whichever backend the server has.
    if (versions.length > 0 && versions.every((v) => v.aliases.length === 0)) {
      const byModel = new Map<string, Record<string, string>>();
      for (const m of await this.searchRegisteredModels()) byModel.set(m.name, m.aliases);
      for (const v of versions) {
        v.aliases = Object.entries(byModel.get(v.name) ?? {})
          .filter(([, ver]) => ver === v.version)
          .map(([alias]) => alias);
      }
    }
    return versions;
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    const r = await this.call<{ model_version: ModelVersionJson }>('GET', '/model-versions/get', { name, version }, SHAPES.modelVersion, { notFound: `version ${version} of model '${name}'` });
    return modelVersionOf(r.model_version);
  }

  async createRegisteredModel(name: string, opts: { description?: string; tags?: Record<string, string> } = {}): Promise<RegisteredModel> {
    const r = await this.call<{ registered_model: RegisteredModelJson }>(
      'POST',
      '/registered-models/create',
      { name, description: opts.description, tags: opts.tags ? tagList(opts.tags) : undefined },
      SHAPES.registeredModel,
    );
    return registeredModelOf(r.registered_model);
  }

  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    const r = await this.call<{ registered_model: RegisteredModelJson }>('POST', '/registered-models/rename', { name, new_name: newName }, SHAPES.registeredModel, { notFound: `registered model '${name}'` });
    return registeredModelOf(r.registered_model);
  }

  async updateRegisteredModel(name: string, description: string): Promise<RegisteredModel> {
    const r = await this.call<{ registered_model: RegisteredModelJson }>('PATCH', '/registered-models/update', { name, description }, SHAPES.registeredModel, { notFound: `registered model '${name}'` });
    return registeredModelOf(r.registered_model);
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    await this.call('DELETE', '/registered-models/delete', { name }, SHAPES.empty, { notFound: `registered model '${name}'` });
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    await this.call('POST', '/registered-models/set-tag', { name, key, value }, SHAPES.empty, { notFound: `registered model '${name}'` });
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await this.call('DELETE', '/registered-models/delete-tag', { name, key }, SHAPES.empty);
  }

  async setRegisteredModelAlias(name: string, alias: string, version: string): Promise<void> {
    await this.call('POST', '/registered-models/alias', { name, alias, version }, SHAPES.empty, aliasCtx(name, alias));
  }

  async deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    await this.call('DELETE', '/registered-models/alias', { name, alias }, SHAPES.empty, aliasCtx(name, alias));
  }

  async createModelVersion(name: string, opts: CreateModelVersionOptions): Promise<ModelVersion> {
    const r = await this.call<{ model_version: ModelVersionJson }>(
      'POST',
      '/model-versions/create',
      {
        name,
        source: opts.source,
        run_id: opts.runId,
        run_link: opts.runLink,
        description: opts.description,
        tags: opts.tags ? tagList(opts.tags) : undefined,
        model_id: opts.modelId,
      },
      SHAPES.modelVersion,
      { notFound: `registered model '${name}'` },
    );
    return modelVersionOf(r.model_version);
  }

  async updateModelVersion(name: string, version: string, description: string): Promise<ModelVersion> {
    const r = await this.call<{ model_version: ModelVersionJson }>('PATCH', '/model-versions/update', { name, version, description }, SHAPES.modelVersion, { notFound: `version ${version} of model '${name}'` });
    return modelVersionOf(r.model_version);
  }

  async deleteModelVersion(name: string, version: string): Promise<void> {
    await this.call('DELETE', '/model-versions/delete', { name, version }, SHAPES.empty, { notFound: `version ${version} of model '${name}'` });
  }

  async transitionModelVersionStage(name: string, version: string, stage: ModelStage, archiveExisting: boolean): Promise<ModelVersion> {
    const r = await this.call<{ model_version: ModelVersionJson }>(
      'POST',
      '/model-versions/transition-stage',
      { name, version, stage, archive_existing_versions: archiveExisting },
      SHAPES.modelVersion,
      { notFound: `version ${version} of model '${name}'` },
    );
    return modelVersionOf(r.model_version);
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.call('POST', '/model-versions/set-tag', { name, version, key, value }, SHAPES.empty, { notFound: `version ${version} of model '${name}'` });
  }

  async deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    await this.call('DELETE', '/model-versions/delete-tag', { name, version, key }, SHAPES.empty);
  }
}

function aliasCtx(name: string, alias: string): RequestContext {
  return {
    notFound: `alias '${alias}' of model '${name}'`,
    endpointMissing: `server too old for aliases (404 on ${API}/registered-models/alias)`,
  };
}

/** Time for the first contact in `connect`. */
const CONNECT_TIMEOUT_MS = 30_000;
/** Pages in a row that may come empty yet carry a next token before that counts as a loop. */
const MAX_EMPTY_PAGES = 20;
/** Longer artifact paths than any file system takes mean a server nesting folders forever. */
const MAX_ARTIFACT_PATH = 4096;

function pageLoop(where: string, what: string): StoreError {
  return new StoreError('CORRUPT_DATA', `${where}: page-token loop: the server ${what}`, where);
}

function checkListedPath(p: string, folder: string, where: string): void {
  const bad = (why: string) => {
    throw new StoreError('CORRUPT_DATA', `${where}: listing '${folder}' returned '${p.slice(0, 200)}', which ${why}`, where);
  };
  if (p === '' || p.startsWith('/') || p.includes('\0') || p.split('/').some((s) => s === '..' || s === '.' || s === '')) bad('is not a valid artifact path');
  if (p.length > MAX_ARTIFACT_PATH) bad(`is longer than ${MAX_ARTIFACT_PATH} characters`);
  if (p === folder) bad('is the folder itself (a folder that lists itself never ends)');
  if (folder && !p.startsWith(folder + '/')) bad('is not inside it');
}

/** The server refuses these too, but a local check gives the same message as the local stores. */
function checkArtifactPath(path: string, where: string): void {
  if (path.startsWith('/') || path.split(/[\\/]/).some((p) => p === '..') || path.includes('\0')) {
    throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid artifact path: '${path}'`, where);
  }
}
