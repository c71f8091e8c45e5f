import { spawn, spawnSync } from 'node:child_process';
import { isTerminalStatus } from '../model/entities';
import { openWritableStore, type Store } from '../store/openStore';
import { isStoreError } from '../store/errors';
import { EnvBuildLock } from './envCache';
import { mlflowEnvManager } from './envManagers';
import { mlflowRunArgs } from './mlflowRunDriver';
import { checkRunParameters, checkRuntime, commandPreview, prepareProject, type PreparedProject } from './prepare';
import { projectRunTags, TAGS } from './sourceTags';
import type { FinalStatus, ProjectRunHandle, ProjectRunRequest, ProjectRunResult, RunOptions, RunOutput } from './types';

/**
 * One project run. We create the run ourselves (so its id is known before anything starts and a
 * view can show it RUNNING at once), with the tags and params `mlflow run` would give it, then
 * start `mlflow run … --run-id ID` with the chosen interpreter and an argument vector (no shell of
 * ours; see mlflowRunDriver.ts for the one MLflow bug it corrects).
 * `mlflow run` marks the run FINISHED or FAILED when the entry point ends, unless the script ended
 * it first; we only close what it left open: KILLED on cancel, FAILED on a non-zero exit,
 * FINISHED on exit 0.
 */

/** How long a cancelled run's process group gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 5000;
/** `mlflow run` logs this when the environment is ready and the entry point starts. */
const ENTRY_POINT_STARTED = /=== Running command '/;

export function abortLink(signal?: AbortSignal): AbortController {
  const c = new AbortController();
  if (signal?.aborted) c.abort();
  else signal?.addEventListener('abort', () => c.abort(), { once: true });
  return c;
}

export async function openRunStore(req: ProjectRunRequest, p: PreparedProject, opts: RunOptions): Promise<Store> {
  return openWritableStore(req.storeUri, { baseDir: req.cwd ?? process.cwd(), env: opts.env ?? process.env, python: p.pythonPath, onServerLog: opts.onServerLog });
}

