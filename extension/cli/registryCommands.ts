import { loggedModelJson, modelVersionJson } from '../core/model/cliJson';
import type { Experiment } from '../core/model/entities';
import { isStoreError } from '../core/store/errors';
import { openStore, openWritableStore, type ReadableStore, type Store } from '../core/store/openStore';
import { registerModel, registerRequestProblem } from '../core/store/registerModel';
import { redactUri, resolveTrackingUri } from '../core/store/trackingUri';
import { ArgsError, formatTable, parseArgs, type ParsedArgs } from './args';
import type { CliIo } from './main';

/**
 * `mlwb logged-models` (MLflow 3 logged models of one experiment) and `mlwb register` (a logged
 * model or a run's model folder into the registry, as `mlflow.register_model` does, for CI).
 */

export const REGISTRY_USAGE = `  logged-models --experiment ID_OR_NAME [--store URI] [--json]
                                                          MLflow 3 logged models of an experiment
  register --source models:/m-…|runs:/ID/PATH --name NAME register a model version (the model is created
           [--alias A] [--store URI] [--python PATH] [--json]  when new); prints the new version`;

export const REGISTRY_COMMANDS = ['logged-models', 'register'];

class Usage extends Error {}

function storeUri(args: ParsedArgs, io: CliIo): string {
  const explicit = args.options.store;
  if (typeof explicit === 'string') return explicit;
  const resolved = resolveTrackingUri({ env: io.env, workspaceFolders: [io.cwd] });
  if (!resolved) throw new Usage('no store found: pass --store URI, set MLFLOW_TRACKING_URI, or run in a folder with mlruns/ or mlflow.db');
  return resolved.uri;
}

function option(args: ParsedArgs, name: string): string | undefined {
  const v = args.options[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new Usage(`--${name} needs a value`);
  return v;
}

function required(args: ParsedArgs, name: string): string {
  const v = option(args, name);
  if (v === undefined) throw new Usage(`--${name} is required`);
  return v;
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

export async function runRegistryCommand(command: string, argv: string[], io: CliIo, usage: string): Promise<number> {
  let store: ReadableStore | Store | undefined;
  try {
    const args = parseArgs(argv, command === 'register' ? ['store', 'json', 'source', 'name', 'alias', 'python'] : ['store', 'json', 'experiment', 'python']);
    const python = option(args, 'python') ?? (io.env.MLWB_PYTHON || 'python3');
    const opts = { baseDir: io.cwd, env: io.env, python, onProblem: (p: { location: string; message: string }) => io.err(`warning: ${p.location}: ${p.message}`) };
    if (command === 'logged-models') {
      const exp = required(args, 'experiment');
      store = await openStore(storeUri(args, io), opts);
      const e = await findExperiment(store, exp);
      const models = await store.searchLoggedModels({ experimentIds: [e.experimentId] });
      const rows = models.map(loggedModelJson);
      io.out(
        args.options.json
          ? JSON.stringify(rows, null, 2)
          : formatTable(
              ['MODEL ID', 'NAME', 'STATUS', 'SOURCE RUN', 'METRICS'],
              models.map((m) => [m.modelId, m.name, m.status, m.sourceRunId ?? '', m.metrics.map((x) => `${x.key}=${x.value}`).join(' ')]),
            ),
      );
      return 0;
    }
    const alias = option(args, 'alias');
    const req = { source: required(args, 'source'), name: required(args, 'name'), ...(alias !== undefined ? { alias } : {}) };
    // MLflow's naming rules are checked before a store (or a local mlflow server) is opened.
    const problem = registerRequestProblem(req);
    if (problem) throw new Usage(problem);
    const writable = await openWritableStore(storeUri(args, io), opts);
    store = writable;
    const r = await registerModel(writable, req);
    if (r.createdModel) io.err(`registered model '${r.version.name}' created`);
    io.err(`created version ${r.version.version} of '${r.version.name}' from ${r.source}${alias ? ` with alias @${alias}` : ''}`);
    io.out(
      args.options.json
        ? JSON.stringify(modelVersionJson(r.version), null, 2)
        : formatTable(['MODEL', 'VERSION', 'SOURCE', 'ALIASES'], [[r.version.name, r.version.version, r.version.source, r.version.aliases.map((a) => `@${a}`).join(' ')]]),
    );
    return 0;
  } catch (e) {
    if (e instanceof Usage || e instanceof ArgsError) {
      io.err(`mlwb: ${e.message}\n\n${usage}`);
      return 2;
    }
    io.err(`mlwb: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    await store?.close?.();
  }
}
