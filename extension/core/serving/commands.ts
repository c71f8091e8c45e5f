import { interpreterEnv } from '../runner/interpreter';
import { isolatedPythonEnv } from '../store/isolatedPython';
import type { ModelRef } from './modelUri';
import { modelUri } from './modelUri';

/**
 * Argument vectors for `python -m mlflow models serve|predict`: always a vector for
 * ProcessExecution (never a shell line), so model names, aliases and paths reach MLflow unchanged.
 */

export const ENV_MANAGERS = ['local', 'virtualenv', 'uv', 'conda'] as const;
export type EnvManager = (typeof ENV_MANAGERS)[number];

export function envManagerOf(value: string | undefined): EnvManager {
  return (ENV_MANAGERS as readonly string[]).includes(value ?? '') ? (value as EnvManager) : 'local';
}

export interface ServeOptions {
  model: ModelRef;
  port: number;
  envManager: EnvManager;
  /** Seconds per request before the scoring server gives up (MLflow's default: 60). */
  timeoutSeconds?: number;
}

/** Only loopback: a model server started from an editor is for this machine. */
export const SERVE_HOST = '127.0.0.1';

export function serveArgs(o: ServeOptions): string[] {
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) throw new Error(`Invalid port ${o.port}`);
  const args = ['-m', 'mlflow', 'models', 'serve', '-m', modelUri(o.model), '-h', SERVE_HOST, '-p', String(o.port), '--env-manager', o.envManager];
  // One worker: the scoring server would otherwise start several processes each loading the model.
  args.push('-w', '1');
  if (o.timeoutSeconds !== undefined) args.push('-t', String(o.timeoutSeconds));
  return args;
}

export type PredictContentType = 'json' | 'csv';

export interface PredictOptions {
  model: ModelRef;
  inputPath: string;
  outputPath: string;
  contentType: PredictContentType;
  envManager: EnvManager;
}

export function predictArgs(o: PredictOptions): string[] {
  return ['-m', 'mlflow', 'models', 'predict', '-m', modelUri(o.model), '-i', o.inputPath, '-t', o.contentType, '-o', o.outputPath, '--env-manager', o.envManager];
}

/** `-t` from the input file's name: MLflow reads `.csv` as a pandas CSV, everything else as JSON. */
export function contentTypeOf(path: string): PredictContentType {
  return /\.csv$/i.test(path) ? 'csv' : 'json';
}

/** Where predictions go by default: beside the input, `<name>.predictions.json`. */
export function defaultOutputPath(inputPath: string): string {
  return inputPath.replace(/(\.[^./\\]*)?$/, '.predictions.json');
}

/** The environment of a serve/predict process: the open store, and its credentials when it has some. */
export function servingEnv(trackingUri: string | undefined, creds?: { username?: string; password?: string; token?: string }): Record<string, string> {
  const env: Record<string, string> = { MLFLOW_ALLOW_FILE_STORE: 'true' };
  if (trackingUri) env.MLFLOW_TRACKING_URI = trackingUri;
  if (creds?.username && creds.password) {
    env.MLFLOW_TRACKING_USERNAME = creds.username;
    env.MLFLOW_TRACKING_PASSWORD = creds.password;
  } else if (creds?.token) env.MLFLOW_TRACKING_TOKEN = creds.token;
  return env;
}

/**
 * The whole environment of a serve/predict process. The interpreter's folder goes first on PATH:
 * `mlflow models serve --env-manager local` starts the scoring server as `bash -c "exec uvicorn …"`,
 * so uvicorn is found on PATH, not next to the Python that runs mlflow (started by its full path
 * from a venv that is not activated, it fails with "uvicorn: not found"). `pythonPath` is absolute.
 */
export function servingProcessEnv(
  pythonPath: string,
  base: NodeJS.ProcessEnv,
  cacheDir: string,
  trackingUri: string | undefined,
  creds?: { username?: string; password?: string; token?: string },
): NodeJS.ProcessEnv {
  return { ...isolatedPythonEnv(interpreterEnv(pythonPath, base, cacheDir)), ...servingEnv(trackingUri, creds) };
}
