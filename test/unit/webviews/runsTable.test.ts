import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { runsTableRequests } from '../../../extension/host/runsTableRequests';
import type { RequestHandlers } from '../../../webviews/platform/envelope';
import type { RunRow, RunsTableContract, RunsTableInit, RunsTableState } from '../../../webviews/runsTable/contract';
import { installDom, settle } from '../../support/dom';
import { fixtureStore, loadExpected } from '../../support/fixture';
import { TestPanelHost } from '../../support/webviewHost';

/**
 * The runs table webview in a DOM (happy-dom), its requests answered by the host's own handlers
 * (extension/host/runsTableRequests.ts) on the store real mlflow wrote.
 */

import { createPanelClient } from '../../../webviews/platform/panelClient';
import { RunsTable, ROW_HEIGHT } from '../../../webviews/runsTable/table';

const dom = installDom();

const expected = loadExpected();
const store = new FileStoreReader(fixtureStore);
const iris = expected.experiments.find((x) => x.name === 'iris-classifier')!.experiment_id;
const forecasting = expected.experiments.find((x) => x.name === 'forecasting')!.experiment_id;
const VIEWPORT = 20 * ROW_HEIGHT;

type Table = RunsTable;

function init(experimentIds: string[], over: Partial<RunsTableInit> = {}): RunsTableInit {
  return { experimentIds, title: 'test', storeUri: fixtureStore, pollMs: 0, pageSize: 200, ...over };
}

async function mount(opts: { handlers?: Partial<RequestHandlers<RunsTableContract>>; state?: RunsTableState; init: RunsTableInit; width?: number }): Promise<{ table: Table; host: TestPanelHost<RunsTableContract>; root: HTMLElement }> {
  const root = document.createElement('main');
  document.body.replaceChildren(root);
  // One message channel per mounted page, as each webview has its own window.
  const channel = new window.EventTarget();
  const host = new TestPanelHost<RunsTableContract>(channel, opts.handlers ?? runsTableRequests(() => store), opts.state);
  const client = createPanelClient<RunsTableContract>({ api: host.api, target: channel as unknown as Window });
  const table = new RunsTable(root, client, { viewportHeight: () => VIEWPORT, viewportWidth: () => opts.width ?? 0, schedule: (cb) => cb(), filterDebounceMs: 0, now: () => Date.now() });
  assert.equal(host.sent[0]?.kind, 'ready', 'the page says ready before anything else');
  current = host;
  host.push('init', opts.init);
  await host.idle();
  return { table, host, root };
}

let current: TestPanelHost<RunsTableContract> | undefined;
/** Waits until the page's requests to the (last mounted) host are all answered and handled. */
const idle = () => current!.idle();

function visibleNames(root: HTMLElement): string[] {
  return [...root.querySelectorAll<HTMLElement>('.row:not([hidden])')]
    .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
    .map((r) => r.querySelector('.name')!.textContent!);
}

function headerCell(root: HTMLElement, title: string): HTMLElement {
  const h = [...root.querySelectorAll<HTMLElement>('.header .cell.head')].find((c) => c.querySelector('.label')?.textContent === title);
  assert.ok(h, `no header ${title}`);
  return h!;
}

/** Types into the search box's own <input>, as a keyboard would: value, caret, then an input event. */
async function type(table: Table, text: string): Promise<void> {
  const input = table.dom.filter.wrappedElement!;
  input.value = text;
  input.setSelectionRange(text.length, text.length);
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await settle();
}

async function typeFilter(table: Table, text: string, key = 'Enter'): Promise<void> {
  const f = table.dom.filter;
  await type(table, text);
  f.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
  await idle();
}

before(async () => {
  // Loaded after the DOM exists: lit-based components look for browser globals at load time.
  await import('@vscode-elements/elements/dist/vscode-button/index.js');
  await import('@vscode-elements/elements/dist/vscode-checkbox/index.js');
  await import('@vscode-elements/elements/dist/vscode-textfield/index.js');
  await settle();
});

after(async () => {
  await dom.close();
});

