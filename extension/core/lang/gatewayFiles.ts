import { looksLikeGatewayConfig } from './gatewayAnalysis';

/**
 * Which YAML files are AI Gateway configs: any `.yaml`/`.yml` whose content looks like one, or
 * whose path matches a glob of the `mlflow.gatewayConfigGlobs` setting (for files still being
 * written, or named unusually). Globs without a leading `/` or `**` match at any depth.
 */

export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

export function globToRegExp(glob: string): RegExp {
  let g = glob.replace(/\\/g, '/');
  if (!g.startsWith('/') && !g.startsWith('**')) g = `**/${g}`;
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*' && g[i + 1] === '*') {
      // `**/` matches zero or more folders.
      if (g[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = g.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${g.slice(i + 1, end).split(',').map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('|')})`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function isGatewayConfig(path: string | undefined, text: string, globs: readonly string[] = []): boolean {
  if (path && globs.some((g) => globToRegExp(g).test(path.replace(/\\/g, '/')))) return true;
  return (!path || isYamlPath(path)) && looksLikeGatewayConfig(text);
}
