import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { analyze, languageForPath } from '../../../extension/core/lang/analysis';
import { nodeFileProbe } from '../../../extension/core/lang/nodeFileProbe';
import { CORPUS, corpusFiles } from './helpers';

test('the corpus holds 30+ real MLproject and MLmodel files', () => {
  const files = corpusFiles();
  assert.ok(files.length >= 30, `only ${files.length}`);
  assert.ok(files.filter((f) => languageForPath(f) === 'mlproject').length >= 15);
  assert.ok(files.filter((f) => languageForPath(f) === 'mlmodel').length >= 15);
});

test('zero errors on real files (MLproject environment files are not part of the corpus, so not checked)', () => {
  const found: string[] = [];
  for (const f of corpusFiles()) {
    const lang = languageForPath(f)!;
    // MLmodel files get the real file system (missing files must stay warnings); MLproject content only.
    const ctx = lang === 'mlmodel' ? { path: f, fs: nodeFileProbe } : {};
    for (const d of analyze(lang, readFileSync(f, 'utf8'), ctx).diagnostics) {
      if (d.severity === 'error') found.push(`${relative(CORPUS, f)}:${d.range.start.line + 1} ${d.code} ${d.message}`);
    }
  }
  assert.deepEqual(found, []);
});

test('every corpus file is listed in the corpus README with its source', () => {
  const readme = readFileSync(join(CORPUS, 'README.md'), 'utf8');
  const missing = corpusFiles().map((f) => relative(CORPUS, f)).filter((r) => !readme.includes(r));
  assert.deepEqual(missing, []);
});
