import { randomBytes } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { StoreError } from './errors';
import type { TrackingReader } from './trackingStore';

/**
 * Copies a run's artifacts (one file, one folder, or everything) into `destDir`, laid out as
 * `mlflow.artifacts.download_artifacts` lays them out: a folder (or the whole run) keeps the paths
 * relative to the run's artifact root, a single file lands as `destDir/<its name>`.
 * Works for every store kind through the store's list/read calls (streamed where the store can).
 *
 * The paths come from the store (a server, or a folder someone else wrote), so writing never
 * follows a link: every folder below the destination is created or checked one level at a time
 * and must be a real folder (a symlink such as `DEST/out -> /elsewhere` is refused), and each file
 * is written to a fresh temp name created with O_EXCL|O_NOFOLLOW in its final folder, then renamed
 * over the target (rename replaces a link, it never writes through one). An interrupted download
 * leaves no truncated file under the real name and nothing beside the destination.
 * Returns the written files' local paths.
 */

/** Deeper than this, a listing is taken as a folder that lists itself. */
const MAX_DEPTH = 256;
/** More folder listings than this in one download: a store that invents folders without end. */
const MAX_FOLDERS = 100_000;

/** The destination as given (for the paths we report) and resolved (the boundary writes must stay in). */
interface Dest {
  dir: string;
  real: string;
}

const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

export async function downloadArtifacts(store: TrackingReader, runId: string, artifactPath: string | undefined, destDir: string): Promise<string[]> {
  const path = artifactPath === undefined ? '' : checkedRequestPath(artifactPath);
  const dest = await prepareDest(resolve(destDir));
  const written: string[] = [];
  const entries = await store.listArtifacts(runId, path || undefined);
  // Listing a file's own path gives nothing on most stores: then it is a single file (or missing).
  if (path && entries.length === 0) {
    await copyOne(store, runId, path, dest, path.split('/').pop()!, written);
    return written;
  }
  const seen = new Set<string>();
  const pending: { listed: typeof entries; parent: string }[] = [{ listed: entries, parent: path }];
  while (pending.length) {
    const { listed, parent } = pending.shift()!;
    for (const e of listed) {
      const rel = checkedListedPath(e.path, parent);
      if (e.isDir) {
        if (seen.has(rel) || rel.split('/').length > MAX_DEPTH || seen.size >= MAX_FOLDERS) {
          throw new StoreError('INVALID_STATE', `artifact folder '${rel}' of run ${runId} lists itself, nests deeper than ${MAX_DEPTH} levels or makes more than ${MAX_FOLDERS} folders; download stopped`, rel);
        }
        seen.add(rel);
        pending.push({ listed: await store.listArtifacts(runId, rel), parent: rel });
      } else {
        await copyOne(store, runId, rel, dest, rel, written);
      }
    }
  }
  if (written.length === 0 && path) {
    // An empty folder: MLflow creates it, so do we.
    await safeFolder(dest, path.split('/'));
  }
  return written;
}

/** The requested artifact path: '' and '.' name the root, which is what leaving the path out means. */
function checkedRequestPath(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '' || trimmed === '.' || /^(\.\/)+\.?$/.test(p)) {
    throw new StoreError('INVALID_PARAMETER_VALUE', `artifact path '${p}' names the run's artifact root; leave the path out to download every artifact`, p);
  }
  checkRelative(trimmed, `artifact path '${p}'`);
  return trimmed;
}

/** A path the store listed: relative, clean, and below the folder that was listed. */
function checkedListedPath(p: string, parent: string): string {
  checkRelative(p, `listed artifact path '${p}'`);
  if (parent && !p.startsWith(parent + '/')) {
    throw new StoreError('INVALID_STATE', `listed artifact path '${p}' is not inside the folder '${parent}' that was listed; download stopped`, p);
  }
  return p;
}

function checkRelative(p: string, what: string): void {
  const parts = p.split('/');
  if (p.startsWith('/') || p.includes('\0') || p.includes('\\') || parts.some((s) => s === '' || s === '.' || s === '..')) {
    throw new StoreError('INVALID_PARAMETER_VALUE', `${what} is not a clean relative path (empty, '.' or '..' parts, a leading '/', a backslash or NUL); refused`, p);
  }
}

/** The destination as a real folder (created when missing, as MLflow does); its resolved path is the boundary. */
async function prepareDest(dest: string): Promise<Dest> {
  try {
    await fsp.mkdir(dest, { recursive: true });
  } catch (e) {
    throw new StoreError('INVALID_PARAMETER_VALUE', `cannot use ${dest} as the download folder: ${errText(e)}`, dest);
  }
  const st = await fsp.stat(dest);
  if (!st.isDirectory()) throw new StoreError('INVALID_PARAMETER_VALUE', `download destination ${dest} is not a folder`, dest);
  return { dir: dest, real: await fsp.realpath(dest) };
}

/** Creates or checks each folder of `parts` below `dest` one level at a time; none may be a link or a file. */
async function safeFolder(dest: Dest, parts: string[]): Promise<string> {
  let dir = dest.dir;
  for (const part of parts) {
    dir = join(dir, part);
    try {
      await fsp.mkdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new StoreError('INTERNAL_ERROR', `cannot create folder ${dir}: ${errText(e)}`, dir);
    }
    const st = await fsp.lstat(dir);
    if (st.isSymbolicLink()) {
      const target = await fsp.realpath(dir).catch(() => '(a missing path)');
      throw new StoreError('PERMISSION_DENIED', `${dir} is a symbolic link to ${target}; the download does not write through links`, dir);
    }
    if (!st.isDirectory()) throw new StoreError('INVALID_STATE', `${dir} exists and is not a folder; cannot write artifacts into it`, dir);
  }
  // Belt and braces: the folder must still resolve inside the destination.
  const real = await fsp.realpath(dir);
  if (real !== dest.real && !real.startsWith(dest.real + sep)) {
    throw new StoreError('PERMISSION_DENIED', `${dir} resolves to ${real}, outside the download folder ${dest.dir}; refused`, dir);
  }
  return dir;
}

async function copyOne(store: TrackingReader, runId: string, path: string, dest: Dest, localPath: string, written: string[]): Promise<void> {
  const parts = localPath.split('/');
  const name = parts.pop()!;
  // Read first for stores that only give bytes, so a failed read creates nothing.
  const bytes = store.streamArtifact ? undefined : await store.readArtifact(runId, path);
  const dir = await safeFolder(dest, parts);
  const target = join(dir, name);
  const tmp = join(dir, `.${name}.${randomBytes(6).toString('hex')}.part`);
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(tmp, CREATE_FLAGS, 0o666);
    const out = fh;
    if (bytes) await writeAll(out, bytes);
    else await store.streamArtifact!(runId, path, (chunk) => writeAll(out, chunk));
    await fh.close();
    fh = undefined;
    const existing = await fsp.lstat(target).catch(() => undefined);
    if (existing?.isDirectory()) throw new StoreError('INVALID_STATE', `${target} is a folder; cannot replace it with the artifact file '${path}'`, target);
    await fsp.rename(tmp, target);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  written.push(target);
}

async function writeAll(fh: fsp.FileHandle, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += (await fh.write(data, off, data.length - off)).bytesWritten;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
