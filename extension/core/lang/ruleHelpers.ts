import { didYouMean } from './text';
import type { Diagnostic, Fix, Range } from './types';
import { isMap, isSeq, keyName, keyRange, mapPairs, pairOffsets, type Node, type Pair, type ParsedYaml } from './yamlSupport';

type AddFn = (range: Range, severity: Diagnostic['severity'], rule: string, message: string, fixes?: Fix[]) => void;

/** Deletes a pair; whole lines when it sits alone on its lines (the usual block style). */
export function deletePairFix(parsed: ParsedYaml, pair: Pair, title: string): Fix {
  const off = pairOffsets(pair);
  if (!off) return { title, edits: [] };
  const { lines } = parsed;
  const start = lines.position(off[0]);
  let endOff = off[1];
  // Block values end before trailing comments/blank lines; extend to the end of the last content line.
  const end = lines.position(endOff);
  const before = lines.lineText(start.line).slice(0, start.character);
  const after = lines.lineText(end.line).slice(end.character);
  if (/^\s*(?:-\s+)?$/.test(before) && /^\s*(?:#.*)?$/.test(after) && !/-\s+$/.test(before)) {
    const lastLine = end.character === 0 && end.line > start.line ? end.line - 1 : end.line;
    return { title, edits: [{ range: lines.wholeLines(start.line, lastLine), newText: '' }], preferred: true };
  }
  // Flow style: remove the pair and one neighbouring comma.
  const text = parsed.text;
  let s = off[0];
  let e = endOff;
  const m = /^\s*,\s*/.exec(text.slice(e));
  if (m) e += m[0].length;
  else {
    const back = /,\s*$/.exec(text.slice(Math.max(0, s - 50), s));
    if (back) s -= back[0].length;
  }
  endOff = e;
  return { title, edits: [{ range: lines.range(s, endOff), newText: '' }], preferred: true };
}

export function renameKeyFix(parsed: ParsedYaml, pair: Pair, to: string): Fix {
  return { title: `Rename to '${to}'`, edits: [{ range: keyRange(parsed, pair), newText: to }], preferred: true };
}

/** Warns about keys a table does not know, with a rename fix when one looks like a misspelling. */
export function unknownKeys(
  parsed: ParsedYaml,
  map: unknown,
  table: Record<string, string>,
  aliases: Record<string, string>,
  diags: Diagnostic[],
  code: string,
  label: string,
  consequence: string,
  add?: AddFn,
  severityWithoutMatch: Diagnostic['severity'] = 'warning',
): void {
  const known = Object.keys(table);
  const present = new Set(mapPairs(map).map((p) => keyName(p)));
  for (const pair of mapPairs(map)) {
    const k = keyName(pair);
    if (k === undefined || k in table) continue;
    // `type:float` (no space: one plain scalar for PyYAML) and `type str` (no colon) are common slips.
    const glued = /^([\w-]+)(?::|\s+)(\S.*)$/.exec(k);
    if (glued && glued[1] in table) {
      const d: Diagnostic = {
        range: keyRange(parsed, pair),
        severity: 'warning',
        code,
        message: `'${k}' is read as one key — did you mean '${glued[1]}: ${glued[2]}'? ${consequence}`,
        fixes: [{ title: `Change to '${glued[1]}: ${glued[2]}'`, edits: [{ range: keyRange(parsed, pair), newText: `${glued[1]}: ${glued[2]}` }], preferred: true }],
      };
      if (add) add(d.range, d.severity, code.replace(/^[^/]+\//, ''), d.message, d.fixes);
      else diags.push(d);
      continue;
    }
    const near = didYouMean(k, known, aliases);
    const fixes = near && !present.has(near) ? [renameKeyFix(parsed, pair, near)] : [];
    const message = `unknown ${label} '${k}'${near ? ` — did you mean '${near}'?` : ''} ${consequence}`;
    const severity = near ? 'warning' : severityWithoutMatch;
    const d: Diagnostic = { range: keyRange(parsed, pair), severity, code, message, ...(fixes.length ? { fixes } : {}) };
    if (add) add(d.range, d.severity, code.replace(/^[^/]+\//, ''), d.message, fixes);
    else diags.push(d);
  }
}

/** PyYAML keeps the last of duplicate keys silently; we warn on the earlier ones. */
export function checkDuplicateKeys(parsed: ParsedYaml, node: unknown, diags: Diagnostic[], lang: string, depth = 0): void {
  if (depth > 50) return;
  if (isMap(node)) {
    const seen = new Map<string, Pair>();
    const pairs = mapPairs(node);
    for (const pair of pairs) {
      const k = keyName(pair);
      if (k !== undefined) {
        const prev = seen.get(k);
        if (prev) {
          diags.push({
            range: keyRange(parsed, prev),
            severity: 'warning',
            code: `${lang}/duplicate-key`,
            message: `duplicate key '${k}': PyYAML keeps only the last one, this one is ignored`,
            fixes: [deletePairFix(parsed, prev, `Remove this earlier '${k}'`)],
          });
        }
        seen.set(k, pair);
      }
      checkDuplicateKeys(parsed, pair.value, diags, lang, depth + 1);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) checkDuplicateKeys(parsed, item as Node, diags, lang, depth + 1);
  }
}
