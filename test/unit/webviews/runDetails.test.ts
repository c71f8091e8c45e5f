import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ArtifactReader } from '../../../extension/core/artifacts/artifactReader';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { toArtifactPage, toRunDetails } from '../../../extension/host/mappers/runDetails';
import { loadRunDetails, runDetailsRequests } from '../../../extension/host/runDetailsRequests';
import type { RequestHandlers } from '../../../webviews/platform/envelope';
import { createPanelClient } from '../../../webviews/platform/panelClient';
import type { RunDetails, RunDetailsContract, RunDetailsState } from '../../../webviews/runDetails/contract';
import { RunDetailsPage } from '../../../webviews/runDetails/page';
import { installDom, settle } from '../../support/dom';
import { expectedValue, fixtureStore, loadExpected } from '../../support/fixture';
import { TestPanelHost } from '../../support/webviewHost';

/**
 * The run details page in a DOM (happy-dom): its data comes from the host mapper and its requests
 * are answered by the host's own handlers (extension/host/runDetailsRequests.ts), reading the store
 * real mlflow wrote through the same artifact reader the `mlflow-artifact:` file system uses.
 */

const dom = installDom();
const expected = loadExpected();
const store = new FileStoreReader(fixtureStore);
const reader = new ArtifactReader(() => ({ uri: store.uri, store }));
const handlers = () => runDetailsRequests(() => store, (runId, path) => reader.list({ store: store.uri, runId, path }));
const parentId = expected.parent_run_id;
const parent = expected.runs.find((r) => r.run_id === parentId)!;
const trials = expected.runs.filter((r) => r.tags['mlflow.parentRunId'] === parentId && r.lifecycle_stage === 'active');

interface Mounted {
  root: HTMLElement;
  host: TestPanelHost<RunDetailsContract>;
}

async function mount(run: RunDetails, opts: { pinned?: boolean; state?: RunDetailsState; handlers?: Partial<RequestHandlers<RunDetailsContract>>; artifactsPerRequest?: number; childrenPerRequest?: number } = {}): Promise<Mounted> {
  const root = document.createElement('main');
  document.body.replaceChildren(root);
  const channel = new window.EventTarget();
  const host = new TestPanelHost<RunDetailsContract>(channel, opts.handlers ?? handlers(), opts.state);
  const client = createPanelClient<RunDetailsContract>({ api: host.api, target: channel as unknown as Window });
  new RunDetailsPage(root, client, { artifactsPerRequest: opts.artifactsPerRequest, childrenPerRequest: opts.childrenPerRequest });
  assert.equal(host.sent[0]?.kind, 'ready', 'the page says ready before anything else');
  host.push('run', { run, pinned: opts.pinned ?? false });
  await host.idle();
  await settle();
  return { root, host };
}

const click = (e: Element, detail = 1) => e.dispatchEvent(new MouseEvent('click', { bubbles: true, detail }));
const texts = (root: ParentNode, sel: string) => [...root.querySelectorAll(sel)].map((e) => e.textContent ?? '');
const row = (root: ParentNode, path: string) => root.querySelector<HTMLElement>(`.artifact-row[data-path="${path}"]`);

before(async () => {
  await import('@vscode-elements/elements/dist/vscode-badge/index.js');
  await import('@vscode-elements/elements/dist/vscode-button/index.js');
  await import('@vscode-elements/elements/dist/vscode-tabs/index.js');
  await import('@vscode-elements/elements/dist/vscode-tab-header/index.js');
  await import('@vscode-elements/elements/dist/vscode-tab-panel/index.js');
  await settle();
});

after(async () => {
  await dom.close();
});

test('the host mapper sends raw values exactly as mlflow reports them', async () => {
  for (const e of expected.runs) {
    const d = await loadRunDetails(store, e.run_id);
    assert.equal(d.runId, e.run_id);
    assert.equal(d.runName, e.run_name);
    assert.equal(d.status, e.status);
    assert.equal(d.startTime, e.start_time);
    assert.equal(d.endTime, e.end_time);
    assert.equal(d.userId, e.user_id);
    assert.equal(d.artifactUri, e.artifact_uri);
    assert.equal(d.note, e.tags['mlflow.note.content'] ?? '');
    assert.deepEqual(d.params, Object.keys(e.params).sort().map((key) => ({ key, value: e.params[key] })));
    assert.deepEqual(d.tags.map((t) => t.key), Object.keys(e.tags).filter((k) => k !== 'mlflow.note.content').sort());
    assert.deepEqual(d.metrics.map((m) => m.key), Object.keys(e.metrics).sort());
    for (const m of d.metrics) {
      const want = e.metrics[m.key];
      assert.ok(Object.is(m.value, expectedValue(want.value)), `${e.run_name} ${m.key}: ${m.value}`);
      assert.deepEqual([m.step, m.timestamp], [want.step, want.timestamp]);
    }
    const parentTag = e.tags['mlflow.parentRunId'];
    if (parentTag) assert.deepEqual(d.parent, { runId: parentTag, runName: expected.runs.find((r) => r.run_id === parentTag)!.run_name });
    else assert.equal(d.parent, undefined);
  }
  assert.deepEqual(toArtifactPage('', [{ path: 'a', isDir: true }, { path: 'b', isDir: false, fileSize: 3 }], 1, 5), { path: '', offset: 1, total: 2, entries: [{ path: 'b', isDir: false, size: 3 }] });
  assert.deepEqual(toArtifactPage('', [{ path: 'a', isDir: false }], 9, 5).entries, []);
});

