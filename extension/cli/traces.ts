import { neutralizeText } from '../core/model/display';
import { FilterError, formatFilterError } from '../core/filter';
import { isStoreError } from '../core/store/errors';
import { openStore, type ReadableStore } from '../core/store/openStore';
import { redactUri, resolveTrackingUri } from '../core/store/trackingUri';
import { TRACE_KEY, TRACES_PAGE_MAX, tokenUsageOf, type Span, type TraceInfo } from '../core/traces/entities';
import { parseTraceFilter, parseTraceOrderBy } from '../core/traces/traceFilter';
import { stringifyTraceJson, traceInfoJson, traceJson } from '../core/traces/traceCliJson';
import { formatDuration, spanDurationMs } from '../core/traces/traceDisplay';
import { ArgsError, formatTable, parseArgs, type ParsedArgs } from './args';
import type { CliIo } from './main';

/**
 * `mlwb traces` and `mlwb trace`: MLflow 3 traces from any store kind, through the same readers as
 * the Experiments view (extension/core/traces). The --json output is the contract (traceCliJson.ts).
 */

export const TRACES_USAGE = `  traces --experiment ID_OR_NAME [--store URI] [--json]   traces of an experiment, newest first
         [--filter EXPR] [--order-by EXPR]...            MLflow's trace search filter and order_by
         [--max-results N] [--page-token T]             at most N traces; the next token goes to stderr
  trace --id TRACE_ID [--store URI] [--json]             one trace: its info, assessments and spans`;

class UsageError extends Error {}

function storeUri(args: ParsedArgs, io: CliIo): string {
  const explicit = args.options.store;
  if (typeof explicit === 'string') return explicit;
  const resolved = resolveTrackingUri({ env: io.env, workspaceFolders: [io.cwd] });
  if (!resolved) throw new UsageError('no store found: pass --store URI, set MLFLOW_TRACKING_URI, or run in a folder with mlruns/ or mlflow.db');
  return resolved.uri;
}

function tracesReader(store: ReadableStore) {
  if (!store.capabilities.traces || !store.searchTraces || !store.getTrace) throw new Error(`${redactUri(store.uri)} cannot list traces with this version`);
  return { searchTraces: store.searchTraces.bind(store), getTrace: store.getTrace.bind(store) };
}

