import { promises as fsp, readFile as readFileCb, stat as statCb, type Stats } from 'node:fs';
import { join } from 'node:path';

/**
 * Small file-system helpers for the file store: "missing" is a normal answer here, not an error,
 * because MLflow creates folders lazily and a Python writer may be half-way through a run.
 */

/**
 * fs.readFile with a callback, promisified: fs.promises.readFile costs about 2.5x more per small
 * file (it opens a FileHandle and stats and reads through separate promise round trips), which
 * dominates listing an experiment of thousands of runs with dozens of files each.
 */
export function readFileFast(path: string): Promise<Buffer>;
export function readFileFast(path: string, encoding: 'utf8'): Promise<string>;
export function readFileFast(path: string, encoding?: 'utf8'): Promise<Buffer | string> {
  return new Promise((resolve, reject) => {
    if (encoding) readFileCb(path, encoding, (e, data) => (e ? reject(e) : resolve(data)));
    else readFileCb(path, (e, data) => (e ? reject(e) : resolve(data)));
  });
}

/** fs.stat with a callback, promisified, for the same reason as readFileFast. */
export function statFast(path: string): Promise<Stats> {
  return new Promise((resolve, reject) => statCb(path, (e, st) => (e ? reject(e) : resolve(st))));
}

export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFileFast(path, 'utf8');
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
}

export async function listDirIfExists(path: string): Promise<import('node:fs').Dirent[]> {
  try {
    return await fsp.readdir(path, { withFileTypes: true });
  } catch (e) {
    if (isMissing(e) || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw e;
  }
}

export function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT';
}

/**
 * Reads a "one file per key" folder (params/, tags/): the value is the whole file, keys with `/`
 * are nested folders. Returns key -> value with POSIX separators in keys.
 */
export async function readKeyValueTree(
  dir: string,
  onError: (path: string, e: unknown) => void,
  read: (path: string) => Promise<string> = (p) => readFileFast(p, 'utf8'),
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(abs: string, prefix: string): Promise<void> {
    const entries = await listDirIfExists(abs);
    await Promise.all(
      entries.map(async (d) => {
        const p = join(abs, d.name);
        const key = prefix ? `${prefix}/${d.name}` : d.name;
        if (d.isDirectory()) return walk(p, key);
        try {
          out[key] = await read(p);
        } catch (e) {
          if (!isMissing(e)) onError(p, e);
        }
      }),
    );
  }
  await walk(dir, '');
  return out;
}

/** Lists files below `dir` as keys (relative POSIX paths), for metric folders. */
export async function listKeyFiles(dir: string): Promise<{ key: string; path: string }[]> {
  const out: { key: string; path: string }[] = [];
  async function walk(abs: string, prefix: string): Promise<void> {
    const entries = await listDirIfExists(abs);
    await Promise.all(
      entries.map(async (d) => {
        const p = join(abs, d.name);
        const key = prefix ? `${prefix}/${d.name}` : d.name;
        if (d.isDirectory()) return walk(p, key);
        out.push({ key, path: p });
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
