/**
 * The project runner: MLproject entry points and parameter sweeps run with the real `mlflow run`,
 * in runs we create first (docs/runner.md). The VS Code tasks and `mlwb run` both drive it.
 */
export type {
  FinalStatus,
  ProjectRunHandle,
  ProjectRunRequest,
  ProjectRunResult,
  RunOptions,
  RunOutput,
  SweepChildResult,
  SweepHandle,
  SweepOptions,
  SweepRequest,
  SweepResult,
} from './types';
export { startProjectRun } from './projectRun';
export { startSweep, sweepCombinations, parseSweepSpec } from './sweep';
export { ENV_MANAGERS, EnvToolError, type EnvManager } from './envManagers';
export { checkInterpreterMlflow, interpreterEnv, interpreterPath } from './interpreter';
export { defaultCacheDir } from './prepare';
