import { existsSync } from 'node:fs';
import { neutralizeText } from '../core/model/display';
import { promptJson } from '../core/prompts/promptJson';
import { listPromptsWithVersions } from '../core/prompts/promptRead';
import { experimentJson, metricJson, registeredModelJson, runJson } from '../core/model/cliJson';
import type { Experiment, Metric, Run } from '../core/model/entities';
import { withoutPrompts } from '../core/model/promptFilter';
import { historyCsvHeader, historyCsvRows } from '../core/charts/csv';
import { readSampledHistories } from '../core/charts/historyRead';
import { MIN_SAMPLE_POINTS } from '../core/charts/sampling';
import { resolve } from 'node:path';
import { downloadArtifacts } from '../core/store/artifactDownload';
import { isStoreError } from '../core/store/errors';
import { openStore, openWritableStore, type ReadableStore } from '../core/store/openStore';
import { RUNS_PAGE_DEFAULT, RUNS_PAGE_MAX } from '../core/store/paging';
import { redactUri, resolveTrackingUri } from '../core/store/trackingUri';
import { FilterError, formatFilterError, parseFilter, parseOrderBy, RUNS } from '../core/filter';
import { ArgsError, formatTable, parseArgs, type ParsedArgs } from './args';
import { REGISTRY_COMMANDS, REGISTRY_USAGE, runRegistryCommand } from './registryCommands';
import { TRACES_USAGE } from './traces';
import { checkWriteArgs, RuleError, runWriteAction, WRITE_ACTIONS, WRITE_COMMANDS, WRITE_USAGE, writeAction } from './writeCommands';

/**
 * `mlwb`: the core's store readers and the MLproject/MLmodel linter on the command line. Same code
 * as the extension, so scripts and CI see exactly what the sidebar shows.
 */

const USAGE = `usage: mlwb <command> [options]

commands:
  experiments [--store URI] [--all] [--json]              experiments (active; --all adds deleted)
  runs [--store URI] [--experiment ID_OR_NAME] [--json]   runs with params, tags and latest metrics
       [--filter EXPR] [--order-by EXPR]...              MLflow search filter and order_by (repeatable)
       [--max-results N] [--page-token T]                one page of N runs; the next token goes to stderr
  history --run ID [--run ID]... --metric KEY            metric history of one or more runs (every
          [--max-points N] [--csv] [--store URI] [--json] point in logged order; --max-points N: at most
                                                         N per run in step order, keeping the first,
                                                         last, smallest and largest; --csv: run_id,key,
                                                         step,timestamp,value)
  models [--store URI] [--json]                           registered models with their versions
${REGISTRY_USAGE}
  prompts [--store URI] [--json]                          registered prompts: versions, templates, aliases
  artifacts --run ID [--path P] [--store URI] [--json]    list a run's artifacts (one level)
            [--download DIR]                             copy the file or folder (default: all) into DIR
  lint PATH... [--json]                                   check MLproject, MLmodel and AI Gateway config files
  run PROJECT_DIR_OR_GIT_URI [-e ENTRY] [-P KEY=VALUE]...  run an MLproject entry point with mlflow run
      [--sweep KEY=V1,V2,...]... [--parallel N]           (a sweep: parent run + one child per combination,
      [--experiment NAME | --experiment-id ID]             N at a time); process output goes to stderr,
      [--run-name NAME] [--env-manager M] [--python PATH]  the runs (ids, params, status) to stdout; exit 1
      [--version GIT_REF] [--store URI] [--json]           unless every run FINISHED (docs/runner.md)
${TRACES_USAGE}

${WRITE_USAGE}

--store takes a tracking URI (file:///abs/mlruns, a plain path to an mlruns folder, sqlite:///mlflow.db,
http(s)://host:port). Without it, mlwb uses MLFLOW_TRACKING_URI, else ./mlruns or ./mlflow.db in the
current folder, like MLflow. SQLite is read directly on Node 22+; other databases (and SQLite on
Node 20) through a local \`mlflow server\` started with --python PYTHON (default: $MLWB_PYTHON, else python3). Servers take MLFLOW_TRACKING_TOKEN,
MLFLOW_TRACKING_USERNAME/PASSWORD, MLFLOW_TRACKING_INSECURE_TLS and MLFLOW_TRACKING_SERVER_CERT_PATH.`;

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Output of processes `mlwb run` starts, passed through as it comes (default: err). */
  errRaw?: (s: string) => void;
  /** Aborted on Ctrl-C: `mlwb run` then stops its runs and ends them KILLED. */
  signal?: AbortSignal;
}

