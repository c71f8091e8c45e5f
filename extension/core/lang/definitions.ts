import { isAbsolute, join } from 'node:path';
import type { Analysis } from './analysis';
import { containsPosition } from './text';
import type { DefinitionTarget, Position, Range } from './types';
import { getPair, isScalar, rangeOf, type Node, type Scalar } from './yamlSupport';

const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/**
 * Go to definition: an MLproject's environment file, a script named in a command, a placeholder's
 * parameter declaration; an MLmodel's referenced files. Targets must exist (checked via the FileProbe).
 */
export function definition(analysis: Analysis, pos: Position): DefinitionTarget[] {
  const { parsed, dir, fs } = analysis;
  const resolve = (rel: string) => (isAbsolute(rel) ? rel : dir ? join(dir, rel) : undefined);
  const fileTarget = (rel: string, originRange: Range): DefinitionTarget[] => {
    const full = resolve(rel);
    if (!full || !fs || !fs.exists(full)) return [];
    return [{ path: full, range: ZERO, originRange }];
  };
  if (analysis.kind === 'gateway') return [];
  if (analysis.kind === 'mlmodel') {
    for (const f of analysis.files) if (containsPosition(f.range, pos)) return fileTarget(f.rel, f.range);
    return [];
  }
  const root = parsed.doc.contents;
  for (const key of ['python_env', 'conda_env']) {
    const p = getPair(root, key);
    const v = p?.value as Node | null | undefined;
    if (v && isScalar(v) && typeof (v as Scalar).value === 'string' && v.range) {
      const r = rangeOf(parsed, v);
      if (containsPosition(r, pos)) return fileTarget(String((v as Scalar).value), r);
    }
  }
  for (const ep of analysis.entryPoints) {
    for (const ph of ep.placeholders) {
      if (!containsPosition(ph.range, pos)) continue;
      const p = ep.params.find((x) => x.name === ph.name);
      return p ? [{ range: p.keyRange, originRange: ph.range }] : [];
    }
    if (ep.command && ep.commandRange && containsPosition(ep.commandRange, pos) && ep.commandPair) {
      const node = ep.commandPair.value as Scalar;
      const scripts = scriptTokens(ep.command);
      const offset = parsed.lines.offset(pos);
      for (const s of scripts) {
        const r = tokenRange(analysis, node, ep.command, s.start, s.end);
        if (!r) continue;
        const [a, b] = r;
        if (offset >= a && offset <= b) return fileTarget(s.text, parsed.lines.range(a, b));
      }
    }
  }
  return [];
}

/** Script-looking tokens of a command (`train.py`, `scripts/run.sh`, `main.R`, `-m pkg.mod` is skipped). */
export function scriptTokens(command: string): { text: string; start: number; end: number }[] {
  const out: { text: string; start: number; end: number }[] = [];
  const re = /(?:^|[\s'"=])((?:\.\/)?[\w./-]+\.(?:py|sh|R|r|ipynb|jl|scala|java|js|ts))(?=$|[\s'";)])/g;
  for (let m = re.exec(command); m; m = re.exec(command)) {
    const start = m.index + m[0].length - m[1].length;
    out.push({ text: m[1], start, end: start + m[1].length });
  }
  return out;
}

function tokenRange(analysis: Analysis, node: Scalar, value: string, start: number, end: number): [number, number] | undefined {
  void value;
  const { parsed } = analysis;
  if (!node.range) return undefined;
  // Reuse the character map computed for placeholders when possible.
  const src = parsed.text.slice(node.range[0], node.range[1]);
  const token = value.slice(start, end);
  const idx = src.indexOf(token);
  if (idx < 0) return undefined;
  return [node.range[0] + idx, node.range[0] + idx + token.length];
}
