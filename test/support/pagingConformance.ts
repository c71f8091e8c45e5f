import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { Run, ViewType } from '../../extension/core/model/entities';
import { StoreError } from '../../extension/core/store/errors';
import type { TrackingReader } from '../../extension/core/store/trackingStore';
import { mlflowEnv, mlflowPython, repoRoot } from './python';

/**
 * Paging conformance: a store written by the real mlflow (test/support/mlflow_paging.py), searched
 * page by page through one of our readers and through mlflow's own client with the same filter,
 * order_by and page size. Every page must hold the same run ids as mlflow's page and carry the same
 * next-page token, the pages must concatenate to mlflow's full answer (mlflow.search_runs), and the
 * runs on a page must hold the same data as mlflow's. Searches mlflow rejects must be rejected.
 */

export interface PagingCase {
  filter?: string;
  order_by?: string[];
  view?: ViewType;
  /** Search only the second experiment. */
  secondOnly?: boolean;
  /** Needs dataset inputs, which only the SQL-backed paging stores get (our file store reads no inputs). */
  datasets?: boolean;
  sizes: number[];
}

const T = 1_700_000_000_000;

export const PAGING_CASES: PagingCase[] = [
  { sizes: [7, 100, 1000] },
  { order_by: ['metrics.m DESC'], sizes: [5, 40] },
  { order_by: ['metrics.m ASC'], sizes: [7, 100] },
  { order_by: ['params.p'], sizes: [7, 100] },
  { order_by: ['params.p DESC', 'metrics.m ASC'], sizes: [7] },
  { order_by: ['tags.t DESC'], sizes: [7, 100] },
  { order_by: ['attributes.run_name'], sizes: [7, 100] },
  { order_by: ['status DESC'], sizes: [7] },
  { order_by: ['end_time'], sizes: [7] },
  { order_by: ['attributes.start_time ASC'], sizes: [7, 1000] },
  { order_by: ['metrics.m2'], sizes: [7] },
  { order_by: ['metrics.`nested/acc` DESC'], sizes: [7] },
  { order_by: ['params.`path/key`'], sizes: [7] },
  { order_by: ['tags.`mlflow.runName` DESC'], sizes: [7] },
  { filter: 'metrics.m > 0.5', sizes: [7, 100] },
  { filter: 'metrics.m != 0.3', order_by: ['metrics.m'], sizes: [7] },
  { filter: 'metrics.m < 1e308', order_by: ['metrics.m DESC'], sizes: [7] },
  { filter: 'metrics.m = 0.3', sizes: [7] },
  // SQL stores keep NaN as 0 with a flag: neither may make NaN equal 0 or drop it from != 0.
  { filter: 'metrics.m != 0', sizes: [7] },
  { filter: 'metrics.m <= 0', order_by: ['metrics.m DESC'], sizes: [7] },
  { filter: "params.p = 'beta'", sizes: [1, 7] },
  { filter: 'params.p IS NULL', sizes: [7] },
  { filter: 'params.p IS NOT NULL', order_by: ['params.p DESC'], sizes: [7] },
  { filter: "params.p LIKE '%a'", sizes: [7] },
  { filter: "tags.t LIKE 'x%'", sizes: [7] },
  { filter: "tags.t ILIKE 'x%'", sizes: [7] },
  { filter: "tags.t = ''", sizes: [7] },
  { filter: "run_name LIKE 'run-1%'", order_by: ['run_name DESC'], sizes: [7] },
  { filter: "attributes.run_name ILIKE 'RUN_%'", sizes: [7] },
  { filter: "run_name = 'trial%'", sizes: [7] },
  { filter: "status = 'FINISHED'", order_by: ['metrics.m DESC'], sizes: [7, 100] },
  { filter: `start_time > ${T + 5000} AND end_time < ${T + 20_200}`, sizes: [7] },
  { filter: "tags.rare = 'yes'", sizes: [1, 7] },
  { filter: "params.lr = '0.01'", order_by: ['metrics.m2 DESC', 'params.p'], sizes: [7] },
  { filter: "params.`path/key` != 'v1'", sizes: [7] },
  { view: 'ALL', order_by: ['metrics.m'], sizes: [7, 100] },
  { view: 'DELETED_ONLY', sizes: [7] },
  { secondOnly: true, order_by: ['params.p'], sizes: [1, 7] },
  { datasets: true, filter: "dataset.name = 'ds-1'", sizes: [1, 7] },
  { datasets: true, filter: "dataset.digest != 'd0'", order_by: ['metrics.m'], sizes: [7] },
  { datasets: true, filter: "dataset.context ILIKE 'eval'", sizes: [7] },
  { datasets: true, filter: "dataset.name IN ('ds-0', 'ds-2') AND dataset.context = 'training'", sizes: [7] },
  // rejected by mlflow
  { filter: "params.p < 'a'", sizes: [7] },
  { filter: 'metrics.m = 0.3 OR metrics.m = 0.4', sizes: [7] },
  { order_by: ['metrics.m DESC ASC'], sizes: [7] },
  // MLflow's SQL store refuses a key given twice; its file store takes it.
  { order_by: ['metrics.m', 'metrics.m DESC'], sizes: [7] },
  { order_by: ['start_time', 'created DESC'], sizes: [7] },
];

