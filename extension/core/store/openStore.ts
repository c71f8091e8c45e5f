import { FileStoreReader } from './fileStore';
import { StoreError, type ProblemSink } from './errors';
import { fileStorePath, redactUri, storeKindOf } from './trackingUri';
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
    default:
      throw new StoreError('UNSUPPORTED_STORE', `Tracking URI ${redactUri(uri)} (${kind}) cannot be opened by this version yet`, redactUri(uri));
  }
}
