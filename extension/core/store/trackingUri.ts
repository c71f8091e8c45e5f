import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Which tracking store a user means, decided the way MLflow decides it: MLFLOW_TRACKING_URI from the
 * environment, then the `mlflow.trackingUri` setting, then what the workspace holds. For the
 * workspace, MLflow (3.7+) keeps using ./mlruns when it already holds file-store data, else
 * it uses sqlite:///mlflow.db.
 */

export type TrackingUriSource = 'environment' | 'setting' | 'workspace';

export interface ResolvedTrackingUri {
  uri: string;
  source: TrackingUriSource;
}

export type StoreKind = 'file' | 'sqlite' | 'sql' | 'rest' | 'unsupported';

export function storeKindOf(uri: string): StoreKind {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(uri);
  const scheme = m && !/^[a-zA-Z]:[\\/]/.test(uri) ? m[1].toLowerCase() : '';
  if (scheme === '' || scheme === 'file') return 'file';
  if (scheme === 'sqlite') return 'sqlite';
  if (/^(postgresql|mysql|mssql)(\+.*)?$/.test(scheme)) return 'sql';
  if (scheme === 'http' || scheme === 'https') return 'rest';
  return 'unsupported';
}

/** True when `dir` holds file-store data: a numeric sub-folder with a meta.yaml (MLflow's own test). */
export function holdsFileStoreData(dir: string): boolean {
  try {
    for (const name of readdirSync(dir)) {
      if (/^\d+$/.test(name) && existsSync(join(dir, name, 'meta.yaml'))) return true;
    }
  } catch {
    return false;
  }
  return false;
}

export function resolveTrackingUri(opts: { env?: NodeJS.ProcessEnv; setting?: string; workspaceFolders?: string[] }): ResolvedTrackingUri | undefined {
  const fromEnv = opts.env?.MLFLOW_TRACKING_URI?.trim();
  if (fromEnv) return { uri: fromEnv, source: 'environment' };
  const fromSetting = opts.setting?.trim();
  if (fromSetting) return { uri: fromSetting, source: 'setting' };
  for (const folder of opts.workspaceFolders ?? []) {
    const mlruns = join(folder, 'mlruns');
    if (holdsFileStoreData(mlruns)) return { uri: fileUriOf(mlruns), source: 'workspace' };
    const db = join(folder, 'mlflow.db');
    if (existsSync(db) && statSync(db).isFile()) return { uri: sqliteUriOf(db), source: 'workspace' };
  }
  return undefined;
}

export function fileUriOf(absPath: string): string {
  return 'file://' + absPath.split(sep).join('/');
}

export function sqliteUriOf(absPath: string): string {
  // sqlite:/// + absolute path: four slashes on POSIX, as MLflow writes it.
  return 'sqlite:///' + absPath.split(sep).join('/');
}

/**
 * Local folder of a file-store URI: `file:///abs`, `file:rel`, or a plain path. Relative paths are
 * taken against `base` (the workspace folder), as MLflow takes them against its working directory.
 */
export function fileStorePath(uri: string, base: string = process.cwd()): string {
  if (uri.startsWith('file://')) return fileURLToPath(uri);
  if (uri.startsWith('file:')) return resolve(base, uri.slice('file:'.length));
  return isAbsolute(uri) ? uri : resolve(base, uri);
}

/** Absolute database path of a `sqlite:` URI (`sqlite:///rel.db` is relative, `sqlite:////abs.db` absolute). */
export function sqlitePath(uri: string, base: string = process.cwd()): string {
  const rest = uri.replace(/^sqlite:\/\//i, '');
  const path = rest.startsWith('/') ? rest.slice(1) : rest;
  if (path.startsWith('/')) return path;
  return resolve(base, path);
}

/** A URI safe to show in the UI and logs: no user:password@ part. */
export function redactUri(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}
