import { isSeq } from 'yaml';
import { DESTINATION_KEYS, ENDPOINT_KEYS, ENDPOINT_TYPES, GATEWAY_TOP, LIMIT_KEYS, MODEL_KEYS, PROVIDER_CONFIGS, providerKey, RENEWAL_PERIODS, ROUTE_KEYS } from './gatewaySchema';
import { checkDuplicateKeys, unknownKeys } from './ruleHelpers';
import { didYouMean } from './text';
import type { Diagnostic, Fix, Range } from './types';
import { getPair, isMap, isNullNode, keyName, keyRange, mapPairs, parseYaml, pyKind, rangeOf, strValue, type Node, type Pair, type ParsedYaml } from './yamlSupport';

/**
 * Diagnostics for AI Gateway config files (`mlflow gateway start --config-path`), following what
 * mlflow 3.17.2 checks when it loads one (`_load_gateway_config`: deprecated keys, name
 * collisions and route destinations, then the pydantic models). Errors are what makes MLflow
 * refuse the file; warnings are keys it silently ignores.
 */

export interface GatewayEndpoint {
  name: string;
  endpointType?: string;
  provider?: string;
  range: Range;
}

export interface GatewayAnalysis {
  kind: 'gateway';
  parsed: ParsedYaml;
  diagnostics: Diagnostic[];
  endpoints: GatewayEndpoint[];
  dir?: string;
  fs?: undefined;
}

type Add = (range: Range, severity: Diagnostic['severity'], rule: string, message: string, fixes?: Fix[]) => void;

const C = (rule: string) => `gateway/${rule}`;
const NAME = /^[a-zA-Z0-9_\-.]+$/;

/**
 * A YAML file is a gateway config when its top level has `endpoints:` whose items carry
 * `endpoint_type` (or the older `route_type`): a pair users put in no other file.
 */
export function looksLikeGatewayConfig(text: string): boolean {
  return /^endpoints\s*:/m.test(text) && /^\s*(?:-\s+)?(?:endpoint_type|route_type)\s*:/m.test(text);
}

export function analyzeGatewayConfig(text: string): GatewayAnalysis {
  const parsed = parseYaml(text, 'gateway');
  const diags: Diagnostic[] = [...parsed.diagnostics];
  const result: GatewayAnalysis = { kind: 'gateway', parsed, diagnostics: diags, endpoints: [] };
  const add: Add = (range, severity, rule, message, fixes) => diags.push({ range, severity, code: C(rule), message, ...(fixes?.length ? { fixes } : {}) });
  const root = parsed.doc.contents as Node | null;
  const top = parsed.lines.range(0, Math.min(text.length, Math.max(1, parsed.lines.lineEnd(0))));
  checkDuplicateKeys(parsed, root, diags, 'gateway');
  if (!isMap(root)) {
    if (!parsed.broken) add(root?.range ? rangeOf(parsed, root) : top, 'error', 'not-a-mapping', 'a gateway config is a mapping with an `endpoints:` list');
    return result;
  }
  unknownKeys(parsed, root, GATEWAY_TOP, {}, diags, C('unknown-key'), 'gateway config key', 'MLflow ignores it');

  const endpointsP = getPair(root, 'endpoints');
  if (!endpointsP || isNullNode(endpointsP.value)) {
    add(endpointsP ? keyRange(parsed, endpointsP) : top, 'error', 'missing-endpoints', '`endpoints` is required: a list of endpoints (`name`, `endpoint_type`, `model`)');
  } else if (!isSeq(endpointsP.value)) {
    add(rangeOf(parsed, endpointsP.value as Node), 'error', 'endpoints-not-list', '`endpoints` must be a list (items start with `- name: …`)');
  } else {
    for (const item of endpointsP.value.items as Node[]) {
      const ep = endpoint(parsed, item, add);
      if (ep) result.endpoints.push(ep);
    }
  }

  const routesP = getPair(root, 'routes');
  const routeNames: { name: string; range: Range }[] = [];
  if (routesP && !isNullNode(routesP.value)) {
    if (!isSeq(routesP.value)) add(rangeOf(parsed, routesP.value as Node), 'error', 'routes-not-list', '`routes` must be a list');
    else for (const item of routesP.value.items as Node[]) route(parsed, item, result.endpoints, add, routeNames);
  }

  // Names are URL paths: one name, one endpoint or route.
  const seen = new Map<string, true>();
  for (const n of [...result.endpoints.map((e) => ({ name: e.name, range: e.range })), ...routeNames]) {
    if (seen.has(n.name)) add(n.range, 'error', 'duplicate-name', `the name '${n.name}' is used twice: MLflow refuses duplicate endpoint/route names`);
    seen.set(n.name, true);
  }
  return result;
}

