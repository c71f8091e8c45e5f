import type { LoggedModel, ModelVersion, RegisteredModel, Run } from '../../core/model/entities';
import { TAG } from '../../core/model/entities';
import type { MlmodelSummary } from '../../core/model/mlmodelSummary';
import type { KeyValueItem, MetricItem, ModelVersionView } from '../../../webviews/modelVersion/contract';

/** Entities → the model version page's payload: raw values, sorted lists. No `vscode` import. */

const KEY_METRICS = 12;

export function keyValues(o: Record<string, string>, skip: (k: string) => boolean = () => false): KeyValueItem[] {
  return Object.keys(o)
    .filter((k) => !skip(k))
    .sort()
    .map((key) => ({ key, value: o[key] }));
}

function metricItems(list: { key: string; value: number; step: number }[]): MetricItem[] {
  return list
    .map((m) => ({ key: m.key, value: m.value, step: m.step }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, KEY_METRICS);
}

/** `models:/name/N` first (it never moves), then one per alias. */
export function versionUris(v: Pick<ModelVersion, 'name' | 'version' | 'aliases'>): string[] {
  return [`models:/${v.name}/${v.version}`, ...[...v.aliases].sort().map((a) => `models:/${v.name}@${a}`)];
}

export interface VersionLineage {
  model: RegisteredModel | undefined;
  run?: { run?: Run; experimentName?: string; problem?: string; runId: string };
  logged?: { model?: LoggedModel; problem?: string; modelId: string };
  mlmodel: { summary?: MlmodelSummary; problem?: string };
}

export function toModelVersionView(v: ModelVersion, l: VersionLineage): ModelVersionView {
  const view: ModelVersionView = {
    name: v.name,
    version: v.version,
    description: v.description ?? '',
    stage: v.currentStage,
    status: v.status,
    statusMessage: v.statusMessage ?? '',
    creationTimestamp: v.creationTimestamp,
    lastUpdatedTimestamp: v.lastUpdatedTimestamp,
    userId: v.userId ?? '',
    source: v.source,
    storageLocation: v.storageLocation ?? '',
    aliases: [...v.aliases].sort(),
    tags: keyValues(v.tags),
    uris: versionUris(v),
    model: { description: l.model?.description ?? '', tags: keyValues(l.model?.tags ?? {}, (k) => k === TAG.promptIsPrompt) },
    mlmodel: l.mlmodel,
  };
  if (l.run) {
    const r = l.run.run;
    view.run = r
      ? { runId: r.info.runId, runName: r.info.runName, status: r.info.status, experimentId: r.info.experimentId, experimentName: l.run.experimentName ?? '', metrics: metricItems(Object.values(r.data.metrics)) }
      : { runId: l.run.runId, runName: '', status: '', experimentId: '', experimentName: '', metrics: [], problem: l.run.problem ?? 'not readable' };
  }
  if (l.logged) {
    const m = l.logged.model;
    view.loggedModel = m
      ? { modelId: m.modelId, name: m.name, status: m.status, metrics: metricItems(m.metrics), params: keyValues(m.params) }
      : { modelId: l.logged.modelId, name: '', status: '', metrics: [], params: [], problem: l.logged.problem ?? 'not readable' };
  }
  return view;
}
