import * as http from 'node:http';
import * as https from 'node:https';
import { StoreError, type StoreErrorCode } from '../errors';
import { redactUri } from '../trackingUri';
import { authorizationHeader, readCaBundle, REST_DEFAULTS, type RestOptions } from './restOptions';

/**
 * HTTP transport for MLflow's REST API: JSON in and out, MLflow's retry policy (408/429/5xx and
 * dropped connections, exponential backoff with jitter, Retry-After), and errors turned into
 * StoreErrors whose text names the server but never its credentials. node:http is used instead of
 * fetch because Node 20's fetch cannot take a CA bundle or skip TLS checks per request.
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export type Params = Record<string, string | number | boolean | string[] | undefined | null | object>;

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const MAX_BACKOFF_S = 120;
/** Connection failures worth another try: the server restarting, a proxy dropping an idle socket. */
const TRANSIENT_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'MLWB_TIMEOUT']);
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;

const MLFLOW_CODES: Partial<Record<string, StoreErrorCode>> = {
  RESOURCE_DOES_NOT_EXIST: 'RESOURCE_DOES_NOT_EXIST',
  NOT_FOUND: 'RESOURCE_DOES_NOT_EXIST',
  RESOURCE_ALREADY_EXISTS: 'RESOURCE_ALREADY_EXISTS',
  ALREADY_EXISTS: 'RESOURCE_ALREADY_EXISTS',
  INVALID_PARAMETER_VALUE: 'INVALID_PARAMETER_VALUE',
  BAD_REQUEST: 'INVALID_PARAMETER_VALUE',
  INVALID_STATE: 'INVALID_STATE',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  ENDPOINT_NOT_FOUND: 'ENDPOINT_NOT_FOUND',
  TEMPORARILY_UNAVAILABLE: 'UNREACHABLE',
};

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function socketReason(code: string | undefined, message: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset by the server';
    case 'ENOTFOUND':
      return 'host not found';
    case 'MLWB_TIMEOUT':
      return message;
    default:
      return message || code || 'network error';
  }
}

export interface RequestContext {
  /** Turns a RESOURCE_DOES_NOT_EXIST answer into a message about the thing asked for. */
  notFound?: string;
  /** What a bare 404 (no MLflow error JSON) means for this endpoint, e.g. an old server. */
  endpointMissing?: string;
  /** Overrides the retry count (the store's first contact fails fast). */
  maxRetries?: number;
}

export class MlflowHttpClient {
  /** Base URL without credentials and without a trailing slash; may carry a path prefix. */
  readonly baseUrl: string;
  /** The base URL as messages show it. */
  readonly shown: string;
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly headers: Record<string, string>;
  private readonly maxRetries: number;
  private readonly backoffFactor: number;
  private readonly backoffJitter: number;
  private readonly timeoutMs: number;

