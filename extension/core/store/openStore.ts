import { FileStoreReader } from './fileStore';
import { StoreError, type ProblemSink } from './errors';
import { directSqliteAvailable, SqliteReader } from './sqliteReader';
import { fileStorePath, redactUri, sqlitePath, storeKindOf } from './trackingUri';
import type { RegistryReader, RegistryStore, TrackingReader, TrackingStore } from './trackingStore';

export type Store = TrackingStore & RegistryStore;
export type ReadableStore = TrackingReader & RegistryReader;

export interface OpenStoreOptions {
  /** Folder relative URIs are taken against (the workspace folder, or the CLI's cwd). */
  baseDir?: string;
  onProblem?: ProblemSink;
}

/** Opens the store a tracking URI names. */
export async function openStore(uri: string, opts: OpenStoreOptions = {}): Promise<ReadableStore> {
  const kind = storeKindOf(uri);
  switch (kind) {
    case 'file':
      return new FileStoreReader(fileStorePath(uri, opts.baseDir), { onProblem: opts.onProblem });
    case 'sqlite': {
      const path = sqlitePath(uri, opts.baseDir);
      if (directSqliteAvailable()) return new SqliteReader(uri, path);
      throw new StoreError('UNSUPPORTED_STORE', `Reading ${redactUri(uri)} needs node:sqlite (Node 22.5+) or a local mlflow server`, path);
    }
    default:
      throw new StoreError('UNSUPPORTED_STORE', `Tracking URI ${redactUri(uri)} (${kind}) cannot be opened by this version yet`, redactUri(uri));
  }
}
