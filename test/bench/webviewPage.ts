import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { repoRoot } from '../support/python';

/**
 * What the Chromium benches (charts, runs table) need of a webview panel outside VS Code: the
 * panel's shipped bundle, its stylesheet and the codicons in one folder, and that folder served on
 * 127.0.0.1. Each bench writes its own index.html and host stand-in next to them.
 */

/** Bundles webviews/<panel>/main.ts as scripts/build.mjs does into dir/<panel>.js, with <panel>.css and the codicons. */
export async function bundlePanel(dir: string, panel: string): Promise<void> {
  await esbuild.build({
    absWorkingDir: repoRoot,
    entryPoints: { [panel]: `webviews/${panel}/main.ts` },
    bundle: true,
    minify: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    outdir: dir,
    logLevel: 'warning',
  });
  copyFileSync(join(repoRoot, `webviews/${panel}/style.css`), join(dir, `${panel}.css`));
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(join(repoRoot, 'node_modules/@vscode/codicons/dist', f), join(dir, f));
}

const TYPES: Record<string, string> = { html: 'text/html', js: 'text/javascript', css: 'text/css', ttf: 'font/ttf', json: 'application/json', bin: 'application/octet-stream' };

/** Serves the files of dir (flat names only) on a free port; the URL is its index.html. */
export function serveFolder(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0].replace(/^\/+/, '') || 'index.html';
    const p = join(dir, name.replace(/[^\w.-]/g, ''));
    if (!existsSync(p)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[p.split('.').pop() ?? ''] ?? 'application/octet-stream' }).end(readFileSync(p));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/index.html` })));
}