interface MlflowRunData {
  run_name: string;
  status: string;
  start_time: number;
  end_time: number | null;
  lifecycle_stage: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, number | string | null>;
}

type CaseAnswer = { error: string } | { full: string[]; pages: Record<string, { ids: string[]; token: string | null }[]> };
export interface PagingAnswer {
  runs: Record<string, MlflowRunData>;
  cases: CaseAnswer[];
}

const SCRIPT = join(repoRoot, 'test', 'support', 'mlflow_paging.py');

function python(args: string[], input?: string, cwd?: string): string {
  const r = spawnSync(mlflowPython(), [SCRIPT, ...args], { input, cwd, env: mlflowEnv(), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`mlflow_paging.py ${args[0]} failed (${r.status}):\n${r.stderr.slice(-4000)}`);
  return r.stdout.trim().split('\n').pop() ?? '';
}

/** Writes the paging store with the real mlflow; returns its two experiment ids. */
export function makePagingStore(uri: string, opts: { datasets: boolean; cwd?: string }): string[] {
  return (JSON.parse(python(['make', uri, ...(opts.datasets ? ['--datasets'] : [])], undefined, opts.cwd)) as { experiment_ids: string[] }).experiment_ids;
}

/** The cases a store answers: dataset cases only where the store was made with datasets. */
export function pagingCases(datasets: boolean): PagingCase[] {
  return PAGING_CASES.filter((c) => datasets || !c.datasets);
}

/**
 * MLflow's answers. Asynchronous on purpose: a test `mlflow server` in this process writes its log
 * into a pipe that only an event loop that keeps turning drains; a blocking spawnSync would let
 * that pipe fill and the server stop answering.
 */
export function askMlflowPaging(uri: string, experimentIds: string[], cases: readonly PagingCase[], cwd?: string): Promise<PagingAnswer> {
  const wire = cases.map((c) => ({ ...c, experiment_ids: c.secondOnly ? [experimentIds[1]] : undefined }));
  return new Promise((resolve, reject) => {
    // No retries in mlflow's client: the server answers some searches it refuses with HTTP 500, and
    // the client's default schedule would sleep minutes on each before giving up.
    const child = spawn(mlflowPython(), [SCRIPT, 'ask', uri], { cwd, env: mlflowEnv({ MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' }), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-8000)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`mlflow_paging.py ask failed (${code}):\n${err.slice(-4000)}`));
      resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as PagingAnswer);
    });
    child.stdin.end(JSON.stringify({ experiment_ids: experimentIds, cases: wire }));
  });
}

function metricJson(v: number): number | string | null {
  if (Number.isNaN(v)) return null;
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return v;
}

function sameData(run: Run, want: MlflowRunData | undefined, where: string): string | undefined {
  if (!want) return `${where}: mlflow does not know run ${run.info.runId}`;
  const ours = {
    run_name: run.info.runName,
    status: run.info.status,
    start_time: run.info.startTime,
    end_time: run.info.endTime,
    lifecycle_stage: run.info.lifecycleStage,
    params: run.data.params,
    tags: run.data.tags,
    metrics: Object.fromEntries(Object.entries(run.data.metrics).map(([k, m]) => [k, metricJson(m.value)])),
  };
  try {
    assert.deepEqual(ours, want);
    return undefined;
  } catch (e) {
    return `${where}: run ${run.info.runId} differs from mlflow's: ${(e as Error).message.slice(0, 1500)}`;
  }
}

export interface PagingSubject {
  store: TrackingReader;
  experimentIds: string[];
  answer: PagingAnswer;
}

function label(c: PagingCase): string {
  return `filter=${JSON.stringify(c.filter ?? '')} order_by=${JSON.stringify(c.order_by ?? [])} view=${c.view ?? 'ACTIVE_ONLY'}${c.secondOnly ? ' (2nd experiment)' : ''}`;
}

export function describePagingConformance(title: string, cases: readonly PagingCase[], setup: () => Promise<PagingSubject>): void {
  describe(title, () => {
    let s: PagingSubject;
    before(async () => {
      s = await setup();
      assert.equal(s.answer.cases.length, cases.length);
    });

    test('every page holds mlflow’s runs and token; the pages concatenate to mlflow’s full answer', async () => {
      const problems: string[] = [];
      let pages = 0;
      let accepted = 0;
      for (let i = 0; i < cases.length; i++) {
        const c = cases[i];
        const want = s.answer.cases[i];
        const experimentIds = c.secondOnly ? [s.experimentIds[1]] : s.experimentIds;
        const base = { experimentIds, filter: c.filter, orderBy: c.order_by, viewType: c.view ?? 'ACTIVE_ONLY' };
        if ('error' in want) {
          try {
            const got = await s.store.searchRunsPage({ ...base, maxResults: c.sizes[0] });
            problems.push(`${label(c)}: mlflow rejects it (${want.error}) but we returned ${got.runs.length} runs`);
          } catch (e) {
            // A server may refuse with another code than ours: MLflow 3.17's server answers a duplicate
            // order_by key with HTTP 500 INTERNAL_ERROR (its own client then gives up after retrying).
            const sameAsServer = e instanceof StoreError && s.store.capabilities.runPaging === 'server' && e.code === 'INTERNAL_ERROR';
            if (!(e instanceof StoreError) || (e.code !== 'INVALID_PARAMETER_VALUE' && !sameAsServer)) problems.push(`${label(c)}: rejected, but not as invalid input: ${String(e)}`);
          }
          continue;
        }
        accepted++;
        for (const size of c.sizes) {
          const theirs = want.pages[String(size)];
          const all: string[] = [];
          let token: string | undefined;
          for (let p = 0; ; p++) {
            const where = `${label(c)} size=${size} page ${p}`;
            let got;
            try {
              got = await s.store.searchRunsPage({ ...base, maxResults: size, pageToken: token });
            } catch (e) {
              problems.push(`${where}: ${String(e)}`);
              break;
            }
            pages++;
            const ids = got.runs.map((r) => r.info.runId);
            all.push(...ids);
            const page = theirs[p];
            if (!page) {
              problems.push(`${where}: mlflow has no such page, we returned ${JSON.stringify(ids)}`);
              break;
            }
            if (JSON.stringify(ids) !== JSON.stringify(page.ids)) problems.push(`${where}\n    mlflow: ${JSON.stringify(page.ids)}\n    ours:   ${JSON.stringify(ids)}`);
            if ((got.nextPageToken ?? null) !== page.token) problems.push(`${where}: token ${JSON.stringify(got.nextPageToken)}, mlflow ${JSON.stringify(page.token)}`);
            for (const r of got.runs) {
              const d = sameData(r, s.answer.runs[r.info.runId], where);
              if (d) problems.push(d);
            }
            token = got.nextPageToken;
            if (!token) {
              if (p !== theirs.length - 1) problems.push(`${where}: our pages end here, mlflow has ${theirs.length}`);
              break;
            }
            if (p > 500) {
              problems.push(`${where}: more than 500 pages`);
              break;
            }
          }
          if (JSON.stringify(all) !== JSON.stringify(want.full)) problems.push(`${label(c)} size=${size}: pages concatenate to\n    ${JSON.stringify(all)}\n  mlflow.search_runs:\n    ${JSON.stringify(want.full)}`);
        }
      }
      assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems:\n  ${problems.slice(0, 20).join('\n  ')}`);
      assert.ok(accepted >= 20 && pages > 200, `only ${accepted} accepted searches and ${pages} pages compared`);
    });

    test('the store is not trivial: filters select proper subsets and orders differ', () => {
      const full = (i: number) => (s.answer.cases[i] as { full: string[] }).full;
      assert.ok(full(0).length >= 40, `${full(0).length} runs`);
      assert.notDeepEqual(full(1), full(0));
      assert.notDeepEqual(full(3), full(0));
      const beta = cases.findIndex((c) => c.filter === "params.p = 'beta'");
      assert.ok(full(beta).length >= 3 && full(beta).length < full(0).length);
    });

    test('a page size or token mlflow refuses is refused', async () => {
      const base = { experimentIds: s.experimentIds };
      const bads: { maxResults: number; pageToken?: string }[] = [{ maxResults: 0 }, { maxResults: 50_001 }, { maxResults: 1.5 }, { maxResults: 7, pageToken: 'not a token' }];
      // MLflow itself takes a negative offset (its SQL store then starts at 0); our readers refuse it.
      if (s.store.capabilities.runPaging !== 'server') bads.push({ maxResults: 7, pageToken: Buffer.from('{"offset": -1}').toString('base64') });
      for (const bad of bads) {
        await assert.rejects(s.store.searchRunsPage({ ...base, ...bad }), (e: unknown) => e instanceof StoreError && e.code === 'INVALID_PARAMETER_VALUE', JSON.stringify(bad));
      }
    });
  });
}
