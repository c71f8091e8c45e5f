import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { analyze, languageForPath } from '../../../extension/core/lang/analysis';
import { codeLenses } from '../../../extension/core/lang/codeLens';
import { complete } from '../../../extension/core/lang/completion';
import { definition } from '../../../extension/core/lang/definitions';
import { hover } from '../../../extension/core/lang/hover';
import { memoryFileProbe } from '../../../extension/core/lang/nodeFileProbe';
import { outline } from '../../../extension/core/lang/outline';
import { applyEdits, quickFixes } from '../../../extension/core/lang/quickFixes';
import { LineIndex } from '../../../extension/core/lang/text';
import type { OutlineSymbol, Position, Range } from '../../../extension/core/lang/types';
import { corpusFiles } from './helpers';
import { mulberry32, mutate } from './mutate';

/**
 * Mutation fuzzing over the real corpus: deterministic (seeded PRNG), 10,000+ cases. Analysis,
 * completion, hover, outline, definitions, code lenses and quick fixes must never throw, and every
 * range they return must lie inside the document.
 */
function checkRange(li: LineIndex, r: Range, what: string): void {
  const ok = (p: Position) => Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.line < li.lineCount && p.character >= 0 && p.character <= li.lineText(p.line).length;
  assert.ok(ok(r.start) && ok(r.end), `${what}: range ${JSON.stringify(r)} outside the document (${li.lineCount} lines)`);
  assert.ok(r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character), `${what}: reversed range ${JSON.stringify(r)}`);
}
function checkSymbols(li: LineIndex, syms: OutlineSymbol[]): void {
  for (const s of syms) {
    checkRange(li, s.range, 'symbol');
    checkRange(li, s.selectionRange, 'symbol selection');
    checkSymbols(li, s.children);
  }
}

const fs = memoryFileProbe({ '/f/conda.yaml': 'dependencies: []\n', '/f/python_env.yaml': 'python: 3.10\n', '/f/train.py': '' });

test('fuzz: 10,000+ mutated corpus files never throw and keep every range inside the document', () => {
  const files = corpusFiles().map((f) => ({ lang: languageForPath(f)!, text: readFileSync(f, 'utf8') }));
  const perFile = Math.ceil(10_200 / files.length);
  const rnd = mulberry32(0x5eed);
  let cases = 0;
  for (const { lang, text: original } of files) {
    let text = original;
    for (let i = 0; i < perFile; i++) {
      // Walk: usually mutate the previous mutant (deeper damage), sometimes restart from the original.
      text = mutate(rnd() < 0.3 ? original : text, rnd);
      if (text.length > 20_000) text = original;
      cases++;
      const context = `case ${cases} (${lang}): ${JSON.stringify(text.slice(0, 300))}`;
      try {
        const a = analyze(lang, text, { path: '/f/' + (lang === 'mlproject' ? 'MLproject' : 'MLmodel'), fs });
        const li = new LineIndex(text);
        for (const d of a.diagnostics) {
          checkRange(li, d.range, d.code);
          for (const f of d.fixes ?? []) for (const e of f.edits) checkRange(li, e.range, `fix ${f.title}`);
        }
        for (let k = 0; k < 3; k++) {
          const line = Math.floor(rnd() * li.lineCount);
          const pos = { line, character: Math.floor(rnd() * (li.lineText(line).length + 1)) };
          for (const c of complete(a, pos)) if (c.range) checkRange(li, c.range, 'completion');
          const h = hover(a, pos);
          if (h) checkRange(li, h.range, 'hover');
          for (const t of definition(a, pos)) {
            checkRange(li, t.originRange, 'definition origin');
            if (!t.path) checkRange(li, t.range, 'definition target');
          }
        }
        const whole = { start: { line: 0, character: 0 }, end: li.position(text.length) };
        const actions = quickFixes(a, whole);
        if (actions.length) {
          const fixed = applyEdits(text, actions[Math.floor(rnd() * actions.length)].fix.edits, (p) => li.offset(p));
          analyze(lang, fixed);
        }
        checkSymbols(li, outline(a));
        for (const l of codeLenses(a)) checkRange(li, l.range, 'code lens');
      } catch (e) {
        assert.fail(`${context}\n${(e as Error).stack}`);
      }
    }
  }
  assert.ok(cases >= 10_000, `${cases} cases`);
});
