import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { wireBytes } from '../../extension/core/charts/wire';
import type { ReadableStore } from '../../extension/core/store/openStore';
import { chartsInit, chartSeries } from '../../extension/host/chartsRequests';
import { median, round } from './benchTiming';
import { bundlePanel, serveFolder } from './webviewPage';

/**
 * The chart panel's page in Debian's Chromium, for charts.bench.ts: time from the series answer
 * reaching the page to the first chart on screen, and the page's memory.
 *
 * The page is the shipped bundle (webviews/charts, built as scripts/build.mjs builds it) under the
 * webview's strict CSP (nonce scripts only: chart.js must run without eval). A stand-in for
 * acquireVsCodeApi plays the extension host: it answers `init` and `series` with what the host code
 * (extension/host/chartsRequests.ts) produced from the bench store, typed arrays and all, posted to
 * the page as VS Code posts webview messages. The series answer is held back until the bench has
 * measured the page with nothing loaded; the clock is the page's own performance marks
 * (chartsPage.ts: data received → drawn → the next frame).
 *
 * Memory: the page's JavaScript heap (CDP Performance.getMetrics, after a forced garbage
 * collection) before the data and with the chart drawn, and the DOM size.
 */

const CHROMIUM = process.env.MLWB_CHROMIUM || '/usr/bin/chromium';

function log(s: string): void {
  process.stderr.write(`charts bench (webview): ${s}\n`);
}

interface Blob {
  json: unknown;
  bin: Buffer;
}

/** The series answer as JSON plus one binary file: each typed array replaced by {type, offset, length}. */
function pack(value: unknown): Blob {
  const parts: Buffer[] = [];
  let offset = 0;
  const walk = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v)) {
      const b = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      const pad = (8 - (offset % 8)) % 8;
      if (pad) parts.push(Buffer.alloc(pad));
      offset += pad;
      const ref = { $typed: v.constructor.name, offset, length: (v as unknown as { length: number }).length };
      parts.push(b);
      offset += b.length;
      return ref;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const json = walk(value);
  return { json, bin: Buffer.concat(parts) };
}

async function buildPage(dir: string, nonce: string): Promise<void> {
  await bundlePanel(dir, 'charts');
  // The host stand-in: reads the prepared answers, keeps the series answer until released.
  writeFileSync(
    join(dir, 'host.js'),
    `(() => {
  let state;
  let release;
  const released = new Promise((r) => (release = r));
  window.__benchRelease = () => release();
  window.__benchRequests = 0;
  const revive = (v, bin) => {
    if (Array.isArray(v)) return v.map((x) => revive(x, bin));
    if (v && typeof v === 'object') {
      if (v.$typed) return new globalThis[v.$typed](bin.slice(v.offset, v.offset + v.length * globalThis[v.$typed].BYTES_PER_ELEMENT));
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x, bin)]));
    }
    return v;
  };
  const answers = Promise.all([fetch('init.json').then((r) => r.json()), fetch('series.json').then((r) => r.json()), fetch('series.bin').then((r) => r.arrayBuffer())]);
  const post = (m) => window.postMessage(m, '*');
  window.acquireVsCodeApi = () => ({
    getState: () => state,
    setState: (s) => { state = s; },
    postMessage: async (m) => {
      const [init, series, bin] = await answers;
      if (m.kind === 'ready') post({ kind: 'push', name: 'init', payload: init });
      else if (m.kind === 'request' && m.method === 'series') {
        window.__benchRequests++;
        const result = revive(series, bin);
        await released;
        post({ kind: 'response', id: m.id, result });
      } else if (m.kind === 'request') post({ kind: 'response', id: m.id, error: { code: 'bench', message: 'not in the bench' } });
    },
  });
})();`,
  );
  const csp = ["default-src 'none'", "style-src 'self'", "font-src 'self'", "img-src 'self' data:", `script-src 'nonce-${nonce}'`, "connect-src 'self'"].join('; ');
  writeFileSync(
    join(dir, 'index.html'),
    `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="codicon.css" id="vscode-codicon-stylesheet"><link rel="stylesheet" href="charts.css">
</head><body class="vscode-dark"><main id="app" aria-live="polite"><p class="loading">Loading charts…</p></main>
<script nonce="${nonce}" src="host.js"></script>
<script nonce="${nonce}" src="charts.js"></script></body></html>`,
  );
}

/** Polls an expression (page.evaluate is not subject to the page's CSP; waitForFunction's eval is). */
async function waitFor(page: Page, expr: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await page.evaluate(expr))) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The renderer's counters (CDP Performance.getMetrics), after a forced garbage collection when `gc`. */
async function metrics(cdp: CDPSession, gc: boolean): Promise<Record<string, number>> {
  if (gc) await cdp.send('HeapProfiler.collectGarbage');
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((x) => [x.name, x.value]));
}

