import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { StoreError } from './errors';
import type { TrackingReader } from './trackingStore';

/**
 * Copies a run's artifacts (one file, one folder, or everything) into `destDir`, laid out as
 * `mlflow.artifacts.download_artifacts` lays them out: a folder (or the whole run) keeps the paths
 * relative to the run's artifact root, a single file lands as `destDir/<its name>`.
 * Works for every store kind through the store's list/read calls. Each file is written to a temp
 * name beside its target and renamed, so an interrupted download never leaves a truncated file
 * under the real name. Returns the written files' local paths.
 */
export async function downloadArtifacts(store: TrackingReader, runId: string, artifactPath: string | undefined, destDir: string): Promise<string[]> {
  const root = resolve(destDir);
  const path = (artifactPath ?? '').replace(/^\/+|\/+$/g, '');
  const written: string[] = [];
  const entries = await store.listArtifacts(runId, path || undefined);
  // Listing a file's own path gives nothing on most stores: then it is a single file (or missing).
  if (path && entries.length === 0) {
    await copyOne(store, runId, path, root, written, path.split('/').pop()!);
    return written;
  }
  const pending = [...entries];
  while (pending.length) {
    const e = pending.shift()!;
    if (e.isDir) pending.push(...(await store.listArtifacts(runId, e.path)));
    else await copyOne(store, runId, e.path, root, written);
  }
  if (written.length === 0 && path) {
    // An empty folder: MLflow creates it, so do we.
    await mkdir(inside(root, path), { recursive: true });
  }
  return written;
}

async function copyOne(store: TrackingReader, runId: string, path: string, root: string, written: string[], localPath = path): Promise<void> {
  const target = inside(root, localPath);
  const bytes = await store.readArtifact(runId, path);
  await mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.${randomBytes(4).toString('hex')}.part`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  written.push(target);
}

/** The local path for an artifact path; refuses paths that would land outside the destination. */
function inside(root: string, artifactPath: string): string {
  const target = resolve(join(root, ...artifactPath.split('/')));
  if (target !== root && !target.startsWith(root + sep)) {
    throw new StoreError('INVALID_PARAMETER_VALUE', `artifact path '${artifactPath}' points outside ${root}`, artifactPath);
  }
  return target;
}
