import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file below `root` as relative POSIX path -> content (utf8), for byte comparisons of two stores. */
export function readTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(root, p).split('\\').join('/'), readFileSync(p, 'utf8'));
    }
  };
  walk(root);
  return out;
}

/** Folders (relative POSIX paths) below `root`, so empty folders MLflow creates count too. */
export function readDirs(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        out.push(relative(root, p).split('\\').join('/'));
        walk(p);
      }
    }
  };
  walk(root);
  return out.sort();
}

/**
 * Replaces what necessarily differs between two stores made by the same operations: ids (given in
 * creation order, so the n-th id of each store gets the same placeholder) and ms timestamps.
 */
export function normaliser(ids: string[], extra: [string, string][] = [], tsToken = '<ts>'): (s: string) => string {
  return (s: string) => {
    let t = s;
    for (const [from, to] of extra) t = t.split(from).join(to);
    ids.forEach((id, i) => {
      t = t.split(id).join(`<id${i}>`);
    });
    return t.replace(/\b1\d{12}\b/g, tsToken);
  };
}

export function normalisedTree(root: string, norm: (s: string) => string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of readTree(root)) out.set(norm(k), norm(v));
  for (const d of readDirs(root)) out.set(norm(d) + '/', '<dir>');
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
