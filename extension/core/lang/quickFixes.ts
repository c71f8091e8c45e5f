import type { Analysis } from './analysis';
import { rangesOverlap } from './text';
import type { Diagnostic, Fix, Range } from './types';

export interface CodeActionResult {
  title: string;
  fix: Fix;
  diagnostic: Diagnostic;
}

/** Quick fixes for the diagnostics that touch a range (the editor's selection or cursor). */
export function quickFixes(analysis: Analysis, range: Range, only?: (d: Diagnostic) => boolean): CodeActionResult[] {
  const out: CodeActionResult[] = [];
  for (const d of analysis.diagnostics) {
    if (!d.fixes || !rangesOverlap(d.range, range)) continue;
    if (only && !only(d)) continue;
    for (const fix of d.fixes) if (fix.edits.length > 0) out.push({ title: fix.title, fix, diagnostic: d });
  }
  return out;
}

/** Applies non-overlapping edits to a text (used by tests and the CLI's future --fix). */
export function applyEdits(text: string, edits: { range: Range; newText: string }[], offsetOf: (p: Range['start']) => number): string {
  const sorted = edits.map((e) => ({ s: offsetOf(e.range.start), e: offsetOf(e.range.end), t: e.newText })).sort((a, b) => b.s - a.s || b.e - a.e);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.s) + e.t + out.slice(e.e);
  return out;
}