function requireKeys(parsed: ParsedYaml, map: Node, keys: string[], what: string, add: Add, at: Range): void {
  for (const k of keys) {
    const p = getPair(map, k);
    if (!p || isNullNode(p.value)) add(p ? keyRange(parsed, p) : at, 'error', 'missing-key', `${what} needs '${k}'`);
  }
}

function endpoint(parsed: ParsedYaml, item: Node, add: Add): GatewayEndpoint | undefined {
  const at = rangeOf(parsed, item);
  if (!isMap(item)) {
    add(at, 'error', 'endpoint-not-mapping', 'an endpoint is a mapping with `name`, `endpoint_type` and `model`');
    return undefined;
  }
  const routeType = getPair(item, 'route_type');
  if (routeType) add(keyRange(parsed, routeType), 'error', 'route-type', "'route_type' is refused in config files since MLflow 2.9: use 'endpoint_type'", [{ title: "Rename to 'endpoint_type'", edits: [{ range: keyRange(parsed, routeType), newText: 'endpoint_type' }], preferred: true }]);
  // route_type has its own error above; it is left out of the unknown-key warning.
  unknownKeys(parsed, item, { ...ENDPOINT_KEYS, route_type: '' }, { type: 'endpoint_type', task_type: 'endpoint_type' }, [], C('unknown-key'), 'endpoint key', 'MLflow ignores it', add);
  requireKeys(parsed, item, ['name', 'endpoint_type', 'model'], 'an endpoint', add, at);
  const nameP = getPair(item, 'name');
  const name = nameP && !isNullNode(nameP.value) ? strValue(nameP.value) : undefined;
  if (nameP && name !== undefined) {
    const r = rangeOf(parsed, nameP.value as Node);
    if (pyKind(nameP.value) !== 'str') add(r, 'error', 'value-type', `'name' must be a string (PyYAML reads ${pyKind(nameP.value)}); quote it`);
    else if (!NAME.test(name)) add(r, 'error', 'invalid-name', `endpoint name '${name}' may hold only letters, digits, '_', '-' and '.' (it becomes part of the URL)`);
  }
  const typeP = getPair(item, 'endpoint_type');
  let endpointType: string | undefined;
  if (typeP && !isNullNode(typeP.value)) {
    endpointType = strValue(typeP.value);
    if (!(endpointType in ENDPOINT_TYPES)) {
      const near = didYouMean(endpointType, Object.keys(ENDPOINT_TYPES));
      const r = rangeOf(parsed, typeP.value as Node);
      add(r, 'error', 'endpoint-type', `endpoint_type '${endpointType}' is not supported: use ${Object.keys(ENDPOINT_TYPES).map((t) => `'${t}'`).join(', ')}`, near ? [{ title: `Change to '${near}'`, edits: [{ range: r, newText: near }], preferred: true }] : undefined);
    }
  }
  const provider = model(parsed, getPair(item, 'model'), add);
  const limitP = getPair(item, 'limit');
  if (limitP && !isNullNode(limitP.value)) limit(parsed, limitP, add);
  return name === undefined ? undefined : { name, endpointType, provider, range: nameP ? rangeOf(parsed, nameP.value as Node) : at };
}

