import { findGatewayTrace, invokeGatewayChat, isGatewayMissing, listGatewayEndpoints, type GatewayEndpoint } from '../core/gateway/gatewayServer';
import { checkMessages, promptToMessages, promptVariables } from '../core/gateway/gatewayMessages';
import { getPromptVersion, listPromptsWithVersions } from '../core/prompts/promptRead';
import { errText } from '../core/store/fileStore';
import type { ReadableStore } from '../core/store/openStore';
import type { MlflowHttpClient } from '../core/store/rest/httpClient';
import type { RequestHandlers } from '../../webviews/platform/envelope';
import type { PlaygroundCatalog, PlaygroundContract, PlaygroundEndpoint } from '../../webviews/playground/contract';

/**
 * The playground panel's host side without `vscode` (tested in plain Node against a real server):
 * what the page may pick from, the call through the server's gateway, and the trace it made.
 */

export interface GatewayTarget {
  http: MlflowHttpClient;
  store: ReadableStore;
}

/** How far before "now" a trace may start and still be this call's (clocks of two machines). */
const TRACE_SLACK_MS = 1000;

export function playgroundEndpoint(e: GatewayEndpoint): PlaygroundEndpoint {
  return {
    endpointId: e.endpointId,
    name: e.name,
    models: e.models.map((m) => ({ provider: m.provider, modelName: m.modelName, linkage: m.linkage })),
    ...(e.routingStrategy ? { routingStrategy: e.routingStrategy } : {}),
    tracing: e.usageTracking,
    ...(e.experimentId ? { experimentId: e.experimentId } : {}),
  };
}

export async function loadCatalog(t: GatewayTarget): Promise<PlaygroundCatalog> {
  const problems: string[] = [];
  const [endpoints, prompts] = await Promise.all([
    listGatewayEndpoints(t.http).catch((e: unknown) => {
      problems.push(isGatewayMissing(e) ? `No AI Gateway on ${t.http.shown}: ${errText(e)}` : `Cannot list the gateway's endpoints: ${errText(e)}`);
      return [];
    }),
    listPromptsWithVersions(t.store).catch((e: unknown) => {
      problems.push(`Cannot read prompts: ${errText(e)}`);
      return [];
    }),
  ]);
  return {
    server: t.http.shown,
    endpoints: endpoints.map(playgroundEndpoint),
    prompts: prompts.map((p) => ({
      name: p.name,
      versions: p.versions.map((v) => ({ version: v.version, aliases: v.aliases, type: v.type, template: v.template, commitMessage: v.commitMessage })),
    })),
    problems,
  };
}

export function playgroundRequests(target: () => GatewayTarget): RequestHandlers<PlaygroundContract> {
  const endpointOf = async (t: GatewayTarget, name: string) => {
    const e = (await listGatewayEndpoints(t.http)).find((x) => x.name === name);
    if (!e) throw new Error(`There is no gateway endpoint '${name}' on ${t.http.shown} (any more): reload the playground.`);
    return e;
  };
  return {
    catalog: () => loadCatalog(target()),
    send: async (params) => {
      const t = target();
      if (typeof params?.endpoint !== 'string' || params.endpoint === '') throw new Error('Pick an endpoint first.');
      let messages;
      if ('prompt' in params) {
        const { name, version, values } = params.prompt;
        // The store's copy of the version is what gets filled, not the page's.
        const v = await getPromptVersion(t.store, name, version);
        const given = values && typeof values === 'object' ? values : {};
        const missing = promptVariables(v).filter((n) => typeof given[n] !== 'string');
        if (missing.length) throw new Error(`${name} version ${version} needs ${missing.map((n) => `{{${n}}}`).join(', ')}`);
        messages = promptToMessages(v, given);
      } else {
        messages = checkMessages(params.messages);
      }
      const since = Date.now() - TRACE_SLACK_MS;
      const a = await invokeGatewayChat(t.http, params.endpoint, messages);
      return {
        text: a.text,
        messages,
        ms: a.ms,
        ...(a.usage ? { usage: a.usage } : {}),
        url: a.url,
        ...(a.model ? { model: a.model } : {}),
        ...(a.finishReason ? { finishReason: a.finishReason } : {}),
        raw: JSON.stringify(a.raw, null, 2),
        since,
      };
    },
    trace: async ({ endpoint, since, lastMessage }) => {
      const t = target();
      const e = await endpointOf(t, endpoint);
      if (!e.usageTracking) return { note: `Usage tracking is off for ${endpoint}: the server records no trace of its calls.` };
      const trace = await findGatewayTrace(t.store, e.endpointId, since, { experimentId: e.experimentId, lastMessage: typeof lastMessage === 'string' ? lastMessage : undefined });
      if (!trace) return { note: `No trace of this call showed up in the endpoint's experiment${e.experimentId ? ` (${e.experimentId})` : ''} within 5 s.` };
      return { traceId: trace.traceId, status: trace.state, ...(trace.executionDurationMs !== undefined ? { executionMs: trace.executionDurationMs } : {}) };
    },
  };
}
