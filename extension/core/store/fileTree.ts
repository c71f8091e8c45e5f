import { promises as fsp, stat as statCb, type Dirent, type Stats } from 'node:fs';
import { join } from 'node:path';
import { fileKind, MAX_METADATA_FILE_BYTES, notRegularFile, readStatedFile } from './boundedRead';

/**
 * Small file-system helpers for the file store: "missing" is a normal answer here, not an error,
 * because MLflow creates folders lazily and a Python writer may be half-way through a run. Every
 * read is bounded (boundedRead.ts): a FIFO, a device or an oversized file is refused, never read.
 */

/** fs.stat with a callback, promisified: fs.promises.stat costs more per call on hot listing paths. */
export function statFast(path: string): Promise<Stats> {
  return new Promise((resolve, reject) => statCb(path, (e, st) => (e ? reject(e) : resolve(st))));
}

/**
 * One metadata file (meta.yaml, a param, tag or alias value) as UTF-8, bounded. The path is stat'ed
 * first so that a FIFO or a device is refused without being opened at all (opening some devices
 * has effects); the read itself never blocks nor reads past the stat's size (readStatedFile).
 */
export async function readMetadataText(path: string): Promise<string> {
  const st = await statFast(path);
  if (!st.isFile()) throw notRegularFile(path, fileKind(st));
  return (await readStatedFile(path, st.size, MAX_METADATA_FILE_BYTES, 'one metadata file')).toString('utf8');
}

export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readMetadataText(path);
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
}

export async function listDirIfExists(path: string): Promise<Dirent[]> {
  try {
    return await fsp.readdir(path, { withFileTypes: true });
  } catch (e) {
    if (isMissing(e) || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw e;
  }
}

/**
 * A folder's entries for a reader that must go on when one folder is damaged: missing is empty;
 * anything else (a file or FIFO where a folder belongs, a symlink loop, no permission, an I/O error)
 * is reported for this path and read as empty, so it costs this folder, not the listing.
 */
export async function listDirOrReport(path: string, onError: (path: string, e: unknown) => void): Promise<Dirent[]> {
  try {
    return await fsp.readdir(path, { withFileTypes: true });
  } catch (e) {
    if (isMissing(e)) return [];
    onError(path, (e as NodeJS.ErrnoException).code === 'ENOTDIR' ? new Error('expected a folder, found a file; not read') : e);
    return [];
  }
}

export function danglingLink(): Error {
  return new Error('symbolic link to a missing file; skipped');
}

export function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT';
}

/** A directory entry that is neither a file, a folder nor a symlink (FIFO, socket, device): never opened. */
export function specialKind(d: Dirent): string | undefined {
  return d.isFile() || d.isDirectory() || d.isSymbolicLink() ? undefined : fileKind(d);
}

/**
 * Reads a "one file per key" folder (params/, tags/): the value is the whole file, keys with `/`
 * are nested folders. Returns key -> value with POSIX separators in keys. An unreadable file or
 * folder is reported through `onError` and left out.
 */
export async function readKeyValueTree(
  dir: string,
  onError: (path: string, e: unknown) => void,
  read: (path: string) => Promise<string> = readMetadataText,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(abs: string, prefix: string): Promise<void> {
    const entries = await listDirOrReport(abs, onError);
    await Promise.all(
      entries.map(async (d) => {
        const p = join(abs, d.name);
        const key = prefix ? `${prefix}/${d.name}` : d.name;
        if (d.isDirectory()) return walk(p, key);
        const special = specialKind(d);
        if (special) return onError(p, notRegularFile(p, special));
        try {
          out[key] = await read(p);
        } catch (e) {
          // A file gone since the listing is a writer at work; a link to nothing is damage.
          if (!isMissing(e)) onError(p, e);
          else if (d.isSymbolicLink()) onError(p, danglingLink());
        }
      }),
    );
  }
  await walk(dir, '');
  return out;
}

/**
 * Lists files below `dir` as keys (relative POSIX paths), for metric folders. FIFOs, sockets and
 * devices, and folders that cannot be listed, are reported through `onError` and left out.
 */
export async function listKeyFiles(dir: string, onError: (path: string, e: unknown) => void): Promise<{ key: string; path: string; isLink: boolean }[]> {
  const out: { key: string; path: string; isLink: boolean }[] = [];
  async function walk(abs: string, prefix: string): Promise<void> {
    const entries = await listDirOrReport(abs, onError);
    await Promise.all(
      entries.map(async (d) => {
        const p = join(abs, d.name);
        const key = prefix ? `${prefix}/${d.name}` : d.name;
        if (d.isDirectory()) return walk(p, key);
        const special = specialKind(d);
        if (special) return onError(p, notRegularFile(p, special));
        out.push({ key, path: p, isLink: d.isSymbolicLink() });
      }),
    );
  }
  await walk(dir, '');
  return out;
}

/** Runs `fn` over items with at most `limit` in flight: thousands of runs must not open thousands of files at once. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
