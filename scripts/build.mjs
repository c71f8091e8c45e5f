#!/usr/bin/env node
// One bundler for everything: the extension host, the language server and the CLI (Node, CommonJS,
// `vscode` external) and the webview scripts (browser). Output goes to dist/, which is all the .vsix ships.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const dist = join(root, 'dist');

if (!watch) rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'webviews'), { recursive: true });

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

const node = {
  ...common,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode'],
};

/**
 * The webview panels: each is webviews/<name>/main.ts (bundled to dist/webviews/<name>.js) with
 * webviews/<name>/style.css (copied to dist/webviews/<name>.css). Adding a panel = adding its name
 * here; the host opens it with `bundle: '<name>'` (extension/host/webview/panelHost.ts).
 */
const PANELS = ['runDetails', 'runsTable', 'charts', 'compare', 'modelVersion', 'tryIt', 'evaluation', 'trace', 'playground'];

const builds = [
  // The SQLite chart reader's threads (extension/core/charts/sqliteHistoryPool.ts) load their script
  // from next to the bundle that starts them: the extension and the CLI both live in dist/.
  { ...node, entryPoints: { extension: 'extension/host/extension.ts', sqliteHistoryWorker: 'extension/core/charts/sqliteHistoryWorker.ts' }, outdir: dist },
  { ...node, entryPoints: { server: 'language-server/server.ts' }, outdir: dist },
  { ...node, entryPoints: { cli: 'extension/cli/index.ts' }, outdir: dist, banner: { js: '#!/usr/bin/env node' } },
  {
    ...common,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    entryPoints: Object.fromEntries(PANELS.map((p) => [p, `webviews/${p}/main.ts`])),
    outdir: join(dist, 'webviews'),
  },
];

function copyAssets() {
  for (const p of PANELS) copyFileSync(join(root, `webviews/${p}/style.css`), join(dist, `webviews/${p}.css`));
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(join(root, 'node_modules/@vscode/codicons/dist', f), join(dist, 'webviews', f));
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  copyAssets();
  console.log('watching for changes…');
} else {
  const t = Date.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  copyAssets();
  console.log(`built dist/ in ${Date.now() - t} ms${production ? ' (production)' : ''}`);
}
