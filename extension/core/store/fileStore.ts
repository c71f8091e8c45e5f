import { promises as fsp, readdirSync, statSync, type Dirent } from 'node:fs';
import { join, sep } from 'node:path';
import { MetricLineError, parseLatestMetric } from '../format/metricFile';
import { parseFlatYaml } from '../format/flatYaml';
import { asNumber, asString, isRecord, parseMlflowYaml } from '../format/mlflowYaml';
import type {
  ArtifactEntry,
  Experiment,
  LifecycleStage,
  LoggedModel,
  Metric,
  ModelVersion,
  RegisteredModel,
  Run,
  RunInfo,
  RunStatus,
  ViewType,
} from '../model/entities';
import { TAG } from '../model/entities';
import { StoreError, type ProblemSink } from './errors';
import { danglingLink, isMissing, listDirIfExists, listDirOrReport, listKeyFiles, mapLimit, readKeyValueTree, readTextIfExists, specialKind, statFast } from './fileTree';
import { readLatestMetric, readMetricHistoryFile } from './metricFileRead';
import { ABSENT, NOT_READ, StatCache } from './statCache';
import { MAX_METRIC_FILE_BYTES, notRegularFile } from './boundedRead';
import { listLocalArtifacts, localArtifactRoot, readLocalArtifact, streamLocalArtifact } from './localArtifacts';
import { sortRegisteredModels, sortModelVersions, applyExperimentSearch, applyModelSearch, applyVersionSearch } from './searchLocal';
import { readExperimentLoggedModels, readLoggedModelDir } from './loggedModelFiles';
import { sortLoggedModels } from './loggedModels';
import { readLocalModelVersionFile } from './modelVersionFiles';
import type { RunsPage, SearchLoggedModelsOptions, StoreCapabilities, SearchExperimentsOptions, SearchModelsOptions, SearchRunsOptions, SearchRunsPageOptions } from './trackingStore';
import { checkMaxResults, decodePageToken, encodePageToken } from './paging';
import { planRunSearch, runComparator, runMatches, type RunSearchPlan } from '../filter';
import { FileTraces } from '../traces/fileTraces';
import type { SearchTracesOptions, Trace, TracesPage } from '../traces/entities';

/**
 * Read side of MLflow's legacy `mlruns/` file store, following the layout the Python library writes
 * (see docs/file-store-format.md). Every unreadable item is reported to `onProblem` with its path and
 * skipped, so one corrupt run never hides the rest of the store.
 */

/** Folder names at the store root that are never experiments. */
const RESERVED_ROOT = new Set(['.trash', 'models']);
/** Folder names inside an experiment that are never runs. */
const RESERVED_IN_EXPERIMENT = new Set(['tags', 'datasets', 'traces', 'models']);
/** StatCache tags: parsed run meta.yaml documents, and whole files as text (StatCache.text). */
const META_TAG = 'yaml';
const TEXT_TAG = 'utf8';
/** Runs checked synchronously between two turns of the event loop when a search scans cached runs. */
const SYNC_SLICE = 1000;
/** Runs of a page read whole (about 35 small files each) between two turns of the event loop. */
const SYNC_PAGE_SLICE = 25;
/**
 * Metric files up to this size are read synchronously for a page's latest values (100 steps take
 * about 4 KB); a longer history is read by the async, chunked path so it does not hold the thread.
 */
const SYNC_METRIC_BYTES = 256 * 1024;
const SLOW = Symbol('slow');
/** A folder listing is remembered only when the folder's mtime is at least this old (see experimentRunDirs). */
const RACY_MS = 2000;
const utf8 = (b: Buffer): string => b.toString('utf8');

function inView(info: RunInfo, viewType: ViewType): boolean {
  return viewType === 'ALL' || (viewType === 'ACTIVE_ONLY') === (info.lifecycleStage === 'active');
}

/**
 * A run meta.yaml as the cache keeps it. `info` is the RunInfo made from it once (frozen, shared by
 * searches; only valid ones are kept): a field here, not a WeakMap, which would cost every garbage
 * collection an ephemeron pass over ten thousand entries.
 */
type ParsedMeta = { meta?: unknown; error?: string; info?: RunInfo };

function parseMeta(buf: Buffer): ParsedMeta {
  try {
    const text = buf.toString('utf8');
    return { meta: parseFlatYaml(text) ?? parseMlflowYaml(text) };
  } catch (e) {
    return { error: errText(e) };
  }
}

const STATUS_BY_NUMBER: Record<number, RunStatus> = { 1: 'RUNNING', 2: 'SCHEDULED', 3: 'FINISHED', 4: 'FAILED', 5: 'KILLED' };
const IO_CONCURRENCY = 64;

const FILE_READER_CAPABILITIES: StoreCapabilities = Object.freeze({
  trackingRead: true,
  trackingWrite: false,
  registryRead: true,
  registryWrite: false,
  artifacts: true,
  traces: true,
  traceFeedback: false,
  runPaging: 'lazy',
  historyBulkInterval: false,
  loggedModels: true,
});

export interface FileStoreOptions {
  onProblem?: ProblemSink;
}

interface RunCandidate {
  id: string;
  path: string;
  experimentId: string;
}

/** A run a search selected, as far as the search read it, and its folder. */
interface Selected {
  run: Run;
  path: string;
}

interface ExperimentDir {
  id: string;
  path: string;
  inTrash: boolean;
}

export class FileStoreReader {
  readonly kind = 'file' as const;
  readonly capabilities: StoreCapabilities = FILE_READER_CAPABILITIES;
  readonly uri: string;
  protected readonly onProblem: ProblemSink;
  /** run id -> experiment folder; run folders never move, so this stays valid until a delete. */
  private readonly runLocation = new Map<string, string>();
  /** Parsed run files (meta.yaml, params, tags, latest metrics), reused while a file's stat is unchanged. */
  private readonly statCache = new StatCache();
  /** Run folders per experiment folder, with the folder's stat when they were listed (experimentRunDirs). */
  private readonly runDirCache = new Map<string, { size: number; mtimeMs: number; ino: number; candidates: readonly RunCandidate[] }>();

