import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { FileStoreReader } from '../../extension/core/store/fileStore';
import type { TrackingReader } from '../../extension/core/store/trackingStore';
import { runsTableRequests } from '../../extension/host/runsTableRequests';
import { toWire, type WebviewToHost } from '../../webviews/platform/envelope';
import type { RunsTableContract } from '../../webviews/runsTable/contract';
import { ensureBenchStores } from './benchStores';
import { bundlePanel, serveFolder } from './webviewPage';

/**
 * Issue #8: scroll the runs table from the top to the 10,000th run and record every main-thread
 * task over 50 ms in the page (PerformanceObserver 'longtask', read through Playwright).
 *
 * The page is the shipped bundle (webviews/runsTable, built with esbuild as scripts/build.mjs does)
 * in Debian's Chromium. Its requests are answered by the host's own handlers
 * (extension/host/runsTableRequests.ts) on the file store of the 10,000-run bench experiment
 * (~/.cache/mlflow-workbench-bench, the layout real mlflow writes) through `searchRunsPage`, page after page.
 *
 * Two ways to the bottom: a steady wheel-like scroll (a fixed step per animation frame, waiting at
 * the end of the loaded rows for the next page, as a user must), and scrollbar jumps (the thumb
 * dragged to the end of what is loaded). Knobs: MLWB_BENCH_RUNS (10000), MLWB_TABLE_STEP_PX (130 =
 * 5 rows a frame), MLWB_CHROMIUM, MLWB_TABLE_PROFILE (a folder for the page's CPU profiles), and for
 * quick trials MLWB_TABLE_TARGET_ROW (scroll that far only) and MLWB_TABLE_MODES (wheel,scrollbarJumps);
 * MLWB_TABLE_TRACE=<folder> writes a Chrome trace of each scroll there.
 *
 * A long task is wall time: on a machine shared by other jobs a task waits for a core, and the
 * control page shows how much of that there is. `mainThread` is Chrome's own count of the page's
 * main-thread CPU time (and script, layout and style time) over the scroll, which waiting does not
 * inflate: `cpuMsPerFrame` is the table's real cost per frame.
 */

const CHROMIUM = process.env.MLWB_CHROMIUM || '/usr/bin/chromium';

const round1 = (x: number): number => Math.round(x * 10) / 10;

function log(msg: string): void {
  process.stderr.write(`  runsTableScroll: ${msg}\n`);
}

async function buildPage(dir: string): Promise<void> {
  await bundlePanel(dir, 'runsTable');
  // The webview's shell (panelHtml.ts) with a stand-in for acquireVsCodeApi that forwards to the bench's host.
  writeFileSync(
    join(dir, 'index.html'),
    `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<link rel="stylesheet" href="codicon.css" id="vscode-codicon-stylesheet"><link rel="stylesheet" href="runsTable.css">
<style>:root{--vscode-font-family:sans-serif;--vscode-font-size:13px;--vscode-editor-background:#1f1f1f;--vscode-foreground:#ccc}</style>
</head><body><main id="app"></main>
<script>
window.__longtasks = [];
new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration }); }).observe({ type: 'longtask', buffered: true });
let state;
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__mlwbHost(m), getState: () => state, setState: (s) => { state = s; } });
</script>
<script src="runsTable.js"></script></body></html>`,
  );
}

async function wireHost(page: Page, store: TrackingReader, pageSize: number, experimentId: string): Promise<{ pages: number[] }> {
  const handlers = runsTableRequests(() => store);
  const pages: number[] = [];
  await page.exposeFunction('__mlwbHost', async (m: WebviewToHost<RunsTableContract>) => {
    if (m.kind === 'ready') {
      await page.evaluate((payload) => window.postMessage({ kind: 'push', name: 'init', payload }, '*'), {
        experimentIds: [experimentId],
        title: 'bench',
        storeUri: 'bench',
        pollMs: 0,
        pageSize,
      });
      return;
    }
    if (m.kind !== 'request') return;
    const t = performance.now();
    const handler = handlers[m.method] as (p: unknown) => Promise<unknown>;
    const result = await handler(m.params);
    if (m.method === 'page') pages.push(performance.now() - t);
    // As VS Code delivers it: JSON from the extension host, parsed and posted into the webview's
    // window. (Handing the object to page.evaluate instead made Playwright's own argument decoding,
    // 50-65 ms of the page's CPU per page of 200 runs, show up as the table's long tasks.)
    await page.evaluate((json) => window.postMessage(JSON.parse(json), '*'), JSON.stringify(toWire({ kind: 'response', id: m.id, result })));
  });
  return { pages };
}