function heapOf(m: Record<string, number>) {
  return { usedMB: round(m.JSHeapUsedSize / 2 ** 20), totalMB: round(m.JSHeapTotalSize / 2 ** 20), nodes: m.Nodes };
}

export interface WebviewResult {
  runs: number;
  points_drawn: number;
  payload_bytes: number;
  first_chart_ms: { times_ms: number[]; median_ms: number; drawn_ms: number[] };
  heap_before_data: { usedMB: number; totalMB: number; nodes: number };
  heap_with_chart: { usedMB: number; totalMB: number; nodes: number };
  viewport: string;
  chromium: string;
}

/** One chart of `key` for `runIds`, `reps` times, each in a fresh page. */
export async function chartsWebviewBench(store: ReadableStore, runIds: string[], key: string, maxPoints: number, reps: number): Promise<WebviewResult> {
  const init = await chartsInit(store, runIds, maxPoints);
  if (init.error) throw new Error(init.error);
  init.metricKeys = [key];
  const series = await chartSeries(store, { key, runIds }, maxPoints);
  if (series.errors.length) throw new Error(`${series.errors[0].runId}: ${series.errors[0].message}`);
  const payload = series.series.reduce((n, w) => n + wireBytes(w), 0);
  const points = series.series.reduce((n, w) => n + w.values.length, 0);

  const dir = mkdtempSync(join(tmpdir(), 'mlwb-charts-webview-'));
  const nonce = randomBytes(16).toString('base64');
  await buildPage(dir, nonce);
  writeFileSync(join(dir, 'init.json'), JSON.stringify(init));
  const packed = pack(series);
  writeFileSync(join(dir, 'series.json'), JSON.stringify(packed.json));
  writeFileSync(join(dir, 'series.bin'), packed.bin);
  const { server, url } = await serveFolder(dir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const times: number[] = [];
  const drawn: number[] = [];
  let before: WebviewResult['heap_before_data'] | undefined;
  let after: WebviewResult['heap_with_chart'] | undefined;
  try {
    for (let rep = 0; rep < reps; rep++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error' && !/status of 404/.test(m.text())) errors.push(m.text());
      });
      // The page asks for nothing but its bundle and the host stand-in's answers (a browser's own favicon aside).
      page.on('response', (r) => {
        if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} for ${r.url()}`);
      });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      await cdp.send('HeapProfiler.enable');
      await page.goto(url);
      await waitFor(page, '!!(window.__mlwbCharts && window.__mlwbCharts.ready && window.__benchRequests > 0)', 60_000);
      const m0 = await metrics(cdp, true);
      await page.evaluate('window.__benchRelease()');
      await waitFor(page, `performance.getEntriesByName('mlwb:charts:painted').length > 0`, 120_000);
      const marks = (await page.evaluate(`(() => { const t = (n) => performance.getEntriesByName(n)[0].startTime; return { data: t('mlwb:charts:data'), drawn: t('mlwb:charts:drawn'), painted: t('mlwb:charts:painted') }; })()`)) as { data: number; drawn: number; painted: number };
      const rendered = (await page.evaluate('window.__mlwbCharts.charts()')) as { datasets: { points: unknown[] }[] }[];
      const drawnPoints = rendered.reduce((n, c) => n + c.datasets.reduce((m, d) => m + d.points.length, 0), 0);
      if (rendered.length !== 1 || drawnPoints < points) throw new Error(`the page drew ${rendered.length} charts with ${drawnPoints} points; ${points} were sent`);
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
      const h0 = heapOf(m0);
      const h1 = heapOf(await metrics(cdp, true));
      times.push(marks.painted - marks.data);
      drawn.push(marks.drawn - marks.data);
      log(`rep ${rep + 1}: drawn ${round(marks.drawn - marks.data)} ms, on screen ${round(marks.painted - marks.data)} ms after the data; heap ${h0.usedMB} → ${h1.usedMB} MB`);
      if (rep === reps - 1) {
        before = h0;
        after = h1;
      }
      await cdp.detach();
      await page.close();
    }
    return {
      runs: runIds.length,
      points_drawn: points,
      payload_bytes: payload,
      first_chart_ms: { times_ms: times.map(round), median_ms: round(median(times)), drawn_ms: drawn.map(round) },
      heap_before_data: before!,
      heap_with_chart: after!,
      viewport: '1400x900',
      chromium: browser.version(),
    };
  } finally {
    await browser.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
