import type { Store } from '../store/openStore';
import type { EnvManager } from './envManagers';

/**
 * The runner's contract with its callers (the VS Code tasks in extension/host, `mlwb run`).
 * Re-exported by ./index.ts; fields may be added, never renamed.
 */

export interface ProjectRunRequest {
  /** Project folder, or a git URI (`https://…`, `file:///…/repo.git`, `user@host:repo`), optionally `#sub/folder`. */
  project: string;
  /** Git branch, tag or commit (git projects; a local folder with a version is fetched through git too). */
  version?: string;
  entryPoint: string;
  /** `-P` values as typed (declared parameters and extras); defaults fill the rest, as in `mlflow run`. */
  parameters: Record<string, string>;
  /** Experiment by name (created when missing); ignored when experimentId is given. Neither: MLFLOW_EXPERIMENT_ID/NAME of the env, else '0'. */
  experimentName?: string;
  experimentId?: string;
  runName?: string;
  /** Default 'local': the chosen interpreter runs the project (MLflow's own default would build a virtualenv). */
  envManager?: EnvManager;
  /** The interpreter that runs `mlflow run` and that the project's `python` resolves to. */
  python: string;
  storeUri: string;
  /**
   * Folder a relative project, python or store URI is taken against (default process.cwd()), and the
   * working folder of `mlflow run`, where relative `path` values resolve (default: the project folder;
   * a git checkout always runs in its own). With `opts.store`, the process uses that store's URI.
   */
  cwd?: string;
  /** Makes the run a child of this run (mlflow.parentRunId); sweeps set it. */
  parentRunId?: string;
  /** Extra tags for the run. */
  tags?: Record<string, string>;
}

export interface SweepRequest extends Omit<ProjectRunRequest, 'parameters'> {
  /** Values every child gets (unless swept). */
  base: Record<string, string>;
  /** Values per swept parameter: one child per combination (the grid). */
  sweep: Record<string, string[]>;
  /** Children running at once (at least 1). */
  parallel: number;
}

/** Raw process output (environment building included), in order: for a terminal or stdout. */
export interface RunOutput {
  write(text: string): void;
}

export type FinalStatus = 'FINISHED' | 'FAILED' | 'KILLED';

export interface ProjectRunResult {
  runId: string;
  status: FinalStatus;
  /** The `mlflow run` process's exit code; null when it was killed or never started. */
  exitCode: number | null;
}

export interface ProjectRunHandle {
  /** Resolves as soon as the run exists in the store (before the process starts); rejects when the run could not be created. */
  runId: Promise<string>;
  /** Resolves when it is over; rejects (with a message for the user) when nothing ran: bad parameter, no mlflow, missing tool, store error. */
  done: Promise<ProjectRunResult>;
  cancel(): void;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Environment for the run (default process.env); PATH and VIRTUAL_ENV are then set for the interpreter. */
  env?: NodeJS.ProcessEnv;
  /** An open writable store for `storeUri` (e.g. the extension's session): used and left open. Default: opened here and closed after. */
  store?: Store;
  /** Where git checkouts, python_env environments and interpreter shims are kept; default $MLWB_CACHE_DIR, else ~/.cache/mlwb. */
  cacheDir?: string;
  /** Output of a local `mlflow server` opened for a database store. */
  onServerLog?: (line: string) => void;
}

export interface SweepChildResult {
  /** Undefined when the child was never created (sweep cancelled first, or it failed before its run existed). */
  runId?: string;
  params: Record<string, string>;
  status: FinalStatus | 'NOT_STARTED';
  exitCode: number | null;
  error?: string;
}

export interface SweepResult {
  parent: { runId: string; status: FinalStatus };
  children: SweepChildResult[];
}

export interface SweepOptions extends RunOptions {
  /** Called when a child's run exists (its params are the full -P set for it). */
  onChild?(runId: string, params: Record<string, string>): void;
  /** Called when a child ends. */
  onChildDone?(child: SweepChildResult): void;
}

export interface SweepHandle {
  parentRunId: Promise<string>;
  done: Promise<SweepResult>;
  cancel(): void;
}
