import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ProjectParameter } from '../../../../extension/core/project/model';

/**
 * Glue of the runner's VS Code side with a recording `vscode` stand-in: what the parameter boxes
 * show (the checks themselves are the core's), and what LiveRuns asks of the views when a run
 * starts and ends. The real workbench is exercised by test/vscode/runnerFlows.mjs.
 */

const shown: { message: string; items: string[] }[] = [];
let answer: string | undefined;
const fakeVscode = {
  InputBoxValidationSeverity: { Info: 1, Warning: 2, Error: 3 },
  window: {
    showInformationMessage: async (message: string, ...items: string[]) => {
      shown.push({ message, items });
      return answer;
    },
  },
};
const resolver = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
const original = resolver._resolveFilename;
resolver._resolveFilename = (req, ...rest) => (req === 'vscode' ? 'vscode' : original(req, ...rest));
(require.cache as Record<string, unknown>).vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: fakeVscode };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkValue, checkValueList } = require('../../../../extension/host/runner/prompts') as typeof import('../../../../extension/host/runner/prompts');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { LiveRuns } = require('../../../../extension/host/runner/liveRuns') as typeof import('../../../../extension/host/runner/liveRuns');

const dir = mkdtempSync(join(tmpdir(), 'mlwb-glue-'));
writeFileSync(join(dir, 'data.csv'), 'x\n1\n');
after(() => {
  resolver._resolveFilename = original;
  rmSync(dir, { recursive: true, force: true });
});

const param = (type: ProjectParameter['type'], dflt?: string): ProjectParameter => ({ name: 'p', type, declaredType: type, ...(dflt !== undefined ? { default: dflt } : {}) });
const ERROR = 3;
const WARNING = 2;

test('parameter boxes: a bad float or int is an error in the box, a missing path a warning, a good value nothing', () => {
  assert.equal(checkValue(param('float'), 'abc', dir)?.severity, ERROR);
  assert.match(checkValue(param('float'), 'abc', dir)!.message, /'abc' is not a number/);
  assert.equal(checkValue(param('float'), '1e-3', dir), undefined);
  assert.equal(checkValue(param('int'), '0.5', dir)?.severity, ERROR);
  assert.equal(checkValue(param('uri'), 'no-scheme', dir)?.severity, ERROR);
  assert.equal(checkValue(param('uri'), 's3://bucket/x', dir), undefined);
  assert.equal(checkValue(param('path'), 'data.csv', dir), undefined, 'relative to the project folder');
  assert.equal(checkValue(param('path'), 'nope.csv', dir)?.severity, WARNING);
  assert.equal(checkValue(param('float'), '', dir)?.severity, ERROR, 'a required float needs a value');
  assert.equal(checkValue(param('string'), '; touch x', dir), undefined, 'strings are taken as typed');
});

test('sweep lists: the first bad value is named; warnings pass; an empty list is refused', () => {
  assert.match(checkValueList(param('float'), '0.1, x, 0.3', dir)!.message, /'x' is not a number/);
  assert.equal(checkValueList(param('float'), '0.1, 0.2', dir), undefined);
  assert.equal(checkValueList(param('path'), 'data.csv, nope.csv', dir)?.severity, WARNING);
  assert.equal(checkValueList(param('float'), ' , ', dir)?.severity, ERROR);
});

function liveRuns(nodeFound: boolean) {
  const calls: string[] = [];
  const run = { info: { runId: 'r1', runName: 'brave-fox', experimentId: '1' }, data: { tags: {} } };
  const node = { type: 'run', run };
  const session = { state: { kind: 'connected', store: { getRun: async (id: string) => (calls.push(`getRun ${id}`), run) } } };
  const live = new LiveRuns(
    session as never,
    {
      tree: { refresh: async () => void calls.push('refresh'), nodeForRun: async () => (nodeFound ? (node as never) : undefined) },
      view: { reveal: async (n: unknown, o?: { select?: boolean; focus?: boolean }) => void calls.push(`reveal ${n === node} select=${o?.select} focus=${o?.focus}`) },
      openCharts: (ids) => void calls.push(`charts ${ids}`),
      openRun: (id) => void calls.push(`open ${id}`),
      compare: (ids) => void calls.push(`compare ${ids}`),
    },
    { info: () => undefined, warn: (m: string) => void calls.push(`warn ${m}`) } as never,
  );
  return { live, calls };
}

test('a started run: the view refreshes, reveals and selects it (focus stays), and "Open Charts" follows it', async () => {
  shown.length = 0;
  answer = 'Open Charts';
  const { live, calls } = liveRuns(true);
  await live.started('r1', true);
  assert.deepEqual(calls, ['refresh', 'getRun r1', 'reveal true select=true focus=false', 'charts r1']);
  assert.deepEqual(shown, [{ message: 'MLflow: run brave-fox started.', items: ['Open Charts', 'Open Run'] }]);
});

test('a sweep child is revealed without a notification; an end refreshes; a sweep ends in the compare panel', async () => {
  shown.length = 0;
  const { live, calls } = liveRuns(true);
  await live.started('r1', false);
  await live.ended('r1', 'FINISHED');
  live.sweepEnded(['a', 'b', 'c']);
  live.sweepEnded([]);
  assert.deepEqual(calls, ['refresh', 'getRun r1', 'reveal true select=true focus=false', 'refresh', 'compare a,b,c']);
  assert.equal(shown.length, 0);
});

test('a run the view does not list (filtered out) is not revealed, and nothing fails', async () => {
  answer = undefined;
  const { live, calls } = liveRuns(false);
  await live.started('r1', true);
  assert.deepEqual(calls, ['refresh', 'getRun r1']);
});
