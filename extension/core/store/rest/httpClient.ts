import * as http from 'node:http';
import * as https from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import { StoreError, type StoreErrorCode } from '../errors';
import { currentOperation, runStoreOperation, type RequestEvent } from '../operation';
import { redactUri } from '../trackingUri';
import { JsonItemCounter } from './jsonItemCounter';
import { authorizationHeader, checkLimits, readCaBundle, REST_DEFAULTS, type RestOptions } from './restOptions';
import { check, ShapeError, type Shape } from './shape';

/**
 * HTTP transport for MLflow's REST API: JSON in and out, MLflow's retry policy (408/429/5xx and
 * dropped connections, exponential backoff with jitter, Retry-After), and errors turned into
 * StoreErrors whose text names the URL but never the credentials. Everything a server sends is
 * bounded: body bytes (the socket closes as soon as the cap is passed), items per page, time per
 * request (the whole answer, not the first byte) and time per operation; every answer is checked
 * against the shape of its message before anyone reads it. node:http is used instead of fetch
 * because Node 20's fetch cannot take a CA bundle or skip TLS checks per request.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Params = Record<string, string | number | boolean | string[] | undefined | null | object>;

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as text (JSON calls and error answers) or bytes (artifacts). */
  text?: string;
  bytes?: Buffer;
}

const OPERATION_DEADLINE = "the operation's deadline (MLWB_OPERATION_TIMEOUT / mlflow.operationTimeoutSeconds)";

/** How much of an error answer is read: enough for MLflow's error JSON, never a flood. */
const MAX_ERROR_BODY = 64 * 1024;

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

function mb(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
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
  /** Most items any list field of the answer may hold (the page size asked for). */
  maxItems?: number;
}

interface AttemptLimits {
  /** Date.now() after which this attempt is cut. */
  cutAt: number;
  /** True when the cut is the operation's deadline rather than the per-request timeout. */
  cutIsDeadline: boolean;
  signal?: AbortSignal;
  maxBytes: number;
  maxItems?: number;
  asBytes: boolean;
}

