import { promises as fsp } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { pyFloatRepr } from '../format/pyFloat';
import type { YamlValue } from '../format/pyYaml';
import { asNumber, asString } from '../format/mlflowYaml';
import type { Experiment, Metric, ModelStage, ModelVersion, RegisteredModel, Run, RunInfo, RunStatus } from '../model/entities';
import { RUN_STATUSES, TAG } from '../model/entities';
import { aliasNameProblem, normaliseStage } from '../model/registryRules';
import { StoreError, isStoreError } from './errors';
import { FileStoreReader, errText, type FileStoreOptions } from './fileStore';
import {
  appendOnce,
  appendToUri,
  checkKey,
  hasScheme,
  keyPath,
  newExperimentId,
  newRunId,
  pathToMlflowFileUri,
  randomRunName,
  writeFileAtomic,
  writeKeyFile,
  writeYamlAtomic,
} from './fileWrites';
import { isMissing, listDirIfExists, readMetadataText } from './fileTree';
import type { Assessment, NewFeedback } from '../traces/entities';
import type { CreateModelVersionOptions, CreateRunOptions, LogBatch, RegistryStore, StoreCapabilities, TrackingStore, UpdateRunOptions } from './trackingStore';

/**
 * Read-write access to MLflow's `mlruns/` file store. Every file is written with the bytes MLflow
 * 3.17's own FileStore would write for the same call (key order, YAML quoting, float text, which
 * keys a rewrite keeps or drops); test/unit/store/fileStoreWrite*.test.ts check that against the
 * real library. Files that get replaced are written atomically; metric lines are appended in one
 * write per key and batch, as a concurrent Python writer may be appending too.
 */

const STATUS_NUMBER: Record<RunStatus, number> = { RUNNING: 1, SCHEDULED: 2, FINISHED: 3, FAILED: 4, KILLED: 5 };
const MAX_PARAM_VALUE = 6000;
const MAX_EXPERIMENT_NAME = 500;
const DEFAULT_EXPERIMENT_ID = '0';

export interface WritableFileStoreOptions extends FileStoreOptions {
  /** Clock in ms; tests pin it. */
  now?: () => number;
}

type Yaml = { [k: string]: YamlValue };

export class FileStore extends FileStoreReader implements TrackingStore, RegistryStore {
  override readonly capabilities: StoreCapabilities = Object.freeze({
    trackingRead: true,
    trackingWrite: true,
    registryRead: true,
    registryWrite: true,
    artifacts: true,
    traces: true,
    traceFeedback: true,
    runPaging: 'lazy',
    historyBulkInterval: false,
    loggedModels: true,
  });
  private readonly now: () => number;
  /** Writes run one at a time: read-modify-write of meta.yaml must not interleave within this process. */
  private queue: Promise<unknown> = Promise.resolve();
  private rootChecked = false;