  constructor(uri: string, opts: RestOptions = {}) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new StoreError('INVALID_PARAMETER_VALUE', `Not a valid server URL: ${redactUri(uri)}`, redactUri(uri));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new StoreError('INVALID_PARAMETER_VALUE', `Not an http(s) server URL: ${redactUri(uri)}`, redactUri(uri));
    }
    // user:password@ in the URI is how requests-based clients take basic auth; it must not stay
    // in the URL we show or log.
    const auth = { ...opts };
    if (url.username && !(auth.username && auth.password)) {
      auth.username = decodeURIComponent(url.username);
      auth.password = decodeURIComponent(url.password);
    }
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    this.url = url;
    this.baseUrl = url.toString().replace(/\/+$/, '');
    this.shown = this.baseUrl;
    const https_ = url.protocol === 'https:';
    this.agent = https_
      ? new https.Agent({
          keepAlive: true,
          rejectUnauthorized: !opts.insecureTls,
          ca: opts.caCertPath ? readCaBundle(opts.caCertPath) : undefined,
        })
      : new http.Agent({ keepAlive: true });
    this.headers = { 'User-Agent': 'mlflow-workbench', ...(opts.headers ?? {}) };
    const authz = authorizationHeader(auth);
    if (authz) this.headers.Authorization = authz;
    this.maxRetries = opts.maxRetries ?? REST_DEFAULTS.maxRetries;
    this.backoffFactor = opts.backoffFactor ?? REST_DEFAULTS.backoffFactor;
    this.backoffJitter = opts.backoffJitter ?? REST_DEFAULTS.backoffJitter;
    this.timeoutMs = opts.timeoutMs ?? REST_DEFAULTS.timeoutMs;
  }

  close(): void {
    this.agent.destroy();
  }

  /** Calls a JSON endpoint: GET parameters go in the query string, everything else in a JSON body. */
  async call<T>(method: HttpMethod, path: string, params: Params = {}, ctx: RequestContext = {}): Promise<T> {
    let target = path;
    let body: string | undefined;
    if (method === 'GET') target += queryString(params);
    else body = JSON.stringify(params);
    const res = await this.send(method, target, body, ctx);
    if (res.status >= 200 && res.status < 300) {
      const text = res.body.toString('utf8');
      if (text.trim() === '') return {} as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new StoreError('INTERNAL_ERROR', `${this.shown}${path} answered with something that is not JSON (is this an MLflow server?)`, this.shown + path, res.status);
      }
    }
    throw this.errorOf(res, path, ctx);
  }

  /** Downloads raw bytes (artifacts). */
  async bytes(path: string, params: Params, ctx: RequestContext = {}): Promise<Uint8Array> {
    const res = await this.send('GET', path + queryString(params), undefined, ctx);
    if (res.status >= 200 && res.status < 300) return new Uint8Array(res.body.buffer, res.body.byteOffset, res.body.byteLength);
    throw this.errorOf(res, path, ctx);
  }

  private backoffMs(failures: number, res?: RawResponse): number {
    if (res && (res.status === 429 || res.status === 503)) {
      const after = retryAfterMs(res.headers['retry-after']);
      if (after !== undefined) return Math.min(after, MAX_BACKOFF_S * 1000);
    }
    // urllib3's schedule, which MLflow's client uses: no wait before the first retry.
    if (failures <= 1) return 0;
    const s = this.backoffFactor * 2 ** (failures - 1) + Math.random() * this.backoffJitter;
    return Math.min(s, MAX_BACKOFF_S) * 1000;
  }

  private async send(method: HttpMethod, target: string, body: string | undefined, ctx: RequestContext): Promise<RawResponse> {
    const retries = ctx.maxRetries ?? this.maxRetries;
    for (let failures = 1; ; failures++) {
      let res: RawResponse;
      try {
        res = await this.once(method, target, body);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        const code = err.code;
        if (code && TLS_CODES.test(code)) {
          throw new StoreError(
            'UNREACHABLE',
            `TLS check failed for ${this.shown}: ${err.message} (set MLFLOW_TRACKING_SERVER_CERT_PATH to the server's CA bundle, or MLFLOW_TRACKING_INSECURE_TLS=true)`,
            this.shown,
          );
        }
        const transient = (code !== undefined && TRANSIENT_SOCKET_CODES.has(code)) || /socket hang up/i.test(err.message);
        if (transient && failures <= retries) {
          await sleep(this.backoffMs(failures));
          continue;
        }
        throw new StoreError('UNREACHABLE', `Cannot reach ${this.shown}: ${socketReason(code, err.message)}`, this.shown);
      }
      if (RETRY_STATUSES.has(res.status) && failures <= retries && !isFinalServerError(res)) {
        await sleep(this.backoffMs(failures, res));
        continue;
      }
      return res;
    }
  }

  private once(method: HttpMethod, target: string, body: string | undefined): Promise<RawResponse> {
    const url = new URL(this.url.pathname.replace(/\/+$/, '') + target, this.url);
    const headers: Record<string, string> = { ...this.headers, Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise<RawResponse>((resolve, reject) => {
      const req = mod.request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
        res.on('aborted', () => reject(Object.assign(new Error('connection closed mid-response'), { code: 'ECONNRESET' })));
      });
      req.setTimeout(this.timeoutMs, () => {
        req.destroy(Object.assign(new Error(`no answer within ${Math.round(this.timeoutMs / 1000)} s`), { code: 'MLWB_TIMEOUT' }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  private errorOf(res: RawResponse, path: string, ctx: RequestContext): StoreError {
    const where = this.shown + path;
    if (res.status === 401) return new StoreError('UNAUTHENTICATED', `Authentication failed for ${this.shown} (401)`, this.shown, 401);
    let payload: { error_code?: string; message?: string } | undefined;
    try {
      const parsed: unknown = JSON.parse(res.body.toString('utf8'));
      if (parsed && typeof parsed === 'object') payload = parsed as { error_code?: string; message?: string };
    } catch {
      payload = undefined;
    }
    if (res.status === 403) {
      return new StoreError('PERMISSION_DENIED', `Permission denied by ${this.shown} for ${path} (403)`, where, 403);
    }
    if (!payload?.error_code) {
      if (res.status === 404) {
        return new StoreError('ENDPOINT_NOT_FOUND', ctx.endpointMissing ?? `${where} does not exist (404): not an MLflow server, or one too old for this call`, where, 404);
      }
      const text = res.body.toString('utf8').trim().split('\n')[0].slice(0, 200);
      const code: StoreErrorCode = res.status >= 502 && res.status <= 504 ? 'UNREACHABLE' : 'INTERNAL_ERROR';
      return new StoreError(code, `${where} failed with HTTP ${res.status}${text ? `: ${text}` : ''}`, where, res.status);
    }
    const code = MLFLOW_CODES[payload.error_code] ?? 'INTERNAL_ERROR';
    // Server messages can carry a whole SQL statement after the first line; the first line says it.
    const msg = (payload.message ?? payload.error_code).split('\n')[0].trim();
    if (code === 'RESOURCE_DOES_NOT_EXIST' && ctx.notFound) {
      return new StoreError(code, `${ctx.notFound} not found on ${this.shown}: ${msg}`, where, res.status);
    }
    if (code === 'ENDPOINT_NOT_FOUND' && ctx.endpointMissing) return new StoreError(code, ctx.endpointMissing, where, res.status);
    return new StoreError(code, `${msg} (${payload.error_code} from ${this.shown})`, where, res.status);
  }
}

/** A 500 carrying MLflow's INVALID_STATE is the server's answer, not a hiccup worth four minutes of retries. */
function isFinalServerError(res: RawResponse): boolean {
  if (res.status !== 500) return false;
  try {
    const code = (JSON.parse(res.body.toString('utf8')) as { error_code?: string }).error_code;
    return code === 'INVALID_STATE';
  } catch {
    return false;
  }
}

function retryAfterMs(v: string | string[] | undefined): number | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  if (!s) return undefined;
  if (/^\d+(\.\d+)?$/.test(s.trim())) return Number(s) * 1000;
  const when = Date.parse(s);
  return Number.isNaN(when) ? undefined : Math.max(0, when - Date.now());
}

/** MLflow's GET convention: repeated keys for lists, `true`/`false` for booleans. */
export function queryString(params: Params): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const item of v) q.append(k, String(item));
    else q.append(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
