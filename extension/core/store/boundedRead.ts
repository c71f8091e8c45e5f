import { close, closeSync, constants, fstat, fstatSync, open, openSync, read, readSync, type Stats } from 'node:fs';

/**
 * Reads of files that a store (or whoever wrote the folder) controls. A store is data, often from an
 * untrusted workspace, and a name in it may be a FIFO (reading blocks forever), a device such as
 * /dev/zero (endless), a socket, or a huge file. Every read here opens without blocking and reads at
 * most a given number of bytes; the strict reads check on the open handle that it is a regular file,
 * the fast path (readStatedFile) relies on the stat just made and falls back to them on any surprise.
 * These use the
 * callback API, not fs.promises: listing a large file store reads hundreds of thousands of small
 * files, and the promise FileHandle path costs about 2.5x more per file (docs/benchmarks.md).
 */

/**
 * One metadata file (meta.yaml, one param, tag or alias value). MLflow's largest value limit is
 * 100,000 characters (a model registry tag; params 6,000, run tags 8,000, experiment tags 20,000),
 * at most 400 KB in UTF-8, so 4 MiB leaves room for long descriptions and stays small.
 */
export const MAX_METADATA_FILE_BYTES = 4 * 1024 * 1024;

/** A metric file scanned for its latest value: read in chunks, so this bounds time, not memory. */
export const MAX_METRIC_FILE_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * A metric file loaded as a whole history: every point becomes an object (about 3x the text), so
 * this keeps one history under about 400 MB (some 4 million points).
 */
export const MAX_METRIC_HISTORY_BYTES = 128 * 1024 * 1024;

/** Read size for chunked reads; files up to this size are read in one call. */
export const CHUNK_BYTES = 1024 * 1024;

// O_NONBLOCK: opening a FIFO must not wait for a writer. O_NOCTTY: a terminal device never becomes
// the process's controlling terminal. Both are 0 where the platform lacks them (Windows).
export const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** EISDIR for a folder, as fs.readFile reports it, so callers that take a folder as "no such key" still can. */
export type UnreadableReason = 'ENOTREGULAR' | 'EISDIR' | 'ETOOLARGE';

/** A file that exists but is refused: not a regular file, or over the size limit. */
export class UnreadableFileError extends Error {
  constructor(
    readonly code: UnreadableReason,
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnreadableFileError';
  }
}

const FOLDER = 'a folder';

