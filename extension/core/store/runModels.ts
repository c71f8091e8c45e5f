import type { Run } from '../model/entities';
import type { TrackingReader } from './trackingStore';

/**
 * The models a run could be registered from: its MLflow 3 logged models (`models:/m-…`) and any
 * artifact folder holding an `MLmodel` (MLflow 2 style, or a model saved and logged as artifacts),
 * looked for at the artifact root and one folder down, as users lay them out.
 */

export interface RunModelChoice {
  /** What registration is given: `models:/m-…` or `runs:/<run_id>/<path>`. */
  source: string;
  /** A name to offer for a new registered model. */
  suggestedName: string;
  kind: 'logged' | 'folder';
  detail: string;
}

const MAX_FOLDERS = 200;

export async function runModelChoices(store: TrackingReader, run: Run): Promise<RunModelChoice[]> {
  const out: RunModelChoice[] = [];
  if (store.capabilities.loggedModels) {
    const logged = await store.searchLoggedModels({ experimentIds: [run.info.experimentId] });
    for (const m of logged.filter((x) => x.sourceRunId === run.info.runId)) {
      out.push({ source: `models:/${m.modelId}`, suggestedName: m.name, kind: 'logged', detail: `logged model ${m.modelId} · ${m.status}` });
    }
  }
  if (store.capabilities.artifacts) {
    for (const path of await mlmodelFolders(store, run.info.runId)) {
      out.push({ source: `runs:/${run.info.runId}/${path}`, suggestedName: path.split('/').pop() || path, kind: 'folder', detail: `artifact folder ${path}/ (has an MLmodel)` });
    }
  }
  return out;
}

/** Artifact folders (root level and one below) that hold an MLmodel file. */
export async function mlmodelFolders(store: TrackingReader, runId: string): Promise<string[]> {
  const found: string[] = [];
  const top = await store.listArtifacts(runId).catch(() => []);
  const dirs = top.filter((e) => e.isDir).slice(0, MAX_FOLDERS);
  for (const d of dirs) {
    const inside = await store.listArtifacts(runId, d.path).catch(() => []);
    if (inside.some((e) => !e.isDir && e.path.split('/').pop() === 'MLmodel')) {
      found.push(d.path);
      continue;
    }
    for (const sub of inside.filter((e) => e.isDir).slice(0, MAX_FOLDERS)) {
      const deeper = await store.listArtifacts(runId, sub.path).catch(() => []);
      if (deeper.some((e) => !e.isDir && e.path.split('/').pop() === 'MLmodel')) found.push(sub.path);
    }
  }
  return found;
}

/** True when an artifact folder of the run holds an MLmodel (what "Register Model" on a folder checks). */
export async function folderHasMlmodel(store: TrackingReader, runId: string, path: string): Promise<boolean> {
  const inside = await store.listArtifacts(runId, path);
  return inside.some((e) => !e.isDir && e.path.split('/').pop() === 'MLmodel');
}
