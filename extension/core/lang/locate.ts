import type { LineIndex } from './text';
import { isMap, isScalar, isSeq, keyName, mapPairs, type Node, type Pair, type ParsedYaml } from './yamlSupport';

/** Where an offset falls in the YAML tree: the key path and whether it is on a key or a value. */
export interface Located {
  path: string[];
  on: 'key' | 'value';
  pair?: Pair;
  node?: Node;
}

export function locate(parsed: ParsedYaml, offset: number): Located | undefined {
  let node = parsed.doc.contents as Node | null;
  const path: string[] = [];
  let lastPair: Pair | undefined;
  for (let depth = 0; node && depth < 100; depth++) {
    if (isMap(node)) {
      let next: Node | null = null;
      for (const pair of mapPairs(node)) {
        const k = pair.key as Node | null;
        if (k?.range && offset >= k.range[0] && offset <= k.range[1]) {
          return { path: [...path, keyName(pair) ?? ''], on: 'key', pair, node: k };
        }
        const v = pair.value as Node | null;
        if (v?.range && offset >= v.range[0] && offset <= v.range[1]) {
          path.push(keyName(pair) ?? '');
          lastPair = pair;
          next = v;
          break;
        }
      }
      if (!next) return undefined;
      node = next;
    } else if (isSeq(node)) {
      let next: Node | null = null;
      node.items.forEach((it, i) => {
        const n = it as Node | null;
        if (!next && n?.range && offset >= n.range[0] && offset <= n.range[1]) {
          path.push(String(i));
          next = n;
        }
      });
      if (!next) return undefined;
      node = next;
    } else if (isScalar(node)) {
      return { path, on: 'value', pair: lastPair, node };
    } else return undefined;
  }
  return undefined;
}

/**
 * Key path at a line by indentation, for completion while the document is being typed (the YAML
 * may be broken then). Returns parent keys from the top, and the indentation of the current line.
 */
export function keyPathByIndent(lines: LineIndex, line: number, indent: number): string[] {
  const path: string[] = [];
  let want = indent;
  for (let l = line - 1; l >= 0 && want > 0; l--) {
    const t = lines.lineText(l);
    if (!t.trim() || t.trimStart().startsWith('#')) continue;
    const m = /^(\s*)((?:-\s+)*)(?:(["']?)([^\s#:'"][^:#]*?)\3)\s*:(?:\s|$)/.exec(t);
    const ind = t.length - t.trimStart().length;
    const effective = m ? ind + m[2].length : ind;
    if (effective >= want) continue;
    if (m) {
      path.unshift(m[4].trim());
      want = effective;
    } else if (ind < want) {
      // A continuation line of a multi-line value, or a list item without a key: keep climbing.
      want = Math.min(want, ind + 1);
    }
  }
  return path;
}

/** Keys already present at an indentation under the same parent, so completion does not offer them again. */
export function siblingKeys(lines: LineIndex, line: number, indent: number): Set<string> {
  const out = new Set<string>();
  const scan = (from: number, step: number) => {
    for (let l = from; l >= 0 && l < lines.lineCount; l += step) {
      const t = lines.lineText(l);
      if (!t.trim() || t.trimStart().startsWith('#')) continue;
      const ind = t.length - t.trimStart().length;
      if (ind < indent) return;
      if (ind === indent) {
        const m = /^\s*([^\s#:][^:#]*?)\s*:(?:\s|$)/.exec(t);
        if (m) out.add(m[1]);
      }
    }
  };
  scan(line - 1, -1);
  scan(line + 1, 1);
  return out;
}