class UsageError extends Error {}

export async function main(argv: string[], rawIo: CliIo): Promise<number> {
  // Warnings and errors quote store and server text (names, paths, a server's error message).
  const io: CliIo = { ...rawIo, err: (s) => rawIo.err(neutralizeText(s, { keepNewlines: true })) };
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    (command ? io.out : io.err)(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'lint') return (await import('./lint')).runLint(rest, io.out, io.err);
  if (REGISTRY_COMMANDS.includes(command)) return runRegistryCommand(command, rest, io, USAGE);
  if (command === 'traces' || command === 'trace') return (await import('./traces')).runTraces(command, rest, io, USAGE);
  if (command === 'run' && !isRunWriteVerb(rest[0], io.cwd)) return runEntry(rest, io);
  let store: ReadableStore | undefined;
  try {
    if (WRITE_COMMANDS.has(command)) {
      const { action, argv: actionArgv } = writeAction(command, rest);
      const args = parseArgs(actionArgv, WRITE_ACTIONS[action]);
      // MLflow's rules first: a name it would refuse never opens (or starts) a store.
      checkWriteArgs(action, args);
      const writable = await openWritableStore(storeUri(args, io), { baseDir: io.cwd, env: io.env, python: pythonOf(args, io), onProblem: (p) => io.err(`warning: ${p.location}: ${p.message}`) });
      store = writable;
      const result = await runWriteAction(action, args, writable);
      return print(io, args, result.json, () => neutralizeText(result.text));
    }
    const args = parseArgs(rest, {
      experiments: ['store', 'json', 'all', 'python'],
      runs: ['store', 'json', 'experiment', 'all', 'filter', 'order-by', 'max-results', 'page-token', 'python'],
      history: ['store', 'json', 'run', 'metric', 'max-points', 'csv', 'python'],
      models: ['store', 'json', 'python'],
      prompts: ['store', 'json', 'python'],
      artifacts: ['store', 'json', 'run', 'path', 'download', 'python'],
    }[command] ?? []);
    if (!['experiments', 'runs', 'history', 'models', 'prompts', 'artifacts'].includes(command)) throw new UsageError(`unknown command '${command}'`);
    // A bad filter, order_by or page size is reported before any store is opened or asked.
    if (command === 'runs') runSearchArgs(args);
    const uri = storeUri(args, io);
    store = await openStore(uri, { baseDir: io.cwd, env: io.env, python: pythonOf(args, io), onProblem: (p) => io.err(`warning: ${p.location}: ${p.message}`) });
    switch (command) {
      case 'experiments':
        return await experiments(store, args, io);
      case 'runs':
        return await runs(store, args, io);
      case 'history':
        return await history(store, args, io);
      case 'artifacts':
        return await artifacts(store, args, io);
      case 'prompts':
        return await prompts(store, args, io);
      default:
        return await models(store, args, io);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof ArgsError) {
      io.err(`mlwb: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof RuleError) {
      io.err(`mlwb: ${e.message}`);
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

/**
 * `mlwb run rename|delete|restore|set-tag|delete-tag …` edits runs; any other `mlwb run X` runs the
 * project X. A project folder named like a verb is run when it exists (or given as `./delete`).
 */
function isRunWriteVerb(first: string | undefined, cwd: string): boolean {
  if (first === undefined || !(`run ${first}` in WRITE_ACTIONS)) return false;
  return !existsSync(resolve(cwd, first));
}

async function runEntry(argv: string[], io: CliIo): Promise<number> {
  const { runCommand, RunUsageError, RUN_USAGE } = await import('./run');
  try {
    return await runCommand(argv, io);
  } catch (e) {
    if (e instanceof RunUsageError) {
      io.err(`mlwb run: ${e.message}\n\n${RUN_USAGE}`);
      return 2;
    }
    io.err(`mlwb run: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

function storeUri(args: ParsedArgs, io: CliIo): string {
  const explicit = args.options.store;
  if (typeof explicit === 'string') return explicit;
  const resolved = resolveTrackingUri({ env: io.env, workspaceFolders: [io.cwd] });
  if (!resolved) throw new UsageError('no store found: pass --store URI, set MLFLOW_TRACKING_URI, or run in a folder with mlruns/ or mlflow.db');
  return resolved.uri;
}

function pythonOf(args: ParsedArgs, io: CliIo): string {
  return typeof args.options.python === 'string' ? args.options.python : io.env.MLWB_PYTHON || 'python3';
}

function required(args: ParsedArgs, name: string): string {
  const list = args.lists[name];
  if (list && list.length > 1) throw new UsageError(`--${name} can be given only once here`);
  const v = list ? list[0] : args.options[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

function print(io: CliIo, args: ParsedArgs, json: unknown, table: () => string): number {
  io.out(args.options.json ? JSON.stringify(json, null, 2) : table());
  return 0;
}

async function experiments(store: ReadableStore, args: ParsedArgs, io: CliIo): Promise<number> {
  const exps = await store.searchExperiments({ viewType: args.options.all ? 'ALL' : 'ACTIVE_ONLY' });
  return print(io, args, exps.map(experimentJson), () =>
    formatTable(['ID', 'NAME', 'STAGE'], exps.map((e) => [e.experimentId, e.name, e.lifecycleStage])),
  );
}

async function findExperiment(store: ReadableStore, idOrName: string): Promise<Experiment> {
  const byName = await store.getExperimentByName(idOrName);
  if (byName) return byName;
  try {
    return await store.getExperiment(idOrName);
  } catch (e) {
    if (isStoreError(e, 'RESOURCE_DOES_NOT_EXIST')) throw new Error(`experiment '${idOrName}' not found (by name or id) in ${redactUri(store.uri)}`);
    throw e;
  }
}

/** The search options of `runs`, checked by our parser whatever the store, so every kind reports a bad filter with a caret. */
function runSearchArgs(args: ParsedArgs) {
  const filter = typeof args.options.filter === 'string' ? args.options.filter : undefined;
  const orderBy = args.lists['order-by'];
  parseFilter(filter ?? '', RUNS);
  orderBy?.forEach((o) => parseOrderBy(o, RUNS));
  return { filter, orderBy, page: pageOptions(args) };
}

async function runs(store: ReadableStore, args: ParsedArgs, io: CliIo): Promise<number> {
  const { filter, orderBy, page } = runSearchArgs(args);
  const exp = args.options.experiment;
  let ids: string[];
  if (typeof exp === 'string') ids = [(await findExperiment(store, exp)).experimentId];
  else ids = (await store.searchExperiments({ viewType: 'ACTIVE_ONLY' })).map((e) => e.experimentId);
  const search = { experimentIds: ids, viewType: args.options.all ? ('ALL' as const) : ('ACTIVE_ONLY' as const), filter, orderBy };
  let found: Run[] = [];
  if (page) {
    const got = ids.length ? await store.searchRunsPage({ ...search, ...page }) : { runs: [] };
    found = got.runs;
    // stdout stays the runs alone (the --json array is the contract); the token is for the next call.
    if (got.nextPageToken) io.err(`next page token: ${got.nextPageToken}`);
  } else if (ids.length) {
    found = await store.searchRuns(search);
  }
  return print(io, args, found.map(runJson), () =>
    formatTable(
      ['RUN ID', 'NAME', 'STATUS', 'EXPERIMENT', 'METRICS'],
      found.map((r) => [
        r.info.runId,
        r.info.runName,
        r.info.status,
        r.info.experimentId,
        Object.values(r.data.metrics)
          .map((m) => `${m.key}=${m.value}`)
          .join(' '),
      ]),
    ),
  );
}

/** --max-results/--page-token: one page (MLflow's default size with a token alone), or undefined for every run. */
function pageOptions(args: ParsedArgs): { maxResults: number; pageToken?: string } | undefined {
  const max = args.options['max-results'];
  const token = args.options['page-token'];
  if (max === undefined && token === undefined) return undefined;
  let maxResults = RUNS_PAGE_DEFAULT;
  if (typeof max === 'string') {
    maxResults = /^\d+$/.test(max) ? Number(max) : NaN;
    if (!(maxResults >= 1 && maxResults <= RUNS_PAGE_MAX)) throw new UsageError(`--max-results must be a whole number from 1 to ${RUNS_PAGE_MAX}, got '${max}'`);
  }
  if (token === '') throw new UsageError('--page-token needs a value');
  return typeof token === 'string' ? { maxResults, pageToken: token } : { maxResults };
}

async function history(store: ReadableStore, args: ParsedArgs, io: CliIo): Promise<number> {
  const runIds = args.lists.run ?? [];
  if (runIds.length === 0) throw new UsageError('--run is required');
  const key = required(args, 'metric');
  const csv = args.options.csv === true;
  if (csv && args.options.json) throw new UsageError('--csv and --json cannot be combined');
  let maxPoints: number | undefined;
  if (args.options['max-points'] !== undefined) {
    const raw = String(args.options['max-points']);
    maxPoints = Number(raw);
    if (!/^\d+$/.test(raw) || maxPoints < MIN_SAMPLE_POINTS) throw new UsageError(`--max-points must be an integer of at least ${MIN_SAMPLE_POINTS} (first, last, smallest and largest point are always kept), got '${raw}'`);
  }
  const several = runIds.length > 1;
  const points: (Metric & { runId: string })[] = [];
  const missing = (runId: string) => {
    const msg = `run ${runId} has no metric '${key}'`;
    if (!several) throw new Error(msg);
    io.err(`warning: ${msg}`);
  };
  if (maxPoints !== undefined) {
    // Servers: whole histories (exact extremes), not the server's own sampling.
    const results = await readSampledHistories(store, runIds, key, { maxPoints, exact: true });
    const failed = results.find((r) => r.error);
    if (failed) throw new Error(failed.error);
    for (const r of results) {
      const s = r.series;
      if (s.steps.length === 0) missing(r.runId);
      for (let i = 0; i < s.steps.length; i++) points.push({ runId: r.runId, key, step: s.steps[i], timestamp: s.timestamps[i], value: s.values[i] });
    }
  } else {
    for (const runId of runIds) {
      const h = await store.getMetricHistory(runId, key);
      if (h.length === 0 && !(key in (await store.getRun(runId)).data.metrics)) missing(runId);
      for (const m of h) points.push({ ...m, runId });
    }
  }
  if (csv) {
    io.out((historyCsvHeader() + historyCsvRows(points)).replace(/\n$/, ''));
    return 0;
  }
  return print(io, args, points.map((p) => (several ? { run_id: p.runId, ...metricJson(p) } : metricJson(p))), () =>
    formatTable(
      several ? ['RUN ID', 'STEP', 'TIMESTAMP', 'VALUE'] : ['STEP', 'TIMESTAMP', 'VALUE'],
      points.map((p) => [...(several ? [p.runId] : []), String(p.step), String(p.timestamp), String(p.value)]),
    ),
  );
}

async function artifacts(store: ReadableStore, args: ParsedArgs, io: CliIo): Promise<number> {
  const runId = required(args, 'run');
  const path = typeof args.options.path === 'string' ? args.options.path : undefined;
  const dest = args.options.download;
  if (typeof dest === 'string') {
    const files = await downloadArtifacts(store, runId, path, resolve(io.cwd, dest));
    return print(io, args, files, () => files.map((f) => neutralizeText(f)).join('\n'));
  }
  if (dest !== undefined) throw new UsageError('--download needs a folder');
  await store.getRun(runId);
  const entries = await store.listArtifacts(runId, path);
  return print(io, args, entries.map((e) => ({ path: e.path, is_dir: e.isDir, file_size: e.fileSize ?? null })), () =>
    formatTable(['PATH', 'SIZE'], entries.map((e) => [e.isDir ? `${e.path}/` : e.path, e.isDir ? '' : String(e.fileSize ?? '')])),
  );
}

async function models(store: ReadableStore, args: ParsedArgs, io: CliIo): Promise<number> {
  // Prompts (tagged mlflow.prompt.is_prompt) are left out, as MLflow's own searches do.
  const { models: all, versions } = withoutPrompts(await store.searchRegisteredModels(), await store.searchModelVersions());
  const rows = all.map((m) =>
    registeredModelJson(
      m,
      versions.filter((v) => v.name === m.name).sort((a, b) => Number(a.version) - Number(b.version)),
    ),
  );
  return print(io, args, rows, () =>
    formatTable(
      ['MODEL', 'VERSIONS', 'ALIASES'],
      rows.map((r) => [r.name, r.versions.map((v) => `${v.version}${v.current_stage !== 'None' ? ` (${v.current_stage})` : ''}`).join(', '), Object.entries(r.aliases).map(([a, v]) => `@${a}→${v}`).join(' ')]),
    ),
  );
}

async function prompts(store: ReadableStore, args: ParsedArgs, io: CliIo): Promise<number> {
  const all = await listPromptsWithVersions(store);
  const rows = all.map(promptJson);
  return print(io, args, rows, () =>
    formatTable(
      ['PROMPT', 'VERSIONS', 'ALIASES', 'LATEST TEMPLATE'],
      rows.map((r) => {
        const latest = r.versions[r.versions.length - 1];
        const preview = latest ? latest.template.replace(/\s+/g, ' ') : '';
        return [r.name, r.versions.map((v) => v.version).join(', '), Object.entries(r.aliases).map(([a, v]) => `@${a}→${v}`).join(' '), preview.length > 60 ? `${preview.slice(0, 59)}…` : preview];
      }),
    ),
  );
}
