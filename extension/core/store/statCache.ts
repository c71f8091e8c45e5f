import { promises as fsp, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileKind, MAX_METADATA_FILE_BYTES, notRegularFile, readStatedFile } from './boundedRead';
import { statFast } from './fileTree';

/**
 * Remembers what was read from a file, keyed by its path and valid while the file's size, mtime and
 * inode are unchanged. Listing a large file-store experiment again (the views refresh on every
 * change) then costs one stat per file instead of open/stat/read/close and a parse: MLflow appends
 * to metric files and rewrites meta.yaml by replacing it, and both change what stat reports. A file
 * that changes between the stat and the read is returned but not remembered.
 *
 * The stat also refuses what is not a regular file (a FIFO, a device, a folder) before anything
 * opens it; the reads themselves check the open handle again.
 */
interface Entry {
  size: number;
  mtimeMs: number;
  ino: number;
  tag: string;
  value: unknown;
}

/** A folder's stat when a file in it was found missing. */
interface FolderStamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

export class StatCache {
  private readonly entries = new Map<string, Entry>();
  /**
   * Files found missing, valid while their folder's stat is unchanged: creating a file changes the
   * folder's mtime. A search that names a tag most runs lack (`tags.mlflow.parentRunId IS NULL`,
   * the Experiments view's top level) then checks ten thousand runs with synchronous stats too.
   */
  private readonly absent = new Map<string, FolderStamp>();

  constructor(private readonly maxEntries = 2_000_000) {}

  /**
   * The whole file (at most `maxBytes`) through `parse`. `tag` names the parse, so one path read two
   * ways never mixes results. Cached values must not be mutated.
   */
  get<T>(path: string, tag: string, parse: (buf: Buffer) => T, maxBytes = MAX_METADATA_FILE_BYTES): Promise<T> {
    return this.load(path, tag, async (p, size) => {
      const buf = await readStatedFile(p, size, maxBytes, 'one metadata file');
      return { value: parse(buf), bytes: buf.length };
    });
  }

  /** Like get, for a reader that streams the file itself (`size` is what the stat said) and says how many bytes it read. */
  async load<T>(path: string, tag: string, read: (path: string, size: number) => Promise<{ value: T; bytes: number }>): Promise<T> {
    const st = await statFast(path);
    const hit = this.entries.get(path);
    if (hit && hit.tag === tag && hit.size === st.size && hit.mtimeMs === st.mtimeMs && hit.ino === st.ino) return hit.value as T;
    if (!st.isFile()) throw notRegularFile(path, fileKind(st));
    const { value, bytes } = await read(path, st.size);
    if (bytes === st.size) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(path, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, tag, value });
    }
    this.absent.delete(path);
    return value;
  }

  /**
   * The remembered value when the file's stat still matches, checked with a synchronous stat;
   * undefined on a miss or any stat error (the caller then takes the async `get`, which reports).
   * Scanning ten thousand cached files this way costs a few microseconds each, where an async stat
   * pays a thread-pool round trip and a promise per file.
   */
  peekSync<T>(path: string, tag: string): T | undefined {
    const hit = this.entries.get(path);
    if (!hit || hit.tag !== tag) return undefined;
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st || hit.size !== st.size || hit.mtimeMs !== st.mtimeMs || hit.ino !== st.ino) return undefined;
    return hit.value as T;
  }

  /** Remembers that `path` does not exist (after a read found it missing); a missing folder is not remembered. */
  async rememberAbsent(path: string): Promise<void> {
    try {
      const st = await fsp.stat(dirname(path));
      if (!st.isDirectory()) return;
      if (this.absent.size >= this.maxEntries) this.absent.clear();
      this.absent.set(path, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino });
    } catch {
      // nothing to remember
    }
  }

  /** True when `path` was found missing and its folder is unchanged since (a synchronous stat). */
  peekAbsentSync(path: string): boolean {
    const hit = this.absent.get(path);
    if (!hit) return false;
    const st = statSync(dirname(path), { throwIfNoEntry: false });
    return !!st && st.size === hit.size && st.mtimeMs === hit.mtimeMs && st.ino === hit.ino;
  }

  text(path: string): Promise<string> {
    return this.get(path, 'utf8', (b) => b.toString('utf8'));
  }

  clear(): void {
    this.entries.clear();
    this.absent.clear();
  }
}
