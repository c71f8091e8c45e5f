import type { ChatMessage } from '../../extension/core/gateway/gatewayMessages';
import type { PromptType } from '../../extension/core/prompts/promptModel';

/**
 * The AI Gateway playground's contract (docs/gateway.md). The page picks an endpoint and either a
 * prompt version with its variables or free-form messages; the HOST reads the version from the
 * store, fills it and calls `/gateway/<endpoint>/mlflow/invocations` (the page has no network
 * access). Answers are model output: the page shows them as text only.
 */

export const PLAYGROUND_VIEW_TYPE = 'mlflow.gatewayPlayground';

export interface PlaygroundEndpoint {
  endpointId: string;
  name: string;
  models: { provider: string; modelName: string; linkage: string }[];
  routingStrategy?: string;
  /** Calls are traced (usage tracking on). */
  tracing: boolean;
  experimentId?: string;
}

export interface PlaygroundPromptVersion {
  version: string;
  aliases: string[];
  type: PromptType;
  template: string;
  commitMessage: string | null;
}

export interface PlaygroundPrompt {
  name: string;
  /** Newest first. */
  versions: PlaygroundPromptVersion[];
}

/** What the page is told when it opens and on every refresh. */
export interface PlaygroundCatalog {
  /** The server, as messages show it (no credentials). */
  server: string;
  endpoints: PlaygroundEndpoint[];
  prompts: PlaygroundPrompt[];
  /** Why endpoints or prompts could not be read (shown above the form). */
  problems: string[];
}

/** What to preselect (from a tree action or "Send Prompt Version to AI Gateway…"). */
export interface PlaygroundSelection {
  endpoint?: string;
  prompt?: { name: string; version: string };
}

export type SendParams =
  | { endpoint: string; prompt: { name: string; version: string; values: Record<string, string> } }
  | { endpoint: string; messages: ChatMessage[] };

export interface SendResult {
  text: string;
  /** What was sent, after filling. */
  messages: ChatMessage[];
  ms: number;
  usage?: { promptTokens?: number; completionTokens?: number; totalTokens?: number };
  url: string;
  model?: string;
  finishReason?: string;
  /** The whole answer as JSON text, for the raw view. */
  raw: string;
  /** Server clock lower bound for the trace lookup (ms since epoch). */
  since: number;
}

export type TraceResult = { traceId: string; status: string; executionMs?: number } | { traceId?: undefined; note: string };

export interface PlaygroundState {
  endpoint?: string;
  mode: 'prompt' | 'messages';
  prompt?: string;
  version?: string;
  /** Variable values by prompt name, then variable name. */
  values: Record<string, Record<string, string>>;
  messages: ChatMessage[];
}

export type PlaygroundContract = {
  requests: {
    catalog: { params: Record<string, never>; result: PlaygroundCatalog };
    send: { params: SendParams; result: SendResult };
    trace: { params: { endpoint: string; since: number; lastMessage?: string }; result: TraceResult };
  };
  pushes: {
    catalog: PlaygroundCatalog;
    select: PlaygroundSelection;
    /** The store closed or changed to one without a gateway. */
    unavailable: { message: string };
  };
  events: {
    openTrace: { traceId: string };
  };
  state: PlaygroundState;
};
