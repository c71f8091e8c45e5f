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

test('webviews use browser APIs only: no node: modules, no Node globals', () => {
  for (const f of tsFiles(join(repoRoot, 'webviews'))) {
    const src = readFileSync(f, 'utf8');
    assert.doesNotMatch(src, /from\s+['"]node:|require\(/, relative(repoRoot, f));
  }
});

test('host mappers and request handlers that webview tests run do not import vscode', () => {
  const files = [...tsFiles(join(repoRoot, 'extension/host/mappers')), join(repoRoot, 'extension/host/runsTableRequests.ts'), join(repoRoot, 'extension/host/tryItRequests.ts'), join(repoRoot, 'extension/host/gatewayRequests.ts'), join(repoRoot, 'extension/host/webview/requestError.ts')];
  for (const f of files) assert.doesNotMatch(readFileSync(f, 'utf8'), /from\s+['"]vscode['"]/, relative(repoRoot, f));
});
