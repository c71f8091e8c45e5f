#!/usr/bin/env node
// `npm run bench`: runs every test/bench/*.bench.ts (each default-exports an async function returning
// JSON-able results) and prints one JSON object on stdout: { "<name>": results, ... }.
// Progress goes to stderr so stdout stays machine-readable. Usage: npm run bench [-- name-filter]
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filter = process.argv[2];
const files = readdirSync(join(root, 'test', 'bench'))
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();
const results = { machine: { node: process.version, cpus: (await import('node:os')).cpus().length, date: new Date().toISOString() } };
let failed = false;
for (const f of files) {
  const name = f.replace(/\.bench\.ts$/, '');
  process.stderr.write(`bench ${name}…\n`);
  const code = `import(${JSON.stringify(join(root, 'test', 'bench', f))}).then(async (m) => { const fn = typeof m.default === 'function' ? m.default : m.default.default; const r = await fn(); process.stdout.write('\\n@@BENCH@@' + JSON.stringify(r) + '\\n'); })`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = r.stdout.split('\n').find((l) => l.startsWith('@@BENCH@@'));
  if (r.status !== 0 || !line) {
    failed = true;
    results[name] = { error: `exit ${r.status}` };
  } else {
    results[name] = JSON.parse(line.slice('@@BENCH@@'.length));
  }
}
process.stdout.write(JSON.stringify(results, null, 2) + '\n');
process.exit(failed ? 1 : 0);