  constructor(
    readonly root: string,
    opts: FileStoreOptions = {},
  ) {
    this.uri = 'file://' + root.split(sep).join('/');
    this.onProblem = opts.onProblem ?? (() => undefined);
  }

  protected problem(location: string, message: string): void {
    this.onProblem({ location, message });
  }

  // ---------------------------------------------------------------- experiments

  protected async experimentDirs(viewType: ViewType = 'ALL'): Promise<ExperimentDir[]> {
    const out: ExperimentDir[] = [];
    const rootEntries = await listDirIfExists(this.root);
    if (rootEntries.length === 0) {
      try {
        await fsp.access(this.root);
      } catch {
        throw new StoreError('RESOURCE_DOES_NOT_EXIST', `MLflow store folder not found: ${this.root}`, this.root);
      }
    }
    if (viewType !== 'DELETED_ONLY') {
      for (const d of rootEntries) {
        if (d.isDirectory() && !RESERVED_ROOT.has(d.name)) out.push({ id: d.name, path: join(this.root, d.name), inTrash: false });
      }
    }
    if (viewType !== 'ACTIVE_ONLY') {
      const trash = join(this.root, '.trash');
      for (const d of await listDirOrReport(trash, (p, e) => this.problem(p, `cannot list deleted experiments: ${errText(e)}`))) {
        if (d.isDirectory()) out.push({ id: d.name, path: join(trash, d.name), inTrash: true });
      }
    }
    return out;
  }

  protected async readExperiment(dir: ExperimentDir): Promise<Experiment | undefined> {
    const metaPath = join(dir.path, 'meta.yaml');
    let text: string | undefined;
    try {
      text = await readTextIfExists(metaPath);
    } catch (e) {
      this.problem(metaPath, `cannot read experiment metadata: ${errText(e)}`);
      return undefined;
    }
    if (text === undefined) {
      // MLflow ignores experiment folders without meta.yaml the same way.
      if (/^\d+$/.test(dir.id)) this.problem(metaPath, 'experiment folder has no meta.yaml; skipped');
      return undefined;
    }
    let meta: unknown;
    try {
      meta = parseMlflowYaml(text);
    } catch (e) {
      this.problem(metaPath, `invalid YAML: ${errText(e)}`);
      return undefined;
    }
    if (!isRecord(meta)) {
      this.problem(metaPath, 'experiment meta.yaml is empty or not a mapping; skipped');
      return undefined;
    }
    const id = asString(meta.experiment_id);
    const name = asString(meta.name);
    if (id === undefined || name === undefined) {
      this.problem(metaPath, 'experiment meta.yaml lacks experiment_id or name; skipped');
      return undefined;
    }
    if (id !== dir.id) {
      this.problem(metaPath, `experiment_id '${id}' does not match its folder '${dir.id}'; skipped`);
      return undefined;
    }
    const tags = await readKeyValueTree(join(dir.path, 'tags'), (p, e) => this.problem(p, `cannot read tag: ${errText(e)}`));
    const stage = asString(meta.lifecycle_stage) === 'deleted' || dir.inTrash ? 'deleted' : 'active';
    return {
      experimentId: id,
      name,
      artifactLocation: asString(meta.artifact_location) ?? '',
      lifecycleStage: stage,
      creationTime: asNumber(meta.creation_time),
      lastUpdateTime: asNumber(meta.last_update_time),
      tags,
    };
  }

  async searchExperiments(opts: SearchExperimentsOptions = {}): Promise<Experiment[]> {
    const viewType = opts.viewType ?? 'ACTIVE_ONLY';
    const dirs = await this.experimentDirs(viewType);
    const exps = (await mapLimit(dirs, IO_CONCURRENCY, (d) => this.readExperiment(d))).filter((e): e is Experiment => !!e);
    const byStage = exps.filter((e) => viewType === 'ALL' || (viewType === 'ACTIVE_ONLY' ? e.lifecycleStage === 'active' : e.lifecycleStage === 'deleted'));
    return applyExperimentSearch(byStage, opts);
  }

