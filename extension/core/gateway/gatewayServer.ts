import { StoreError } from '../store/errors';
import type { MlflowHttpClient } from '../store/rest/httpClient';
import type { ReadableStore } from '../store/openStore';
import { list, obj, str, type Shape } from '../store/rest/shape';
import type { TraceInfo } from '../traces/entities';
import type { ChatMessage } from './gatewayMessages';

export { checkMessages, promptToMessages, promptVariables, type ChatMessage } from './gatewayMessages';

/**
 * The database-backed AI Gateway of an MLflow server (3.17.2): endpoints are listed at
 * `GET /api/3.0/mlflow/gateway/endpoints/list`, each bound to model definitions (provider + model
 * + secret); a chat call goes to `POST /gateway/<endpoint>/mlflow/invocations` with OpenAI-style
 * `{messages}` and answers in OpenAI's chat-completion shape. Unless the endpoint's usage tracking
 * is off, the server traces every call into the endpoint's own experiment (`experiment_id` of the
 * endpoint; older rows only carry the tag `mlflow.experiment.sourceId` = the endpoint id). Calls
 * go from the extension host, never from a webview (CORS, credentials).
 *
 * The database endpoints have no endpoint type: the invocations route takes a chat payload
 * (`messages`) or an embeddings one (`input`) on the same endpoint. What an endpoint shows is its
 * models, their linkage (primary or fallback) and the routing strategy.
 */

export interface GatewayModel {
  provider: string;
  modelName: string;
  /** PRIMARY or FALLBACK ('' when the server did not say). */
  linkage: string;
  weight?: number;
}

export interface GatewayEndpoint {
  endpointId: string;
  name: string;
  models: GatewayModel[];
  /** e.g. REQUEST_BASED_TRAFFIC_SPLIT or FALLBACK; undefined for a single model. */
  routingStrategy?: string;
  /** Whether calls are traced (MLflow's `usage_tracking`, on unless turned off). */
  usageTracking: boolean;
  /** The experiment its traces go to. */
  experimentId?: string;
  lastUpdated?: number;
}

const anything: Shape = () => undefined;
const ENDPOINTS_SHAPE = obj({ endpoints: list(obj({ endpoint_id: str, name: str, model_mappings: list(anything) })) });

type RawEndpoint = {
  endpoint_id: string;
  name: string;
  model_mappings?: { linkage_type?: string; weight?: number; model_definition?: { provider?: string; model_name?: string } }[];
  routing_strategy?: string;
  usage_tracking?: boolean;
  experiment_id?: string;
  last_updated_at?: number | string;
};

export const GATEWAY_MISSING = 'this server has no AI Gateway (it needs an MLflow 3 server with a database backend store)';