test('first page: the store order, nested runs folded under their parent, store text as text', async () => {
  const { root, host } = await mount({ init: init([iris]) });
  const page = host.requests('page');
  assert.equal(page.length, 1);
  assert.deepEqual(page[0].query, { experimentIds: [iris], filter: '', orderBy: [] });
  const active = await store.searchRuns({ experimentIds: [iris] });
  const tops = active.filter((r) => !r.data.tags['mlflow.parentRunId']).map((r) => r.info.runName);
  assert.deepEqual(visibleNames(root), tops);
  const parent = [...root.querySelectorAll<HTMLElement>('.row')].find((r) => r.querySelector('.name')?.textContent === 'tune-hyperparams')!;
  const twistie = parent.querySelector<HTMLElement>('.twistie')!;
  assert.equal(twistie.getAttribute('aria-expanded'), 'false');
  twistie.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  await idle();
  assert.equal(host.requests('children').length, 1);
  const names = visibleNames(root);
  const at = names.indexOf('tune-hyperparams');
  assert.deepEqual(names.slice(at + 1, at + 4).sort(), ['trial-0', 'trial-1', 'trial-2']);
  // special-values logs a unicode param, NaN and Infinity metrics: shown as text
  const header = [...root.querySelectorAll('.header .label')].map((e) => e.textContent);
  for (const k of ['loss', 'nan_metric', 'inf_metric', 'unicode', 'lr']) assert.ok(header.includes(k), `column ${k}: ${header.join(',')}`);
  const special = [...root.querySelectorAll<HTMLElement>('.row')].find((r) => r.querySelector('.name')?.textContent === 'special-values')!;
  const cells = [...special.querySelectorAll('.cell')].map((c) => c.textContent);
  assert.ok(cells.includes('NaN') && cells.includes('Infinity') && cells.includes('température ✓'), cells.join('|'));
});

test('a run name holding markup stays text', async () => {
  const rows = (await runsTableRequests(() => store).page({ query: { experimentIds: [iris], filter: '', orderBy: [] }, pageSize: 50 })).rows;
  const evil: RunRow = { ...rows[0], runId: 'e'.repeat(32), parentRunId: '', runName: '<img src=x onerror="globalThis.pwned=1">', params: { p: '<b>bold</b>' } };
  const { root } = await mount({ init: init([iris]), handlers: { page: async () => ({ rows: [evil] }) } });
  assert.equal(root.querySelectorAll('.body img, .body b').length, 0);
  assert.equal(root.querySelector('.row .name')!.textContent, evil.runName);
  assert.equal((globalThis as Record<string, unknown>).pwned, undefined);
});

test('clicking a metric header asks the store for that order; the rows follow it', async () => {
  const { root, host, table } = await mount({ init: init([iris]) });
  headerCell(root, 'loss').dispatchEvent(new MouseEvent('click', { bubbles: true }));
  await idle();
  const last = host.requests('page').at(-1)!;
  assert.deepEqual(last.query.orderBy, ['metrics.`loss` ASC']);
  assert.equal(last.pageToken, undefined, 'a new order starts from the first page');
  assert.equal(headerCell(root, 'loss').getAttribute('aria-sort'), 'ascending');
  const ordered = await store.searchRuns({ experimentIds: [iris], orderBy: ['metrics.`loss` ASC'] });
  const tops = ordered.filter((r) => !r.data.tags['mlflow.parentRunId']).map((r) => r.info.runName);
  assert.deepEqual(visibleNames(root), tops);
  headerCell(root, 'loss').dispatchEvent(new MouseEvent('click', { bubbles: true }));
  await idle();
  assert.deepEqual(host.requests('page').at(-1)!.query.orderBy, ['metrics.`loss` DESC']);
  headerCell(root, 'Created').dispatchEvent(new MouseEvent('click', { bubbles: true }));
  await idle();
  assert.deepEqual(host.requests('page').at(-1)!.query.orderBy, ['attributes.start_time ASC']);
  const before = host.requests('page').length;
  headerCell(root, 'Duration').dispatchEvent(new MouseEvent('click', { bubbles: true }));
  await idle();
  assert.equal(host.requests('page').length, before, 'MLflow cannot order by duration: no request');
  assert.deepEqual(table.state().sort, { column: { group: 'attributes', key: 'created' }, descending: false });
});

