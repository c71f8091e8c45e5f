#!/usr/bin/env node
// Builds in production mode and packs out/mlflow-workbench.vsix with @vscode/vsce, then checks that the
// package holds only what runs (dist bundles, manifest, grammars, icons, docs) and stays small.
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'out', 'mlflow-workbench.vsix');
mkdirSync(dirname(out), { recursive: true });
const vsce = join(root, 'node_modules', '.bin', 'vsce');
// --no-dependencies: everything is bundled by esbuild; node_modules must not be shipped.
execFileSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--skip-license', '-o', out], { cwd: root, stdio: 'inherit' });

const listing = execFileSync(vsce, ['ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .map((s) => s.trim())
  .filter(Boolean);
const allowed = /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/(extension|server|cli|sqliteHistoryWorker)\.js|dist\/webviews\/[^/]+|syntaxes\/[^/]+\.json|resources\/[^/]+)$/;
const unexpected = listing.filter((f) => !allowed.test(f));
const size = statSync(out).size;
console.log(`packaged ${out}: ${listing.length} files, ${(size / 1024).toFixed(0)} KiB`);
if (unexpected.length) {
  console.error(`unexpected files in the package:\n  ${unexpected.join('\n  ')}`);
  process.exit(1);
}
if (size > 3 * 1024 * 1024) {
  console.error(`package is ${(size / 1024 / 1024).toFixed(1)} MiB; expected under 3 MiB`);
  process.exit(1);
}
