import type { ArtifactEntry } from '../model/entities';
import { StoreError } from '../store/errors';
import type { TrackingReader } from '../store/trackingStore';
import { maxArtifactBytes, formatBytes } from './artifactContent';
import { ArtifactUriError, artifactParent, normalizeArtifactPath, type ArtifactRef } from './artifactUri';

/**
 * Reads artifacts for the read-only `mlflow-artifact:` file system: stat, folder listing and file
 * bytes, always through the store's own listArtifacts/readArtifact (which own the checks on what a
 * path may reach), with a size bound and a short-lived cache because an editor stats and reads the
 * same file several times while opening it.
 */

export type ArtifactAccessCode = 'notFound' | 'unavailable' | 'tooLarge' | 'invalid' | 'isADirectory';

export class ArtifactAccessError extends Error {
  constructor(
    readonly code: ArtifactAccessCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ArtifactStat {
  isDir: boolean;
  /** Bytes; 0 for folders and when the store does not report sizes. */
  size: number;
}

/** The open store, if any: artifacts of another store are refused rather than read from the wrong one. */
export type StoreLookup = () => { uri: string; store: TrackingReader } | undefined;

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

const LIST_TTL_MS = 10_000;
const BYTES_TTL_MS = 30_000;
const BYTES_CACHE_LIMIT = 64 * 1024 * 1024;

export class ArtifactReader {
  private readonly lists = new Map<string, Cached<ArtifactEntry[]>>();
  private readonly bytes = new Map<string, Cached<Uint8Array> & { size: number }>();

  constructor(
    private readonly lookup: StoreLookup,
    private readonly now: () => number = Date.now,
  ) {}

  /** Forgets everything read so far (the store changed, or the user refreshed). */
  clear(): void {
    this.lists.clear();
    this.bytes.clear();
  }

  async stat(ref: ArtifactRef): Promise<ArtifactStat> {
    const store = this.storeFor(ref);
    const path = pathOf(ref);
    if (!path) {
      // The run's artifact root: a folder as long as the run exists.
      await store.getRun(ref.runId).catch((e) => this.rethrow(e, ref));
      return { isDir: true, size: 0 };
    }
    const entry = (await this.list({ ...ref, path: artifactParent(path) })).find((e) => e.path === path);
    if (!entry) throw new ArtifactAccessError('notFound', `No artifact '${path}' in run ${ref.runId}`);
    return { isDir: entry.isDir, size: entry.fileSize ?? 0 };
  }

  /** Direct children of a folder, sorted by path as the stores list them. */
  async list(ref: ArtifactRef): Promise<ArtifactEntry[]> {
    const store = this.storeFor(ref);
    const path = pathOf(ref);
    const key = `${ref.store}\n${ref.runId}\n${path}`;
    const hit = this.lists.get(key);
    if (hit && this.now() - hit.at < LIST_TTL_MS) return hit.value;
    const value = store.listArtifacts(ref.runId, path || undefined).catch((e) => {
      this.lists.delete(key);
      return this.rethrow(e, ref);
    });
    this.lists.set(key, { at: this.now(), value });
    return value;
  }

  /** A file's bytes, refused before reading when the listing says it is over the bound for its kind. */
  async read(ref: ArtifactRef): Promise<Uint8Array> {
    const path = pathOf(ref);
    if (!path) throw new ArtifactAccessError('isADirectory', `The artifact root of run ${ref.runId} is a folder`);
    const st = await this.stat(ref);
    if (st.isDir) throw new ArtifactAccessError('isADirectory', `Artifact '${path}' is a folder`);
    const limit = maxArtifactBytes(path);
    if (st.size > limit) throw tooLarge(path, st.size, limit);
    const key = `${ref.store}\n${ref.runId}\n${path}`;
    const hit = this.bytes.get(key);
    if (hit && this.now() - hit.at < BYTES_TTL_MS) return hit.value;
    const store = this.storeFor(ref);
    const value = store.readArtifact(ref.runId, path).then(
      (b) => {
        // Stores that list no sizes (or a file that grew since it was listed) are bounded here.
        if (b.length > limit) throw tooLarge(path, b.length, limit);
        return b;
      },
      (e) => this.rethrow(e, ref),
    );
    this.remember(key, value, st.size);
    value.catch(() => this.bytes.delete(key));
    return value;
  }

  private remember(key: string, value: Promise<Uint8Array>, size: number): void {
    this.bytes.set(key, { at: this.now(), value, size });
    let total = 0;
    for (const v of this.bytes.values()) total += v.size;
    for (const [k, v] of this.bytes) {
      if (total <= BYTES_CACHE_LIMIT || k === key) break;
      this.bytes.delete(k);
      total -= v.size;
    }
  }

  private storeFor(ref: ArtifactRef): TrackingReader {
    const open = this.lookup();
    if (!open) throw new ArtifactAccessError('unavailable', `No MLflow tracking store is open; artifact of run ${ref.runId} is in ${ref.store}`);
    if (open.uri !== ref.store) throw new ArtifactAccessError('unavailable', `This artifact belongs to the store ${ref.store}, but the open store is ${open.uri}`);
    return open.store;
  }

  private rethrow(e: unknown, ref: ArtifactRef): never {
    if (e instanceof ArtifactAccessError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof StoreError) {
      if (e.code === 'RESOURCE_DOES_NOT_EXIST') throw new ArtifactAccessError('notFound', message);
      if (e.code === 'INVALID_PARAMETER_VALUE') throw new ArtifactAccessError('invalid', message);
    }
    throw new ArtifactAccessError('unavailable', `Cannot read artifacts of run ${ref.runId}: ${message}`);
  }
}

function tooLarge(path: string, size: number, limit: number): ArtifactAccessError {
  return new ArtifactAccessError('tooLarge', `Artifact '${path}' is ${formatBytes(size)}, over the ${formatBytes(limit)} that opens in an editor; download it instead`);
}

function pathOf(ref: ArtifactRef): string {
  try {
    return normalizeArtifactPath(ref.path);
  } catch (e) {
    if (e instanceof ArtifactUriError) throw new ArtifactAccessError('invalid', e.message);
    throw e;
  }
}