/** What a non-regular file is, in words for a log line. */
export function fileKind(st: Pick<Stats, 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice' | 'isDirectory' | 'isSymbolicLink'>): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return FOLDER;
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

export function notRegularFile(path: string, kind: string): UnreadableFileError {
  return new UnreadableFileError(kind === FOLDER ? 'EISDIR' : 'ENOTREGULAR', path, `${kind}, not a regular file; not read`);
}

export function tooLarge(path: string, size: number, max: number, what: string): UnreadableFileError {
  return new UnreadableFileError('ETOOLARGE', path, `${formatSize(size)}, over the ${formatSize(max)} limit for ${what}; not read`);
}

export function formatSize(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${(n / (1024 * 1024 * 1024)).toFixed(1)} GiB`;
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/** Opens without blocking and checks the handle: resolves with the fd and its size, or rejects (fd closed). */
function openRegular(path: string, maxBytes: number, what: string, cb: (e: Error | null, fd: number, size: number) => void, extraFlags = 0): void {
  open(path, READ_FLAGS | extraFlags, (e, fd) => {
    if (e) return cb(e, -1, 0);
    fstat(fd, (e2, st) => {
      let err: Error | null = e2;
      if (!err && !st.isFile()) err = notRegularFile(path, fileKind(st));
      if (!err && st.size > maxBytes) err = tooLarge(path, st.size, maxBytes, what);
      if (err) return close(fd, () => cb(err, -1, 0));
      cb(null, fd, st.size);
    });
  });
}

/**
 * A whole regular file, at most `maxBytes` (the size the open handle reports; a file growing meanwhile
 * is read up to that size, as fs.readFile does). `bufferFor` lends a buffer of at least `size` bytes
 * to read into (a hot path reusing one scratch buffer); the result is then a view of it.
 */
export function readRegularFile(path: string, maxBytes: number, what = 'one file', extraFlags = 0, bufferFor: (size: number) => Buffer = Buffer.allocUnsafe): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    openRegular(path, maxBytes, what, (e, fd, size) => {
      if (e) return reject(e);
      const buf = bufferFor(size);
      let off = 0;
      const done = (err: Error | null) => close(fd, (ce) => (err || ce ? reject(err ?? ce) : resolve(off === buf.length ? buf : buf.subarray(0, off))));
      const next = (): void => {
        if (off >= size) return done(null);
        read(fd, buf, off, size - off, off, (re, n) => {
          if (re) return done(re);
          if (n === 0) return done(null); // shrank meanwhile
          off += n;
          next();
        });
      };
      next();
    }, extraFlags);
  });
}

/**
 * A file that a stat has just shown to be a regular file of `size` bytes: the fast path of listing,
 * where that stat is made anyway (StatCache). Open without blocking, one read of size + 1 bytes,
 * close: one system call fewer than fs.readFile, and never more than size + 1 bytes. When the read
 * disagrees with the stat (the file changed, or was swapped for a FIFO or a device in between),
 * the strict read above decides, with its check on the open handle.
 */
export function readStatedFile(path: string, size: number, maxBytes: number, what = 'one file'): Promise<Buffer> {
  if (size > maxBytes) return Promise.reject(tooLarge(path, size, maxBytes, what));
  return new Promise((resolve, reject) => {
    open(path, READ_FLAGS, (e, fd) => {
      if (e) return reject(e);
      const buf = Buffer.allocUnsafe(size + 1);
      read(fd, buf, 0, size + 1, 0, (re, n) => {
        close(fd, (ce) => {
          if (!re && !ce && n === size) return resolve(buf.subarray(0, n));
          // A failed read (ESPIPE from a FIFO, EISDIR) or a size the stat did not announce.
          readRegularFile(path, maxBytes, what).then(resolve, reject);
        });
      });
    });
  });
}

/** readRegularFileChunks for a file a stat has just shown to be regular: one fast read when it fits a chunk. */
export async function readStatedFileChunks(path: string, size: number, maxBytes: number, what: string, onChunk: (chunk: Buffer, last: boolean) => void, chunkBytes = CHUNK_BYTES): Promise<number> {
  if (size + 1 > chunkBytes) return readRegularFileChunks(path, maxBytes, what, onChunk, chunkBytes);
  const buf = await readStatedFile(path, size, maxBytes, what);
  if (buf.length > chunkBytes) {
    // It grew past a chunk since the stat: read it again in chunks.
    return readRegularFileChunks(path, maxBytes, what, onChunk, chunkBytes);
  }
  onChunk(buf, true);
  return buf.length;
}

/**
 * A regular file in chunks of at most `chunkBytes`, for files too large to hold at once. `onChunk`
 * gets a buffer it must not keep (it is reused); it may throw to stop. Resolves with the bytes read.
 */
export function readRegularFileChunks(path: string, maxBytes: number, what: string, onChunk: (chunk: Buffer, last: boolean) => void, chunkBytes = CHUNK_BYTES): Promise<number> {
  return new Promise((resolve, reject) => {
    openRegular(path, maxBytes, what, (e, fd, size) => {
      if (e) return reject(e);
      const buf = Buffer.allocUnsafe(Math.min(size, chunkBytes));
      let total = 0;
      let fill = 0;
      const done = (err: unknown) => close(fd, (ce) => (err || ce ? reject(err ?? ce) : resolve(total)));
      const emit = (last: boolean): unknown => {
        try {
          onChunk(fill === buf.length ? buf : buf.subarray(0, fill), last);
          fill = 0;
          return undefined;
        } catch (err) {
          return err;
        }
      };
      const next = (): void => {
        if (total >= size) return done(emit(true));
        read(fd, buf, fill, Math.min(buf.length - fill, size - total), total, (re, n) => {
          if (re) return done(re);
          if (n === 0) return done(emit(true));
          total += n;
          fill += n;
          if (fill === buf.length && total < size) {
            const err = emit(false);
            if (err) return done(err);
          }
          next();
        });
      };
      next();
    });
  });
}

/**
 * readRegularFile for the few synchronous callers (an MLproject read on a command, the language
 * server's file probe, `mlwb lint`): a FIFO there would block the whole process, not one request.
 */
export function readRegularFileSync(path: string, maxBytes: number, what = 'one file'): Buffer {
  const fd = openSync(path, READ_FLAGS);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notRegularFile(path, fileKind(st));
    if (st.size > maxBytes) throw tooLarge(path, st.size, maxBytes, what);
    const buf = Buffer.allocUnsafe(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return off === st.size ? buf : buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}
