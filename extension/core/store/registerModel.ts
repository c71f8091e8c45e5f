import type { ModelVersion } from '../model/entities';
import { TAG } from '../model/entities';
import { isPromptTagged } from '../model/promptFilter';
import { aliasNameProblem, registeredModelNameProblem } from '../model/registryRules';
import { isStoreError, StoreError } from './errors';
import { withModelVersionLink } from './loggedModels';
import type { RegistryStore, TrackingStore } from './trackingStore';

/**
 * "Register model" as MLflow's client does it (`mlflow.register_model`, tracking/_model_registry/fluent.py):
 * - the registered model is created when it does not exist yet;
 * - `models:/m-…` is kept as the source and its id passed as `model_id` (the store then takes the
 *   run id from the logged model);
 * - `runs:/<id>/<path>`: when that run folder holds an `MLmodel`, the source becomes the folder's
 *   concrete URI (run artifact root + path) with the run id; otherwise the run's logged model named
 *   `<path>` is used, as `models:/<model_id>`;
 * - the logged model's `mlflow.modelVersions` tag gets the new {name, version} (an MLflow server
 *   records it itself; then it is already there and left alone);
 * - an optional alias is set on the new version.
 */

export interface RegisterRequest {
  /** `models:/m-…` (a logged model) or `runs:/<run_id>/<artifact path>`. */
  source: string;
  name: string;
  alias?: string;
  description?: string;
  tags?: Record<string, string>;
}

export interface RegisterResult {
  version: ModelVersion;
  /** The registered model did not exist before. */
  createdModel: boolean;
  /** What was sent as the version's source (may differ from the request for runs:/ URIs). */
  source: string;
  modelId?: string;
  runId?: string;
}

/** A model source a user typed, parsed; undefined fields where it is not that kind. */
export function parseModelSource(source: string): { kind: 'logged'; modelId: string } | { kind: 'run'; runId: string; path: string } | undefined {
  const logged = /^models:\/+(m-[\w-]+)\/?$/.exec(source);
  if (logged) return { kind: 'logged', modelId: logged[1] };
  const run = /^runs:\/+([\w-]+)\/(.+?)\/*$/.exec(source);
  if (run) return { kind: 'run', runId: run[1], path: run[2] };
  return undefined;
}

/** Why `req` cannot be registered, checked before anything is written; undefined when it may go ahead. */
export function registerRequestProblem(req: RegisterRequest): string | undefined {
  const nameProblem = registeredModelNameProblem(req.name);
  if (nameProblem) return nameProblem;
  if (req.alias !== undefined) {
    const a = aliasNameProblem(req.alias);
    if (a) return a;
  }
  if (!parseModelSource(req.source)) return `The source '${req.source}' is neither models:/m-<id> (a logged model) nor runs:/<run_id>/<path>.`;
  return undefined;
}

type Writable = TrackingStore & RegistryStore;

async function resolveSource(store: Writable, source: string): Promise<{ source: string; modelId?: string; runId?: string }> {
  const parsed = parseModelSource(source)!;
  if (parsed.kind === 'logged') {
    // Asked first so a wrong id fails with its own name before a registered model is created.
    await store.getLoggedModel(parsed.modelId);
    return { source, modelId: parsed.modelId };
  }
  const run = await store.getRun(parsed.runId);
  const listing = await store.listArtifacts(parsed.runId, parsed.path).catch((e: unknown) => {
    if (isStoreError(e) && e.code === 'RESOURCE_DOES_NOT_EXIST') return [];
    throw e;
  });
  if (listing.some((f) => !f.isDir && f.path.split('/').pop() === 'MLmodel')) {
    return { source: `${run.info.artifactUri.replace(/\/+$/, '')}/${parsed.path}`, runId: parsed.runId };
  }
  const named = (await store.searchLoggedModels({ experimentIds: [run.info.experimentId] })).filter(
    (m) => m.name === parsed.path && m.sourceRunId === parsed.runId,
  );
  if (named.length === 0) {
    throw new StoreError('RESOURCE_DOES_NOT_EXIST', `Run ${parsed.runId} has no MLmodel under '${parsed.path}' and no logged model named '${parsed.path}'`, source);
  }
  if (named.length > 1) {
    // MLflow picks the one logged at the largest step from the run's outputs; we ask instead.
    throw new StoreError(
      'INVALID_PARAMETER_VALUE',
      `Run ${parsed.runId} has ${named.length} logged models named '${parsed.path}' (${named.map((m) => m.modelId).join(', ')}); register one of them as models:/<model_id>`,
      source,
    );
  }
  return { source: `models:/${named[0].modelId}`, modelId: named[0].modelId, runId: parsed.runId };
}

export async function registerModel(store: Writable, req: RegisterRequest): Promise<RegisterResult> {
  const problem = registerRequestProblem(req);
  if (problem) throw new StoreError('INVALID_PARAMETER_VALUE', problem, req.source);
  const resolved = await resolveSource(store, req.source);
  let createdModel = false;
  try {
    await store.createRegisteredModel(req.name);
    createdModel = true;
  } catch (e) {
    if (!(isStoreError(e) && e.code === 'RESOURCE_ALREADY_EXISTS')) throw e;
    // Prompts share the registry's names; a model version must not land in one.
    if (isPromptTagged((await store.getRegisteredModel(req.name)).tags)) {
      throw new StoreError('INVALID_PARAMETER_VALUE', `'${req.name}' is a prompt, not a registered model: choose another name`, req.name);
    }
  }
  const created = await store.createModelVersion(req.name, {
    source: resolved.source,
    runId: resolved.runId,
    modelId: resolved.modelId,
    description: req.description,
    tags: req.tags,
  });
  if (resolved.modelId) {
    const model = await store.getLoggedModel(resolved.modelId);
    const value = withModelVersionLink(model, created.name, created.version);
    if (value !== undefined) await store.setLoggedModelTag(resolved.modelId, TAG.modelVersions, value);
  }
  if (req.alias) await store.setRegisteredModelAlias(req.name, req.alias, created.version);
  const version = req.alias ? await store.getModelVersion(req.name, created.version) : created;
  return { version, createdModel, source: resolved.source, modelId: resolved.modelId, runId: resolved.runId };
}
