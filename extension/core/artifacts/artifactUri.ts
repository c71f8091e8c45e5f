/**
 * The `mlflow-artifact:` URIs that open a run's artifacts read-only in editors. The URI names the
 * store, the run and the artifact path, so a restored editor knows what to read after a reload:
 *
 *   mlflow-artifact:/<runId>/<artifact path>?store=<store URI, percent-encoded>
 *
 * The path keeps the artifact's own file name last, so VS Code's tab label, breadcrumbs, language
 * detection (by file name) and editor choice (an image preview for *.png) all work from it.
 * Kept free of `vscode` types: the host builds a `vscode.Uri` from these components.
 */

export const ARTIFACT_SCHEME = 'mlflow-artifact';

export interface ArtifactRef {
  /** The store URI as the session opened it (file://…, sqlite:////…, http(s)://…). */
  store: string;
  runId: string;
  /** POSIX path relative to the run's artifact root; '' is the root itself. */
  path: string;
}

/** The parts a URI class needs (`vscode.Uri.from`); path and query unencoded, as that API takes them. */
export interface ArtifactUriParts {
  scheme: string;
  authority: string;
  path: string;
  query: string;
}

export class ArtifactUriError extends Error {}

/** A run id is one path segment that no path normalisation can change. */
function checkRunId(runId: string): void {
  if (!runId || runId === '.' || runId === '..' || /[\\/?#\0]/.test(runId)) throw new ArtifactUriError(`Invalid run id in artifact URI: '${runId}'`);
}

/**
 * Normalises an artifact path: separators to '/', no leading or trailing slash. Refuses anything that
 * could climb out of the run's artifact root or name something else than it says ('..' and '.'
 * segments, empty segments, NUL), whatever the store would do with it.
 */
export function normalizeArtifactPath(path: string): string {
  const trimmed = path.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
  if (!trimmed) return '';
  const parts = trimmed.split('/');
  for (const p of parts) {
    if (p === '' || p === '.' || p === '..' || p.includes('\0')) throw new ArtifactUriError(`Invalid artifact path: '${path}' (no '.', '..' or empty segments)`);
  }
  return parts.join('/');
}

export function artifactUriParts(ref: ArtifactRef): ArtifactUriParts {
  checkRunId(ref.runId);
  if (!ref.store) throw new ArtifactUriError('Artifact URI without a store');
  const path = normalizeArtifactPath(ref.path);
  return { scheme: ARTIFACT_SCHEME, authority: '', path: `/${ref.runId}${path ? `/${path}` : ''}`, query: `store=${encodeURIComponent(ref.store)}` };
}

/** Reads back what artifactUriParts wrote; throws ArtifactUriError for anything else. */
export function parseArtifactUri(parts: Pick<ArtifactUriParts, 'scheme' | 'path' | 'query'>): ArtifactRef {
  if (parts.scheme !== ARTIFACT_SCHEME) throw new ArtifactUriError(`Not an ${ARTIFACT_SCHEME}: URI (scheme '${parts.scheme}')`);
  const m = /^\/([^/]+)(?:\/(.*))?$/.exec(parts.path);
  if (!m) throw new ArtifactUriError(`Artifact URI without a run id: '${parts.path}'`);
  const runId = m[1];
  checkRunId(runId);
  const path = normalizeArtifactPath(m[2] ?? '');
  let store: string | null = null;
  try {
    store = new URLSearchParams(parts.query).get('store');
  } catch {
    store = null;
  }
  if (!store) throw new ArtifactUriError(`Artifact URI names no store: '${parts.path}'`);
  return { store, runId, path };
}

/** The parent folder's artifact path ('' for a top-level artifact). */
export function artifactParent(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function artifactBaseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