test('an invalid filter shows a caret under the position and sends nothing; a valid one queries', async () => {
  const { root, host, table } = await mount({ init: init([iris]) });
  const sent = host.requests('page').length;
  await typeFilter(table, 'params.model = "tree" and metrics.loss >> 1');
  const err = root.querySelector<HTMLElement>('.filter-error')!;
  assert.equal(err.hidden, false);
  const marks = err.querySelector('.marks')!.textContent!;
  const input = err.querySelector('.input')!.textContent!;
  assert.equal(input, 'params.model = "tree" and metrics.loss >> 1');
  const at = marks.indexOf('^');
  assert.ok(input.slice(at).startsWith('>'), `caret at ${at}: under '${input.slice(at)}'`);
  assert.ok(at >= input.indexOf('>>'), `caret at ${at}`);
  assert.match(err.querySelector('.message')!.textContent!, /./);
  assert.equal(host.requests('page').length, sent, 'no request for an invalid filter');

  await typeFilter(table, "params.model = 'tree'");
  assert.equal(err.hidden, true);
  const last = host.requests('page').at(-1)!;
  assert.equal(last.query.filter, "params.model = 'tree'");
  const want = await store.searchRuns({ experimentIds: [iris], filter: "params.model = 'tree'" });
  assert.deepEqual(visibleNames(root).sort(), want.map((r) => r.info.runName).sort());
});

test('completion offers the metric, param and tag keys that exist', async () => {
  const { root, table } = await mount({ init: init([iris]) });
  const f = table.dom.filter;
  await type(table, 'metrics.tr');
  const items = [...root.querySelectorAll('.completions li .label')].map((e) => e.textContent);
  assert.equal(items[0], 'train/accuracy', 'keys starting with the typed text come first');
  assert.deepEqual(items.slice(1).sort(), ['inf_metric', 'nan_metric'], 'then keys containing it');
  f.dispatchEvent(new KeyboardEvent('keydown', { key: 'Tab', bubbles: true }));
  await settle();
  assert.equal(f.value, 'metrics.`train/accuracy` ');
  await type(table, 'params.');
  const params = [...root.querySelectorAll('.completions li .label')].map((e) => e.textContent);
  assert.deepEqual(params, ['cv_folds', 'data/path', 'empty', 'lr', 'max_depth', 'model', 'search', 'unicode', 'yes_string']);
  await type(table, 'tags.weird');
  assert.deepEqual([...root.querySelectorAll('.completions li .label')].map((e) => e.textContent), ['weird key-with space']);
});

test('checkbox selection: three runs, a Shift range, the event the other panels open from', async () => {
  const { root, host, table } = await mount({ init: init([forecasting]) });
  const boxes = () => [...root.querySelectorAll<HTMLElement>('.row:not([hidden])')].sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index)).map((r) => r.querySelector('input')!);
  for (const i of [0, 1, 2]) {
    const b = boxes()[i];
    b.checked = !b.checked;
    b.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    await settle();
  }
  const ev = host.events('selection').at(-1)!;
  assert.equal(ev.runIds.length, 3);
  assert.deepEqual(ev.experimentIds, [forecasting]);
  assert.deepEqual(new Set(ev.runIds), new Set(table.rows.display.slice(0, 3).map((d) => d.row.runId)));
  assert.deepEqual(new Set(host.state!.selected), new Set(ev.runIds), 'selection is kept with the panel state');
  assert.equal(root.querySelectorAll('.row.selected').length, 3);
  assert.match(table.dom.count.textContent!, /3 selected/);
  table.toggleSelected(0);
  table.toggleSelected(2, true);
  assert.equal(host.events('selection').at(-1)!.runIds.length, 0, 'Shift range cleared rows 0..2');
  table.dom.selectAll.checked = true;
  table.dom.selectAll.dispatchEvent(new Event('change'));
  assert.equal(host.events('selection').at(-1)!.runIds.length, table.rows.display.length);
});