  protected async findExperimentDir(experimentId: string): Promise<ExperimentDir | undefined> {
    if (!isSafeName(experimentId)) return undefined;
    for (const [path, inTrash] of [
      [join(this.root, experimentId), false],
      [join(this.root, '.trash', experimentId), true],
    ] as const) {
      try {
        if ((await fsp.stat(path)).isDirectory()) return { id: experimentId, path, inTrash };
      } catch (e) {
        if (!isMissing(e)) throw e;
      }
    }
    return undefined;
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const dir = await this.findExperimentDir(experimentId);
    const exp = dir && (await this.readExperiment(dir));
    if (!exp) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Could not find experiment with ID ${experimentId}`, this.root);
    return exp;
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    const all = await this.searchExperiments({ viewType: 'ALL' });
    return all.find((e) => e.name === name);
  }

  // ---------------------------------------------------------------- runs

  protected async runDirs(exp: ExperimentDir): Promise<{ id: string; path: string }[]> {
    return (await this.listRunDirs(exp)).dirs;
  }

  /** runDirs, and whether listing the folder failed (that was reported). */
  private async listRunDirs(exp: ExperimentDir): Promise<{ dirs: { id: string; path: string }[]; failed: boolean }> {
    let failed = false;
    const entries = await listDirOrReport(exp.path, (p, e) => {
      failed = true;
      this.problem(p, `cannot list the runs of experiment ${exp.id}: ${errText(e)}`);
    });
    const dirs = entries.filter((d) => d.isDirectory() && !RESERVED_IN_EXPERIMENT.has(d.name)).map((d) => ({ id: d.name, path: exp.path + sep + d.name }));
    return { dirs, failed };
  }

  protected async readRunInfo(runPath: string, runId: string, experimentId: string): Promise<RunInfo | undefined> {
    const metaPath = join(runPath, 'meta.yaml');
    let parsed: ParsedMeta;
    try {
      // The parsed document is shared through the cache and only read here.
      parsed = await this.statCache.get(metaPath, META_TAG, parseMeta);
    } catch (e) {
      if (isMissing(e)) {
        this.problem(runPath, 'run folder has no meta.yaml (half-written or not a run); skipped');
      } else {
        this.problem(metaPath, `cannot read run metadata: ${errText(e)}`);
      }
      return undefined;
    }
    return this.runInfoFromMeta(parsed, runPath, runId, experimentId);
  }

  /** RunInfo from a parsed run meta.yaml, or undefined (reported) when it does not describe this run. */
  protected runInfoFromMeta(parsed: ParsedMeta, runPath: string, runId: string, experimentId: string): RunInfo | undefined {
    // Only the problems name it: not worked out for each of ten thousand valid runs.
    const metaPath = () => join(runPath, 'meta.yaml');
    if (parsed.error !== undefined) {
      this.problem(metaPath(), `invalid YAML: ${parsed.error}`);
      return undefined;
    }
    const meta = parsed.meta;
    if (!isRecord(meta)) {
      this.problem(metaPath(), 'run meta.yaml is empty or not a mapping; skipped');
      return undefined;
    }
    const id = asString(meta.run_id) ?? asString(meta.run_uuid);
    if (id !== runId) {
      this.problem(metaPath(), `run_id '${id ?? ''}' does not match its folder '${runId}'; skipped`);
      return undefined;
    }
    const expId = asString(meta.experiment_id);
    if (expId !== experimentId) {
      this.problem(metaPath(), `experiment_id '${expId ?? ''}' does not match its folder '${experimentId}'; skipped`);
      return undefined;
    }
    return {
      runId: id,
      experimentId,
      runName: asString(meta.run_name) ?? '',
      status: statusFromMeta(meta.status),
      startTime: asNumber(meta.start_time) ?? null,
      endTime: asNumber(meta.end_time) ?? null,
      lifecycleStage: (asString(meta.lifecycle_stage) === 'deleted' ? 'deleted' : 'active') as LifecycleStage,
      artifactUri: asString(meta.artifact_uri) ?? '',
      userId: asString(meta.user_id) ?? 'unknown',
      deletedTime: asNumber(meta.deleted_time) ?? null,
    };
  }

  protected async readRunData(runPath: string): Promise<Run['data']> {
    const report = (p: string, e: unknown) => this.problem(p, `cannot read: ${errText(e)}`);
    const read = (p: string) => this.statCache.text(p);
    const [params, tags, metrics] = await Promise.all([
      readKeyValueTree(join(runPath, 'params'), report, read),
      readKeyValueTree(join(runPath, 'tags'), report, read),
      this.readLatestMetrics(join(runPath, 'metrics')),
    ]);
    return { params, tags, metrics };
  }

  protected async readLatestMetrics(dir: string): Promise<Record<string, Metric>> {
    const out: Record<string, Metric> = {};
    const files = await listKeyFiles(dir, (p, e) => this.problem(p, `metric not read: ${errText(e)}`));
    await Promise.all(
      files.map(async ({ key, path, isLink }) => {
        try {
          const m = await this.latestMetric(key, path);
          if (m) out[key] = m;
        } catch (e) {
          if (!isMissing(e)) this.problem(path, `metric '${key}' skipped: ${errText(e)}`);
          else if (isLink) this.problem(path, `metric '${key}' skipped: ${errText(danglingLink())}`);
        }
      }),
    );
    return out;
  }

  /** The latest point of one metric file; a frozen copy is cached, callers get their own object. */
  protected async latestMetric(key: string, path: string): Promise<Metric | undefined> {
    const m = await this.statCache.load(path, `latest:${key}`, async (p, size) => {
      const { value, bytes } = await readLatestMetric(p, key, undefined, size);
      return { value: value && Object.freeze(value), bytes };
    });
    return m && { ...m };
  }

  protected async readRun(runPath: string, runId: string, experimentId: string): Promise<Run | undefined> {
    const info = await this.readRunInfo(runPath, runId, experimentId);
    if (!info) return undefined;
    const data = await this.readRunData(runPath);
    // Older writers left run_name empty and kept the name only in the tag.
    if (!info.runName && data.tags[TAG.runName]) info.runName = data.tags[TAG.runName];
    this.runLocation.set(runId, runPath);
    return { info, data };
  }

  /** Run folders of the experiments, in listing order; an experiment that does not exist is an error. */
  protected async runCandidates(experimentIds: readonly string[]): Promise<readonly RunCandidate[]> {
    const lists: (readonly RunCandidate[])[] = [];
    for (const expId of experimentIds) {
      const dir = await this.findExperimentDir(expId);
      if (!dir) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Could not find experiment with ID ${expId}`, this.root);
      lists.push(await this.experimentRunDirs(dir));
    }
    return lists.length === 1 ? lists[0] : lists.flat();
  }

  /**
   * The run folders of one experiment, remembered while the experiment folder's stat is unchanged:
   * adding, removing or renaming a run folder changes the folder's mtime. A listing is remembered only
   * when that mtime is older than RACY_MS, so a change in the same tick of a coarse clock as the
   * stat cannot hide behind an unchanged mtime (the "racy" case of git's index).
   */
  private async experimentRunDirs(dir: ExperimentDir): Promise<readonly RunCandidate[]> {
    const st = statSync(dir.path, { throwIfNoEntry: false });
    const hit = this.runDirCache.get(dir.path);
    if (st && hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs && hit.ino === st.ino) return hit.candidates;
    const { dirs, failed } = await this.listRunDirs(dir);
    const candidates: readonly RunCandidate[] = Object.freeze(dirs.map((r) => Object.freeze({ ...r, experimentId: dir.id })));
    // A failed listing is not remembered: it is reported again on the next search, as before.
    if (!failed && st?.isDirectory() && Date.now() - st.mtimeMs > RACY_MS) {
      this.runDirCache.set(dir.path, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, candidates });
    } else {
      this.runDirCache.delete(dir.path);
    }
    return candidates;
  }

  /** One param or tag file, or undefined when the run lacks that key (a key that is a folder is lacking too). */
  protected async readKeyFile(dir: string, key: string): Promise<string | undefined> {
    if (!isSafeKey(key)) return undefined;
    const path = join(dir, ...key.split('/'));
    try {
      return await this.statCache.text(path);
    } catch (e) {
      if (!isAbsentFile(e)) this.problem(path, `cannot read: ${errText(e)}`);
      else await this.statCache.rememberAbsent(path);
      return undefined;
    }
  }

  /** Only the params, tags and latest metrics a search names, for one run. */
  protected async readRunKeys(runPath: string, plan: RunSearchPlan): Promise<Run['data']> {
    const data: Run['data'] = { params: {}, tags: {}, metrics: {} };
    const jobs: Promise<void>[] = [];
    for (const key of plan.params) {
      jobs.push(this.readKeyFile(join(runPath, 'params'), key).then((v) => void (v !== undefined && (data.params[key] = v))));
    }
    for (const key of plan.tags) {
      jobs.push(this.readKeyFile(join(runPath, 'tags'), key).then((v) => void (v !== undefined && (data.tags[key] = v))));
    }
    for (const key of plan.metrics) {
      if (!isSafeKey(key)) continue;
      const path = join(runPath, 'metrics', ...key.split('/'));
      jobs.push(
        this.latestMetric(key, path).then(
          (m) => void (m && (data.metrics[key] = m)),
          async (e) => {
            if (!isAbsentFile(e)) this.problem(path, `metric '${key}' skipped: ${errText(e)}`);
            else await this.statCache.rememberAbsent(path);
          },
        ),
      );
    }
    await Promise.all(jobs);
    return data;
  }

  /**
   * Every run the search selects, in MLflow's order (filter first, then order_by, then start_time
   * DESC and run id), each holding only meta.yaml and the keys the search names. Reading just that
   * for every run, and whole runs only for the page returned, keeps the first page of a large
   * experiment from costing the whole experiment.
   */
  protected async selectRuns(opts: Omit<SearchRunsOptions, 'maxResults'>, plan: RunSearchPlan): Promise<Selected[]> {
    const viewType = opts.viewType ?? 'ACTIVE_ONLY';
    const candidates = await this.runCandidates(opts.experimentIds);
    const keys = planKeyPaths(plan);
    const selected: Selected[] = [];
    const slow: RunCandidate[] = [];
    // Runs whose files are all remembered and unchanged are checked with synchronous stats, in
    // slices so the event loop keeps turning; the others take the async path, which reads and reports.
    for (let i = 0; i < candidates.length; i += SYNC_SLICE) {
      const end = Math.min(i + SYNC_SLICE, candidates.length);
      for (let j = i; j < end; j++) {
        const c = candidates[j];
        let r = this.peekRun(c, plan, viewType, keys);
        // Not remembered yet (a first search): small metadata files are read synchronously, in
        // these slices, which costs a fraction of the async path; metric files stay async.
        if (r === SLOW && plan.metrics.size === 0) r = this.readSelectionSync(c, plan, viewType, keys);
        if (r === SLOW) slow.push(c);
        else if (r) selected.push(r);
      }
      if (i + SYNC_SLICE < candidates.length) await new Promise((resolve) => setImmediate(resolve));
    }
    for (const r of await mapLimit(slow, IO_CONCURRENCY, (c) => this.readSelection(c, plan, viewType))) if (r) selected.push(r);
    const cmp = runComparator(plan.order);
    return selected.sort((a, b) => cmp(a.run, b.run));
  }

  /** One run as far as the search needs it, if it matches; read through the cache. */
  protected async readSelection(c: RunCandidate, plan: RunSearchPlan, viewType: ViewType): Promise<Selected | undefined> {
    const info = await this.readRunInfo(c.path, c.id, c.experimentId);
    if (!info || !inView(info, viewType)) return undefined;
    const data = await this.readRunKeys(c.path, plan);
    return this.matchSelection(info, data, c.path, plan);
  }

  /**
   * readSelection with synchronous reads of meta.yaml and the named params and tags (no metrics);
   * reports problems as the async path does. SLOW for what it does not handle (unsafe keys).
   */
  protected readSelectionSync(c: RunCandidate, plan: RunSearchPlan, viewType: ViewType, keys = planKeyPaths(plan)): Selected | undefined | typeof SLOW {
    const metaPath = c.path + sep + 'meta.yaml';
    let parsed: ParsedMeta;
    try {
      parsed = this.statCache.getSync(metaPath, META_TAG, parseMeta);
    } catch (e) {
      if (isMissing(e)) this.problem(c.path, 'run folder has no meta.yaml (half-written or not a run); skipped');
      else this.problem(metaPath, `cannot read run metadata: ${errText(e)}`);
      return undefined;
    }
    const info = this.rememberedInfo(parsed, c);
    if (!info || !inView(info, viewType)) return undefined;
    if (keys.unsafe) return SLOW;
    if (keys.none) return this.matchSelection(info, EMPTY_DATA, c.path, plan);
    const data: Run['data'] = { params: {}, tags: {}, metrics: {} };
    for (const k of keys.text) {
      const path = c.path + k.rel;
      try {
        const v = this.statCache.getSyncIfExists(path, TEXT_TAG, utf8);
        if (v !== ABSENT) data[k.kind][k.key] = v;
        else this.statCache.rememberAbsentSync(path, c.path + k.relDir);
      } catch (e) {
        if (!isAbsentFile(e)) this.problem(path, `cannot read: ${errText(e)}`);
        else this.statCache.rememberAbsentSync(path, c.path + k.relDir);
      }
    }
    return this.matchSelection(info, data, c.path, plan);
  }

  /** The RunInfo of a parsed meta.yaml, made once per parse; invalid ones are not remembered, so they are reported on every search, as on the slow path. */
  private rememberedInfo(parsed: ParsedMeta, c: RunCandidate): RunInfo | undefined {
    let info = parsed.info;
    if (!info) {
      const fresh = this.runInfoFromMeta(parsed, c.path, c.id, c.experimentId);
      if (!fresh) return undefined;
      info = Object.freeze(fresh);
      parsed.info = info;
    }
    return info;
  }

  /** readSelection from remembered files only; SLOW when any file is not remembered or has changed. */
  protected peekRun(c: RunCandidate, plan: RunSearchPlan, viewType: ViewType, keys = planKeyPaths(plan)): Selected | undefined | typeof SLOW {
    const parsed = this.statCache.peekSync<ParsedMeta>(c.path + sep + 'meta.yaml', META_TAG);
    if (!parsed) return SLOW;
    const info = this.rememberedInfo(parsed, c);
    if (!info || !inView(info, viewType)) return undefined;
    if (keys.unsafe) return SLOW;
    if (keys.none) return this.matchSelection(info, EMPTY_DATA, c.path, plan);
    const data: Run['data'] = { params: {}, tags: {}, metrics: {} };
    // A key file found missing before, in an unchanged folder, is still missing: the run lacks the key.
    for (const k of keys.text) {
      const path = c.path + k.rel;
      const v = this.statCache.peekSync<string>(path, TEXT_TAG);
      if (v !== undefined) data[k.kind][k.key] = v;
      else if (!this.statCache.peekAbsentSync(path, c.path + k.relDir)) return SLOW;
    }
    for (const k of keys.metrics) {
      const path = c.path + k.rel;
      const m = this.statCache.peekSync<Metric | undefined>(path, k.tag);
      if (m !== undefined) data.metrics[k.key] = { ...m };
      else if (!this.statCache.peekAbsentSync(path, c.path + k.relDir)) return SLOW;
    }
    return this.matchSelection(info, data, c.path, plan);
  }

  /**
   * readRunData from remembered files only, with synchronous listings and stats (a page of cached
   * runs then costs a few milliseconds, not thousands of thread-pool round trips); undefined as soon
   * as one file is not remembered or has changed, and the caller reads asynchronously.
   */
  protected peekRunData(runPath: string): Run['data'] | undefined {
    const params = this.peekTree<string>(runPath + sep + 'params', () => TEXT_TAG);
    const tags = params && this.peekTree<string>(runPath + sep + 'tags', () => TEXT_TAG);
    const latest = tags && this.peekTree<Metric>(runPath + sep + 'metrics', (key) => `latest:${key}`);
    if (!params || !tags || !latest) return undefined;
    const metrics: Record<string, Metric> = {};
    for (const [k, m] of Object.entries(latest)) metrics[k] = { ...m };
    return { params, tags, metrics };
  }

  /** A one-file-per-key folder (keys with `/` are nested folders) from the cache; a missing folder is empty. */
  private peekTree<T>(dir: string, tagOf: (key: string) => string): Record<string, T> | undefined {
    const out: Record<string, T> = {};
    const walk = (abs: string, prefix: string): boolean => {
      let entries: Dirent[];
      try {
        entries = readdirSync(abs, { withFileTypes: true });
      } catch (e) {
        return isAbsentFile(e);
      }
      for (const d of entries) {
        const key = prefix ? `${prefix}/${d.name}` : d.name;
        const path = abs + sep + d.name;
        if (d.isDirectory()) {
          if (!walk(path, key)) return false;
          continue;
        }
        const v = this.statCache.peekSync<T>(path, tagOf(key));
        if (v === undefined) return false;
        out[key] = v;
      }
      return true;
    };
    return walk(dir, '') ? out : undefined;
  }

  private matchSelection(info: RunInfo, data: Run['data'], path: string, plan: RunSearchPlan): Selected | undefined {
    if (plan.usesRunName && !info.runName && data.tags[TAG.runName]) info = { ...info, runName: data.tags[TAG.runName] };
    const run = { info, data };
    return runMatches(run, plan.clauses) ? { run, path } : undefined;
  }

  /**
   * Whole runs for selected ones; a run folder removed since it was selected is skipped and reported.
   * Runs whose files are remembered, or small, are read with synchronous calls in slices of
   * SYNC_PAGE_SLICE runs (a page is some 3,500 small files: a thread-pool round trip and a promise
   * for each of open, stat, read and close cost several times the reads); the rest asynchronously.
   */
  protected async completeRuns(selected: readonly Selected[]): Promise<Run[]> {
    const out = new Array<Run | undefined>(selected.length);
    const slow: number[] = [];
    for (let i = 0; i < selected.length; i += SYNC_PAGE_SLICE) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      const end = Math.min(i + SYNC_PAGE_SLICE, selected.length);
      for (let j = i; j < end; j++) {
        const { run, path } = selected[j];
        const data = this.peekRunData(path) ?? this.readRunDataSync(path);
        if (data === SLOW) {
          slow.push(j);
          continue;
        }
        let gone: unknown;
        try {
          // Throws for a missing file too: the folder went away since it was selected.
          statSync(path + sep + 'meta.yaml');
        } catch (e) {
          gone = e;
        }
        out[j] = this.wholeRun(run, path, data, gone);
      }
    }
    await mapLimit(slow, IO_CONCURRENCY, async (j) => {
      const { run, path } = selected[j];
      const data = await this.readRunData(path);
      let gone: unknown;
      try {
        await statFast(join(path, 'meta.yaml'));
      } catch (e) {
        gone = e;
      }
      out[j] = this.wholeRun(run, path, data, gone);
    });
    return out.filter((r): r is Run => !!r);
  }

  /** A selected run with its data; undefined (reported) when its meta.yaml could not be stat'ed again (`gone`). */
  private wholeRun(run: Run, path: string, data: Run['data'], gone: unknown): Run | undefined {
    if (gone !== undefined) {
      this.problem(path, isMissing(gone) ? 'run folder disappeared while listing; skipped' : `cannot read run metadata: ${errText(gone)}`);
      this.runLocation.delete(run.info.runId);
      return undefined;
    }
    const info = { ...run.info };
    // Older writers left run_name empty and kept the name only in the tag.
    if (!info.runName && data.tags[TAG.runName]) info.runName = data.tags[TAG.runName];
    this.runLocation.set(info.runId, path);
    return { info, data };
  }

  /**
   * readRunData with synchronous calls, reporting what it reports; SLOW (nothing reported) when a
   * metric file is too long to read here or a key is a symbolic link, and the caller reads the run
   * asynchronously.
   */
  protected readRunDataSync(runPath: string): Run['data'] | typeof SLOW {
    const problems: { path: string; message: string }[] = [];
    const report = (path: string, message: string) => void problems.push({ path, message });
    const params: Record<string, string> = {};
    const tags: Record<string, string> = {};
    const metrics: Record<string, Metric> = {};
    const done =
      this.readTreeSync(runPath + sep + 'params', '', params, report) &&
      this.readTreeSync(runPath + sep + 'tags', '', tags, report) &&
      this.readLatestMetricsSync(runPath + sep + 'metrics', '', metrics, report);
    if (!done) return SLOW;
    for (const p of problems) this.problem(p.path, p.message);
    return { params, tags, metrics };
  }

  /** readKeyValueTree (through the cache) with synchronous calls; problems go to `report` with the same words. */
  private readTreeSync(abs: string, prefix: string, out: Record<string, string>, report: (path: string, message: string) => void): boolean {
    const entries = this.listDirSync(abs, 'cannot read', report);
    // A link is stat'ed before it is opened (it may lead to a device): the async path does that.
    if (entries.some((d) => d.isSymbolicLink())) return false;
    for (const d of entries) {
      const p = join(abs, d.name);
      const key = prefix ? `${prefix}/${d.name}` : d.name;
      if (d.isDirectory()) {
        if (!this.readTreeSync(p, key, out, report)) return false;
        continue;
      }
      const special = specialKind(d);
      if (special) {
        report(p, `cannot read: ${errText(notRegularFile(p, special))}`);
        continue;
      }
      try {
        out[key] = this.statCache.getSync(p, TEXT_TAG, utf8);
      } catch (e) {
        // A file gone since the listing is a writer at work.
        if (!isMissing(e)) report(p, `cannot read: ${errText(e)}`);
      }
    }
    return true;
  }

  /** readLatestMetrics with synchronous calls; false as soon as one file is over SYNC_METRIC_BYTES or a link. */
  private readLatestMetricsSync(abs: string, prefix: string, out: Record<string, Metric>, report: (path: string, message: string) => void): boolean {
    const entries = this.listDirSync(abs, 'metric not read', report);
    if (entries.some((d) => d.isSymbolicLink())) return false;
    for (const d of entries) {
      const p = join(abs, d.name);
      const key = prefix ? `${prefix}/${d.name}` : d.name;
      if (d.isDirectory()) {
        if (!this.readLatestMetricsSync(p, key, out, report)) return false;
        continue;
      }
      const special = specialKind(d);
      if (special) {
        report(p, `metric not read: ${errText(notRegularFile(p, special))}`);
        continue;
      }
      try {
        const m = this.statCache.getSmallSync(p, `latest:${key}`, (buf) => freezeMetric(buf.length ? parseLatestMetric(key, buf) : undefined), SYNC_METRIC_BYTES, MAX_METRIC_FILE_BYTES, 'one metric file');
        if (m === NOT_READ) return false;
        if (m) out[key] = { ...m };
      } catch (e) {
        if (!isMissing(e)) report(p, `metric '${key}' skipped: ${errText(e)}`);
      }
    }
    return true;
  }

  /** listDirOrReport with a synchronous call: missing is empty; other failures are reported and read as empty. */
  private listDirSync(abs: string, what: string, report: (path: string, message: string) => void): Dirent[] {
    try {
      return readdirSync(abs, { withFileTypes: true });
    } catch (e) {
      if (!isMissing(e)) report(abs, `${what}: ${errText((e as NodeJS.ErrnoException).code === 'ENOTDIR' ? new Error('expected a folder, found a file; not read') : e)}`);
      return [];
    }
  }

  async searchRuns(opts: SearchRunsOptions): Promise<Run[]> {
    const plan = planRunSearch(opts.filter, opts.orderBy);
    const selected = await this.selectRuns(opts, plan);
    const max = opts.maxResults;
    return this.completeRuns(max !== undefined && max >= 0 && selected.length > max ? selected.slice(0, max) : selected);
  }

  async searchRunsPage(opts: SearchRunsPageOptions): Promise<RunsPage> {
    checkMaxResults(opts.maxResults, this.root);
    const offset = decodePageToken(opts.pageToken, this.root);
    const plan = planRunSearch(opts.filter, opts.orderBy);
    const selected = await this.selectRuns(opts, plan);
    const end = offset + opts.maxResults;
    const runs = await this.completeRuns(selected.slice(offset, end));
    return end < selected.length ? { runs, nextPageToken: encodePageToken(end) } : { runs };
  }

  protected async findRunPath(runId: string): Promise<string> {
    const cached = this.runLocation.get(runId);
    if (cached) {
      try {
        await fsp.access(join(cached, 'meta.yaml'));
        return cached;
      } catch {
        this.runLocation.delete(runId);
      }
    }
    if (isSafeName(runId)) {
      for (const exp of await this.experimentDirs('ALL')) {
        const p = join(exp.path, runId);
        try {
          if ((await fsp.stat(join(p, 'meta.yaml'))).isFile()) {
            this.runLocation.set(runId, p);
            return p;
          }
        } catch (e) {
          if (!isMissing(e)) throw e;
        }
      }
    }
    throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Run '${runId}' not found`, this.root);
  }

  async getRun(runId: string): Promise<Run> {
    const path = await this.findRunPath(runId);
    const expId = path.split(sep).slice(-2)[0];
    const run = await this.readRun(path, runId, expId);
    if (!run) throw new StoreError('CORRUPT_DATA', `Run '${runId}' could not be read (see the MLflow log for the reason)`, path);
    return run;
  }

  async getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    const runPath = await this.findRunPath(runId);
    const file = join(runPath, 'metrics', ...key.split('/'));
    if (!isSafeKey(key)) throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid metric name: '${key}'`, file);
    try {
      return await readMetricHistoryFile(file, key);
    } catch (e) {
      if (isMissing(e)) return [];
      if (e instanceof MetricLineError) throw new StoreError('CORRUPT_DATA', `metric file ${file} is corrupt: ${errText(e)}`, file);
      throw new StoreError('INTERNAL_ERROR', `cannot read ${file}: ${errText(e)}`, file);
    }
  }

  /** Where a run's metric file is (it may not exist yet): for readers that stream or follow it. */
  async metricFilePath(runId: string, key: string): Promise<string> {
    const runPath = await this.findRunPath(runId);
    const file = join(runPath, 'metrics', ...key.split('/'));
    if (!isSafeKey(key)) throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid metric name: '${key}'`, file);
    return file;
  }

  // ---------------------------------------------------------------- artifacts

  async listArtifacts(runId: string, path = ''): Promise<ArtifactEntry[]> {
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

  // ---------------------------------------------------------------- logged models (<experiment>/models)

  async searchLoggedModels(opts: SearchLoggedModelsOptions): Promise<LoggedModel[]> {
    const out: LoggedModel[] = [];
    for (const id of new Set(opts.experimentIds)) {
      const dir = await this.findExperimentDir(id);
      if (dir) out.push(...(await readExperimentLoggedModels(dir.path, this.onProblem)));
    }
    const sorted = sortLoggedModels(out);
    return opts.maxResults !== undefined && opts.maxResults >= 0 ? sorted.slice(0, opts.maxResults) : sorted;
  }

  /** The folder of a live logged model; MLflow looks through every experiment, deleted ones too. */
  protected async findLoggedModel(modelId: string): Promise<{ model: LoggedModel; dir: string } | undefined> {
    if (!/^[\w-]+$/.test(modelId)) return undefined;
    for (const exp of await this.experimentDirs('ALL')) {
      const dir = join(exp.path, 'models', modelId);
      const model = await readLoggedModelDir(dir, this.onProblem);
      if (model) return { model, dir };
    }
    return undefined;
  }

  async getLoggedModel(modelId: string): Promise<LoggedModel> {
    const hit = await this.findLoggedModel(modelId);
    if (!hit) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Logged model '${modelId}' not found in ${this.root}`, this.root);
    return hit.model;
  }

  async readLoggedModelArtifact(modelId: string, path: string): Promise<Uint8Array> {
    const m = await this.getLoggedModel(modelId);
    return readLocalArtifact(localArtifactRoot(modelId, m.artifactLocation), path);
  }

  async readModelVersionArtifact(name: string, version: string, path: string): Promise<Uint8Array> {
    return readLocalModelVersionFile(await this.getModelVersion(name, version), path, this);
  }

  // ---------------------------------------------------------------- traces (extension/core/traces/fileTraces.ts)

  protected get fileTraces(): FileTraces {
    return new FileTraces(this.root, this.onProblem);
  }

  searchTraces(opts: SearchTracesOptions): Promise<TracesPage> {
    return this.fileTraces.searchTraces(opts);
  }

  getTrace(traceId: string): Promise<Trace> {
    return this.fileTraces.getTrace(traceId);
  }

  // ---------------------------------------------------------------- model registry (<root>/models)

  protected get registryRoot(): string {
    return join(this.root, 'models');
  }

  protected async readYamlRecord(path: string, what: string): Promise<Record<string, unknown> | undefined> {
    let text: string | undefined;
    try {
      text = await readTextIfExists(path);
    } catch (e) {
      this.problem(path, `cannot read ${what}: ${errText(e)}`);
      return undefined;
    }
    if (text === undefined) return undefined;
    try {
      const v = parseMlflowYaml(text);
      if (isRecord(v)) return v;
      this.problem(path, `${what} is empty or not a mapping; skipped`);
    } catch (e) {
      this.problem(path, `invalid YAML in ${what}: ${errText(e)}`);
    }
    return undefined;
  }

  protected async readModelVersion(versionDir: string, aliasesByVersion: Map<string, string[]>): Promise<ModelVersion | undefined> {
    const meta = await this.readYamlRecord(join(versionDir, 'meta.yaml'), 'model version meta.yaml');
    if (!meta) return undefined;
    const stage = asString(meta.current_stage) ?? 'None';
    if (stage === 'Deleted_Internal') return undefined;
    const version = asString(meta.version);
    const name = asString(meta.name);
    if (!version || !name) {
      this.problem(join(versionDir, 'meta.yaml'), 'model version lacks name or version; skipped');
      return undefined;
    }
    const tags = await readKeyValueTree(join(versionDir, 'tags'), (p, e) => this.problem(p, `cannot read tag: ${errText(e)}`));
    return {
      name,
      version,
      creationTimestamp: asNumber(meta.creation_timestamp) ?? 0,
      lastUpdatedTimestamp: asNumber(meta.last_updated_timestamp) ?? 0,
      currentStage: stage,
      description: asString(meta.description) ?? null,
      source: asString(meta.source) ?? '',
      runId: asString(meta.run_id) ?? null,
      runLink: asString(meta.run_link) ?? null,
      status: asString(meta.status) ?? 'READY',
      statusMessage: asString(meta.status_message) ?? null,
      userId: asString(meta.user_id) ?? null,
      storageLocation: asString(meta.storage_location) ?? null,
      modelId: asString(meta.model_id) ?? null,
      tags,
      aliases: (aliasesByVersion.get(version) ?? []).slice().sort(),
    };
  }

  /** The truth about aliases is the aliases/ folder; the map inside meta.yaml is often stale. */
  protected async readAliases(modelDir: string): Promise<Record<string, string>> {
    const raw = await readKeyValueTree(join(modelDir, 'aliases'), (p, e) => this.problem(p, `cannot read alias: ${errText(e)}`));
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) out[k] = v.trim();
    return out;
  }

  protected async readRegisteredModelDir(modelDir: string): Promise<{ model: RegisteredModel; versions: ModelVersion[] } | undefined> {
    const meta = await this.readYamlRecord(join(modelDir, 'meta.yaml'), 'registered model meta.yaml');
    if (!meta) return undefined;
    const name = asString(meta.name);
    if (!name) {
      this.problem(join(modelDir, 'meta.yaml'), 'registered model has no name; skipped');
      return undefined;
    }
    const [tags, aliases, entries] = await Promise.all([
      readKeyValueTree(join(modelDir, 'tags'), (p, e) => this.problem(p, `cannot read tag: ${errText(e)}`)),
      this.readAliases(modelDir),
      listDirOrReport(modelDir, (p, e) => this.problem(p, `cannot list the versions of model '${name}': ${errText(e)}`)),
    ]);
    const byVersion = new Map<string, string[]>();
    for (const [alias, v] of Object.entries(aliases)) byVersion.set(v, [...(byVersion.get(v) ?? []), alias]);
    const versionDirs = entries.filter((d) => d.isDirectory() && /^version-\d+$/.test(d.name));
    const versions = (await Promise.all(versionDirs.map((d) => this.readModelVersion(join(modelDir, d.name), byVersion)))).filter(
      (v): v is ModelVersion => !!v,
    );
    versions.sort((a, b) => Number(a.version) - Number(b.version));
    const latestByStage = new Map<string, ModelVersion>();
    for (const v of versions) {
      const cur = latestByStage.get(v.currentStage);
      if (!cur || Number(v.version) > Number(cur.version)) latestByStage.set(v.currentStage, v);
    }
    const model: RegisteredModel = {
      name,
      creationTimestamp: asNumber(meta.creation_timestamp) ?? 0,
      lastUpdatedTimestamp: asNumber(meta.last_updated_timestamp) ?? 0,
      description: asString(meta.description) ?? null,
      tags,
      aliases,
      latestVersions: [...latestByStage.values()].sort((a, b) => Number(a.version) - Number(b.version)),
    };
    return { model, versions };
  }

  protected async allRegistryEntries(): Promise<{ model: RegisteredModel; versions: ModelVersion[] }[]> {
    const entries = await listDirOrReport(this.registryRoot, (p, e) => this.problem(p, `cannot list registered models: ${errText(e)}`));
    const read = await mapLimit(
      entries.filter((d) => d.isDirectory()),
      IO_CONCURRENCY,
      (d) => this.readRegisteredModelDir(join(this.registryRoot, d.name)),
    );
    return read.filter((x): x is { model: RegisteredModel; versions: ModelVersion[] } => !!x);
  }

  async searchRegisteredModels(opts: SearchModelsOptions = {}): Promise<RegisteredModel[]> {
    const models = (await this.allRegistryEntries()).map((e) => e.model);
    return sortRegisteredModels(applyModelSearch(models, opts), opts);
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    const entry = isSafeName(name) ? await this.readRegisteredModelDir(join(this.registryRoot, name)) : undefined;
    if (!entry) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${name} not found`, this.registryRoot);
    return entry.model;
  }

  async searchModelVersions(opts: SearchModelsOptions = {}): Promise<ModelVersion[]> {
    const versions = (await this.allRegistryEntries()).flatMap((e) => e.versions);
    return sortModelVersions(applyVersionSearch(versions, opts), opts);
  }

  async listModelVersions(name: string): Promise<ModelVersion[]> {
    const entry = isSafeName(name) ? await this.readRegisteredModelDir(join(this.registryRoot, name)) : undefined;
    if (!entry) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${name} not found`, this.registryRoot);
    return entry.versions;
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    const v = (await this.listModelVersions(name)).find((x) => x.version === String(version));
    if (!v) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Model Version (name=${name}, version=${version}) not found`, this.registryRoot);
    return v;
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    const versions = await this.listModelVersions(name);
    if (alias.toLowerCase() === 'latest') {
      const last = versions[versions.length - 1];
      if (last) return last;
    }
    const hit = versions.find((v) => v.aliases.includes(alias));
    if (!hit) throw new StoreError('INVALID_PARAMETER_VALUE', `Registered model alias ${alias} not found.`, this.registryRoot);
    return hit;
  }
}

/** Data of a selected run when the search names no key; never mutated (completeRuns replaces it). */
const EMPTY_DATA: Run['data'] = Object.freeze({ params: Object.freeze({}), tags: Object.freeze({}), metrics: Object.freeze({}) }) as Run['data'];

function freezeMetric(m: Metric | undefined): Metric | undefined {
  return m && Object.freeze(m);
}

interface KeyPath {
  kind: 'params' | 'tags';
  key: string;
  /** From the run folder to the key's file, and to the folder holding it (keys with `/` are nested folders). */
  rel: string;
  relDir: string;
}

interface MetricKeyPath {
  key: string;
  rel: string;
  relDir: string;
  tag: string;
}

/** The files a search reads in each run, as paths relative to the run folder: worked out once per search, not per run. */
interface PlanKeyPaths {
  text: KeyPath[];
  metrics: MetricKeyPath[];
  /** The search names no param, tag or metric. */
  none: boolean;
  /** A key that is not a safe relative path: the async path decides what to do with it. */
  unsafe: boolean;
}

function planKeyPaths(plan: RunSearchPlan): PlanKeyPaths {
  const rel = (kind: string, key: string) => {
    const parts = key.split('/');
    return { rel: sep + kind + sep + parts.join(sep), relDir: sep + kind + (parts.length > 1 ? sep + parts.slice(0, -1).join(sep) : '') };
  };
  const out: PlanKeyPaths = { text: [], metrics: [], none: plan.params.size + plan.tags.size + plan.metrics.size === 0, unsafe: false };
  for (const [kind, keys] of [['params', plan.params], ['tags', plan.tags]] as const) {
    for (const key of keys) {
      if (!isSafeKey(key)) out.unsafe = true;
      else out.text.push({ kind, key, ...rel(kind, key) });
    }
  }
  for (const key of plan.metrics) {
    if (!isSafeKey(key)) out.unsafe = true;
    else out.metrics.push({ key, tag: `latest:${key}`, ...rel('metrics', key) });
  }
  return out;
}

function statusFromMeta(v: unknown): RunStatus {
  if (typeof v === 'number') return STATUS_BY_NUMBER[v] ?? 'RUNNING';
  const s = asString(v);
  if (s && /^\d+$/.test(s)) return STATUS_BY_NUMBER[Number(s)] ?? 'RUNNING';
  if (s && ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'].includes(s)) return s as RunStatus;
  return 'RUNNING';
}

export function errText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** A single path segment that cannot escape its parent folder. */
function isSafeName(s: string): boolean {
  return s.length > 0 && s !== '.' && s !== '..' && !s.includes('/') && !s.includes('\\') && !s.includes('\0');
}

/** Not there as a file: missing, or a folder (a key with nested keys), or below a file. */
function isAbsentFile(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR';
}

function isSafeKey(key: string): boolean {
  return key.length > 0 && !key.startsWith('/') && key.split('/').every((p) => p !== '' && p !== '.' && p !== '..') && !key.includes('\0');
}