export async function runTraces(command: 'traces' | 'trace', argv: string[], io: CliIo, usage: string): Promise<number> {
  let store: ReadableStore | undefined;
  try {
    const args = parseArgs(argv, command === 'traces' ? ['store', 'json', 'experiment', 'filter', 'order-by', 'max-results', 'page-token', 'python'] : ['store', 'json', 'id', 'python']);
    let max: number | undefined;
    if (command === 'traces') {
      // A bad filter or order_by is reported with its position before any store is opened. Servers
      // accept more (span., feedback., text): their filters are left to the server.
      const raw = args.options['max-results'];
      if (raw !== undefined) {
        max = /^\d+$/.test(String(raw)) ? Number(raw) : NaN;
        if (!(max >= 1)) throw new UsageError(`--max-results must be a whole number of at least 1, got '${String(raw)}'`);
      }
      if (typeof args.options.experiment !== 'string' || !args.options.experiment) throw new UsageError('--experiment is required');
    } else if (typeof args.options.id !== 'string' || !args.options.id) throw new UsageError('--id is required');
    const uri = storeUri(args, io);
    const python = typeof args.options.python === 'string' ? args.options.python : io.env.MLWB_PYTHON || 'python3';
    store = await openStore(uri, { baseDir: io.cwd, env: io.env, python, onProblem: (p) => io.err(`warning: ${p.location}: ${p.message}`) });
    if (store.kind !== 'rest' && command === 'traces') {
      parseTraceFilter(typeof args.options.filter === 'string' ? args.options.filter : undefined);
      parseTraceOrderBy(args.lists['order-by']);
    }
    return command === 'traces' ? await listTraces(store, args, io, max) : await showTrace(store, String(args.options.id), args, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ArgsError) {
      io.err(`mlwb: ${e.message}\n\n${usage}`);
      return 2;
    }
    if (e instanceof FilterError) {
      io.err(`mlwb: ${formatFilterError(e)}`);
      return 2;
    }
    io.err(`mlwb: ${isStoreError(e) || e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    await store?.close?.();
  }
}

async function experimentId(store: ReadableStore, idOrName: string): Promise<string> {
  const byName = await store.getExperimentByName(idOrName);
  if (byName) return byName.experimentId;
  try {
    return (await store.getExperiment(idOrName)).experimentId;
  } catch (e) {
    if (isStoreError(e, 'RESOURCE_DOES_NOT_EXIST')) throw new Error(`experiment '${idOrName}' not found (by name or id) in ${redactUri(store.uri)}`);
    throw e;
  }
}

async function listTraces(store: ReadableStore, args: ParsedArgs, io: CliIo, max: number | undefined): Promise<number> {
  const reader = tracesReader(store);
  const id = await experimentId(store, String(args.options.experiment));
  const filter = typeof args.options.filter === 'string' ? args.options.filter : undefined;
  const orderBy = args.lists['order-by'];
  let token = typeof args.options['page-token'] === 'string' ? args.options['page-token'] : undefined;
  const found: TraceInfo[] = [];
  const seen = new Set<string>();
  for (;;) {
    const want = max === undefined ? TRACES_PAGE_MAX : Math.min(TRACES_PAGE_MAX, max - found.length);
    const page = await reader.searchTraces({ experimentIds: [id], filter, orderBy, maxResults: want, pageToken: token });
    found.push(...page.traces);
    token = page.nextPageToken;
    if (!token || (max !== undefined && found.length >= max)) break;
    if (seen.has(token)) throw new Error(`${redactUri(store.uri)} handed out page token ${JSON.stringify(token.slice(0, 60))} twice`);
    seen.add(token);
  }
  // stdout stays the traces alone (the --json array is the contract); the token is for the next call.
  if (token && max !== undefined) io.err(`next page token: ${token}`);
  if (args.options.json) {
    io.out(stringifyTraceJson(found.map(traceInfoJson)));
    return 0;
  }
  io.out(
    formatTable(
      ['TRACE ID', 'STATE', 'NAME', 'DURATION', 'TOKENS', 'TIME', 'REQUEST'],
      found.map((t) => {
        const u = tokenUsageOf(t);
        return [
          t.traceId,
          t.state,
          t.tags[TRACE_KEY.traceName] ?? '',
          t.executionDurationMs === undefined ? '' : formatDuration(t.executionDurationMs),
          u?.total !== undefined ? String(u.total) : '',
          new Date(t.requestTime).toISOString(),
          (t.requestPreview ?? '').replace(/\s+/g, ' ').slice(0, 60),
        ];
      }),
    ),
  );
  return 0;
}

async function showTrace(store: ReadableStore, traceId: string, args: ParsedArgs, io: CliIo): Promise<number> {
  const trace = await tracesReader(store).getTrace(traceId);
  if (args.options.json) {
    io.out(stringifyTraceJson(traceJson(trace)));
    return 0;
  }
  const children = new Map<string | null, Span[]>();
  const ids = new Set(trace.spans.map((s) => s.spanId));
  for (const s of trace.spans) {
    const parent = s.parentId && ids.has(s.parentId) ? s.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const lines: string[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const s of children.get(parent) ?? []) {
      const d = spanDurationMs(s);
      lines.push(`${'  '.repeat(depth)}${neutralizeText(s.name)}  [${s.statusCode}]${d === undefined ? '' : '  ' + formatDuration(d)}`);
      walk(s.spanId, depth + 1);
    }
  };
  walk(null, 0);
  const i = trace.info;
  io.out(
    [
      `trace ${i.traceId}  ${i.state}  ${new Date(i.requestTime).toISOString()}${i.executionDurationMs === undefined ? '' : '  ' + formatDuration(i.executionDurationMs)}`,
      ...i.assessments.map((a) => `  ${a.kind} ${neutralizeText(a.name)} = ${neutralizeText(JSON.stringify(a.value))}${a.rationale ? ` (${neutralizeText(a.rationale)})` : ''}`),
      `spans (${trace.spans.length}):`,
      ...lines,
    ].join('\n'),
  );
  return 0;
}
