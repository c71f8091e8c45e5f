#!/usr/bin/env node
// Builds the real-VS-Code test artefacts: the extension-host suite bundle (esbuild, `vscode` external)
// at out/vscode-suite/index.js and the test-runner extension at out/vscode-runner.vsix.
// Usage: node test/vscode/build.mjs   (imported by the launchers, which call buildSuite()/packageRunner())
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const suiteBundle = join(repo, 'out', 'vscode-suite', 'index.js');
export const runnerVsix = join(repo, 'out', 'vscode-runner.vsix');

export async function buildSuite() {
  await esbuild.build({
    entryPoints: [join(repo, 'test', 'vscode', 'suite', 'index.ts')],
    outfile: suiteBundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode'],
    logLevel: 'warning',
  });
  return suiteBundle;
}

export function packageRunner() {
  mkdirSync(dirname(runnerVsix), { recursive: true });
  const vsce = join(repo, 'node_modules', '.bin', 'vsce');
  execFileSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', runnerVsix], {
    cwd: join(repo, 'test', 'vscode', 'runner'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return runnerVsix;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildSuite();
  packageRunner();
  console.log(`built ${suiteBundle} and ${runnerVsix}`);
}