/** The page's main-thread work in a span of time, from Chrome's own counters (CDP Performance.getMetrics). */
interface MainThreadWork {
  /** CPU time of the renderer's main thread: unlike a long task's duration, not inflated by waiting for a core. */
  threadCpuMs: number;
  scriptMs: number;
  layoutMs: number;
  styleMs: number;
  layouts: number;
}

/**
 * Starts counting; the returned function gives the work since. With MLWB_TABLE_PROFILE=<folder>, a
 * JavaScript CPU profile of the same span is written there as <name>.cpuprofile (for DevTools).
 */
async function mainThreadMeter(page: Page, name: string): Promise<() => Promise<MainThreadWork>> {
  const cdp = await page.context().newCDPSession(page);
  const profileDir = process.env.MLWB_TABLE_PROFILE;
  if (profileDir) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const read = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value])) as Record<string, number>;
  const before = await read();
  return async () => {
    const after = await read();
    if (profileDir) writeFileSync(join(profileDir, `${name}.cpuprofile`), JSON.stringify((await cdp.send('Profiler.stop')).profile));
    const d = (k: string, scale = 1000) => Math.round((after[k] - before[k]) * scale);
    return { threadCpuMs: d('ThreadTime'), scriptMs: d('ScriptDuration'), layoutMs: d('LayoutDuration'), styleMs: d('RecalcStyleDuration'), layouts: d('LayoutCount', 1) };
  };
}

interface ScrollResult {
  ms: number;
  frames: number;
  frameMs: { p50: number; p95: number; max: number };
  reachedRow: number;
  waitsForPages: number;
  longTasks: { count: number; maxMs: number; totalMs: number };
}

/** Runs in the page: scroll to `targetRow`, `stepPx` per frame (or jumps to the loaded end when stepPx is 0). */
async function scrollInPage(page: Page, targetRow: number, stepPx: number): Promise<ScrollResult> {
  return page.evaluate(
    async ({ targetRow, stepPx }) => {
      const w = window as unknown as { __longtasks: { start: number; duration: number }[] };
      w.__longtasks.length = 0;
      const grid = document.querySelector('.grid') as HTMLElement;
      const body = document.querySelector('.body') as HTMLElement;
      const rowH = 26;
      const target = targetRow * rowH;
      const frameTimes: number[] = [];
      let waits = 0;
      let last = performance.now();
      const t0 = last;
      grid.scrollTop = 0;
      await new Promise((r) => requestAnimationFrame(r));
      while (grid.scrollTop + grid.clientHeight < target + rowH) {
        const max = grid.scrollHeight - grid.clientHeight;
        if (grid.scrollTop >= max - 1) {
          // at the end of what is loaded: the next page is on its way
          waits++;
          const before = body.offsetHeight;
          const end = performance.now() + 30_000;
          while (body.offsetHeight === before && performance.now() < end) await new Promise((r) => setTimeout(r, 5));
          if (body.offsetHeight === before) break;
          continue;
        }
        grid.scrollTop = stepPx > 0 ? Math.min(grid.scrollTop + stepPx, max) : max;
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        frameTimes.push(now - last);
        last = now;
      }
      await new Promise((r) => setTimeout(r, 100));
      const rows = [...document.querySelectorAll<HTMLElement>('.row:not([hidden])')].map((r) => Number(r.dataset.index));
      if (rows.length === 0) rows.push(Math.floor((grid.scrollTop + grid.clientHeight) / rowH) - 1); // the control page has no rows
      frameTimes.sort((a, b) => a - b);
      const q = (p: number) => Math.round((frameTimes[Math.min(frameTimes.length - 1, Math.floor(p * frameTimes.length))] ?? 0) * 10) / 10;
      const tasks = w.__longtasks.filter((t) => t.start >= t0);
      return {
        ms: Math.round(performance.now() - t0),
        frames: frameTimes.length,
        frameMs: { p50: q(0.5), p95: q(0.95), max: q(1) },
        reachedRow: Math.max(...rows) + 1,
        waitsForPages: waits,
        longTasks: { count: tasks.length, maxMs: Math.round(Math.max(0, ...tasks.map((t) => t.duration))), totalMs: Math.round(tasks.reduce((s, t) => s + t.duration, 0)) },
      };
    },
    { targetRow, stepPx },
  );
}

