import { statSync } from 'node:fs';
import { readFileFast, statFast } from './fileTree';

/**
 * Remembers what was read from a file, keyed by its path and valid while the file's size, mtime and
 * inode are unchanged. Listing a large file-store experiment again (the views refresh on every
 * change) then costs one stat per file instead of open/stat/read/close and a parse: MLflow appends
 * to metric files and rewrites meta.yaml by replacing it, and both change what stat reports. A file
 * that changes between the stat and the read is returned but not remembered.
 */
interface Entry {
  size: number;
  mtimeMs: number;
  ino: number;
  tag: string;
  value: unknown;
}

export class StatCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 2_000_000) {}

  /** `tag` names the parse, so one path read two ways never mixes results. Cached values must not be mutated. */
  async get<T>(path: string, tag: string, parse: (buf: Buffer) => T): Promise<T> {
    const st = await statFast(path);
    const hit = this.entries.get(path);
    if (hit && hit.tag === tag && hit.size === st.size && hit.mtimeMs === st.mtimeMs && hit.ino === st.ino) return hit.value as T;
    const buf = await readFileFast(path);
    const value = parse(buf);
    if (buf.length === st.size) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(path, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, tag, value });
    }
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

  text(path: string): Promise<string> {
    return this.get(path, 'utf8', (b) => b.toString('utf8'));
  }

  clear(): void {
    this.entries.clear();
  }
}
