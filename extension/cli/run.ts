import { formatTable } from './args';
import { ENV_MANAGERS, parseSweepSpec, startProjectRun, startSweep, type EnvManager, type FinalStatus, type RunOutput } from '../core/runner';
import { resolveTrackingUri } from '../core/store/trackingUri';
import type { CliIo } from './main';

/**
 * `mlwb run PROJECT [-e ENTRY] [-P K=V]... [--sweep K=V1,V2]... …`: the project runner for CI. The
 * process output (environment building included) goes to stderr as it comes, so stdout carries
 * only the result table or the --json object. Exit 0 only if every run FINISHED.
 */

export const RUN_USAGE = `usage: mlwb run PROJECT_DIR_OR_GIT_URI [-e ENTRY] [-P KEY=VALUE]... [--sweep KEY=V1,V2,...]...
                [--parallel N] [--experiment NAME] [--experiment-id ID] [--run-name NAME]
                [--env-manager local|uv|virtualenv|conda|docker] [--python PATH] [--store URI]
                [--version GIT_REF] [--json]`;

export class RunUsageError extends Error {}

interface RunArgs {
  project: string;
  entryPoint: string;
  params: Record<string, string>;
  sweep: Record<string, string[]>;
  parallel: number;
  experiment?: string;
  experimentId?: string;
  runName?: string;
  envManager?: EnvManager;
  python?: string;
  store?: string;
  version?: string;
  json: boolean;
}

const VALUED: Record<string, string> = {
  '-e': 'entry-point',
  '--entry-point': 'entry-point',
  '-P': 'param',
  '--param': 'param',
  '--sweep': 'sweep',
  '--parallel': 'parallel',
  '--experiment': 'experiment',
  '--experiment-name': 'experiment',
  '--experiment-id': 'experiment-id',
  '--run-name': 'run-name',
  '--env-manager': 'env-manager',
  '--python': 'python',
  '--store': 'store',
  '--version': 'version',
};

export function parseRunArgs(argv: string[]): RunArgs {
  const positional: string[] = [];
  const seen: Record<string, string[]> = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') {
      json = true;
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq === -1 ? a : a.slice(0, eq);
    const name = VALUED[flag];
    if (!name) {
      if (a.startsWith('-') && a !== '-') throw new RunUsageError(`unknown option ${flag}`);
      positional.push(a);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = a.slice(eq + 1);
    else {
      value = argv[++i];
      if (value === undefined) throw new RunUsageError(`${flag} needs a value`);
    }
    (seen[name] ??= []).push(value);
  }
  if (positional.length !== 1) throw new RunUsageError(positional.length ? `unexpected argument '${positional[1]}'` : 'PROJECT_DIR_OR_GIT_URI is required');
  const once = (n: string) => {
    const v = seen[n];
    if (v && v.length > 1) throw new RunUsageError(`--${n} can be given only once`);
    return v?.[0];
  };
  const params: Record<string, string> = {};
  for (const p of seen.param ?? []) {
    const k = p.indexOf('=');
    if (k <= 0) throw new RunUsageError(`-P needs KEY=VALUE, got '${p}'`);
    const key = p.slice(0, k);
    if (key in params) throw new RunUsageError(`repeated parameter '${key}'`);
    params[key] = p.slice(k + 1);
  }
  const sweep: Record<string, string[]> = {};
  for (const s of seen.sweep ?? []) {
    let parsed;
    try {
      parsed = parseSweepSpec(s);
    } catch (e) {
      throw new RunUsageError((e as Error).message);
    }
    if (parsed.key in sweep) throw new RunUsageError(`--sweep of '${parsed.key}' given twice`);
    sweep[parsed.key] = parsed.values;
  }
  const parallelText = once('parallel');
  const parallel = parallelText === undefined ? 1 : Number(parallelText);
  if (!/^\d+$/.test(parallelText ?? '1') || parallel < 1) throw new RunUsageError(`--parallel must be a whole number of at least 1, got '${parallelText}'`);
  if (parallelText !== undefined && Object.keys(sweep).length === 0) throw new RunUsageError('--parallel applies to sweeps: add --sweep KEY=V1,V2,...');
  const envManager = once('env-manager');
  if (envManager !== undefined && !(ENV_MANAGERS as readonly string[]).includes(envManager)) throw new RunUsageError(`--env-manager must be one of ${ENV_MANAGERS.join(', ')}, got '${envManager}'`);
  const experiment = once('experiment');
  const experimentId = once('experiment-id');
  if (experiment !== undefined && experimentId !== undefined) throw new RunUsageError('give --experiment or --experiment-id, not both');
  return {
    project: positional[0],
    entryPoint: once('entry-point') ?? 'main',
    params,
    sweep,
    parallel,
    experiment,
    experimentId,
    runName: once('run-name'),
    envManager: envManager as EnvManager | undefined,
    python: once('python'),
    store: once('store'),
    version: once('version'),
    json,
  };
}

interface RunRow {
  role: 'run' | 'parent' | 'child';
  run_id: string | null;
  status: FinalStatus | 'NOT_STARTED';
  params: Record<string, string>;
  exit_code: number | null;
  error?: string;
}

export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseRunArgs(argv);
  const storeUri = args.store ?? resolveTrackingUri({ env: io.env, workspaceFolders: [io.cwd] })?.uri;
  if (!storeUri) throw new RunUsageError('no store found: pass --store URI, set MLFLOW_TRACKING_URI, or run in a folder with mlruns/ or mlflow.db');
  const python = args.python ?? io.env.MLWB_PYTHON ?? 'python3';
  const out: RunOutput = { write: (s) => (io.errRaw ?? io.err)(s) };
  const common = {
    project: args.project,
    version: args.version,
    entryPoint: args.entryPoint,
    experimentName: args.experiment,
    experimentId: args.experimentId,
    runName: args.runName,
    envManager: args.envManager,
    python,
    storeUri,
    cwd: io.cwd,
  };
  const opts = { signal: io.signal, env: io.env };
  let rows: RunRow[];
  let sweepParent: RunRow | undefined;
  if (Object.keys(args.sweep).length === 0) {
    const r = await startProjectRun({ ...common, parameters: args.params }, out, opts).done;
    rows = [{ role: 'run', run_id: r.runId, status: r.status, params: args.params, exit_code: r.exitCode }];
  } else {
    const r = await startSweep({ ...common, base: args.params, sweep: args.sweep, parallel: args.parallel }, out, opts).done;
    sweepParent = { role: 'parent', run_id: r.parent.runId, status: r.parent.status, params: args.params, exit_code: null };
    rows = [sweepParent, ...r.children.map((c): RunRow => ({ role: 'child', run_id: c.runId ?? null, status: c.status, params: c.params, exit_code: c.exitCode, ...(c.error ? { error: c.error } : {}) }))];
  }
  if (args.json) io.out(JSON.stringify({ runs: rows }, null, 2));
  else
    io.out(
      formatTable(
        ['ROLE', 'RUN ID', 'STATUS', 'PARAMS'],
        rows.map((r) => [r.role, r.run_id ?? '-', r.status, Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ')]),
      ),
    );
  return rows.every((r) => r.status === 'FINISHED') ? 0 : 1;
}
