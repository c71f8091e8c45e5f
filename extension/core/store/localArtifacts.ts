import { constants, promises as fsp, type Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArtifactEntry } from '../model/entities';
import { fileKind, READ_FLAGS, readRegularFile, UnreadableFileError } from './boundedRead';
import { StoreError, type ProblemSink } from './errors';
import { isMissing } from './fileTree';

/**
 * Artifacts that live on the local disk (`file:///…` or a plain absolute path as the SQL store
 * writes it), listed the way MLflow's local artifact repository lists them: direct children, paths
 * relative to the artifact root, sizes for files only, sorted by path.
 *
 * An artifact folder is data someone else wrote, so only regular files and folders whose real path
 * stays inside the artifact root are listed, read or copied. A symlink that leaves the root (to
 * /etc, say), a dangling one, one that loops back to its own folder, FIFOs, sockets and devices
 * are left out and reported, each costing only itself.
 */

/** What readArtifact holds in memory at most (opening an artifact in an editor); downloads stream instead. */
export const MAX_ARTIFACT_READ_BYTES = 256 * 1024 * 1024;

const STREAM_CHUNK = 1024 * 1024;
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

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
  return join(root, ...rel.split('/').filter((p) => p !== ''));
}

function isInside(realRoot: string, real: string): boolean {
  return real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
}

/** realpath, or undefined when the path does not exist. */
async function realpathIfExists(p: string): Promise<string | undefined> {
  try {
    return await fsp.realpath(p);
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
}

/**
 * The real path of an artifact path, checked to stay inside the real artifact root; undefined when
 * it (or the root) does not exist.
 */
async function resolveInside(root: string, rel: string): Promise<{ abs: string; real: string; realRoot: string } | undefined> {
  const abs = safeJoin(root, rel);
  const realRoot = await realpathIfExists(root);
  if (realRoot === undefined) return undefined;
  let real: string | undefined;
  try {
    real = await realpathIfExists(abs);
  } catch (e) {
    throw new StoreError('INVALID_PARAMETER_VALUE', `artifact ${abs} cannot be resolved: ${errText(e)}`, abs);
  }
  if (real === undefined) return undefined;
  if (!isInside(realRoot, real)) {
    throw new StoreError('PERMISSION_DENIED', `artifact ${abs} is a link to ${real}, outside the run's artifact folder ${realRoot}; refused`, abs);
  }
  return { abs, real, realRoot };
}

export async function listLocalArtifacts(root: string, path = '', onProblem?: ProblemSink): Promise<ArtifactEntry[]> {
  const where = await resolveInside(root, path);
  if (!where) return [];
  let entries: Dirent[];
  try {
    entries = await fsp.readdir(where.real, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (isMissing(e) || code === 'ENOTDIR') return [];
    throw new StoreError('INTERNAL_ERROR', `cannot list artifacts in ${where.abs}: ${errText(e)}`, where.abs);
  }
  const report = (location: string, message: string) => onProblem?.({ location, message });
  const out = await Promise.all(entries.map((d) => listedEntry(d, where.abs, where.real, where.realRoot, root, report)));
  return out.filter((e): e is ArtifactEntry => !!e).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** One directory entry as an artifact, or undefined (reported) when it is not one we may list. */
async function listedEntry(d: Dirent, dir: string, realDir: string, realRoot: string, root: string, report: (location: string, message: string) => void): Promise<ArtifactEntry | undefined> {
  const abs = join(dir, d.name);
  const rel = relative(root, abs).split(sep).join('/');
  try {
    if (d.isDirectory()) return { path: rel, isDir: true };
    if (d.isFile()) return { path: rel, isDir: false, fileSize: (await fsp.lstat(join(realDir, d.name))).size };
    if (!d.isSymbolicLink()) {
      report(abs, `artifact skipped: ${fileKind(d)}, not a regular file`);
      return undefined;
    }
    const real = await realpathIfExists(join(realDir, d.name));
    if (real === undefined) {
      report(abs, 'artifact skipped: symbolic link to a missing file');
      return undefined;
    }
    if (!isInside(realRoot, real)) {
      report(abs, `artifact skipped: symbolic link to ${real}, outside the run's artifact folder`);
      return undefined;
    }
    const st = await fsp.stat(real);
    if (st.isDirectory()) {
      // A link to its own folder or an ancestor would make the tree endless.
      if (isInside(real, realDir)) {
        report(abs, `artifact skipped: symbolic link to ${real}, a folder that contains it (a loop)`);
        return undefined;
      }
      return { path: rel, isDir: true };
    }
    if (st.isFile()) return { path: rel, isDir: false, fileSize: st.size };
    report(abs, `artifact skipped: symbolic link to ${fileKind(st)}, not a regular file`);
    return undefined;
  } catch (e) {
    report(abs, `artifact skipped: ${errText(e)}`);
    return undefined;
  }
}

/** One artifact file in memory (at most MAX_ARTIFACT_READ_BYTES): regular files inside the root only. */
export async function readLocalArtifact(root: string, path: string, maxBytes = MAX_ARTIFACT_READ_BYTES): Promise<Uint8Array> {
  const where = await resolveInside(root, path);
  const file = where?.abs ?? safeJoin(root, path);
  if (!where) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `cannot read artifact ${file}: no such file`, file);
  try {
    // The real path has no links left; O_NOFOLLOW keeps its last part from being swapped for one.
    return await readRegularFile(where.real, maxBytes, 'an artifact opened in memory', NOFOLLOW);
  } catch (e) {
    throw artifactReadError(file, e);
  }
}

/**
 * One artifact file in chunks, for downloads of any size: the same checks as readLocalArtifact.
 * `onChunk` gets a buffer it must not keep after its promise settles.
 */
export async function streamLocalArtifact(root: string, path: string, onChunk: (chunk: Uint8Array) => Promise<void>): Promise<void> {
  const where = await resolveInside(root, path);
  const file = where?.abs ?? safeJoin(root, path);
  if (!where) throw new StoreError('RESOURCE_DOES_NOT_EXIST', `cannot read artifact ${file}: no such file`, file);
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(where.real, READ_FLAGS | NOFOLLOW);
  } catch (e) {
    throw artifactReadError(file, e);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw artifactReadError(file, new UnreadableFileError('ENOTREGULAR', file, `${fileKind(st)}, not a regular file; not read`));
    const buf = Buffer.allocUnsafe(Math.min(STREAM_CHUNK, Math.max(st.size, 1)));
    // Up to the size the handle reported: a file appended to without end is not followed.
    let pos = 0;
    while (pos < st.size) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, st.size - pos), pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      await onChunk(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
}

function artifactReadError(file: string, e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  if (e instanceof UnreadableFileError) return new StoreError('INVALID_PARAMETER_VALUE', `artifact ${file} is ${e.message}`, file);
  if ((e as NodeJS.ErrnoException).code === 'ELOOP') return new StoreError('INVALID_PARAMETER_VALUE', `artifact ${file} changed into a symbolic link while being read; refused`, file);
  return new StoreError(isMissing(e) ? 'RESOURCE_DOES_NOT_EXIST' : 'INTERNAL_ERROR', `cannot read artifact ${file}: ${errText(e)}`, file);
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