  constructor(root: string, opts: WritableFileStoreOptions = {}) {
    super(resolve(root), opts);
    this.now = opts.now ?? Date.now;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** As MLflow's FileStore constructor: a missing root gets the Default experiment, and .trash always exists. */
  private async ensureRoot(): Promise<void> {
    if (this.rootChecked) return;
    let exists = true;
    try {
      if (!(await fsp.stat(this.root)).isDirectory()) throw new StoreError('INVALID_PARAMETER_VALUE', `MLflow store path is not a folder: ${this.root}`, this.root);
    } catch (e) {
      if (!isMissing(e)) throw e;
      exists = false;
    }
    if (!exists) {
      await fsp.mkdir(this.root, { recursive: true });
      await this.writeNewExperiment(DEFAULT_EXPERIMENT_ID, 'Default', undefined);
    }
    await fsp.mkdir(join(this.root, '.trash'), { recursive: true });
    this.rootChecked = true;
  }

  // ---------------------------------------------------------------- experiments

  private async writeNewExperiment(id: string, name: string, artifactLocation: string | undefined): Promise<void> {
    const dir = join(this.root, id);
    await fsp.mkdir(dir);
    const t = this.now();
    await writeYamlAtomic(join(dir, 'meta.yaml'), {
      artifact_location: artifactLocation ?? appendToUri(pathToMlflowFileUri(this.root), id),
      creation_time: t,
      effective_trace_archival_retention: null,
      experiment_id: id,
      last_update_time: t,
      lifecycle_stage: 'active',
      name,
      trace_location: null,
      workspace: 'default',
    });
  }

  /** MLflow rewrites experiment meta.yaml from the whole entity, which drags a copy of the tags in. */
  private experimentYaml(raw: Record<string, unknown>, exp: Experiment, changes: { name?: string; stage?: string; time: number }): Yaml {
    return {
      artifact_location: exp.artifactLocation,
      creation_time: exp.creationTime ?? null,
      effective_trace_archival_retention: (raw.effective_trace_archival_retention as YamlValue) ?? null,
      experiment_id: exp.experimentId,
      last_update_time: changes.time,
      lifecycle_stage: changes.stage ?? exp.lifecycleStage,
      name: changes.name ?? exp.name,
      tags: { ...exp.tags },
      trace_location: (raw.trace_location as YamlValue) ?? null,
      workspace: (raw.workspace as YamlValue) ?? 'default',
    };
  }

  private async experimentForWrite(experimentId: string): Promise<{ exp: Experiment; dir: string; raw: Record<string, unknown> }> {
    const d = await this.findExperimentDir(experimentId);
    if (!d) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Could not find experiment with ID ${experimentId} in ${this.root}`, this.root);
    const exp = await this.getExperiment(experimentId);
    const raw = (await this.readYamlRecord(join(d.path, 'meta.yaml'), 'experiment meta.yaml')) ?? {};
    return { exp, dir: d.path, raw };
  }

  private async checkExperimentNameFree(name: string): Promise<void> {
    if (!name) throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid experiment name: '${name}'`, this.root);
    if ([...name].length > MAX_EXPERIMENT_NAME) throw new StoreError('INVALID_PARAMETER_VALUE', `Experiment name exceeds the maximum length of ${MAX_EXPERIMENT_NAME}`, this.root);
    const existing = await this.getExperimentByName(name);
    if (!existing) return;
    if (existing.lifecycleStage === 'deleted') {
      throw new StoreError(
        'RESOURCE_ALREADY_EXISTS',
        `Experiment '${name}' already exists in deleted state (id ${existing.experimentId}). Restore it, or remove it from ${join(this.root, '.trash')} to reuse the name.`,
        this.root,
      );
    }
    throw new StoreError('RESOURCE_ALREADY_EXISTS', `Experiment '${name}' already exists (id ${existing.experimentId}).`, this.root);
  }

  /** MLflow's FileStore.create_assessment (extension/core/traces/fileTraces.ts). */
  createFeedback(feedback: NewFeedback): Promise<Assessment> {
    return this.fileTraces.createFeedback(feedback);
  }

  createExperiment(name: string, opts: { artifactLocation?: string; tags?: Record<string, string> } = {}): Promise<string> {
    return this.exclusive(async () => {
      await this.ensureRoot();
      await this.checkExperimentNameFree(name);
      for (const k of Object.keys(opts.tags ?? {})) checkKey('tag name', k, this.root);
      let id = newExperimentId();
      while (await this.findExperimentDir(id)) id = newExperimentId();
      let loc = opts.artifactLocation || undefined;
      if (loc && !hasScheme(loc)) loc = resolve(loc);
      await this.writeNewExperiment(id, name, loc);
      for (const [k, v] of Object.entries(opts.tags ?? {})) await writeKeyFile(join(this.root, id, 'tags'), k, v, join(this.root, id));
      return id;
    });
  }

  renameExperiment(experimentId: string, newName: string): Promise<void> {
    return this.exclusive(async () => {
      const { exp, dir, raw } = await this.experimentForWrite(experimentId);
      await this.checkExperimentNameFree(newName);
      if (exp.lifecycleStage !== 'active') throw new StoreError('INVALID_STATE', `Cannot rename experiment ${experimentId}: it is deleted (${dir})`, dir);
      await writeYamlAtomic(join(dir, 'meta.yaml'), this.experimentYaml(raw, exp, { name: newName, time: this.now() }));
    });
  }

