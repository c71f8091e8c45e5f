import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { loadProject, resolveEntryPoint, type MlProject, type ResolvedEntryPoint } from '../project/model';
import { computeCommand, computeParameters, ParameterError, validateParamValue, type ComputedParameters } from '../project/params';
import { absoluteBackendUri } from '../store/localServer';
import { LocalServerStore } from '../store/localServerStore';
import type { Store } from '../store/openStore';
import { storeKindOf } from '../store/trackingUri';
import { checkEnvTools, ENV_MANAGERS, type EnvManager } from './envManagers';
import { fetchGitProject, isGitProject, splitSubdirectory, type ProjectSource } from './gitProject';
import { checkInterpreterMlflow, interpreterEnv, interpreterPath } from './interpreter';
import { localGitInfo } from './sourceTags';
import type { ProjectRunRequest, RunOptions, RunOutput } from './types';

/**
 * Everything checked and resolved once before any run is created: the project (fetched when it is
 * a git URI), the entry point, the interpreter (with mlflow), the environment manager's tools, and
 * the environment the `mlflow run` process gets. A sweep prepares once for all its children.
 */

export interface PreparedProject {
  source: ProjectSource;
  project: MlProject;
  entryPoint: ResolvedEntryPoint;
  manager: EnvManager;
  pythonPath: string;
  /** Environment of the `mlflow run` process (PATH, VIRTUAL_ENV, MLFLOW_TRACKING_URI, MLFLOW_ENV_ROOT…). */
  env: NodeJS.ProcessEnv;
  /** Working folder of the `mlflow run` process: relative `path` values are taken against it, as in a shell. */
  cwd: string;
  trackingUri: string;
  /** MLFLOW_ENV_ROOT when the manager builds python_env environments there (uv, virtualenv); else undefined. */
  envRoot?: string;
  cacheDir: string;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.MLWB_CACHE_DIR) return env.MLWB_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mlwb');
}

/**
 * The absolute tracking URI for the `mlflow run` process: the lent store's own (a relative
 * `sqlite:///mlflow.db` was resolved by whoever opened it, e.g. against the workspace), else the
 * request's URI taken against the run's base folder.
 */
function processTrackingUri(storeUri: string, baseDir: string, store: Store | undefined): string {
  if (store instanceof LocalServerStore) return store.server.backendStoreUri;
  if (store && (storeKindOf(store.uri) === 'file' || storeKindOf(store.uri) === 'rest')) return store.uri;
  return absoluteBackendUri(storeUri, baseDir);
}

function abortedError(): Error {
  return new Error('cancelled before the run started');
}

