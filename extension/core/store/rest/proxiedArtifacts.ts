import { StoreError } from '../errors';

/**
 * `mlflow-artifacts:` URIs: artifacts a tracking server started with `--serve-artifacts` keeps in
 * its own destination (S3, a folder…) and hands out through its proxy API, so clients need no
 * credentials for the storage itself. MLflow writes them as `mlflow-artifacts:/<path>` (resolved
 * against the tracking server) or `mlflow-artifacts://host:port/<path>` (a named server).
 */

/** Where the proxy lives under the server's base URL (and any static prefix in it). */
export const PROXY_ROOT = '/api/2.0/mlflow-artifacts/artifacts';

export function isProxiedUri(uri: string): boolean {
  return uri.startsWith('mlflow-artifacts:');
}

/**
 * The proxy-relative path of `uri` (no leading slash; '' for the root). A URI naming another host
 * than `serverUrl` is refused: following it would send this server's credentials elsewhere.
 */
export function proxiedPath(uri: string, serverUrl: string): string {
  if (!isProxiedUri(uri)) throw new StoreError('INVALID_PARAMETER_VALUE', `Not an mlflow-artifacts: URI: '${uri}'`, uri);
  let rest = uri.slice('mlflow-artifacts:'.length);
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = rest.slice(2, slash < 0 ? undefined : slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    if (authority) {
      const server = new URL(serverUrl);
      if (authority.toLowerCase() !== server.host.toLowerCase()) {
        throw new StoreError('INVALID_PARAMETER_VALUE', `'${uri}' names the artifact server ${authority}, not ${server.host} (the tracking server this store talks to)`, uri);
      }
    }
  }
  return checkedProxyPath(rest.replace(/^\/+/, '').replace(/\/+$/, ''), uri);
}

/** Joins a URI's proxy path and a path under it, refusing anything that climbs out. */
export function joinProxyPath(base: string, sub: string | undefined, where: string): string {
  const s = (sub ?? '').replace(/^\/+/, '').replace(/\/+$/, '');
  return checkedProxyPath(base && s ? `${base}/${s}` : base || s, where);
}

function checkedProxyPath(p: string, where: string): string {
  if (p.includes('\0') || p.includes('\\') || p.split('/').some((s) => s === '..' || s === '.' || (s === '' && p !== ''))) {
    throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid artifact path '${p}' in ${where}`, where);
  }
  return p;
}

/** The request path for one file or folder under the proxy: each segment percent-encoded. */
export function proxyRequestPath(path: string): string {
  return path ? `${PROXY_ROOT}/${path.split('/').map(encodeURIComponent).join('/')}` : PROXY_ROOT;
}

/**
 * The proxy lists basenames only (`artifacts/list` gives run-relative paths): an entry that is not
 * a plain name would make the rebuilt path point somewhere else.
 */
export function checkedListedName(name: string, folder: string, where: string): string {
  if (!name || name.includes('/') || name.includes('\\') || name === '.' || name === '..' || name.includes('\0')) {
    throw new StoreError('CORRUPT_DATA', `${where}: listing '${folder}' returned '${name.slice(0, 200)}', which is not a file name`, where);
  }
  return name;
}