test('overview, metrics, params and tags render the mapped run, formatted in the page', async () => {
  const special = expected.runs.find((r) => r.run_name === 'special-values')!;
  const { root } = await mount(await loadRunDetails(store, special.run_id), { pinned: true });
  assert.equal(root.querySelector('h1')!.textContent, 'special-values');
  const cells = texts(root, 'td');
  for (const v of ['NaN', 'Infinity', '1.0000e-7', '-2.5', 'température ✓', 'yes']) assert.ok(cells.includes(v), `${v} not in ${cells.join('|')}`);
  assert.ok(texts(root, 'vscode-tab-header').includes(`Params (${Object.keys(special.params).length})`));
  assert.equal(root.querySelector('[data-action="keep-open"]'), null, 'a pinned panel offers no Keep Open');
});

test('Open Charts asks the host for the run\'s charts; a run without metrics has no such button', async () => {
  const withMetrics = expected.runs.find((r) => Object.keys(r.metrics).length > 0)!;
  const { root, host } = await mount(await loadRunDetails(store, withMetrics.run_id));
  click(root.querySelector('[data-action="open-charts"]')!);
  assert.deepEqual(host.events('openCharts'), [{ runId: withMetrics.run_id }]);
  const without = expected.runs.find((r) => Object.keys(r.metrics).length === 0);
  if (without) {
    const other = await mount(await loadRunDetails(store, without.run_id));
    assert.equal(other.root.querySelector('[data-action="open-charts"]'), null);
  }
});

test('a preview offers Keep Open; it asks the host to pin', async () => {
  const { root, host } = await mount(await loadRunDetails(store, parentId));
  const keep = root.querySelector('[data-action="keep-open"]');
  assert.ok(keep);
  click(keep!);
  assert.equal(host.events('pin').length, 1);
  assert.deepEqual(host.state, { runId: parentId, pinned: false, tab: 0, expanded: [] });
});

test('the parent is a link by name; a parent lists its children, page by page, as links', async () => {
  const child = await mount(await loadRunDetails(store, trials[0].run_id));
  const link = child.root.querySelector<HTMLAnchorElement>('a.parent-link');
  assert.ok(link, 'no parent link');
  assert.equal(link!.textContent, parent.run_name);
  click(link!);
  assert.deepEqual(child.host.events('openRun'), [{ runId: parentId }]);
  assert.equal(child.root.querySelector('section.children')!.hasAttribute('hidden'), true, 'a leaf run shows no children section');

  const { root, host } = await mount(await loadRunDetails(store, parentId), { childrenPerRequest: 2 });
  assert.deepEqual(texts(root, 'a.child-link').length, 2);
  const more = root.querySelector('.more-children');
  assert.ok(more, 'no Load more with 3 children and pages of 2');
  click(more!);
  await host.idle();
  const shown = texts(root, 'a.child-link');
  assert.deepEqual([...shown].sort(), trials.map((t) => t.run_name).sort());
  assert.equal(root.querySelector('.more-children'), null);
  assert.equal(host.requests('children').length, 2);
  assert.ok(host.requests('children')[1].pageToken, 'the second request continues from the first page token');
  click(root.querySelector('a.child-link')!);
  assert.equal(host.events('openRun').length, 1);
});

