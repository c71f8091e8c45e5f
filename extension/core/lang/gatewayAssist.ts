import type { GatewayAnalysis } from './gatewayAnalysis';
import { DESTINATION_KEYS, ENDPOINT_KEYS, ENDPOINT_TYPES, GATEWAY_TOP, LIMIT_KEYS, MODEL_KEYS, PROVIDER_CONFIGS, providerKey, RENEWAL_PERIODS, ROUTE_KEYS, type KeyDocs } from './gatewaySchema';
import { keyPathByIndent, locate, siblingKeys } from './locate';
import type { CompletionItem, HoverResult, Position, Range } from './types';
import { getPair, rangeOf, strValue, type Node, type Scalar } from './yamlSupport';
import type { LineIndex } from './text';

/**
 * Completion and hover for gateway config files. Paths are key paths without list indices
 * (`endpoints.model.config`), found by indentation so they work while the file is half typed.
 */

const SNIPPETS: Record<string, string> = {
  endpoints: 'endpoints:\n  - name: ${1:chat}\n    endpoint_type: ${2|llm/v1/chat,llm/v1/completions,llm/v1/embeddings|}\n    model:\n      provider: ${3:openai}\n      name: ${4:gpt-4o-mini}\n      config:\n        openai_api_key: \\$${5:OPENAI_API_KEY}',
  model: 'model:\n  provider: ${1:openai}\n  name: ${2:gpt-4o-mini}\n  config:\n    ',
  limit: 'limit:\n  calls: ${1:10}\n  renewal_period: ${2|minute,second,hour,day|}',
  destinations: 'destinations:\n  - name: ${1:endpoint}\n    traffic_percentage: ${2:100}',
};

function keysAt(path: string[], provider: string | undefined): KeyDocs | undefined {
  const p = path.join('.');
  if (p === '') return GATEWAY_TOP;
  if (p === 'endpoints') return ENDPOINT_KEYS;
  if (p === 'endpoints.model') return MODEL_KEYS;
  if (p === 'endpoints.limit') return LIMIT_KEYS;
  if (p === 'endpoints.model.config') {
    const known = provider ? providerKey(provider) : undefined;
    return known ? PROVIDER_CONFIGS[known].keys : undefined;
  }
  if (p === 'routes') return ROUTE_KEYS;
  if (p === 'routes.destinations') return DESTINATION_KEYS;
  return undefined;
}

