import type { LoggedModel, ModelVersion, Run } from '../model/entities';
import { StoreError } from './errors';
import { localPathOfUri, readLocalArtifact } from './localArtifacts';

/**
 * Where a registered version's files are on this disk, for stores read directly (file store,
 * SQLite). MLflow's download URI is `storage_location`, else `source`; both may still be a
 * `models:/m-…` or `runs:/<id>/<path>` URI (a FileStore keeps a runs:/ source as its storage location),
 * which resolve through the logged model or the run.
 */

export interface VersionFileLookups {
  getLoggedModel(modelId: string): Promise<LoggedModel>;
  getRun(runId: string): Promise<Run>;
}

const MAX_HOPS = 4;

/** The local folder holding a version's files (its MLmodel and the rest). */
export async function localModelVersionRoot(v: ModelVersion, lookups: VersionFileLookups): Promise<string> {
  let uri = v.storageLocation || v.source;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const logged = /^models:\/+(m-[\w-]+)\/?$/.exec(uri);
    if (logged) {
      uri = (await lookups.getLoggedModel(logged[1])).artifactLocation;
      continue;
    }
    const runs = /^runs:\/+([^/]+)\/?(.*)$/.exec(uri);
    if (runs) {
      const run = await lookups.getRun(runs[1]);
      uri = runs[2] ? `${run.info.artifactUri.replace(/\/+$/, '')}/${runs[2]}` : run.info.artifactUri;
      continue;
    }
    const local = localPathOfUri(uri);
    if (local === undefined) {
      throw new StoreError('UNSUPPORTED_STORE', `The files of ${v.name} version ${v.version} are at ${uri}, which cannot be read from the local disk`, uri);
    }
    return local;
  }
  throw new StoreError('INVALID_PARAMETER_VALUE', `The source of ${v.name} version ${v.version} (${v.source}) does not lead to files`, v.source);
}

/** One file of a version, read from the local disk. */
export async function readLocalModelVersionFile(v: ModelVersion, path: string, lookups: VersionFileLookups): Promise<Uint8Array> {
  return readLocalArtifact(await localModelVersionRoot(v, lookups), path);
}