/** The experiment the run goes to: by id, else by name (created when missing), else the env's, else '0'. */
export async function resolveExperiment(store: Store, req: Pick<ProjectRunRequest, 'experimentId' | 'experimentName'>, env: NodeJS.ProcessEnv): Promise<string> {
  const id = req.experimentId ?? (req.experimentName === undefined ? env.MLFLOW_EXPERIMENT_ID : undefined);
  if (id !== undefined && id !== '') {
    try {
      const exp = await store.getExperiment(id);
      if (exp.lifecycleStage === 'deleted') throw new Error(`experiment ${id} (${exp.name}) is deleted: restore it or choose another`);
      return exp.experimentId;
    } catch (e) {
      if (isStoreError(e, 'RESOURCE_DOES_NOT_EXIST')) throw new Error(`experiment id ${id} does not exist in ${store.uri}`);
      throw e;
    }
  }
  const name = req.experimentName ?? env.MLFLOW_EXPERIMENT_NAME;
  if (name) {
    // A file store folder that does not exist yet: MLflow creates it (with Default) on first write, and so does createExperiment.
    const found = await store.getExperimentByName(name).catch((e: unknown) => {
      if (isStoreError(e, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
      throw e;
    });
    if (found) {
      if (found.lifecycleStage === 'deleted') throw new Error(`experiment '${name}' is deleted: restore it or choose another name`);
      return found.experimentId;
    }
    return store.createExperiment(name);
  }
  // MLflow's default experiment; not looked up first, so a store that does not exist yet is created by the run's creation.
  return '0';
}

export interface CreateRunInput {
  experimentId: string;
  params: Record<string, string>;
  runName?: string;
  parentRunId?: string;
  tags?: Record<string, string>;
}

/** Creates the run RUNNING with `mlflow run`'s tags and logged params; returns its id. */
export async function createProjectRun(p: PreparedProject, store: Store, input: CreateRunInput, logged: Record<string, string>): Promise<string> {
  const tags = {
    ...projectRunTags({
      entryPoint: p.entryPoint.name,
      sourceName: p.source.sourceName,
      commit: p.source.commit,
      repoUrl: p.source.repoUrl,
      branch: p.source.branch,
      parentRunId: input.parentRunId,
      env: p.env,
    }),
    ...input.tags,
  };
  const run = await store.createRun({ experimentId: input.experimentId, runName: input.runName, startTime: Date.now(), tags });
  const params = Object.entries(logged).map(([key, value]) => ({ key, value }));
  if (params.length) await store.logBatch(run.info.runId, { params });
  return run.info.runId;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    if (process.platform === 'win32') spawnSync('taskkill', ['/pid', String(pid), '/T', '/F']);
    else process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Ends the run with `status` unless it already ended (the script's own end_run wins). Returns the final status. */
async function settle(store: Store, runId: string, status: FinalStatus): Promise<FinalStatus> {
  const run = await store.getRun(runId);
  const current = run.info.status;
  if (isTerminalStatus(current)) return current === 'FINISHED' || current === 'KILLED' ? current : 'FAILED';
  await store.updateRun(runId, { status, endTime: Date.now() });
  return status;
}

/**
 * Runs `mlflow run` for an existing run and waits for it. The process leads its own group, so a
 * cancel reaches uv, bash and the entry point too.
 */
export async function executeProjectRun(p: PreparedProject, store: Store, runId: string, experimentId: string, params: Record<string, string>, out: RunOutput, signal: AbortSignal): Promise<ProjectRunResult> {
  if (signal.aborted) return { runId, status: await settle(store, runId, 'KILLED'), exitCode: null };
  let lock: EnvBuildLock | undefined;
  if (p.envRoot) {
    try {
      lock = await EnvBuildLock.acquire(p.envRoot, signal, () => out.write('[mlwb] waiting for another run to finish building its environment…\n'));
      for (const d of lock.removedOnAcquire) out.write(`[mlwb] removed the unfinished environment ${d}\n`);
    } catch (e) {
      if (signal.aborted) return { runId, status: await settle(store, runId, 'KILLED'), exitCode: null };
      throw e;
    }
  }
  const runArgs = [p.source.workDir, '-e', p.entryPoint.name, '--run-id', runId, '--experiment-id', experimentId, '--env-manager', mlflowEnvManager(p.manager)];
  for (const [k, v] of Object.entries(params)) runArgs.push('-P', `${k}=${v}`);
  const args = mlflowRunArgs(runArgs);
  const preview = commandPreview(p, params);
  out.write(`[mlwb] run ${runId} in experiment ${experimentId}: mlflow run -e ${p.entryPoint.name}${preview ? ` → ${preview}` : ''}\n`);

  let exitCode: number | null = null;
  try {
    exitCode = await new Promise<number | null>((resolvePromise, reject) => {
      const child = spawn(p.pythonPath, args, { cwd: p.cwd, env: p.env, detached: process.platform !== 'win32', stdio: ['ignore', 'pipe', 'pipe'] });
      let killTimer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        if (child.pid === undefined) return;
        out.write('\n[mlwb] cancelling: stopping the run\'s processes\n');
        killGroup(child.pid, 'SIGTERM');
        killTimer = setTimeout(() => child.pid !== undefined && killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
      };
      const onExit = () => child.pid !== undefined && killGroup(child.pid, 'SIGKILL');
      process.once('exit', onExit);
      signal.addEventListener('abort', onAbort, { once: true });
      let errTail = '';
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stdout.on('data', (d: string) => out.write(d));
      child.stderr.on('data', (d: string) => {
        out.write(d);
        if (lock) {
          errTail = (errTail + d).slice(-4096);
          if (ENTRY_POINT_STARTED.test(errTail)) {
            // The environment is built: from now on it is reusable, and other runs may build theirs.
            lock.markComplete();
            lock.release();
            lock = undefined;
          }
        }
      });
      child.once('error', (e) => {
        process.removeListener('exit', onExit);
        signal.removeEventListener('abort', onAbort);
        reject(new Error(`cannot start ${p.pythonPath}: ${e.message}`));
      });
      child.once('close', (code) => {
        process.removeListener('exit', onExit);
        signal.removeEventListener('abort', onAbort);
        if (killTimer) clearTimeout(killTimer);
        // Whatever is left of the group (a script's own children) goes with it.
        if (child.pid !== undefined && signal.aborted) killGroup(child.pid, 'SIGKILL');
        resolvePromise(code);
      });
    });
  } catch (e) {
    await settle(store, runId, 'FAILED').catch(() => undefined);
    throw e;
  } finally {
    if (lock) {
      // The entry point never started: whatever environment this run began is half-built.
      const removed = lock.removeIncomplete();
      for (const d of removed) out.write(`[mlwb] removed the unfinished environment ${d}\n`);
      lock.release();
    }
  }
  const wanted: FinalStatus = signal.aborted ? 'KILLED' : exitCode === 0 ? 'FINISHED' : 'FAILED';
  const status = await settle(store, runId, wanted);
  out.write(`[mlwb] run ${runId} ${status}${exitCode !== null ? ` (exit code ${exitCode})` : ''}\n`);
  return { runId, status, exitCode: signal.aborted ? null : exitCode };
}

/** Starts one project run; see ProjectRunHandle. */
export function startProjectRun(req: ProjectRunRequest, out: RunOutput, opts: RunOptions = {}): ProjectRunHandle {
  const abort = abortLink(opts.signal);
  let gotId!: (id: string) => void;
  let noId!: (e: unknown) => void;
  const runId = new Promise<string>((res, rej) => ((gotId = res), (noId = rej)));
  // Callers may only await `done`; a failure before the run existed must not become an unhandled rejection here.
  runId.catch(() => undefined);
  const done = (async (): Promise<ProjectRunResult> => {
    const p = await prepareProject(req, out, opts, abort.signal);
    const computed = checkRunParameters(p, req.parameters, out);
    checkRuntime(p);
    if (abort.signal.aborted) throw new Error('cancelled before the run started');
    const store = opts.store ?? (await openRunStore(req, p, opts));
    try {
      const experimentId = await resolveExperiment(store, req, opts.env ?? process.env);
      const id = await createProjectRun(p, store, { experimentId, params: req.parameters, runName: req.runName, parentRunId: req.parentRunId, tags: req.tags }, computed.logged);
      gotId(id);
      return await executeProjectRun(p, store, id, experimentId, req.parameters, out, abort.signal);
    } finally {
      if (!opts.store) await store.close?.();
    }
  })();
  done.then(
    (r) => gotId(r.runId),
    (e) => noId(e),
  );
  return { runId, done, cancel: () => abort.abort() };
}

export { TAGS };