test('virtualized: 10,000 runs, only the rows in view exist, pages load as they come into view', async () => {
  // The fixture's runs as the host maps them, repeated under fresh ids to make 10,000.
  const base = (await runsTableRequests(() => store).page({ query: { experimentIds: [iris, forecasting], filter: '', orderBy: [] }, pageSize: 100 })).rows.map((r) => ({ ...r, parentRunId: '' }));
  const all: RunRow[] = Array.from({ length: 10_000 }, (_, i) => ({ ...base[i % base.length], runId: i.toString(16).padStart(32, '0'), runName: `run-${i}` }));
  const page: RequestHandlers<RunsTableContract>['page'] = async ({ pageSize, pageToken }) => {
    const from = pageToken ? Number(pageToken) : 0;
    const to = from + pageSize;
    return { rows: all.slice(from, to), nextPageToken: to < all.length ? String(to) : undefined };
  };
  const { root, host, table } = await mount({ init: init([iris], { pageSize: 200 }), handlers: { page } });
  assert.equal(host.requests('page').length, 1, 'one page fills the first screen');
  const rowEls = () => root.querySelectorAll('.row:not([hidden])').length;
  assert.ok(rowEls() <= 20 + 10 + 1, `${rowEls()} row elements for a 20-row viewport`);
  assert.deepEqual(visibleNames(root).slice(0, 3), ['run-0', 'run-1', 'run-2']);

  const scrollTo = async (row: number) => {
    table.dom.grid.scrollTop = row * ROW_HEIGHT;
    table.dom.grid.dispatchEvent(new Event('scroll'));
    await idle();
  };
  for (let row = 0; row < 9_990; row += 300) await scrollTo(row);
  await scrollTo(9_980);
  assert.equal(table.rows.loadedCount, 10_000);
  assert.equal(table.rows.complete, true);
  const tokens = host.requests('page').map((p) => p.pageToken ?? '0');
  assert.deepEqual(tokens, Array.from({ length: 50 }, (_, i) => String(i * 200)), 'each page asked once, in order');
  const names = visibleNames(root);
  assert.ok(names.includes('run-9999') && names.includes('run-9985'), names.join(','));
  assert.ok(rowEls() <= 20 + 20 + 1, `${rowEls()} row elements at the bottom`);
  assert.match(table.dom.count.textContent!, /^10000 runs/);
  assert.equal(table.dom.body.style.height, `${10_000 * ROW_HEIGHT}px`);
});

test('state survives a reload: filter, sort, columns, selection and scroll come back', async () => {
  const state: RunsTableState = {
    experimentIds: [iris],
    title: 'iris-classifier',
    filter: "params.model = 'tree'",
    sort: { column: { group: 'metrics', key: 'rmse' }, descending: true },
    hidden: ['params:lr'],
    shown: ['tags:stage'],
    selected: [expected.runs.find((r) => r.run_name === 'trial-0')!.run_id],
    expanded: [],
    scrollTop: 0,
  };
  const { root, host, table } = await mount({ init: init([iris]), state });
  const q = host.requests('page')[0].query;
  assert.equal(q.filter, state.filter);
  assert.deepEqual(q.orderBy, ['metrics.`rmse` DESC']);
  assert.equal(table.dom.filter.value, state.filter);
  const header = [...root.querySelectorAll('.header .label')].map((e) => e.textContent);
  assert.ok(!header.includes('lr') && header.includes('stage'), header.join(','));
  assert.deepEqual(host.events('selection')[0].runIds, state.selected, 'the restored selection is told to the host');
  assert.equal(root.querySelectorAll('.row.selected').length, 1);
  // Another experiment set does not take this state.
  const other = await mount({ init: init([forecasting]), state });
  assert.equal(other.host.requests('page')[0].query.filter, '');
});

