import { readFileSync } from 'node:fs';
import { StoreError } from '../errors';

/**
 * How to talk to an MLflow server: credentials, TLS and the retry policy. The defaults are the
 * Python client's (mlflow/environment_variables.py): 7 retries, backoff factor 2, jitter 1 s,
 * 120 s per request, so a script and the extension give up on a flaky server at the same point.
 */
export interface RestOptions {
  /** `Authorization: Bearer …`; used only when username and password are not both set, as MLflow does. */
  token?: string;
  username?: string;
  password?: string;
  /** Skip TLS certificate checks (MLFLOW_TRACKING_INSECURE_TLS). */
  insecureTls?: boolean;
  /** PEM CA bundle to verify the server with (MLFLOW_TRACKING_SERVER_CERT_PATH). */
  caCertPath?: string;
  maxRetries?: number;
  /** Seconds; the n-th retry waits factor * 2^(n-1) s (the first retry is immediate), capped at 120 s. */
  backoffFactor?: number;
  /** Seconds of random extra wait per retry. */
  backoffJitter?: number;
  /** Per request, ms. */
  timeoutMs?: number;
  /** Extra request headers (e.g. a proxy's); never logged. */
  headers?: Record<string, string>;
}

export const REST_DEFAULTS = { maxRetries: 7, backoffFactor: 2, backoffJitter: 1, timeoutMs: 120_000 } as const;

function truthy(v: string | undefined): boolean {
  return v !== undefined && ['true', '1'].includes(v.trim().toLowerCase());
}

function intOf(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new StoreError('INVALID_PARAMETER_VALUE', `${name}=${raw} is not a non-negative number`);
  return n;
}

/**
 * RestOptions from MLflow's client environment variables. Values given in `over` win (the
 * extension passes credentials from SecretStorage that way).
 */
export function restOptionsFromEnv(env: NodeJS.ProcessEnv, over: RestOptions = {}): RestOptions {
  const insecure = truthy(env.MLFLOW_TRACKING_INSECURE_TLS);
  const cert = env.MLFLOW_TRACKING_SERVER_CERT_PATH?.trim() || undefined;
  if (insecure && cert) {
    // MLflow refuses this combination too: a CA bundle is pointless when checks are off.
    throw new StoreError('INVALID_PARAMETER_VALUE', 'MLFLOW_TRACKING_INSECURE_TLS and MLFLOW_TRACKING_SERVER_CERT_PATH cannot both be set');
  }
  const timeoutS = intOf(env, 'MLFLOW_HTTP_REQUEST_TIMEOUT');
  const opts: RestOptions = {
    token: env.MLFLOW_TRACKING_TOKEN || undefined,
    username: env.MLFLOW_TRACKING_USERNAME || undefined,
    password: env.MLFLOW_TRACKING_PASSWORD || undefined,
    insecureTls: insecure || undefined,
    caCertPath: cert,
    maxRetries: intOf(env, 'MLFLOW_HTTP_REQUEST_MAX_RETRIES'),
    backoffFactor: intOf(env, 'MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR'),
    backoffJitter: intOf(env, 'MLFLOW_HTTP_REQUEST_BACKOFF_JITTER'),
    timeoutMs: timeoutS === undefined ? undefined : timeoutS * 1000,
  };
  const merged: RestOptions = { ...opts };
  for (const [k, v] of Object.entries(over) as [keyof RestOptions, unknown][]) {
    if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  }
  for (const k of Object.keys(merged) as (keyof RestOptions)[]) if (merged[k] === undefined) delete merged[k];
  return merged;
}

/** The Authorization header value for these options, or undefined. Basic wins over the token, as in MLflow. */
export function authorizationHeader(opts: RestOptions): string | undefined {
  if (opts.username && opts.password) return 'Basic ' + Buffer.from(`${opts.username}:${opts.password}`, 'utf8').toString('base64');
  if (opts.token) return `Bearer ${opts.token}`;
  return undefined;
}

export function readCaBundle(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new StoreError('INVALID_PARAMETER_VALUE', `Cannot read the CA bundle ${path} (MLFLOW_TRACKING_SERVER_CERT_PATH): ${e instanceof Error ? e.message : String(e)}`, path);
  }
}