test('artifact folders expand, a page at a time; files open on click, pinned on double-click', async () => {
  const { root, host } = await mount(await loadRunDetails(store, parentId), { artifactsPerRequest: 2 });
  const rootNames = expected.artifacts.root.map((a) => a.path);
  // pages of 2: the first page, then "Show more"
  assert.deepEqual(texts(root, '.artifact-tree > .artifact-row:not(.more) .name'), rootNames.slice(0, 2));
  assert.ok(texts(root, 'vscode-tab-header').includes(`Artifacts (${rootNames.length})`));
  click(root.querySelector('.artifact-tree > .artifact-row.more')!);
  await host.idle();
  assert.deepEqual(texts(root, '.artifact-tree > .artifact-row .name'), rootNames);

  const plots = row(root, 'plots')!;
  assert.equal(plots.getAttribute('aria-expanded'), 'false');
  // A folder carries the context VS Code's webview/context menu hands to "Register Model…".
  assert.deepEqual(JSON.parse(plots.getAttribute('data-vscode-context')!), { webviewSection: 'artifactFolder', runId: parentId, path: 'plots' });
  click(plots);
  await host.idle();
  await settle();
  assert.equal(plots.getAttribute('aria-expanded'), 'true');
  assert.deepEqual(host.requests('artifacts').at(-1), { runId: parentId, path: 'plots', offset: 0, limit: 2 });
  const group = plots.nextElementSibling as HTMLElement;
  assert.equal(group.getAttribute('role'), 'group');
  assert.deepEqual(texts(group, '.artifact-row .name'), expected.artifacts.plots.map((a) => a.path.split('/').pop()));
  assert.ok(texts(group, '.size').includes(`${expected.artifacts.plots[1].file_size} B`));
  assert.ok(row(root, 'plots/loss.png')!.querySelector('.codicon-file-media'), 'images get the media icon');
  assert.deepEqual(host.state?.expanded, ['plots']);

  click(row(root, 'plots/loss.png')!);
  row(root, 'plots/loss.png')!.dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
  assert.deepEqual(host.events('openArtifact'), [
    { runId: parentId, path: 'plots/loss.png', keep: false },
    { runId: parentId, path: 'plots/loss.png', keep: true },
  ]);
  // keyboard: Enter opens, ArrowLeft folds
  row(root, 'labels.json')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  assert.deepEqual(host.events('openArtifact').at(-1), { runId: parentId, path: 'labels.json', keep: false });
  plots.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
  assert.equal(plots.getAttribute('aria-expanded'), 'false');
  assert.equal(group.hidden, true);
  assert.deepEqual(host.state?.expanded, []);
  click(plots);
  assert.equal(group.hidden, false);
  assert.equal(host.requests('artifacts').filter((r) => r.path === 'plots').length, 1, 'a folder is read once, not on every expand');
});

test('after a reload the expanded folders and the tab come back', async () => {
  const { root, host } = await mount(await loadRunDetails(store, parentId), { state: { runId: parentId, pinned: false, tab: 4, expanded: ['config', 'plots'] } });
  await host.idle();
  await settle();
  assert.deepEqual(host.requests('artifacts').map((r) => r.path).sort(), ['', 'config', 'plots']);
  assert.ok(row(root, 'config/search.yaml'), 'config was expanded again');
  assert.equal(root.querySelector('vscode-tabs')!.getAttribute('selected-index'), '4');
  // another run in the same panel starts afresh
  host.push('run', { run: await loadRunDetails(store, trials[0].run_id), pinned: false });
  await host.idle();
  assert.deepEqual(host.state, { runId: trials[0].run_id, pinned: false, tab: 0, expanded: [] });
});

test('store strings stay text: names, params, tags, notes and artifact names holding markup', async () => {
  const run = await store.getRun(parentId);
  run.info.runName = '<img src=x onerror="globalThis.pwned=1">';
  run.data.params['<b>p</b>'] = '<script>globalThis.pwned=2</script>';
  run.data.tags['mlflow.note.content'] = '<iframe src="https://example.com"></iframe>';
  const evil = toRunDetails(run, '<i>exp</i>', { runId: 'f'.repeat(32), runName: '<a href="javascript:alert(1)">x</a>' });
  const { root } = await mount(evil, {
    handlers: {
      ...handlers(),
      artifacts: async ({ path }) => ({ path, offset: 0, total: 1, entries: [{ path: '<svg onload=alert(1)>.png', isDir: false, size: 1 }] }),
    },
  });
  assert.equal(root.querySelectorAll('img, b, script, iframe, i, svg').length, 0);
  assert.equal(root.querySelector('h1')!.textContent, run.info.runName);
  assert.equal(root.querySelector('a.parent-link')!.textContent, '<a href="javascript:alert(1)">x</a>');
  assert.equal(root.querySelector('a.parent-link')!.getAttribute('href'), '#');
  assert.equal(row(root, '<svg onload=alert(1)>.png')!.querySelector('.name')!.textContent, '<svg onload=alert(1)>.png');
  assert.equal((globalThis as Record<string, unknown>).pwned, undefined);
});

test('errors: a folder that cannot be listed, paths with .., a run that is gone', async () => {
  const h = handlers();
  await assert.rejects(Promise.resolve(h.artifacts({ runId: parentId, path: '../meta.yaml', offset: 0, limit: 10 })), /Invalid artifact path/);
  await assert.rejects(Promise.resolve(h.artifacts({ runId: parentId, path: 1 as unknown as string, offset: 0, limit: 10 })), /no valid artifact path/);
  await assert.rejects(Promise.resolve(h.children({ runId: 'f'.repeat(32), limit: 10 })), /f{32}/);
  const { root, host } = await mount(await loadRunDetails(store, parentId), {
    handlers: { ...h, artifacts: async () => Promise.reject(new Error('listing refused: /x/artifacts')) },
  });
  await host.idle();
  assert.equal(root.querySelector('.artifact-tree .error')!.textContent, 'listing refused: /x/artifacts');
  host.push('error', { runId: parentId, message: 'Cannot load run x: <b>gone</b>' });
  assert.equal(root.querySelector('p.error')!.textContent, 'Cannot load run x: <b>gone</b>');
  assert.equal(root.querySelectorAll('b').length, 0);
});
