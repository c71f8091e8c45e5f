import type { PromptVersionInfo } from '../prompts/promptModel';
import { fillTemplate } from '../prompts/promptModel';
import { chatMessages } from '../prompts/promptText';
import type { MlflowHttpClient } from '../store/rest/httpClient';
import type { ReadableStore } from '../store/openStore';
import { list, obj, str, type Shape } from '../store/rest/shape';
import type { TraceInfo } from '../traces/entities';

/**
 * The database-backed AI Gateway of an MLflow server (3.17.2): endpoints are listed at
 * `GET /api/3.0/mlflow/gateway/endpoints/list`, each bound to model definitions (provider + model
 * + secret); a chat call goes to `POST /gateway/<endpoint>/mlflow/invocations` with OpenAI-style
 * `{messages}` and answers in OpenAI's chat-completion shape. The server traces every call into
 * the endpoint's own experiment (`gateway/<name>`, tagged `mlflow.experiment.sourceId` = the
 * endpoint id). Calls go from the extension host, never from a webview (CORS, credentials).
 */

export interface GatewayEndpoint {
  endpointId: string;
  name: string;
  models: { provider: string; modelName: string }[];
}

const anything: Shape = () => undefined;
const ENDPOINTS_SHAPE = obj({ endpoints: list(obj({ endpoint_id: str, name: str, model_mappings: list(anything) })) });

type RawEndpoint = { endpoint_id: string; name: string; model_mappings?: { model_definition?: { provider?: string; model_name?: string } }[] };

export async function listGatewayEndpoints(http: MlflowHttpClient): Promise<GatewayEndpoint[]> {
  const r = await http.call<{ endpoints?: RawEndpoint[] }>('GET', '/api/3.0/mlflow/gateway/endpoints/list', {}, ENDPOINTS_SHAPE, {
    endpointMissing: 'this server has no AI Gateway (MLflow 3.x servers with the gateway only)',
  });
  return (r.endpoints ?? [])
    .map((e) => ({
      endpointId: e.endpoint_id,
      name: e.name,
      models: (e.model_mappings ?? []).map((m) => ({ provider: m.model_definition?.provider ?? '', modelName: m.model_definition?.model_name ?? '' })),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface ChatMessage {
  role: string;
  content: string;
}

/** A prompt version with its variables filled, as chat messages: a text prompt is one user message. */
export function promptToMessages(v: Pick<PromptVersionInfo, 'type' | 'template'>, values: Record<string, string>): ChatMessage[] {
  if (v.type === 'text') return [{ role: 'user', content: fillTemplate(v.template, values) }];
  return chatMessages(JSON.parse(v.template)).map((m) => ({ role: m.role, content: fillTemplate(typeof m.content === 'string' ? m.content : JSON.stringify(m.content), values) }));
}

export interface GatewayAnswer {
  /** The first choice's message text, or '' when the answer has none. */
  text: string;
  /** The whole answer, for the panel's raw view. */
  raw: unknown;
  usage?: { promptTokens?: number; completionTokens?: number; totalTokens?: number };
}

const ANSWER_SHAPE = obj({ choices: list(anything) });

export async function invokeGatewayChat(http: MlflowHttpClient, endpoint: string, messages: ChatMessage[]): Promise<GatewayAnswer> {
  // One attempt: a chat call costs tokens, and a retried one would be billed twice.
  const raw = await http.call<{ choices?: { message?: { content?: unknown } }[]; usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } }>(
    'POST',
    `/gateway/${encodeURIComponent(endpoint)}/mlflow/invocations`,
    { messages },
    ANSWER_SHAPE,
    { maxRetries: 0, notFound: `gateway endpoint '${endpoint}'` },
  );
  const content = raw.choices?.[0]?.message?.content;
  const u = raw.usage;
  return {
    text: typeof content === 'string' ? content : content === undefined || content === null ? '' : JSON.stringify(content),
    raw,
    ...(u ? { usage: { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens, totalTokens: u.total_tokens } } : {}),
  };
}

/** The experiment a gateway endpoint traces into (the server tags it with the endpoint id). */
export async function gatewayExperimentId(store: ReadableStore, endpointId: string): Promise<string | undefined> {
  const exps = await store.searchExperiments({ filter: `tags.\`mlflow.experiment.sourceId\` = '${endpointId.replace(/'/g, '')}'` });
  return exps[0]?.experimentId;
}

/**
 * The trace a call made: the newest trace of the endpoint's experiment started at or after
 * `sinceMs`. The server may write it just after answering, so this asks a few times.
 */
export async function findGatewayTrace(store: ReadableStore, endpointId: string, sinceMs: number, attempts = 10, waitMs = 500): Promise<TraceInfo | undefined> {
  if (!store.capabilities.traces || !store.searchTraces) return undefined;
  for (let i = 0; i < attempts; i++) {
    const exp = await gatewayExperimentId(store, endpointId);
    if (exp) {
      const page = await store.searchTraces({ experimentIds: [exp], filter: `timestamp_ms >= ${Math.floor(sinceMs)}`, orderBy: ['timestamp_ms DESC'], maxResults: 1 });
      if (page.traces[0]) return page.traces[0];
    }
    await new Promise((r) => setTimeout(r, waitMs));
  }
  return undefined;
}
