import { summarizeMlmodel } from '../core/model/mlmodelSummary';
import { StoreError } from '../core/store/errors';
import { errText } from '../core/store/fileStore';
import type { RegistryReader, RegistryStore, TrackingReader } from '../core/store/trackingStore';
import type { RequestHandlers } from '../../webviews/platform/envelope';
import type { ModelVersionContract, ModelVersionView } from '../../webviews/modelVersion/contract';
import { keyValues, toModelVersionView, type VersionLineage } from './mappers/modelVersion';

/**
 * The model version page's data and requests, answered from the stores. No `vscode` import: the
 * panel host uses these, and the page's DOM tests answer its requests with the same handlers.
 */

/** The logged model a version came from: its `model_id`, else a `models:/m-…` source (SQL stores lose model_id). */
export function loggedModelIdOf(v: { modelId?: string | null; source: string }): string | undefined {
  if (v.modelId) return v.modelId;
  return /^models:\/+(m-[\w-]+)\/?$/.exec(v.source)?.[1];
}

export async function loadModelVersionView(store: TrackingReader & RegistryReader, name: string, version: string): Promise<ModelVersionView> {
  const v = await store.getModelVersion(name, version);
  const modelId = loggedModelIdOf(v);
  const [model, run, logged, mlmodel] = await Promise.all([
    store.getRegisteredModel(name).catch(() => undefined),
    v.runId
      ? store.getRun(v.runId).then(
          async (r) => ({ runId: r.info.runId, run: r, experimentName: (await store.getExperiment(r.info.experimentId).catch(() => undefined))?.name }),
          (e: unknown) => ({ runId: v.runId!, problem: errText(e) }),
        )
      : undefined,
    modelId && store.capabilities.loggedModels
      ? store.getLoggedModel(modelId).then(
          (m) => ({ modelId, model: m }),
          (e: unknown) => ({ modelId, problem: errText(e) }),
        )
      : undefined,
    store.readModelVersionArtifact(name, version, 'MLmodel').then(
      (bytes) => ({ summary: summarizeMlmodel(Buffer.from(bytes).toString('utf8')) }),
      (e: unknown) => ({ problem: errText(e) }),
    ),
  ]);
  const lineage: VersionLineage = { model, mlmodel, ...(run ? { run } : {}), ...(logged ? { logged } : {}) };
  return toModelVersionView(v, lineage);
}

/** `afterWrite` runs after each successful save (the Models view re-reads then). */
export function modelVersionRequests(writable: () => Promise<RegistryStore>, afterWrite: () => void = () => undefined): RequestHandlers<ModelVersionContract> {
  return {
    setDescription: async ({ name, version, description }) => {
      check(name, 'model name');
      check(version, 'version');
      if (typeof description !== 'string') throw new StoreError('INVALID_PARAMETER_VALUE', 'The page sent no description text');
      const v = await (await writable()).updateModelVersion(name, version, description);
      afterWrite();
      return { description: v.description ?? '' };
    },
    setTag: async ({ name, version, key, value }) => {
      check(name, 'model name');
      check(version, 'version');
      check(key, 'tag key');
      if (typeof value !== 'string') throw new StoreError('INVALID_PARAMETER_VALUE', 'The page sent no tag value');
      const store = await writable();
      await store.setModelVersionTag(name, version, key, value);
      afterWrite();
      return { tags: keyValues((await store.getModelVersion(name, version)).tags) };
    },
    deleteTag: async ({ name, version, key }) => {
      check(name, 'model name');
      check(version, 'version');
      check(key, 'tag key');
      const store = await writable();
      await store.deleteModelVersionTag(name, version, key);
      afterWrite();
      return { tags: keyValues((await store.getModelVersion(name, version)).tags) };
    },
  };
}

/** The page is not trusted to send well-formed values: check them before a store sees them. */
function check(v: unknown, what: string): void {
  if (typeof v !== 'string' || !v.trim()) throw new StoreError('INVALID_PARAMETER_VALUE', `The model version page sent no valid ${what}`);
}