/** Resolves the project, the entry point and the interpreter's environment. Throws an Error with a message for the user. */
export async function prepareProject(req: ProjectRunRequest, out: RunOutput, opts: RunOptions, signal: AbortSignal): Promise<PreparedProject> {
  const base = opts.env ?? process.env;
  const cacheDir = opts.cacheDir ?? defaultCacheDir(base);
  const manager: EnvManager = req.envManager ?? 'local';
  if (!ENV_MANAGERS.includes(manager)) throw new Error(`unknown env manager '${manager}' (expected one of ${ENV_MANAGERS.join(', ')})`);
  const baseDir = req.cwd ?? process.cwd();

  let source: ProjectSource;
  if (isGitProject(req.project, req.version, baseDir)) {
    source = await fetchGitProject(req.project, req.version, cacheDir, baseDir, out, signal);
  } else {
    const { uri, sub } = splitSubdirectory(req.project);
    const path = uri.startsWith('file:') ? decodeURIComponent(uri.replace(/^file:(\/\/[^/]*)?/i, '')) : uri;
    const dir = resolve(baseDir, path, sub);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`project folder ${dir} does not exist`);
    const git = localGitInfo(dir);
    source = { workDir: dir, sourceName: git.sourceName ?? dir, commit: git.commit, repoUrl: git.repoUrl, git: false };
  }
  if (signal.aborted) throw abortedError();

  const project = loadProject(source.workDir);
  if (project.errors.length) throw new Error(`${project.file} cannot be run:\n${project.errors.join('\n')}`);
  const entryPoint = resolveEntryPoint(project, req.entryPoint);
  if (!entryPoint) {
    const names = project.entryPoints.map((e) => e.name);
    throw new Error(`entry point '${req.entryPoint}' is not in ${project.file ?? source.workDir} (${names.length ? `entry points: ${names.join(', ')}` : 'no entry points declared'}), and is not a .py or .sh file`);
  }
  if (entryPoint.script && !existsSync(join(source.workDir, entryPoint.name))) throw new Error(`script ${join(source.workDir, entryPoint.name)} does not exist`);

  const pythonPath = interpreterPath(req.python, base, baseDir);
  const env = interpreterEnv(pythonPath, base, cacheDir);

  const trackingUri = processTrackingUri(req.storeUri, baseDir, opts.store);
  env.MLFLOW_TRACKING_URI = trackingUri;
  // The user chose this file store; MLflow 3.13+ refuses file stores without this.
  if (storeKindOf(trackingUri) === 'file') env.MLFLOW_ALLOW_FILE_STORE = 'true';
  // `mlflow run` reads these as --experiment-name/--experiment-id defaults and refuses both at once; we pass the id.
  delete env.MLFLOW_EXPERIMENT_NAME;
  delete env.MLFLOW_RUN_ID;
  env.GIT_PYTHON_REFRESH ??= 'quiet';
  // The entry point's own Python prints as it goes (the mlflow run process itself gets -u).
  env.PYTHONUNBUFFERED ??= '1';
  let envRoot: string | undefined;
  if ((manager === 'uv' || manager === 'virtualenv') && project.env.kind !== 'docker_env') {
    envRoot = env.MLFLOW_ENV_ROOT ? resolve(baseDir, env.MLFLOW_ENV_ROOT) : join(cacheDir, 'envs');
    env.MLFLOW_ENV_ROOT = envRoot;
  }
  const cwd = source.git ? source.workDir : req.cwd ?? source.workDir;
  return { source, project, entryPoint, manager, pythonPath, env, cwd, trackingUri, envRoot, cacheDir };
}

/**
 * Checks what takes seconds (importing mlflow in the interpreter, asking docker), after the values
 * are known to be good. Adds what the manager needs to the run's environment.
 */
export function checkRuntime(p: PreparedProject): void {
  checkInterpreterMlflow(p.pythonPath, p.env);
  Object.assign(p.env, checkEnvTools(p.manager, p.project, p.env, p.pythonPath));
}

/**
 * Checks one run's `-P` values: types first (all problems at once), then what `mlflow run` itself
 * requires. Warnings (a path that does not exist yet) go to `out`.
 */
export function checkRunParameters(p: PreparedProject, params: Record<string, string>, out: RunOutput): ComputedParameters {
  const problems: string[] = [];
  for (const decl of p.entryPoint.parameters) {
    if (!(decl.name in params)) continue;
    const check = validateParamValue(decl.type, params[decl.name], { baseDir: p.cwd });
    if (check.error) problems.push(`parameter '${decl.name}' (${decl.declaredType}): ${check.error}`);
    if (check.warning) out.write(`[mlwb] warning: parameter '${decl.name}': ${check.warning}\n`);
  }
  if (problems.length) throw new ParameterError(problems.join('\n'));
  return computeParameters(p.entryPoint, params);
}

/** The command `mlflow run` will run, for the log; undefined when the template is beyond the preview. */
export function commandPreview(p: PreparedProject, params: Record<string, string>): string | undefined {
  try {
    return computeCommand(p.entryPoint, params, isAbsolute(p.cwd) ? p.cwd : resolve(p.cwd));
  } catch {
    return undefined;
  }
}