/** The `provider:` next to the `config:` that holds a line (same indentation, same model block). */
function providerNear(lines: LineIndex, line: number, indent: number): string | undefined {
  const indentOf = (t: string) => t.length - t.trimStart().length;
  let configLine = line - 1;
  while (configLine >= 0 && (!lines.lineText(configLine).trim() || indentOf(lines.lineText(configLine)) >= indent)) configLine--;
  if (configLine < 0) return undefined;
  const modelIndent = indentOf(lines.lineText(configLine));
  for (const step of [-1, 1]) {
    for (let l = configLine + step; l >= 0 && l < lines.lineCount; l += step) {
      const t = lines.lineText(l);
      if (!t.trim()) continue;
      if (indentOf(t) < modelIndent) break;
      const m = indentOf(t) === modelIndent ? /^\s*provider\s*:\s*["']?([\w.-]+)/.exec(t) : null;
      if (m) return m[1];
    }
  }
  return undefined;
}

/** Keys already in this mapping, including the one on its `- key:` list-item line. */
function existingKeys(lines: LineIndex, line: number, indent: number): Set<string> {
  const keys = siblingKeys(lines, line, indent);
  for (let l = line - 1; l >= 0; l--) {
    const t = lines.lineText(l);
    if (!t.trim()) continue;
    const ind = t.length - t.trimStart().length;
    const item = /^(\s*)(-\s+)+([\w.-]+)\s*:/.exec(t);
    if (item && item[1].length + t.slice(ind).indexOf(item[3]) === indent) {
      keys.add(item[3]);
      break;
    }
    if (ind < indent) break;
  }
  return keys;
}

function items(table: KeyDocs, range: Range, existing: Set<string>): CompletionItem[] {
  return Object.entries(table)
    .filter(([k]) => !existing.has(k))
    .map(([k, doc], i) => ({ label: k, kind: 'property' as const, documentation: doc, insertText: SNIPPETS[k] ?? `${k}: `, snippet: !!SNIPPETS[k], range, sortText: String(i).padStart(3, '0') }));
}

function values(list: [string, string | undefined][], range: Range): CompletionItem[] {
  return list.map(([v, doc], i) => ({ label: v, kind: 'enum' as const, insertText: v, range, sortText: String(i).padStart(3, '0'), ...(doc ? { documentation: doc } : {}) }));
}

export function completeGateway(analysis: GatewayAnalysis, pos: Position): CompletionItem[] {
  const { lines } = analysis.parsed;
  if (pos.line < 0 || pos.line >= lines.lineCount) return [];
  const full = lines.lineText(pos.line);
  const prefix = full.slice(0, Math.min(pos.character, full.length));
  if (/^\s*#/.test(prefix)) return [];
  const keyLine = /^(\s*)((?:-\s+)*)([\w.-]*)$/.exec(prefix);
  const valueLine = /^(\s*)((?:-\s+)*)(["']?)([\w.-]+)\3\s*:\s*(\S*)$/.exec(prefix);
  if (keyLine) {
    const indent = keyLine[1].length + keyLine[2].length;
    const path = keyPathByIndent(lines, pos.line, indent);
    const word = keyLine[3];
    const range: Range = { start: { line: pos.line, character: prefix.length - word.length }, end: pos };
    const provider = path.join('.') === 'endpoints.model.config' ? providerNear(lines, pos.line, indent) : undefined;
    const table = keysAt(path, provider);
    return table ? items(table, range, existingKeys(lines, pos.line, indent)) : [];
  }
  if (valueLine) {
    const indent = valueLine[1].length + valueLine[2].length;
    const path = [...keyPathByIndent(lines, pos.line, indent), valueLine[4]].join('.');
    const word = valueLine[5];
    const range: Range = { start: { line: pos.line, character: prefix.length - word.length }, end: pos };
    if (path === 'endpoints.endpoint_type' || path === 'routes.task_type') return values(Object.entries(ENDPOINT_TYPES), range);
    if (path === 'endpoints.model.provider') return values(Object.keys(PROVIDER_CONFIGS).map((p) => [p, PROVIDER_CONFIGS[p].required.length ? `needs config: ${PROVIDER_CONFIGS[p].required.join(', ')}` : undefined]), range);
    if (path === 'endpoints.limit.renewal_period') return values(RENEWAL_PERIODS.map((p) => [p, undefined]), range);
    if (path === 'routes.routing_strategy') return values([['TRAFFIC_SPLIT', 'Split calls by traffic_percentage.']], range);
    if (path === 'endpoints.model.config.openai_api_type') return values([['openai', undefined], ['azure', undefined], ['azuread', undefined]], range);
    if (path === 'routes.destinations.name') return values(analysis.endpoints.map((e) => [e.name, e.endpointType]), range);
  }
  return [];
}

export function hoverGateway(analysis: GatewayAnalysis, pos: Position): HoverResult | undefined {
  const { parsed } = analysis;
  if (pos.line < 0 || pos.line >= parsed.lines.lineCount) return undefined;
  const loc = locate(parsed, parsed.lines.offset(pos));
  if (!loc?.node) return undefined;
  // Key paths without the list indices locate() records.
  const path = loc.path.filter((p) => !/^\d+$/.test(p));
  const range = rangeOf(parsed, loc.node);
  const last = path[path.length - 1];
  if (loc.on === 'value') {
    const v = String((loc.node as Scalar).value ?? '');
    if ((last === 'endpoint_type' || last === 'task_type') && ENDPOINT_TYPES[v]) return { markdown: `**${v}** — ${ENDPOINT_TYPES[v]}`, range };
    if (path.join('.') === 'endpoints.model.provider') {
      const known = providerKey(v);
      return { markdown: known ? `**${v}** — MLflow provider; \`config\` keys: ${Object.keys(PROVIDER_CONFIGS[known].keys).map((k) => `\`${k}\``).join(', ') || 'none'}.` : `**${v}** — not a built-in MLflow provider (a gateway plugin must register it).`, range };
    }
  }
  let provider: string | undefined;
  if (path.join('.').startsWith('endpoints.model.config')) {
    // The provider of the model this key sits in.
    const endpointIndex = loc.path[1];
    const endpoints = getPair(parsed.doc.contents, 'endpoints')?.value as { items?: Node[] } | undefined;
    const model = getPair(getPair(endpoints?.items?.[Number(endpointIndex)], 'model')?.value, 'provider');
    provider = model ? strValue(model.value) : undefined;
  }
  const table = keysAt(loc.on === 'key' ? path.slice(0, -1) : path.slice(0, -1), provider);
  const doc = table?.[last];
  return doc ? { markdown: `**${last}** — ${doc}`, range } : undefined;
}
