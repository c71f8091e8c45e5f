import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Repository root, whatever the test file's depth. */
export const repoRoot = resolve(__dirname, '..', '..');

/**
 * The Python that has the real `mlflow` installed: MLWB_PYTHON, else the project's venv made by
 * scripts/setup-python.sh. Tests that compare against MLflow must fail, not skip, when it is missing.
 */
export function mlflowPython(): string {
  const fromEnv = process.env.MLWB_PYTHON;
  if (fromEnv) return fromEnv;
  const venv = join(repoRoot, '.cache', 'venv', 'bin', 'python');
  if (existsSync(venv)) return venv;
  throw new Error('No Python with mlflow: run scripts/setup-python.sh (creates .cache/venv) or set MLWB_PYTHON');
}

/** Environment for spawning MLflow against file stores (MLflow >= 3.13 refuses them otherwise). */
export function mlflowEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    MLFLOW_ALLOW_FILE_STORE: 'true',
    PYTHONWARNINGS: 'ignore',
    GIT_PYTHON_REFRESH: 'quiet',
    ...extra,
  };
}

/**
 * Runs a Python snippet with the mlflow venv and returns stdout parsed as JSON. `filter` edits the
 * final environment (the team server's clients drop every AWS variable).
 */
export function runPythonJson<T = unknown>(code: string, env: Record<string, string> = {}, cwd?: string, filter: (env: NodeJS.ProcessEnv) => NodeJS.ProcessEnv = (e) => e): T {
  const r = spawnSync(mlflowPython(), ['-c', code], {
    env: filter(mlflowEnv(env)),
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`python failed (${r.status}):\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

export function runPython(args: string[], env: Record<string, string> = {}, cwd?: string): string {
  return execFileSync(mlflowPython(), args, { env: mlflowEnv(env), cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}