test('RUNNING runs in view are re-read; others are not', async () => {
  const { host, table } = await mount({ init: init([forecasting]) });
  await table.poll();
  const asked = host.requests('runs');
  assert.equal(asked.length, 1);
  const live = expected.runs.filter((r) => r.experiment_id === forecasting && r.status === 'RUNNING').map((r) => r.run_id);
  assert.deepEqual(asked[0].runIds, live);
});

test('the column chooser hides and shows columns, by key and by group', async () => {
  const { root, table } = await mount({ init: init([iris]) });
  table.dom.columnsButton.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  await settle();
  const box = root.querySelector<HTMLElement & { checked: boolean }>('.chooser vscode-checkbox[data-col="metrics:loss"]')!;
  assert.equal(box.checked, true);
  box.checked = false;
  box.dispatchEvent(new Event('change', { bubbles: true }));
  await settle();
  let header = [...root.querySelectorAll('.header .label')].map((e) => e.textContent);
  assert.ok(!header.includes('loss'));
  const tagsAll = [...root.querySelectorAll<HTMLElement>('.chooser .group-tags .chooser-head vscode-button')].find((b) => b.textContent === 'All')!;
  tagsAll.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  await settle();
  header = [...root.querySelectorAll('.header .label')].map((e) => e.textContent);
  assert.ok(header.includes('weird key-with space') && header.includes('mlflow.runName'), header.join(','));
});

test('a store failure while paging keeps the rows already shown and says what failed', async () => {
  let n = 0;
  const page: RequestHandlers<RunsTableContract>['page'] = async ({ pageToken }) => {
    if (n++ === 0 && !pageToken) return { rows: (await runsTableRequests(() => store).page({ query: { experimentIds: [iris], filter: '', orderBy: [] }, pageSize: 100 })).rows, nextPageToken: 'p2' };
    throw new Error('Connection refused: http://127.0.0.1:5999/api/2.0/mlflow/runs/search');
  };
  const { root, table } = await mount({ init: init([iris], { pageSize: 2 }), handlers: { page } });
  assert.ok(table.rows.loadedCount > 0);
  const banner = root.querySelector<HTMLElement>('.banner')!;
  assert.equal(banner.hidden, false);
  assert.match(banner.textContent!, /127\.0\.0\.1:5999.*already loaded stay shown/);
  assert.ok(visibleNames(root).length > 0);
});

test('only the columns within the width hold text; a horizontal scroll fills the ones it brings in and empties the ones it leaves', async () => {
  const { root, table } = await mount({ init: init([iris]), width: 500 });
  const n = root.querySelectorAll('.header .cell.head').length;
  const rows = () => [...root.querySelectorAll<HTMLElement>('.row:not([hidden])')];
  // Column i of the grid is cell i + 1 of a row (the checkbox cell comes first).
  const filled = (i: number) => rows().filter((r) => (r.children[i + 1].textContent ?? '') !== '').length;
  const rightmost = Array.from({ length: 5 }, (_, k) => n - 1 - k);
  assert.ok(n > 12, `${n} columns`);
  assert.ok(filled(1) > 0, 'a column at the left holds text');
  assert.deepEqual(rightmost.map(filled), [0, 0, 0, 0, 0], 'the columns far to the right are empty');
  // To the right end: the table's width less the viewport's (a DOM without layout does not clamp).
  table.dom.grid.scrollLeft = parseInt(root.style.getPropertyValue('--table-width'), 10) - 500;
  table.dom.grid.dispatchEvent(new Event('scroll'));
  await idle();
  assert.ok(rightmost.some((i) => filled(i) > 0), 'the columns brought in are filled');
  assert.equal(filled(1), 0, 'a column left behind is emptied');
  assert.ok(rows().every((r) => r.querySelector('.name')!.textContent !== ''), 'run names stay');
  // Without layout (width 0) every column is filled, as before.
  const whole = await mount({ init: init([iris]) });
  assert.ok([...whole.root.querySelectorAll<HTMLElement>('.row:not([hidden])')].some((r) => r.children[n].textContent !== ''));
});