function model(parsed: ParsedYaml, pair: Pair | undefined, add: Add): string | undefined {
  if (!pair || isNullNode(pair.value)) return undefined;
  const m = pair.value as Node;
  if (!isMap(m)) {
    add(rangeOf(parsed, m), 'error', 'model-not-mapping', '`model` is a mapping: `provider`, `name`, `config`');
    return undefined;
  }
  unknownKeys(parsed, m, MODEL_KEYS, {}, [], C('unknown-key'), 'model key', 'MLflow ignores it', add);
  const providerP = getPair(m, 'provider');
  if (!providerP || isNullNode(providerP.value)) {
    add(providerP ? keyRange(parsed, providerP) : keyRange(parsed, pair), 'error', 'missing-key', "`model` needs 'provider'");
    return undefined;
  }
  const provider = strValue(providerP.value);
  const known = providerKey(provider);
  const configP = getPair(m, 'config');
  if (!known) {
    const near = didYouMean(provider, Object.keys(PROVIDER_CONFIGS));
    const r = rangeOf(parsed, providerP.value as Node);
    // Plugins register more providers, so an unknown name is only a warning.
    add(r, 'warning', 'unknown-provider', `'${provider}' is not one of MLflow's providers${near ? ` — did you mean '${near}'?` : ''}; it works only if a gateway plugin registers it`, near ? [{ title: `Change to '${near}'`, edits: [{ range: r, newText: near }], preferred: true }] : undefined);
    return provider;
  }
  if (!configP || isNullNode(configP.value)) {
    add(configP ? keyRange(parsed, configP) : rangeOf(parsed, providerP.value as Node), 'error', 'missing-config', `provider '${provider}' needs a \`config\` (MLflow refuses a built-in provider without one)`);
    return known;
  }
  const config = configP.value as Node;
  if (!isMap(config)) {
    add(rangeOf(parsed, config), 'error', 'config-not-mapping', '`config` is a mapping of provider settings');
    return known;
  }
  const schema = PROVIDER_CONFIGS[known];
  unknownKeys(parsed, config, schema.keys, {}, [], C('unknown-key'), `${known} config key`, 'MLflow ignores it', add);
  requireKeys(parsed, config, schema.required, `provider '${known}'`, add, keyRange(parsed, configP));
  for (const p of mapPairs(config)) {
    const k = keyName(p) ?? '';
    if (/api_key$/.test(k) && pyKind(p.value) === 'str') {
      const v = strValue(p.value);
      // `$NAME` is read from the environment; a literal key in a file tends to end up in git.
      if (v && !v.startsWith('$') && !v.includes('/')) add(rangeOf(parsed, p.value as Node), 'info', 'literal-api-key', `the API key is written in the file; '$${k.toUpperCase()}' would read it from the gateway's environment`);
    }
  }
  if (known === 'openai' || known === 'azure') openAIRules(parsed, config, add);
  return known;
}

function openAIRules(parsed: ParsedYaml, config: Node, add: Add): void {
  const typeP = getPair(config, 'openai_api_type');
  const type = typeP && !isNullNode(typeP.value) ? strValue(typeP.value).toLowerCase() : 'openai';
  if (!['openai', 'azure', 'azuread'].includes(type)) {
    add(rangeOf(parsed, typeP!.value as Node), 'error', 'openai-api-type', `openai_api_type '${type}' is not supported: 'openai', 'azure' or 'azuread'`);
    return;
  }
  const has = (k: string) => {
    const p = getPair(config, k);
    return !!p && !isNullNode(p.value);
  };
  if (type === 'openai' && has('openai_deployment_name')) add(keyRange(parsed, getPair(config, 'openai_deployment_name')!), 'error', 'openai-azure-only', "'openai_deployment_name' is only allowed with openai_api_type 'azure' or 'azuread'");
  if (type !== 'openai') {
    if (has('openai_organization')) add(keyRange(parsed, getPair(config, 'openai_organization')!), 'error', 'openai-openai-only', "'openai_organization' is only allowed with openai_api_type 'openai'");
    for (const k of ['openai_api_base', 'openai_deployment_name', 'openai_api_version']) {
      if (!has(k)) add(typeP ? keyRange(parsed, typeP) : rangeOf(parsed, config), 'error', 'missing-key', `openai_api_type '${type}' needs '${k}'`);
    }
  }
}

function limit(parsed: ParsedYaml, pair: Pair, add: Add): void {
  const l = pair.value as Node;
  if (!isMap(l)) {
    add(rangeOf(parsed, l), 'error', 'limit-not-mapping', '`limit` is a mapping: `calls` and `renewal_period`');
    return;
  }
  unknownKeys(parsed, l, LIMIT_KEYS, {}, [], C('unknown-key'), 'limit key', 'MLflow ignores it', add);
  requireKeys(parsed, l, ['calls', 'renewal_period'], '`limit`', add, keyRange(parsed, pair));
  const calls = getPair(l, 'calls');
  if (calls && !isNullNode(calls.value) && (pyKind(calls.value) !== 'int' || Number(strValue(calls.value)) <= 0)) add(rangeOf(parsed, calls.value as Node), 'error', 'limit-calls', '`calls` must be a positive whole number');
  const period = getPair(l, 'renewal_period');
  if (period && !isNullNode(period.value)) {
    const v = strValue(period.value).trim().toLowerCase();
    // The `limits` package parses "<calls>/<period>": a granularity, optionally with a count ("5 minutes").
    if (!new RegExp(`^(?:\\d+\\s+)?(?:${RENEWAL_PERIODS.join('|')})s?$`).test(v)) add(rangeOf(parsed, period.value as Node), 'error', 'limit-period', `renewal_period '${strValue(period.value)}' is not a period MLflow's rate limiter reads: ${RENEWAL_PERIODS.join(', ')}`);
  }
}

