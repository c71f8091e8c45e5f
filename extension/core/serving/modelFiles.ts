import { promises as fsp } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelVersion } from '../model/entities';
import { isStoreError } from '../store/errors';
import { isProxiedUri } from '../store/rest/proxiedArtifacts';

/**
 * Reads small files (MLmodel, the input examples) of a registered model version, wherever the
 * store keeps them: a local folder (file and SQLite stores), or `mlflow-artifacts:` behind a
 * tracking server's proxy. Other locations (s3://, gs://…) would need storage credentials the
 * extension does not hold, so they are reported as not readable rather than tried.
 */

export interface ProxyReader {
  readArtifactAt(uri: string, path: string): Promise<Uint8Array>;
  getModelVersionDownloadUri?(name: string, version: string): Promise<string>;
}

/** A server route that reads a version's files wherever they are stored (the server resolves the location). */
export interface VersionArtifactReader {
  readModelVersionArtifact(name: string, version: string, path: string): Promise<Uint8Array>;
}

export interface VersionFiles {
  /** Where the version's files are, as the store gave it. */
  location: string;
  /** The text of a file under it, or undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
}

const MAX_FILE_BYTES = 1024 * 1024;

function hasProxy(store: unknown): store is ProxyReader {
  return typeof (store as ProxyReader).readArtifactAt === 'function';
}

function localPath(location: string): string | undefined {
  if (location.startsWith('file:')) return fileURLToPath(location);
  return isAbsolute(location) ? location : undefined;
}

function checkRelative(path: string): void {
  if (!path || isAbsolute(path) || path.split(/[\\/]/).includes('..')) throw new Error(`Invalid model file path '${path}'`);
}

function hasVersionRoute(store: unknown): store is VersionArtifactReader {
  return typeof (store as VersionArtifactReader | undefined)?.readModelVersionArtifact === 'function';
}

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/**
 * A reader for the version's files, or a sentence saying why they cannot be read. A tracking
 * server reads them itself (`/model-versions/get-artifact`, any storage it can reach); a server
 * without that route is read through the artifact proxy, local stores from their folder.
 */
export async function versionFiles(store: unknown, v: ModelVersion): Promise<VersionFiles | string> {
  if (hasVersionRoute(store)) {
    try {
      const mlmodel = decode(await store.readModelVersionArtifact(v.name, v.version, 'MLmodel'));
      return {
        location: `models:/${v.name}/${v.version}`,
        async read(path) {
          checkRelative(path);
          if (path === 'MLmodel') return mlmodel;
          try {
            return decode(await store.readModelVersionArtifact(v.name, v.version, path));
          } catch (e) {
            if (isStoreError(e, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
            throw e;
          }
        },
      };
    } catch (e) {
      if (!isStoreError(e, 'ENDPOINT_NOT_FOUND') && !isStoreError(e, 'RESOURCE_DOES_NOT_EXIST')) throw e;
      // An older server, or a location it cannot open: try the location ourselves.
    }
  }
  let location = v.storageLocation || undefined;
  if (!location && hasProxy(store) && store.getModelVersionDownloadUri) location = await store.getModelVersionDownloadUri(v.name, v.version);
  location ??= v.source;
  if (isProxiedUri(location)) {
    if (!hasProxy(store)) return `${location} is served by a tracking server, and this store is not one`;
    const at = location;
    return {
      location,
      async read(path) {
        checkRelative(path);
        try {
          return decode(await store.readArtifactAt(at, path));
        } catch (e) {
          if (isStoreError(e, 'RESOURCE_DOES_NOT_EXIST') || isStoreError(e, 'ENDPOINT_NOT_FOUND')) return undefined;
          throw e;
        }
      },
    };
  }
  const dir = localPath(location);
  if (!dir) return `the files of version ${v.version} of '${v.name}' are at ${location}, which the extension does not read (only local folders and a tracking server's proxied mlflow-artifacts: locations)`;
  return {
    location,
    async read(path) {
      checkRelative(path);
      const file = resolve(join(dir, path));
      if (!file.startsWith(resolve(dir) + sep)) throw new Error(`Invalid model file path '${path}'`);
      try {
        const st = await fsp.stat(file);
        if (!st.isFile() || st.size > MAX_FILE_BYTES) return undefined;
        return await fsp.readFile(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
  };
}
