import { readFileSync } from 'node:fs';
import { StoreError } from '../errors';
import type { RequestEvent } from '../operation';

/**
 * How to talk to an MLflow server: credentials, TLS, the retry policy and the bounds on what a
 * server may send. The retry defaults are the Python client's (mlflow/environment_variables.py):
 * 7 retries, backoff factor 2, jitter 1 s, 120 s per request. Unlike the requests library, whose
 * timeout is per socket read, ours covers the whole answer, so a server trickling a byte at a time
 * cannot hold a request open; and one store call has a total deadline (MLWB_OPERATION_TIMEOUT,
 * 120 s), so retries end in minutes, not the ~20 the Python defaults allow for a hanging server.
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
  /** Per request, ms, for the whole answer (headers and body), not only the first byte. */
  timeoutMs?: number;
  /** Total time of one store call (all its retries and pages), ms. A caller's operation can shorten it. */
  operationTimeoutMs?: number;
  /** Largest response body read, bytes; the socket is closed as soon as more arrives. */
  maxResponseBytes?: number;
  /** Most pages one paged call follows before it reports a page-token loop. */
  maxPages?: number;
  /** Most items one paged call collects (all pages together) before it stops with an error. */
  maxItems?: number;
  /** Extra request headers (e.g. a proxy's); never logged. */
  headers?: Record<string, string>;
  /** Told about every retry of every request (the status bar shows "retrying…"). */
  onRequestEvent?: (e: RequestEvent) => void;
}

export const REST_DEFAULTS = {
  maxRetries: 7,
  backoffFactor: 2,
  backoffJitter: 1,
  timeoutMs: 120_000,
  operationTimeoutMs: 120_000,
  maxResponseBytes: 256 * 1024 * 1024,
  maxPages: 10_000,
  maxItems: 1_000_000,
} as const;

/** MLflow's own ceilings (_MLFLOW_HTTP_REQUEST_MAX_RETRIES_LIMIT, …_MAX_BACKOFF_FACTOR_LIMIT): larger values are refused. */
export const MAX_RETRIES_LIMIT = 10;
export const MAX_BACKOFF_FACTOR_LIMIT = 120;
/** V8 cannot hold a string much longer than 512 M characters; a JSON body must fit in one. */
export const MAX_RESPONSE_MB_LIMIT = 512;

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
  const opTimeoutS = intOf(env, 'MLWB_OPERATION_TIMEOUT');
  const maxMb = intOf(env, 'MLWB_MAX_RESPONSE_MB');
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
    operationTimeoutMs: opTimeoutS === undefined ? undefined : opTimeoutS * 1000,
    maxResponseBytes: maxMb === undefined ? undefined : maxMb * 1024 * 1024,
  };
  const merged: RestOptions = { ...opts };
  for (const [k, v] of Object.entries(over) as [keyof RestOptions, unknown][]) {
    if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  }
  for (const k of Object.keys(merged) as (keyof RestOptions)[]) if (merged[k] === undefined) delete merged[k];
  checkLimits(merged);
  return merged;
}

/** Refuses settings MLflow refuses, and bounds that would defeat their purpose. */
export function checkLimits(o: RestOptions): void {
  const bad = (what: string) => {
    throw new StoreError('INVALID_PARAMETER_VALUE', what);
  };
  if (o.maxRetries !== undefined && (!Number.isInteger(o.maxRetries) || o.maxRetries > MAX_RETRIES_LIMIT)) {
    bad(`MLFLOW_HTTP_REQUEST_MAX_RETRIES=${o.maxRetries} is not allowed: MLflow takes a whole number up to ${MAX_RETRIES_LIMIT}`);
  }
  if (o.backoffFactor !== undefined && o.backoffFactor > MAX_BACKOFF_FACTOR_LIMIT) {
    bad(`MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR=${o.backoffFactor} is not allowed: MLflow takes at most ${MAX_BACKOFF_FACTOR_LIMIT}`);
  }
  if (o.timeoutMs !== undefined && o.timeoutMs <= 0) bad('MLFLOW_HTTP_REQUEST_TIMEOUT must be more than 0 seconds');
  if (o.operationTimeoutMs !== undefined && o.operationTimeoutMs <= 0) bad('MLWB_OPERATION_TIMEOUT must be more than 0 seconds');
  if (o.maxResponseBytes !== undefined && (o.maxResponseBytes <= 0 || o.maxResponseBytes > MAX_RESPONSE_MB_LIMIT * 1024 * 1024)) {
    bad(`the response size limit (MLWB_MAX_RESPONSE_MB / mlflow.maxResponseMB) must be between 1 and ${MAX_RESPONSE_MB_LIMIT} MB`);
  }
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