export default async function runsTableScroll(): Promise<unknown> {
  const runs = Number(process.env.MLWB_BENCH_RUNS || 10_000);
  const stepPx = Number(process.env.MLWB_TABLE_STEP_PX || 130);
  // A shorter scroll for trying changes (the goal is judged on the full one only).
  const target = Math.min(runs, Number(process.env.MLWB_TABLE_TARGET_ROW || runs));
  const bench = await ensureBenchStores({ runs, steps: 100 });
  const store = new FileStoreReader(bench.file.root);
  // Warm the store's caches once (as a table open for a while has them); its cold first page is the store benches' subject.
  let t = performance.now();
  const first = await store.searchRunsPage({ experimentIds: [bench.file.experimentId], maxResults: 200 });
  const coldFirstPageMs = performance.now() - t;
  const all = { length: runs };
  log(`cold first page of ${first.runs.length} runs in ${Math.round(coldFirstPageMs)} ms`);

  const dir = mkdtempSync(join(tmpdir(), 'mlwb-table-bench-'));
  await buildPage(dir);
  const { server, url } = await serveFolder(dir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const result: Record<string, unknown> = { runs: all.length, pageSize: 200, rowHeightPx: 26, viewport: '1400x900', storeColdFirstPageMs: Math.round(coldFirstPageMs) };
    // Control: the same scroll over an empty page of the same height, with no script at all. Long
    // tasks here are the machine's (other processes on a shared CPU), not the table's.
    {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.addInitScript('window.__name = (f) => f;');
      await page.setContent(`<html><body style="margin:0"><div class="grid" style="height:100vh;overflow:auto"><div class="body" style="height:${(all.length + 3) * 26}px"></div></div>
<script>window.__name=(f)=>f;window.__longtasks=[];new PerformanceObserver((l)=>{for(const e of l.getEntries())window.__longtasks.push({start:e.startTime,duration:e.duration});}).observe({type:'longtask',buffered:true});</script></body></html>`);
      const meter = await mainThreadMeter(page, 'control');
      const scroll = await scrollInPage(page, target, stepPx);
      const work = await meter();
      result.controlEmptyPage = { ...scroll, mainThread: work, cpuMsPerFrame: round1(work.threadCpuMs / Math.max(1, scroll.frames)), stepPx, note: 'no table, no script: long tasks here measure CPU contention on this machine' };
      log(`control: ${JSON.stringify(result.controlEmptyPage)}`);
      await page.close();
    }
    const modes = (process.env.MLWB_TABLE_MODES ?? 'wheel,scrollbarJumps').split(',');
    for (const mode of [
      { name: 'wheel', step: stepPx },
      { name: 'scrollbarJumps', step: 0 },
    ].filter((m) => modes.includes(m.name))) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      // tsx keeps function names with an `__name` helper that the page does not have.
      await page.addInitScript('window.__name = (f) => f;');
      const host = await wireHost(page, store, 200, bench.file.experimentId);
      t = performance.now();
      await page.goto(url);
      await page.waitForSelector('.row:not([hidden])', { timeout: 60_000 });
      const firstPaint = performance.now() - t;
      const meter = await mainThreadMeter(page, mode.name);
      const traceDir = process.env.MLWB_TABLE_TRACE;
      if (traceDir) await browser.startTracing(page, { path: join(traceDir, `${mode.name}.trace.json`), categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'v8'] });
      const scroll = await scrollInPage(page, target, mode.step);
      if (traceDir) await browser.stopTracing();
      const work = await meter();
      const pages = host.pages.slice().sort((a, b) => a - b);
      result[mode.name] = {
        firstRowsMs: Math.round(firstPaint),
        ...scroll,
        mainThread: work,
        cpuMsPerFrame: round1(work.threadCpuMs / Math.max(1, scroll.frames)),
        stepPx: mode.step || 'to the end of the loaded rows',
        pagesRequested: host.pages.length,
        hostPageMsMedian: Math.round((pages[Math.floor(pages.length / 2)] ?? 0) * 10) / 10,
        goal: 'no long task (> 50 ms) while scrolling to the last run',
        met: scroll.longTasks.count === 0 && scroll.reachedRow >= all.length && target === all.length,
      };
      log(`${mode.name}: ${JSON.stringify(result[mode.name])}`);
      await page.close();
    }
    return result;
  } finally {
    await browser.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
