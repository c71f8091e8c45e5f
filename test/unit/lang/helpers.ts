import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { languageForPath } from '../../../extension/core/lang/analysis';
import { repoRoot } from '../../support/python';
import { analyze } from '../../../extension/core/lang/analysis';
import type { AnalysisContext } from '../../../extension/core/lang/mlprojectAnalysis';
import { applyEdits } from '../../../extension/core/lang/quickFixes';
import { LineIndex } from '../../../extension/core/lang/text';
import type { Diagnostic, LanguageId, Position } from '../../../extension/core/lang/types';

export function diags(lang: LanguageId, text: string, ctx: AnalysisContext = {}): Diagnostic[] {
  return analyze(lang, text, ctx).diagnostics;
}
export function byCode(ds: Diagnostic[], code: string): Diagnostic[] {
  return ds.filter((d) => d.code === code);
}
/** Text covered by a diagnostic's range. */
export function covered(text: string, d: { range: Diagnostic['range'] }): string {
  const li = new LineIndex(text);
  return text.slice(li.offset(d.range.start), li.offset(d.range.end));
}
export function applyFix(text: string, d: Diagnostic, index = 0): string {
  const fix = d.fixes?.[index];
  if (!fix) throw new Error(`no fix ${index} on ${d.code}`);
  const li = new LineIndex(text);
  return applyEdits(text, fix.edits, (p) => li.offset(p));
}
/** Position of the first `|` marker, and the text without it. */
export function cursor(textWithBar: string): { text: string; pos: Position } {
  const i = textWithBar.indexOf('|');
  const text = textWithBar.slice(0, i) + textWithBar.slice(i + 1);
  return { text, pos: new LineIndex(text).position(i) };
}

export const CORPUS = join(repoRoot, 'test/fixtures/lang-corpus');

export function corpusFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (languageForPath(p)) out.push(p);
    }
  };
  walk(CORPUS);
  return out;
}