export async function listGatewayEndpoints(http: MlflowHttpClient): Promise<GatewayEndpoint[]> {
  let r: { endpoints?: RawEndpoint[] };
  try {
    r = await http.call<{ endpoints?: RawEndpoint[] }>('GET', '/api/3.0/mlflow/gateway/endpoints/list', {}, ENDPOINTS_SHAPE, { endpointMissing: GATEWAY_MISSING });
  } catch (e) {
    // A 3.x server on a file store has the route, but its store raises NotImplementedError, which
    // Flask turns into its HTML error page (no MLflow error JSON).
    if (e instanceof StoreError && e.httpStatus === 500 && /HTTP 500: <(!doctype|html)/i.test(e.message)) {
      throw new StoreError('ENDPOINT_NOT_FOUND', `${GATEWAY_MISSING}: ${http.shown} answered the endpoint listing with HTTP 500 and no MLflow error (its backend store does not implement the gateway)`, e.location, 500);
    }
    throw e;
  }
  return (r.endpoints ?? [])
    .map((e): GatewayEndpoint => ({
      endpointId: e.endpoint_id,
      name: e.name,
      models: (e.model_mappings ?? []).map((m) => ({
        provider: m.model_definition?.provider ?? '',
        modelName: m.model_definition?.model_name ?? '',
        linkage: m.linkage_type ?? '',
        ...(typeof m.weight === 'number' ? { weight: m.weight } : {}),
      })),
      ...(e.routing_strategy ? { routingStrategy: e.routing_strategy } : {}),
      usageTracking: e.usage_tracking !== false,
      ...(e.experiment_id ? { experimentId: e.experiment_id } : {}),
      ...(e.last_updated_at !== undefined && Number.isFinite(Number(e.last_updated_at)) ? { lastUpdated: Number(e.last_updated_at) } : {}),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Whether an error from the endpoint listing means "no gateway here" rather than a failure. */
export function isGatewayMissing(e: unknown): boolean {
  return e instanceof StoreError && (e.code === 'ENDPOINT_NOT_FOUND' || e.httpStatus === 501);
}

export interface GatewayUsage {
  promptTokens?: number;
  completionTokens?: number;
  totalTokens?: number;
}

export interface GatewayAnswer {
  /** The first choice's message text, or '' when the answer has none. */
  text: string;
  /** The whole answer, for the panel's raw view. */
  raw: unknown;
  usage?: GatewayUsage;
  /** Wall time of the call as the extension saw it. */
  ms: number;
  /** The URL called (without credentials). */
  url: string;
  finishReason?: string;
  model?: string;
}

const ANSWER_SHAPE = obj({ choices: list(anything) });

export function invocationsPath(endpoint: string): string {
  return `/gateway/${encodeURIComponent(endpoint)}/mlflow/invocations`;
}

type RawAnswer = {
  model?: unknown;
  choices?: { message?: { content?: unknown }; finish_reason?: unknown }[];
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown; total_tokens?: unknown };
};

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export async function invokeGatewayChat(http: MlflowHttpClient, endpoint: string, messages: ChatMessage[], clock: () => number = () => performance.now()): Promise<GatewayAnswer> {
  const path = invocationsPath(endpoint);
  const url = http.shown + path;
  const t0 = clock();
  let raw: RawAnswer;
  try {
    // One attempt: a chat call costs tokens, and a retried one would be billed twice.
    raw = await http.call<RawAnswer>('POST', path, { messages }, ANSWER_SHAPE, {
      maxRetries: 0,
      notFound: `gateway endpoint '${endpoint}'`,
      endpointMissing: `${url} does not exist (404): no gateway endpoint '${endpoint}' on ${http.shown}`,
    });
  } catch (e) {
    if (e instanceof StoreError && !e.message.includes(url) && !e.message.includes(http.shown)) {
      throw new StoreError(e.code, `${url}: ${e.message}`, url, e.httpStatus);
    }
    throw e;
  }
  const ms = Math.max(0, Math.round(clock() - t0));
  const choice = raw.choices?.[0];
  const content = choice?.message?.content;
  const u = raw.usage;
  const usage: GatewayUsage | undefined = u ? { promptTokens: num(u.prompt_tokens), completionTokens: num(u.completion_tokens), totalTokens: num(u.total_tokens) } : undefined;
  return {
    text: typeof content === 'string' ? content : content === undefined || content === null ? '' : JSON.stringify(content),
    raw,
    ms,
    url,
    ...(usage ? { usage } : {}),
    ...(typeof choice?.finish_reason === 'string' ? { finishReason: choice.finish_reason } : {}),
    ...(typeof raw.model === 'string' ? { model: raw.model } : {}),
  };
}

/** The experiment a gateway endpoint traces into (the server tags it with the endpoint id). */
export async function gatewayExperimentId(store: ReadableStore, endpointId: string): Promise<string | undefined> {
  const exps = await store.searchExperiments({ filter: `tags.\`mlflow.experiment.sourceId\` = '${endpointId.replace(/'/g, '')}'` });
  return exps[0]?.experimentId;
}

/**
 * Whether a trace's request preview shows this message: the preview is the request as JSON text,
 * cut short, so the message's start is looked for both as typed and JSON-escaped.
 */
export function previewShows(preview: string | undefined, message: string): boolean {
  const head = message.slice(0, 60);
  if (!preview || !head) return false;
  return preview.includes(head) || preview.includes(JSON.stringify(head).slice(1, -1));
}

export interface TraceLookup {
  attempts?: number;
  waitMs?: number;
  /** The endpoint's experiment when known (else found by its tag). */
  experimentId?: string;
  /** The last message sent: among traces that started since `sinceMs`, the one showing it wins. */
  lastMessage?: string;
}

/**
 * The trace a call made: a trace of the endpoint's experiment started at or after `sinceMs` (the
 * caller leaves slack for the two clocks), preferring one whose request shows the last message
 * sent, so an earlier call within the slack is not taken for this one. The server may write the
 * trace just after answering, so this asks a few times.
 */
export async function findGatewayTrace(store: ReadableStore, endpointId: string, sinceMs: number, opts: TraceLookup = {}): Promise<TraceInfo | undefined> {
  if (!store.capabilities.traces || !store.searchTraces) return undefined;
  const attempts = opts.attempts ?? 10;
  let newest: TraceInfo | undefined;
  for (let i = 0; i < attempts; i++) {
    const exp = opts.experimentId ?? (await gatewayExperimentId(store, endpointId));
    if (exp) {
      const page = await store.searchTraces({ experimentIds: [exp], filter: `timestamp_ms >= ${Math.floor(sinceMs)}`, orderBy: ['timestamp_ms DESC'], maxResults: 20 });
      newest = page.traces[0];
      if (opts.lastMessage === undefined) {
        if (newest) return newest;
      } else {
        const hit = page.traces.find((t) => previewShows(t.requestPreview, opts.lastMessage!));
        if (hit) return hit;
      }
    }
    if (i < attempts - 1) await new Promise((r) => setTimeout(r, opts.waitMs ?? 500));
  }
  // A preview too short to show the message: the newest trace since the call is the best guess.
  return newest;
}