  deleteExperiment(experimentId: string): Promise<void> {
    return this.exclusive(async () => {
      if (experimentId === DEFAULT_EXPERIMENT_ID) throw new StoreError('INVALID_PARAMETER_VALUE', `Cannot delete the default experiment '0' in ${this.root}`, this.root);
      const { exp, dir, raw } = await this.experimentForWrite(experimentId);
      if (exp.lifecycleStage !== 'active' || dir !== join(this.root, experimentId)) {
        throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Could not find active experiment with ID ${experimentId} in ${this.root}`, this.root);
      }
      const t = this.now();
      for (const run of await this.runInfosIn(dir, experimentId)) {
        if (run.info.lifecycleStage === 'active') await this.writeRunMeta(run.path, { ...run.info, lifecycleStage: 'deleted' }, t);
      }
      await writeYamlAtomic(join(dir, 'meta.yaml'), this.experimentYaml(raw, exp, { stage: 'deleted', time: t }));
      await fsp.rename(dir, join(this.root, '.trash', experimentId));
    });
  }

  restoreExperiment(experimentId: string): Promise<void> {
    return this.exclusive(async () => {
      const trashed = join(this.root, '.trash', experimentId);
      const d = await this.findExperimentDir(experimentId);
      if (!d || !d.inTrash) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Could not find deleted experiment with ID ${experimentId} in ${join(this.root, '.trash')}`, this.root);
      const target = join(this.root, experimentId);
      await fsp.rename(trashed, target);
      const { exp, raw } = await this.experimentForWrite(experimentId);
      const t = this.now();
      // MLflow re-activates every deleted run, including runs deleted before the experiment was.
      for (const run of await this.runInfosIn(target, experimentId)) {
        if (run.info.lifecycleStage === 'deleted') await this.writeRunMeta(run.path, { ...run.info, lifecycleStage: 'active' });
      }
      await writeYamlAtomic(join(target, 'meta.yaml'), this.experimentYaml(raw, exp, { stage: 'active', time: t }));
    });
  }

  private async activeExperimentDir(experimentId: string, what: string): Promise<string> {
    const { exp, dir } = await this.experimentForWrite(experimentId);
    if (exp.lifecycleStage !== 'active') throw new StoreError('INVALID_PARAMETER_VALUE', `The experiment ${experimentId} must be in the 'active' lifecycle_stage to ${what} (${dir})`, dir);
    return dir;
  }

  setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    return this.exclusive(async () => {
      const dir = await this.activeExperimentDir(experimentId, 'set tags');
      checkKey('tag name', key, dir);
      await writeKeyFile(join(dir, 'tags'), key, value, dir);
    });
  }

  deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    return this.exclusive(async () => {
      const dir = await this.activeExperimentDir(experimentId, 'delete tags');
      checkKey('tag name', key, dir);
      await this.removeKey(join(dir, 'tags'), key, `No tag with name: ${key} in experiment with id ${experimentId}`);
    });
  }

  private async removeKey(dir: string, key: string, missingMessage: string): Promise<void> {
    const p = keyPath(dir, key);
    try {
      await fsp.unlink(p);
    } catch (e) {
      if (isMissing(e)) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `${missingMessage} (${p})`, p);
      throw e;
    }
  }

  // ---------------------------------------------------------------- runs

  private async runInfosIn(expDir: string, experimentId: string): Promise<{ path: string; info: RunInfo }[]> {
    const out: { path: string; info: RunInfo }[] = [];
    for (const r of await this.runDirs({ id: experimentId, path: expDir, inTrash: false })) {
      const info = await this.readRunInfo(r.path, r.id, experimentId);
      if (info) out.push({ path: r.path, info });
    }
    return out;
  }

  /**
   * Run meta.yaml as MLflow persists a RunInfo: legacy fields included, status as a number, and
   * `deleted_time` only when the write is a delete (every other rewrite drops it).
   */
  private async writeRunMeta(runPath: string, info: RunInfo, deletedTime?: number): Promise<void> {
    const data: Yaml = {
      artifact_uri: info.artifactUri,
      end_time: info.endTime,
      entry_point_name: '',
      experiment_id: info.experimentId,
      lifecycle_stage: info.lifecycleStage,
      run_id: info.runId,
      run_name: info.runName,
      source_name: '',
      source_type: 4,
      source_version: '',
      start_time: info.startTime,
      status: STATUS_NUMBER[info.status],
      tags: [],
      user_id: info.userId,
    };
    if (deletedTime !== undefined) data.deleted_time = deletedTime;
    await writeYamlAtomic(join(runPath, 'meta.yaml'), data);
  }

  private async runForWrite(runId: string, requireActive = true): Promise<{ path: string; info: RunInfo }> {
    let path: string;
    try {
      path = await this.findRunPath(runId);
    } catch (e) {
      if (isStoreError(e, 'RESOURCE_DOES_NOT_EXIST')) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Run '${runId}' not found in ${this.root}`, this.root);
      throw e;
    }
    const expId = path.split(sep).slice(-2)[0];
    const info = await this.readRunInfo(path, runId, expId);
    if (!info) throw new StoreError('CORRUPT_DATA', `Run '${runId}' has unreadable metadata: ${join(path, 'meta.yaml')}`, path);
    if (requireActive && info.lifecycleStage !== 'active') {
      throw new StoreError('INVALID_PARAMETER_VALUE', `The run ${runId} must be in 'active' lifecycle_stage (it is deleted): ${path}`, path);
    }
    return { path, info };
  }

  createRun(opts: CreateRunOptions): Promise<Run> {
    return this.exclusive(async () => {
      await this.ensureRoot();
      const experimentId = opts.experimentId || DEFAULT_EXPERIMENT_ID;
      const { exp, dir } = await this.experimentForWrite(experimentId);
      if (exp.lifecycleStage !== 'active') throw new StoreError('INVALID_STATE', `Could not create run under non-active experiment with ID ${experimentId} (${dir})`, dir);
      const tags = { ...(opts.tags ?? {}) };
      for (const k of Object.keys(tags)) checkKey('tag name', k, dir);
      const tagName = tags[TAG.runName];
      if (opts.runName && tagName && opts.runName !== tagName) {
        throw new StoreError('INVALID_PARAMETER_VALUE', `Both run name '${opts.runName}' and tag ${TAG.runName}='${tagName}' were given, with different values`, dir);
      }
      const runName = opts.runName || tagName || randomRunName();
      tags[TAG.runName] = runName;
      // MLflow's client takes user_id from the mlflow.user tag; a given user id becomes that tag.
      if (opts.userId && !tags[TAG.user]) tags[TAG.user] = opts.userId;
      const runId = newRunId();
      const path = join(dir, runId);
      const info: RunInfo = {
        runId,
        experimentId,
        runName,
        status: 'RUNNING',
        startTime: opts.startTime ?? this.now(),
        endTime: null,
        lifecycleStage: 'active',
        artifactUri: appendToUri(exp.artifactLocation, runId, 'artifacts'),
        userId: tags[TAG.user] ?? 'unknown',
      };
      await fsp.mkdir(path);
      for (const sub of ['metrics', 'params', 'artifacts', 'tags']) await fsp.mkdir(join(path, sub));
      for (const [k, v] of Object.entries(tags)) await writeKeyFile(join(path, 'tags'), k, v, path);
      await this.writeRunMeta(path, info);
      return { info, data: { params: {}, metrics: {}, tags } };
    });
  }

  updateRun(runId: string, opts: UpdateRunOptions): Promise<RunInfo> {
    return this.exclusive(async () => {
      const { path, info } = await this.runForWrite(runId);
      if (opts.status !== undefined && !RUN_STATUSES.includes(opts.status)) throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid run status '${String(opts.status)}'`, path);
      const next: RunInfo = {
        ...info,
        status: opts.status ?? info.status,
        endTime: opts.endTime || info.endTime,
        runName: opts.runName || info.runName,
      };
      if (opts.runName) await writeKeyFile(join(path, 'tags'), TAG.runName, opts.runName, path);
      await this.writeRunMeta(path, next);
      return next;
    });
  }

  deleteRun(runId: string): Promise<void> {
    return this.exclusive(async () => {
      const { path, info } = await this.runForWrite(runId, false);
      await this.writeRunMeta(path, { ...info, lifecycleStage: 'deleted' }, this.now());
    });
  }

  restoreRun(runId: string): Promise<void> {
    return this.exclusive(async () => {
      const { path, info } = await this.runForWrite(runId, false);
      await this.writeRunMeta(path, { ...info, lifecycleStage: 'active' });
    });
  }

  logBatch(runId: string, batch: LogBatch): Promise<void> {
    return this.exclusive(async () => {
      const { path, info } = await this.runForWrite(runId);
      const metrics = batch.metrics ?? [];
      const params = batch.params ?? [];
      const tags = batch.tags ?? [];
      // No per-call limits: MLflow's client splits big batches before its store sees them, and so do we
      // in effect, as every item is written here whatever the count.
      const seen = new Set<string>();
      for (const p of params) {
        checkKey('param name', p.key, path);
        if (seen.has(p.key)) throw new StoreError('INVALID_PARAMETER_VALUE', `Duplicate parameter key in batch: '${p.key}'`, path);
        seen.add(p.key);
      }
      for (const m of metrics) validateMetric(m, path);
      for (const t of tags) checkKey('tag name', t.key, path);

      // Same order as MLflow: params, then metrics, then tags.
      for (const p of params) await this.logParam(path, runId, p.key, truncate(String(p.value ?? ''), MAX_PARAM_VALUE));
      const lines = new Map<string, string>();
      for (const m of metrics) lines.set(m.key, (lines.get(m.key) ?? '') + metricLine(m));
      for (const [key, text] of lines) {
        const file = keyPath(join(path, 'metrics'), key);
        await fsp.mkdir(join(file, '..'), { recursive: true });
        await appendOnce(file, text);
      }
      let runInfo = info;
      for (const t of tags) {
        if (t.key === TAG.runName && t.value) {
          runInfo = { ...runInfo, runName: t.value };
          await this.writeRunMeta(path, runInfo);
        }
        await writeKeyFile(join(path, 'tags'), t.key, t.value ?? '', path);
      }
    });
  }

  private async logParam(runPath: string, runId: string, key: string, value: string): Promise<void> {
    const file = keyPath(join(runPath, 'params'), key);
    let current: string | undefined;
    try {
      // Bounded: a FIFO or a device in place of the param is an error naming it, not a hang.
      current = await readMetadataText(file);
    } catch (e) {
      if (!isMissing(e)) throw new StoreError('INVALID_STATE', `cannot read param ${file}: ${e instanceof Error ? e.message : String(e)}`, file);
    }
    if (current !== undefined) {
      if (current === value) return;
      throw new StoreError(
        'INVALID_PARAMETER_VALUE',
        `Changing param values is not allowed. Param with key='${key}' was already logged with value='${current}' for run ID='${runId}'. Attempted logging new value '${value}'. (${file})`,
        file,
      );
    }
    await writeKeyFile(join(runPath, 'params'), key, value, runPath);
  }

  deleteTag(runId: string, key: string): Promise<void> {
    return this.exclusive(async () => {
      const { path } = await this.runForWrite(runId);
      checkKey('tag name', key, path);
      await this.removeKey(join(path, 'tags'), key, `No tag with name: ${key} in run with id ${runId}`);
    });
  }

  // ---------------------------------------------------------------- model registry

  private modelDir(name: string): string {
    const problem = modelNameProblem(name);
    if (problem) throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid registered model name '${name}': ${problem}`, this.registryRoot);
    return join(this.registryRoot, name);
  }

  private async existingModelDir(name: string): Promise<string> {
    const dir = this.modelDir(name);
    try {
      await fsp.access(join(dir, 'meta.yaml'));
    } catch {
      throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${name} not found in ${this.registryRoot}`, dir);
    }
    return dir;
  }

  /** The registered model's meta.yaml as MLflow rewrites it: current aliases folder copied into `aliases`. */
  private async writeModelMeta(dir: string, changes: { name?: string; description?: string | null; time?: number } = {}, base?: Record<string, unknown>): Promise<void> {
    const raw = base ?? (await this.readYamlRecord(join(dir, 'meta.yaml'), 'registered model meta.yaml')) ?? {};
    const aliases = await this.readAliases(dir);
    await writeYamlAtomic(join(dir, 'meta.yaml'), {
      aliases,
      creation_timestamp: asNumber(raw.creation_timestamp) ?? null,
      deployment_job_id: (raw.deployment_job_id as YamlValue) ?? null,
      deployment_job_state: (raw.deployment_job_state as YamlValue) ?? null,
      description: changes.description !== undefined ? changes.description : (asString(raw.description) ?? null),
      last_updated_timestamp: changes.time ?? asNumber(raw.last_updated_timestamp) ?? null,
      name: changes.name ?? asString(raw.name) ?? '',
      workspace: (raw.workspace as YamlValue) ?? 'default',
    });
  }

  private touchModel(dir: string, time = this.now()): Promise<void> {
    return this.writeModelMeta(dir, { time });
  }

  private versionYaml(raw: Record<string, unknown>, changes: { name?: string; stage?: string; description?: string | null; time?: number }): Yaml {
    const keep = (k: string) => (raw[k] as YamlValue) ?? null;
    return {
      creation_timestamp: keep('creation_timestamp'),
      current_stage: changes.stage ?? asString(raw.current_stage) ?? 'None',
      deployment_job_state: keep('deployment_job_state'),
      description: changes.description !== undefined ? changes.description : (asString(raw.description) ?? null),
      last_updated_timestamp: changes.time ?? keep('last_updated_timestamp'),
      model_id: keep('model_id'),
      name: changes.name ?? asString(raw.name) ?? '',
      run_id: keep('run_id'),
      run_link: keep('run_link'),
      source: keep('source'),
      status: keep('status'),
      status_message: keep('status_message'),
      storage_location: keep('storage_location'),
      user_id: keep('user_id'),
      version: asNumber(raw.version) ?? null,
      workspace: (raw.workspace as YamlValue) ?? 'default',
    };
  }

  /** A live (not deleted) version's folder and its meta.yaml. */
  private async versionForWrite(name: string, version: string): Promise<{ modelDir: string; dir: string; raw: Record<string, unknown> }> {
    const modelDir = await this.existingModelDir(name);
    if (!/^\d+$/.test(String(version))) throw new StoreError('INVALID_PARAMETER_VALUE', `Model version must be an integer, got '${version}'`, modelDir);
    const dir = join(modelDir, `version-${Number(version)}`);
    const raw = await this.readYamlRecord(join(dir, 'meta.yaml'), 'model version meta.yaml');
    if (!raw || raw.current_stage === 'Deleted_Internal') {
      throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Model Version (name=${name}, version=${version}) not found in ${modelDir}`, modelDir);
    }
    return { modelDir, dir, raw };
  }

  createRegisteredModel(name: string, opts: { description?: string; tags?: Record<string, string> } = {}): Promise<RegisteredModel> {
    return this.exclusive(async () => {
      await this.ensureRoot();
      const dir = this.modelDir(name);
      for (const k of Object.keys(opts.tags ?? {})) checkKey('tag name', k, dir);
      try {
        await fsp.access(dir);
        throw new StoreError('RESOURCE_ALREADY_EXISTS', `Registered Model (name=${name}) already exists in ${this.registryRoot}`, dir);
      } catch (e) {
        if (isStoreError(e)) throw e;
      }
      await fsp.mkdir(dir, { recursive: true });
      const t = this.now();
      await this.writeModelMeta(dir, {}, { name, creation_timestamp: t, last_updated_timestamp: t, description: opts.description ?? null });
      for (const [k, v] of Object.entries(opts.tags ?? {})) {
        await writeKeyFile(join(dir, 'tags'), k, v, dir);
        await this.touchModel(dir);
      }
      return this.getRegisteredModel(name);
    });
  }

  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    return this.exclusive(async () => {
      const oldDir = await this.existingModelDir(name);
      const newDir = this.modelDir(newName);
      try {
        await fsp.access(newDir);
        throw new StoreError('RESOURCE_ALREADY_EXISTS', `Registered Model (name=${newName}) already exists in ${this.registryRoot}`, newDir);
      } catch (e) {
        if (isStoreError(e)) throw e;
      }
      const t = this.now();
      // Build the renamed copy beside the old folder, then swap: readers see the old or the new model, never half of one.
      const staging = join(this.registryRoot, `.mlwb-rename-${newRunId()}`);
      await fsp.cp(oldDir, staging, { recursive: true });
      try {
        for (const d of await listDirIfExists(staging)) {
          if (!d.isDirectory() || !/^version-\d+$/.test(d.name)) continue;
          const raw = await this.readYamlRecord(join(staging, d.name, 'meta.yaml'), 'model version meta.yaml');
          if (raw) await writeYamlAtomic(join(staging, d.name, 'meta.yaml'), this.versionYaml(raw, { name: newName, time: t }));
        }
        await this.writeModelMeta(staging, { name: newName, time: t });
        await fsp.rename(staging, newDir);
      } catch (e) {
        await fsp.rm(staging, { recursive: true, force: true });
        throw e;
      }
      await fsp.rm(oldDir, { recursive: true, force: true });
      return this.getRegisteredModel(newName);
    });
  }

  updateRegisteredModel(name: string, description: string): Promise<RegisteredModel> {
    return this.exclusive(async () => {
      const dir = await this.existingModelDir(name);
      await this.writeModelMeta(dir, { description, time: this.now() });
      return this.getRegisteredModel(name);
    });
  }

  deleteRegisteredModel(name: string): Promise<void> {
    return this.exclusive(async () => {
      const dir = await this.existingModelDir(name);
      await fsp.rm(dir, { recursive: true, force: true });
    });
  }

  setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    return this.exclusive(async () => {
      const dir = await this.existingModelDir(name);
      checkKey('tag name', key, dir);
      await writeKeyFile(join(dir, 'tags'), key, value, dir);
      await this.touchModel(dir);
    });
  }

  deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    return this.exclusive(async () => {
      const dir = await this.existingModelDir(name);
      checkKey('tag name', key, dir);
      // MLflow's file store ignores a missing tag here (unlike run tags).
      if (await unlinkIfExists(keyPath(join(dir, 'tags'), key))) await this.touchModel(dir);
    });
  }

  setRegisteredModelAlias(name: string, alias: string, version: string): Promise<void> {
    return this.exclusive(async () => {
      const problem = aliasNameProblem(alias);
      if (problem) throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid alias '${alias}': ${problem}`, this.registryRoot);
      const { modelDir } = await this.versionForWrite(name, version);
      await fsp.mkdir(join(modelDir, 'aliases'), { recursive: true });
      await writeFileAtomic(join(modelDir, 'aliases', alias), String(Number(version)), modelDir);
      await this.touchModel(modelDir);
    });
  }

  deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    return this.exclusive(async () => {
      const dir = await this.existingModelDir(name);
      if (/[/\\]/.test(alias) || alias === '.' || alias === '..') throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid alias '${alias}'`, dir);
      if (await unlinkIfExists(join(dir, 'aliases', alias))) await this.touchModel(dir);
    });
  }

  /** Where a `models:/` source points, as MLflow resolves it for `storage_location`. */
  private async resolveModelsUri(source: string): Promise<{ storage: string; runId?: string }> {
    const rest = source.replace(/^models:\/*/, '');
    const parts = rest.split('/');
    if (parts.length === 1 && !rest.includes('@')) {
      const logged = await this.findLoggedModel(rest);
      if (!logged) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Unable to fetch model from model URI source '${source}': no logged model '${rest}' in ${this.root}`, this.root);
      return { storage: logged.model.artifactLocation, runId: logged.model.sourceRunId ?? undefined };
    }
    let mv: ModelVersion;
    if (parts.length === 1) {
      const at = rest.lastIndexOf('@');
      mv = await this.getModelVersionByAlias(rest.slice(0, at), rest.slice(at + 1));
    } else {
      mv = await this.getModelVersion(parts[0], parts[1]);
    }
    return { storage: mv.storageLocation || mv.source };
  }

  /** As MLflow's FileStore: the tag file is written in place and the model's timestamps stay as they are. */
  setLoggedModelTag(modelId: string, key: string, value: string): Promise<void> {
    return this.exclusive(async () => {
      const hit = await this.findLoggedModel(modelId);
      if (!hit) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Logged model '${modelId}' not found in ${this.root}`, this.root);
      checkKey('tag name', key, hit.dir);
      await writeKeyFile(join(hit.dir, 'tags'), key, value, hit.dir);
    });
  }

  createModelVersion(name: string, opts: CreateModelVersionOptions): Promise<ModelVersion> {
    return this.exclusive(async () => {
      const modelDir = await this.existingModelDir(name);
      for (const k of Object.keys(opts.tags ?? {})) checkKey('tag name', k, modelDir);
      let storage = opts.source;
      let runId = opts.runId || undefined;
      if (/^models:/i.test(opts.source)) {
        const r = await this.resolveModelsUri(opts.source);
        storage = r.storage;
        runId = runId ?? r.runId;
      }
      if (!runId && opts.modelId) runId = (await this.findLoggedModel(opts.modelId))?.model.sourceRunId ?? undefined;
      const t = this.now();
      await this.touchModel(modelDir, t);
      let max = 0;
      for (const d of await listDirIfExists(modelDir)) {
        const m = /^version-(\d+)$/.exec(d.name);
        if (d.isDirectory() && m) max = Math.max(max, Number(m[1]));
      }
      const version = max + 1;
      const dir = join(modelDir, `version-${version}`);
      await fsp.mkdir(dir);
      await writeYamlAtomic(join(dir, 'meta.yaml'), {
        creation_timestamp: t,
        current_stage: 'None',
        deployment_job_state: null,
        description: opts.description ?? null,
        last_updated_timestamp: t,
        model_id: opts.modelId ?? null,
        name,
        run_id: runId ?? null,
        run_link: opts.runLink ?? null,
        source: opts.source,
        status: 'READY',
        status_message: null,
        storage_location: storage,
        user_id: null,
        version,
        workspace: 'default',
      });
      for (const [k, v] of Object.entries(opts.tags ?? {})) {
        await writeKeyFile(join(dir, 'tags'), k, v, dir);
        await this.touchModel(modelDir);
      }
      return this.getModelVersion(name, String(version));
    });
  }

  updateModelVersion(name: string, version: string, description: string): Promise<ModelVersion> {
    return this.exclusive(async () => {
      const { dir, raw } = await this.versionForWrite(name, version);
      await writeYamlAtomic(join(dir, 'meta.yaml'), this.versionYaml(raw, { description, time: this.now() }));
      return this.getModelVersion(name, version);
    });
  }

  deleteModelVersion(name: string, version: string): Promise<void> {
    return this.exclusive(async () => {
      const { modelDir, dir, raw } = await this.versionForWrite(name, version);
      const t = this.now();
      // Deleted versions stay on disk so their numbers are never reused.
      await writeYamlAtomic(join(dir, 'meta.yaml'), this.versionYaml(raw, { stage: 'Deleted_Internal', time: t }));
      await this.touchModel(modelDir, t);
      for (const [alias, v] of Object.entries(await this.readAliases(modelDir))) {
        if (v === String(Number(version)) && (await unlinkIfExists(join(modelDir, 'aliases', alias)))) await this.touchModel(modelDir);
      }
    });
  }

  transitionModelVersionStage(name: string, version: string, stage: ModelStage, archiveExisting: boolean): Promise<ModelVersion> {
    return this.exclusive(async () => {
      const canonical = normaliseStage(String(stage));
      if (!canonical) throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid Model Version stage: ${String(stage)}. Value must be one of None, Staging, Production, Archived.`, this.registryRoot);
      if (archiveExisting && canonical !== 'Staging' && canonical !== 'Production') {
        throw new StoreError('INVALID_PARAMETER_VALUE', `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are Staging, Production`, this.registryRoot);
      }
      const { modelDir, dir, raw } = await this.versionForWrite(name, version);
      const t = this.now();
      if (archiveExisting) {
        for (const d of await listDirIfExists(modelDir)) {
          if (!d.isDirectory() || !/^version-\d+$/.test(d.name) || d.name === `version-${Number(version)}`) continue;
          const other = await this.readYamlRecord(join(modelDir, d.name, 'meta.yaml'), 'model version meta.yaml');
          if (other && other.current_stage === canonical) await writeYamlAtomic(join(modelDir, d.name, 'meta.yaml'), this.versionYaml(other, { stage: 'Archived', time: t }));
        }
      }
      await writeYamlAtomic(join(dir, 'meta.yaml'), this.versionYaml(raw, { stage: canonical, time: t }));
      await this.touchModel(modelDir, t);
      return this.getModelVersion(name, version);
    });
  }

  setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    return this.exclusive(async () => {
      const { modelDir, dir } = await this.versionForWrite(name, version);
      checkKey('tag name', key, dir);
      await writeKeyFile(join(dir, 'tags'), key, value, dir);
      await this.touchModel(modelDir);
    });
  }

  deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    return this.exclusive(async () => {
      const { modelDir, dir } = await this.versionForWrite(name, version);
      checkKey('tag name', key, dir);
      if (await unlinkIfExists(keyPath(join(dir, 'tags'), key))) await this.touchModel(modelDir);
    });
  }
}

