import { readFileSync } from 'node:fs';
import { analyze } from '../../extension/core/lang/analysis';
import { complete } from '../../extension/core/lang/completion';
import { nodeFileProbe } from '../../extension/core/lang/nodeFileProbe';
import type { Position } from '../../extension/core/lang/types';

/**
 * The core half of the language-server benchmark. languageServer.bench.ts bundles this file with
 * esbuild, as the shipped server is bundled, so the figures carry no dev-loader overhead.
 * argv: MLproject path, JSON file of completion positions. Prints one JSON object.
 */
function main(): void {
  const [path, positionsFile] = process.argv.slice(2);
  const text = readFileSync(path, 'utf8');
  const positions = JSON.parse(readFileSync(positionsFile, 'utf8')) as Position[];
  const diag: number[] = [];
  let diagnostics = 0;
  // 100 warm-up runs first: the figure is for a running server, cold start is measured separately.
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    diagnostics = analyze('mlproject', text, { path, fs: nodeFileProbe }).diagnostics.length;
    diag.push(performance.now() - t);
  }
  const analysis = analyze('mlproject', text, { path, fs: nodeFileProbe });
  const compl: number[] = [];
  const afterEdit: number[] = [];
  let offered = 0;
  for (const p of positions) {
    let t = performance.now();
    offered += complete(analysis, p).length;
    compl.push(performance.now() - t);
    // After a keystroke the server analyses the new version first.
    t = performance.now();
    complete(analyze('mlproject', text, { path, fs: nodeFileProbe }), p);
    afterEdit.push(performance.now() - t);
  }
  process.stdout.write(JSON.stringify({ diagnostics, offered, first: diag[0], warmup: diag.slice(0, 100), diag: diag.slice(100), compl, afterEdit }) + '\n');
}

main();