/** Errors of one attempt that end the request at once (no retry). */
class FinalError extends Error {
  constructor(readonly storeError: StoreError) {
    super(storeError.message);
  }
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
  private readonly operationTimeoutMs: number;
  readonly maxResponseBytes: number;
  readonly maxPages: number;
  readonly maxItems: number;
  private readonly onRequestEvent?: (e: RequestEvent) => void;

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
    checkLimits(opts);
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
    this.operationTimeoutMs = opts.operationTimeoutMs ?? REST_DEFAULTS.operationTimeoutMs;
    this.maxResponseBytes = opts.maxResponseBytes ?? REST_DEFAULTS.maxResponseBytes;
    this.maxPages = opts.maxPages ?? REST_DEFAULTS.maxPages;
    this.maxItems = opts.maxItems ?? REST_DEFAULTS.maxItems;
    this.onRequestEvent = opts.onRequestEvent;
  }

  close(): void {
    this.agent.destroy();
  }

  /**
   * Runs several requests as one operation with this client's total deadline (a caller's
   * operation may already have a sooner one), so a paged call is bounded as a whole.
   */
  operation<T>(fn: () => Promise<T>): Promise<T> {
    return runStoreOperation({ timeoutMs: this.operationTimeoutMs, deadlineName: OPERATION_DEADLINE }, fn);
  }

  /** One request bounded by `ms` at most (and by the operation's deadline). */
  within<T>(ms: number, deadlineName: string, fn: () => Promise<T>): Promise<T> {
    return ms < this.operationTimeoutMs ? runStoreOperation({ timeoutMs: ms, deadlineName }, fn) : this.operation(fn);
  }

  /**
   * Calls a JSON endpoint: GET parameters go in the query string, everything else in a JSON body.
   * The answer is checked against `shape` before it is returned.
   */
  async call<T>(method: HttpMethod, path: string, params: Params, shape: Shape, ctx: RequestContext = {}): Promise<T> {
    let target = path;
    let body: string | undefined;
    if (method === 'GET') target += queryString(params);
    else body = JSON.stringify(params);
    const where = this.shown + path;
    const res = await this.send(method, target, where, body, ctx, false);
    if (res.status >= 200 && res.status < 300) {
      const text = res.text ?? '';
      if (text.trim() === '') return {} as T;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new StoreError('CORRUPT_DATA', `${where} answered with something that is not JSON (is this an MLflow server?)`, where, res.status);
      }
      try {
        check(parsed, shape);
      } catch (e) {
        if (e instanceof ShapeError) throw new StoreError('CORRUPT_DATA', `${where}: ${e.message}`, where, res.status);
        throw e;
      }
      return parsed as T;
    }
    throw this.errorOf(res, path, ctx);
  }

  /** Downloads raw bytes (artifacts), within the same size cap. */
  async bytes(path: string, params: Params, ctx: RequestContext = {}): Promise<Uint8Array> {
    const where = this.shown + path;
    const res = await this.send('GET', path + queryString(params), where, undefined, ctx, true);
    if (res.status >= 200 && res.status < 300) {
      const b = res.bytes ?? Buffer.alloc(0);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    }
    throw this.errorOf(res, path, ctx);
  }

  /**
   * Sends raw bytes with PUT (the artifact proxy's upload). The whole body is in memory, so a retry
   * after a dropped connection sends it again unchanged.
   */
  async put(path: string, bytes: Uint8Array, ctx: RequestContext = {}): Promise<void> {
    const where = this.shown + path;
    const res = await this.send('PUT', path, where, bytes, ctx, false);
    if (res.status >= 200 && res.status < 300) return;
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

  private async send(method: HttpMethod, target: string, where: string, body: string | Uint8Array | undefined, ctx: RequestContext, asBytes: boolean): Promise<RawResponse> {
    const retries = ctx.maxRetries ?? this.maxRetries;
    const op = currentOperation();
    const started = Date.now();
    const deadline = op?.deadline ?? started + this.operationTimeoutMs;
    const signal = op?.signal;
    let retried = false;
    const emit = (e: RequestEvent) => {
      if (e.kind === 'retrying') retried = true;
      this.onRequestEvent?.(e);
      op?.onRequestEvent?.(e);
    };
    const settle = (ok: boolean) => {
      if (retried) emit({ kind: 'settled', url: where, ok });
    };
    const cancelled = () => new StoreError('CANCELLED', `${where}: cancelled`, where);
    const deadlineName = (op?.deadline !== undefined && op.deadlineName) || OPERATION_DEADLINE;
    const pastDeadline = (why: string) => new StoreError('DEADLINE_EXCEEDED', `${where}: ${why}; stopped at ${deadlineName}`, where);
    try {
      for (let failures = 1; ; failures++) {
        if (signal?.aborted) throw cancelled();
        const now = Date.now();
        if (now >= deadline) throw pastDeadline('no answer in time');
        const cutIsDeadline = deadline < now + this.timeoutMs;
        let res: RawResponse;
        try {
          res = await this.once(method, target, where, body, {
            cutAt: cutIsDeadline ? deadline : now + this.timeoutMs,
            cutIsDeadline,
            signal,
            maxBytes: this.maxResponseBytes,
            maxItems: ctx.maxItems,
            asBytes,
          });
        } catch (e) {
          if (e instanceof FinalError) throw e.storeError;
          const err = e as NodeJS.ErrnoException;
          const code = err.code;
          if (code === 'MLWB_CANCELLED') throw cancelled();
          if (code === 'MLWB_DEADLINE') throw pastDeadline(err.message);
          if (code && TLS_CODES.test(code)) {
            throw new StoreError(
              'UNREACHABLE',
              `TLS check failed for ${this.shown}: ${err.message} (set MLFLOW_TRACKING_SERVER_CERT_PATH to the server's CA bundle, or MLFLOW_TRACKING_INSECURE_TLS=true)`,
              this.shown,
            );
          }
          const transient = (code !== undefined && TRANSIENT_SOCKET_CODES.has(code)) || /socket hang up/i.test(err.message);
          const reason = socketReason(code, err.message);
          if (!transient || failures > retries) {
            const tries = failures > 1 ? ` (gave up after ${failures} attempts)` : '';
            if (code === 'MLWB_TIMEOUT') throw new StoreError('DEADLINE_EXCEEDED', `${where}: ${reason}${tries}`, where);
            throw new StoreError('UNREACHABLE', `Cannot reach ${this.shown}: ${reason}${tries}`, this.shown);
          }
          await this.pause(failures, retries, undefined, reason, where, deadline, signal, emit, pastDeadline, cancelled);
          continue;
        }
        if (RETRY_STATUSES.has(res.status) && failures <= retries && !isFinalServerError(res)) {
          const last = res;
          const tooLate = () =>
            this.errorOf(last, target.split('?')[0], ctx, `; gave up after ${failures} attempts in ${seconds(Date.now() - started)}: the next retry would pass ${deadlineName}`);
          await this.pause(failures, retries, res, `HTTP ${res.status}`, where, deadline, signal, emit, tooLate, cancelled);
          continue;
        }
        settle(res.status < 400);
        return res;
      }
    } catch (e) {
      settle(false);
      throw e;
    }
  }

  /** Waits before retry number `failures`, telling listeners; fails if the wait would pass the deadline. */
  private async pause(
    failures: number,
    retries: number,
    res: RawResponse | undefined,
    reason: string,
    where: string,
    deadline: number,
    signal: AbortSignal | undefined,
    emit: (e: RequestEvent) => void,
    tooLate: (why: string) => StoreError,
    cancelled: () => StoreError,
  ): Promise<void> {
    const delayMs = this.backoffMs(failures, res);
    if (Date.now() + delayMs >= deadline) throw tooLate(`${reason}, and the next retry would come after the deadline`);
    emit({ kind: 'retrying', url: where, attempt: failures, maxRetries: retries, reason, delayMs });
    if (delayMs <= 0) return;
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(t);
        reject(cancelled());
      };
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, delayMs);
      if (signal) {
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }
    });
  }

  private once(method: HttpMethod, target: string, where: string, body: string | Uint8Array | undefined, lim: AttemptLimits): Promise<RawResponse> {
    const url = new URL(this.url.pathname.replace(/\/+$/, '') + target, this.url);
    const headers: Record<string, string> = { ...this.headers, Accept: lim.asBytes ? '*/*' : 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = typeof body === 'string' ? 'application/json' : 'application/octet-stream';
      headers['Content-Length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
    }
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise<RawResponse>((resolve, reject) => {
      let done = false;
      const finish = (f: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        lim.signal?.removeEventListener('abort', onAbort);
        f();
      };
      const fail = (e: Error) => {
        finish(() => reject(e));
        req.destroy();
      };
      const tooLarge = (got: string) =>
        new FinalError(
          new StoreError(
            'RESOURCE_EXHAUSTED',
            `${where}: the answer is larger than ${mb(lim.maxBytes)}${got}, the limit (mlflow.maxResponseMB / MLWB_MAX_RESPONSE_MB); stopped reading it`,
            where,
          ),
        );
      const req = mod.request(url, { method, headers, agent: this.agent }, (res) => {
        const status = res.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        // Error answers are read only as far as their message; the rest is dropped.
        const cap = ok ? lim.maxBytes : MAX_ERROR_BODY;
        const declared = Number(res.headers['content-length']);
        if (ok && Number.isFinite(declared) && declared > cap) {
          fail(tooLarge(` (it announces ${mb(declared)})`));
          return;
        }
        const counter = ok && !lim.asBytes && lim.maxItems !== undefined ? new JsonItemCounter() : undefined;
        const decoder = lim.asBytes && ok ? undefined : new StringDecoder('utf8');
        let text = '';
        // Bytes go straight into one buffer when the size is announced, so the body is held once.
        let whole = lim.asBytes && ok && Number.isFinite(declared) ? Buffer.allocUnsafe(declared) : undefined;
        const chunks: Buffer[] = [];
        let received = 0;
        res.on('data', (c: Buffer) => {
          if (done) return;
          if (received + c.length > cap) {
            if (!ok) {
              // Enough of an error answer: keep what fits and stop the flood.
              if (decoder) text += decoder.write(c.subarray(0, cap - received));
              finish(() => resolve({ status, headers: res.headers, text }));
              req.destroy();
              return;
            }
            fail(tooLarge(''));
            return;
          }
          if (counter) {
            counter.push(c);
            if (counter.max > lim.maxItems!) {
              fail(
                new FinalError(
                  new StoreError('RESOURCE_EXHAUSTED', `${where}: the answer lists more than the ${lim.maxItems} items asked for; stopped reading it`, where),
                ),
              );
              return;
            }
          }
          if (whole) {
            if (received + c.length > whole.length) {
              fail(new FinalError(new StoreError('CORRUPT_DATA', `${where}: the answer is longer than its Content-Length (${whole.length} bytes)`, where)));
              return;
            }
            c.copy(whole, received);
          } else if (decoder) text += decoder.write(c);
          else chunks.push(c);
          received += c.length;
        });
        res.on('end', () => {
          if (whole && received < whole.length) whole = whole.subarray(0, received);
          finish(() =>
            resolve(
              decoder ? { status, headers: res.headers, text: text + decoder.end() } : { status, headers: res.headers, bytes: whole ?? Buffer.concat(chunks) },
            ),
          );
        });
        res.on('error', (e) => fail(e));
        res.on('aborted', () => fail(Object.assign(new Error('connection closed mid-response'), { code: 'ECONNRESET' })));
      });
      const timer = setTimeout(
        () =>
          fail(
            lim.cutIsDeadline
              ? Object.assign(new Error('no complete answer yet'), { code: 'MLWB_DEADLINE' })
              : Object.assign(new Error(`no complete answer within ${seconds(this.timeoutMs)} (MLFLOW_HTTP_REQUEST_TIMEOUT)`), { code: 'MLWB_TIMEOUT' }),
          ),
        Math.max(0, lim.cutAt - Date.now()),
      );
      const onAbort = () => fail(Object.assign(new Error('cancelled'), { code: 'MLWB_CANCELLED' }));
      if (lim.signal) {
        if (lim.signal.aborted) {
          queueMicrotask(onAbort);
        } else lim.signal.addEventListener('abort', onAbort, { once: true });
      }
      req.on('error', (e) => fail(e));
      req.end(body);
    });
  }

  private errorOf(res: RawResponse, path: string, ctx: RequestContext, suffix = ''): StoreError {
    const where = this.shown + path;
    const text = res.text ?? res.bytes?.subarray(0, MAX_ERROR_BODY).toString('utf8') ?? '';
    if (res.status >= 300 && res.status < 400) {
      const loc = res.headers.location;
      let to = '';
      if (loc) {
        try {
          to = ` to ${redactUri(new URL(loc, where).toString())}`;
        } catch {
          to = ` to ${JSON.stringify(loc.slice(0, 200))}`;
        }
      }
      // Following it would send our credentials to wherever it points; the user decides instead.
      return new StoreError(
        'UNREACHABLE',
        `${where} redirected (${res.status})${to}: set the tracking URI to the final address (redirects are not followed, so credentials never leave for another place)`,
        where,
        res.status,
      );
    }
    if (res.status === 401) return new StoreError('UNAUTHENTICATED', `Authentication failed for ${this.shown} (401)`, this.shown, 401);
    let payload: { error_code?: unknown; message?: unknown } | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object') payload = parsed as { error_code?: unknown; message?: unknown };
    } catch {
      payload = undefined;
    }
    if (res.status === 403) {
      // The auth app answers 403 in plain text; what was refused is ours to say.
      const what = ctx.notFound ? ` on ${ctx.notFound}` : '';
      return new StoreError('PERMISSION_DENIED', `Permission denied${what} by ${this.shown} for ${path} (403)`, where, 403);
    }
    const errorCode = typeof payload?.error_code === 'string' ? payload.error_code : undefined;
    if (!errorCode) {
      if (res.status === 404) {
        return new StoreError('ENDPOINT_NOT_FOUND', ctx.endpointMissing ?? `${where} does not exist (404): not an MLflow server, or one too old for this call`, where, 404);
      }
      const first = text.trim().split('\n')[0].slice(0, 200);
      const code: StoreErrorCode = res.status >= 502 && res.status <= 504 ? 'UNREACHABLE' : 'INTERNAL_ERROR';
      return new StoreError(code, `${where} failed with HTTP ${res.status}${first ? `: ${first}` : ''}${suffix}`, where, res.status);
    }
    const code = MLFLOW_CODES[errorCode] ?? 'INTERNAL_ERROR';
    // Server messages can carry a whole SQL statement after the first line; the first line says it.
    const msg = (typeof payload?.message === 'string' ? payload.message : errorCode).split('\n')[0].trim();
    if (code === 'RESOURCE_DOES_NOT_EXIST' && ctx.notFound) {
      return new StoreError(code, `${ctx.notFound} not found on ${this.shown}: ${msg}`, where, res.status);
    }
    if (code === 'ENDPOINT_NOT_FOUND' && ctx.endpointMissing) return new StoreError(code, ctx.endpointMissing, where, res.status);
    return new StoreError(code, `${msg} (${errorCode} from ${this.shown})${suffix}`, where, res.status);
  }
}

/** A 500 carrying MLflow's INVALID_STATE is the server's answer, not a hiccup worth four minutes of retries. */
function isFinalServerError(res: RawResponse): boolean {
  if (res.status !== 500) return false;
  try {
    const code = (JSON.parse(res.text ?? '') as { error_code?: string } | null)?.error_code;
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
