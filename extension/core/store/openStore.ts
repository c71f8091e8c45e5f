import { FileStoreReader } from './fileStore';
import { FileStore } from './fileStoreWriter';
import { StoreError, type ProblemSink } from './errors';
import { LocalServerStore } from './localServerStore';
import { RestStore } from './rest/restStore';
import { restOptionsFromEnv, type RestOptions } from './rest/restOptions';
import { directSqliteAvailable, SqliteReader } from './sqliteReader';
import { fileStorePath, redactUri, sqlitePath, storeKindOf } from './trackingUri';
import type { RegistryReader, RegistryStore, TrackingReader, TrackingStore } from './trackingStore';

export type Store = TrackingStore & RegistryStore;
export type ReadableStore = TrackingReader & RegistryReader;

export interface OpenStoreOptions {
  /** Folder relative URIs are taken against (the workspace folder, or the CLI's cwd). */
  baseDir?: string;
  onProblem?: ProblemSink;
  /** Credentials, TLS and retry settings for http(s) stores; they win over `env`. */
  rest?: RestOptions;
  /** Where MLFLOW_TRACKING_TOKEN/USERNAME/PASSWORD/INSECURE_TLS/SERVER_CERT_PATH come from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Python with mlflow, for the local `mlflow server` that database stores go through; default `python3`. */
  python?: string;
  /** Output of that local server, line by line. */
  onServerLog?: (line: string) => void;
}

/** A store that writes tracking data and the registry itself (no local server needed), by its declared capabilities. */
export function isWritableStore(store: ReadableStore): store is Store {
  return store.capabilities.trackingWrite && store.capabilities.registryWrite;
}

function restOptions(opts: OpenStoreOptions): RestOptions {
  return restOptionsFromEnv(opts.env ?? process.env, opts.rest);
}

function openLocalServer(uri: string, opts: OpenStoreOptions): Promise<LocalServerStore> {
  return LocalServerStore.open(uri, { python: opts.python ?? 'python3', baseDir: opts.baseDir, env: opts.env, onLog: opts.onServerLog });
}

/** Opens the store a tracking URI names. */
export async function openStore(uri: string, opts: OpenStoreOptions = {}): Promise<ReadableStore> {
  const kind = storeKindOf(uri);
  switch (kind) {
    case 'file':
      return new FileStoreReader(fileStorePath(uri, opts.baseDir), { onProblem: opts.onProblem });
    case 'sqlite': {
      const path = sqlitePath(uri, opts.baseDir);
      if (directSqliteAvailable()) return new SqliteReader(uri, path, opts.onProblem);
      return openLocalServer(uri, opts);
    }
    case 'sql':
      return openLocalServer(uri, opts);
    case 'rest':
      return RestStore.connect(uri, restOptions(opts));
    default:
      throw new StoreError('UNSUPPORTED_STORE', `Tracking URI ${redactUri(uri)} (${kind}) cannot be opened by this version yet`, redactUri(uri));
  }
}

/**
 * Opens a store for writing: REST for servers, our own local `mlflow server` for database URIs
 * (MLflow owns their schema), the file store writer for `mlruns/` folders.
 */
export async function openWritableStore(uri: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const kind = storeKindOf(uri);
  switch (kind) {
    case 'file':
      return new FileStore(fileStorePath(uri, opts.baseDir), { onProblem: opts.onProblem });
    case 'sqlite':
    case 'sql':
      return openLocalServer(uri, opts);
    case 'rest':
      return RestStore.connect(uri, restOptions(opts));
    default:
      throw new StoreError('UNSUPPORTED_STORE', `Tracking URI ${redactUri(uri)} (${kind}) cannot be written by this version`, redactUri(uri));
  }
}