function route(parsed: ParsedYaml, item: Node, endpoints: GatewayEndpoint[], add: Add, names: { name: string; range: Range }[]): void {
  const at = rangeOf(parsed, item);
  if (!isMap(item)) {
    add(at, 'error', 'route-not-mapping', 'a route is a mapping with `name`, `task_type` and `destinations`');
    return;
  }
  unknownKeys(parsed, item, ROUTE_KEYS, {}, [], C('unknown-key'), 'route key', 'MLflow ignores it', add);
  requireKeys(parsed, item, ['name', 'task_type', 'destinations'], 'a route', add, at);
  const nameP = getPair(item, 'name');
  const name = nameP && !isNullNode(nameP.value) ? strValue(nameP.value) : '?';
  if (nameP && !isNullNode(nameP.value)) names.push({ name, range: rangeOf(parsed, nameP.value as Node) });
  const taskP = getPair(item, 'task_type');
  const task = taskP && !isNullNode(taskP.value) ? strValue(taskP.value) : undefined;
  if (task !== undefined && !(task in ENDPOINT_TYPES)) add(rangeOf(parsed, taskP!.value as Node), 'error', 'endpoint-type', `task_type '${task}' is not supported: use ${Object.keys(ENDPOINT_TYPES).map((t) => `'${t}'`).join(', ')}`);
  const strategy = getPair(item, 'routing_strategy');
  if (strategy && !isNullNode(strategy.value) && strValue(strategy.value) !== 'TRAFFIC_SPLIT') add(rangeOf(parsed, strategy.value as Node), 'error', 'routing-strategy', "routing_strategy can only be 'TRAFFIC_SPLIT'");
  const destP = getPair(item, 'destinations');
  if (!destP || isNullNode(destP.value)) return;
  if (!isSeq(destP.value)) {
    add(rangeOf(parsed, destP.value as Node), 'error', 'destinations-not-list', '`destinations` is a list of `name` + `traffic_percentage`');
    return;
  }
  let sum = 0;
  for (const d of destP.value.items as Node[]) {
    if (!isMap(d)) {
      add(rangeOf(parsed, d), 'error', 'destination-not-mapping', 'a destination is a mapping: `name` and `traffic_percentage`');
      continue;
    }
    unknownKeys(parsed, d, DESTINATION_KEYS, {}, [], C('unknown-key'), 'destination key', 'MLflow ignores it', add);
    requireKeys(parsed, d, ['name', 'traffic_percentage'], 'a destination', add, rangeOf(parsed, d));
    const dn = getPair(d, 'name');
    if (dn && !isNullNode(dn.value)) {
      const target = endpoints.find((e) => e.name === strValue(dn.value));
      const r = rangeOf(parsed, dn.value as Node);
      if (!target) add(r, 'error', 'unknown-destination', `route '${name}' sends traffic to '${strValue(dn.value)}', which is not an endpoint in this file`);
      else if (task && target.endpointType && target.endpointType !== task) add(r, 'error', 'destination-type', `endpoint '${target.name}' is ${target.endpointType}, but route '${name}' is ${task}`);
    }
    const tp = getPair(d, 'traffic_percentage');
    if (tp && !isNullNode(tp.value)) {
      const n = Number(strValue(tp.value));
      if (pyKind(tp.value) !== 'int' || n < 0 || n > 100) add(rangeOf(parsed, tp.value as Node), 'error', 'traffic-percentage', '`traffic_percentage` is a whole number from 0 to 100');
      else sum += n;
    }
  }
  if (sum !== 100) add(keyRange(parsed, destP), 'error', 'traffic-sum', `the traffic percentages of route '${name}' add up to ${sum}, not 100`);
}
