/**
 * Child-process side of the hostile-server tests: opens a RestStore on argv[2], makes one call
 * (argv[3]: 'experiments' or 'runs'), and prints what happened as JSON with the largest resident
 * set size seen, so a V8 crash or a runaway allocation takes down this process, not the test runner.
 * argv[4]: RestOptions as JSON.
 */
import { RestStore } from '../../extension/core/store/rest/restStore';
import { StoreError } from '../../extension/core/store/errors';

async function main(): Promise<void> {
  const [url, what, optsJson] = process.argv.slice(2);
  let rssMax = process.memoryUsage().rss;
  const sample = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 20);
  const started = Date.now();
  const store = new RestStore(url, optsJson ? JSON.parse(optsJson) : {});
  let out: Record<string, unknown>;
  try {
    const items = what === 'runs' ? await store.searchRuns({ experimentIds: ['0'] }) : await store.searchExperiments();
    out = { ok: true, count: items.length };
  } catch (e) {
    out = e instanceof StoreError ? { ok: false, code: e.code, message: e.message } : { ok: false, code: 'NOT_A_STORE_ERROR', message: String(e) };
  }
  clearInterval(sample);
  rssMax = Math.max(rssMax, process.memoryUsage().rss);
  await store.close();
  process.stdout.write(JSON.stringify({ ...out, ms: Date.now() - started, rssMax }) + '\n');
}

void main();
