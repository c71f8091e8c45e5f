import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/python';

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : n.endsWith('.ts') ? [p] : [];
  });
}

test('the core, the CLI and the language server never import vscode', () => {
  const offenders: string[] = [];
  for (const dir of ['extension/core', 'extension/cli', 'language-server']) {
    for (const f of tsFiles(join(repoRoot, dir))) {
      if (/from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)/.test(readFileSync(f, 'utf8'))) offenders.push(relative(repoRoot, f));
    }
  }
  assert.deepEqual(offenders, []);
});

test('webviews never import extension host code', () => {
  for (const f of tsFiles(join(repoRoot, 'webviews'))) {
    assert.doesNotMatch(readFileSync(f, 'utf8'), /from\s+['"](vscode|\.\.\/extension\/host)/, relative(repoRoot, f));
  }
});