function validateMetric(m: Metric, location: string): void {
  checkKey('metric name', m.key, location);
  if (typeof m.value !== 'number') throw new StoreError('INVALID_PARAMETER_VALUE', `Metric '${m.key}' has a non-numeric value: ${String(m.value)}`, location);
  if (!Number.isSafeInteger(m.timestamp)) throw new StoreError('INVALID_PARAMETER_VALUE', `Metric '${m.key}' has an invalid timestamp: ${String(m.timestamp)}`, location);
  if (!Number.isSafeInteger(m.step)) throw new StoreError('INVALID_PARAMETER_VALUE', `Metric '${m.key}' has an invalid step: ${String(m.step)}`, location);
  for (const f of [m.datasetName, m.datasetDigest]) {
    if (f !== undefined && /\s/.test(f)) throw new StoreError('INVALID_PARAMETER_VALUE', `Metric '${m.key}': dataset name and digest cannot contain whitespace in a file store`, location);
  }
}

/** `<timestamp> <value> <step>[ <dataset_name> <dataset_digest>]\n`, value as Python's str(float). */
export function metricLine(m: Metric): string {
  const ds = m.datasetName !== undefined && m.datasetDigest !== undefined ? ` ${m.datasetName} ${m.datasetDigest}` : '';
  return `${m.timestamp} ${pyFloatRepr(m.value)} ${m.step}${ds}\n`;
}

function truncate(s: string, max: number): string {
  const cps = [...s];
  return cps.length <= max ? s : cps.slice(0, max).join('');
}

function modelNameProblem(name: string): string | undefined {
  if (!name || !name.trim()) return 'the name is empty';
  if (/[/:\\%]/.test(name)) return "names cannot contain '/', ':', '\\' or '%'";
  if (name === '.' || name === '..' || name.startsWith('..') || name.includes('\0')) return 'the name would resolve to another path';
  return undefined;
}

async function unlinkIfExists(path: string): Promise<boolean> {
  try {
    await fsp.unlink(path);
    return true;
  } catch (e) {
    if (isMissing(e)) return false;
    throw e;
  }
}

export { errText };
