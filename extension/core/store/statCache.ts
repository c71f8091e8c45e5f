import { closeSync, fstatSync, openSync, promises as fsp, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileKind, MAX_METADATA_FILE_BYTES, notRegularFile, READ_FLAGS, readStatedFile, tooLarge } from './boundedRead';
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

/** What getSmallSync returns for a file it leaves to the async path. */
export const NOT_READ: unique symbol = Symbol('not read');
/** What getSyncIfExists returns for a file that does not exist. */
export const ABSENT: unique symbol = Symbol('absent');

/** Scratch buffer of the synchronous reads (files this small, nearly all metadata files, are read into it). */
const SCRATCH_BYTES = 64 * 1024;
const scratch = Buffer.allocUnsafe(SCRATCH_BYTES);

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

  /**
   * Like get, with synchronous calls: for small metadata files read in bulk, where a thread-pool
   * round trip per stat, open, read and close costs several times the read itself. As in the async
   * path, the stat comes first, so a FIFO or a device is refused before anything opens it, and the
   * size is bounded; the read itself is checked against the stat (readStatedSync).
   * Throws as get does (ENOENT for a missing file). `parse` must not keep the buffer it is given.
   */
  getSync<T>(path: string, tag: string, parse: (buf: Buffer) => T, maxBytes = MAX_METADATA_FILE_BYTES): T {
    return this.readSync(path, tag, parse, maxBytes, 'one metadata file', Infinity, false) as T;
  }

  /**
   * getSync that returns ABSENT for a file that does not exist (or lies below a file), without the
   * cost of an exception: a search that names a tag most runs lack asks this of every run.
   */
  getSyncIfExists<T>(path: string, tag: string, parse: (buf: Buffer) => T, maxBytes = MAX_METADATA_FILE_BYTES): T | typeof ABSENT {
    return this.readSync(path, tag, parse, maxBytes, 'one metadata file', Infinity, true) as T | typeof ABSENT;
  }

  /**
   * getSync for files that are usually small but may be large (metric files): NOT_READ, and nothing
   * read, when the file is over `syncBytes`, so that one long history does not block the caller,
   * which then takes the async path. `maxBytes` and `what` bound and name the file as that path does.
   */
  getSmallSync<T>(path: string, tag: string, parse: (buf: Buffer) => T, syncBytes: number, maxBytes: number, what: string): T | typeof NOT_READ {
    return this.readSync(path, tag, parse, maxBytes, what, syncBytes, false) as T | typeof NOT_READ;
  }

  private readSync<T>(path: string, tag: string, parse: (buf: Buffer) => T, maxBytes: number, what: string, syncBytes: number, absentOk: boolean): T | typeof NOT_READ | typeof ABSENT {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) {
      if (absentOk) return ABSENT;
      // The strict read opens it and throws the system's own error (ENOENT, ENOTDIR), as get does.
      return this.readStrictSync(path, tag, parse, maxBytes, what);
    }
    const hit = this.entries.get(path);
    if (hit && hit.tag === tag && hit.size === st.size && hit.mtimeMs === st.mtimeMs && hit.ino === st.ino) return hit.value as T;
    if (!st.isFile()) throw notRegularFile(path, fileKind(st));
    if (st.size > maxBytes) throw tooLarge(path, st.size, maxBytes, what);
    if (st.size > syncBytes) return NOT_READ;
    // One read of size + 1 bytes: exactly `size` back means the file is what the stat described.
    const buf = st.size < SCRATCH_BYTES ? scratch : Buffer.allocUnsafe(st.size + 1);
    const fd = openSync(path, READ_FLAGS);
    let n = -1;
    try {
      n = readSync(fd, buf, 0, st.size + 1, 0);
    } catch {
      // ESPIPE, EAGAIN: it is no longer the regular file the stat saw; the strict read says what it is.
    } finally {
      closeSync(fd);
    }
    if (n !== st.size) return this.readStrictSync(path, tag, parse, maxBytes, what);
    const value = parse(buf.subarray(0, n));
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(path, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, tag, value });
    this.absent.delete(path);
    return value;
  }

  /** The whole file checked on the open handle (regular, bounded), as readRegularFile does; remembered when it did not change meanwhile. */
  private readStrictSync<T>(path: string, tag: string, parse: (buf: Buffer) => T, maxBytes: number, what: string): T {
    const fd = openSync(path, READ_FLAGS);
    let st;
    let buf: Buffer;
    try {
      st = fstatSync(fd);
      if (!st.isFile()) throw notRegularFile(path, fileKind(st));
      if (st.size > maxBytes) throw tooLarge(path, st.size, maxBytes, what);
      buf = Buffer.allocUnsafe(st.size);
      let off = 0;
      for (let n = 1; off < st.size && n > 0; off += n) n = readSync(fd, buf, off, st.size - off, off);
      if (off < st.size) buf = buf.subarray(0, off);
    } finally {
      closeSync(fd);
    }
    const value = parse(buf);
    if (buf.length === st.size) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(path, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, tag, value });
    }
    this.absent.delete(path);
    return value;
  }

  /** rememberAbsent with a synchronous stat; `dir` is the path's folder (the caller may know it without working it out). */
  rememberAbsentSync(path: string, dir = dirname(path)): void {
    const st = statSync(dir, { throwIfNoEntry: false });
    if (!st?.isDirectory()) return;
    if (this.absent.size >= this.maxEntries) this.absent.clear();
    this.absent.set(path, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino });
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
  peekAbsentSync(path: string, dir?: string): boolean {
    const hit = this.absent.get(path);
    if (!hit) return false;
    const st = statSync(dir ?? dirname(path), { throwIfNoEntry: false });
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
