import { promises as fsp } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArtifactEntry } from '../model/entities';
import { StoreError } from './errors';
import { isMissing, listDirIfExists } from './fileTree';

/**
 * Artifacts that live on the local disk (`file:///…` or a plain absolute path as the SQL store
 * writes it), listed the way MLflow's local artifact repository lists them: direct children, paths
 * relative to the artifact root, sizes for files only, sorted by path.
 */

/** `file:///abs` or a bare absolute path → local path; other schemes → undefined. */
export function localPathOfUri(uri: string): string | undefined {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri.startsWith('file:///') || uri.startsWith('file://localhost/') ? uri : uri.replace(/^file:(?!\/\/)/, 'file://'));
    } catch {
      return undefined;
    }
  }
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(uri) && !/^[a-zA-Z]:[\\/]/.test(uri)) return undefined;
  return uri;
}

export function localArtifactRoot(runId: string, artifactUri: string): string {
  const local = localPathOfUri(artifactUri);
  if (local === undefined) {
    throw new StoreError('UNSUPPORTED_STORE', `Artifacts of run ${runId} live at ${artifactUri}, which cannot be read from the local disk`, artifactUri);
  }
  return local;
}

/** Joins a relative artifact path below a root, refusing anything that climbs out of it. */
function safeJoin(root: string, rel: string): string {
  if (!rel) return root;
  if (rel.startsWith('/') || rel.split(/[\\/]/).some((p) => p === '..') || rel.includes('\0')) {
    throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid artifact path: '${rel}'`, root);
  }
  return join(root, ...rel.split('/'));
}

export async function listLocalArtifacts(root: string, path = ''): Promise<ArtifactEntry[]> {
  const dir = safeJoin(root, path);
  const entries = await listDirIfExists(dir);
  const out = await Promise.all(
    entries.map(async (d): Promise<ArtifactEntry> => {
      const abs = join(dir, d.name);
      const rel = relative(root, abs).split(sep).join('/');
      if (d.isDirectory()) return { path: rel, isDir: true };
      const st = await fsp.stat(abs);
      return st.isDirectory() ? { path: rel, isDir: true } : { path: rel, isDir: false, fileSize: st.size };
    }),
  );
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function readLocalArtifact(root: string, path: string): Promise<Uint8Array> {
  const file = safeJoin(root, path);
  try {
    return await fsp.readFile(file);
  } catch (e) {
    throw new StoreError(isMissing(e) ? 'RESOURCE_DOES_NOT_EXIST' : 'INTERNAL_ERROR', `cannot read artifact ${file}: ${e instanceof Error ? e.message : String(e)}`, file);
  }
}
