import { nestRuns } from '../model/display';
import type { Run, ViewType } from '../model/entities';
import { TAG } from '../model/entities';
import { StoreError } from '../store/errors';
import type { TrackingReader } from '../store/trackingStore';
import { PagedRunList } from './pagedRunList';
import { andClause, childrenClause, EMPTY_QUERY, HAS_PARENT_CLAUSE, runIdInClause, TOP_LEVEL_CLAUSE, validateRunsQuery, type RunsQuery } from './runsQuery';

/**
 * The runs of experiments as views show them: top-level runs page by page, the children of a run
 * when it is opened, for one query (filter + order_by) at a time. One cache per query, read by any
 * view (the tree today; a table or charts can share it): a view never asks the store directly.
 *
 * Nesting follows `mlflow.parentRunId`:
 * - The top level is `<filter> AND tags.mlflow.parentRunId IS NULL` (MLflow 3.11+), paged.
 * - The children of R are `<filter> AND tags.mlflow.parentRunId = 'R'`, paged, loaded on demand.
 *   So the filter applies at every level: a child shows when it matches, under a parent that shows.
 * - Which runs have children comes from pages of `<filter> AND tags.mlflow.parentRunId IS NOT
 *   NULL` (the parent index): one page with the first top-level page, one more with each "Load
 *   more". While child runs remain unread, a run the index does not name is treated as "may have
 *   children" until it is opened.
 * - A child whose parent is not listed (the parent is deleted, in another experiment, or does not
 *   match the filter) is an orphan; orphans found on the index page are listed apart (`orphans()`),
 *   so a run that matches is never lost.
 * - A server older than MLflow 3.11 rejects IS NULL. Then the model pages the experiment with the
 *   user's filter alone and nests what the loaded pages hold, as MLflow's own web UI does.
 */

export const RUNS_PAGE_SIZE = 100;
/** Child runs read per page to learn which runs are parents (one more page per "Load more"). */
export const PARENT_INDEX_PAGE = 200;

export interface RunLevel {
  runs: readonly Run[];
  /** More runs follow at this level ("Load more"). */
  hasMore: boolean;
}

/** Where a refresh changed something: re-render these runs, and these levels' lists. */
export interface RunsChanges {
  /** Runs still shown whose content (status, name, metrics, params, tags, children) changed, by id, as now read. */
  runs: Map<string, Run>;
  /** Levels whose membership or order changed (see `levelKey`). */
  levels: Set<string>;
  /** Levels that could not be read again; they keep what they showed. */
  errors: { level: string; error: unknown }[];
}

/** Identifies a level: an experiment's top level, or one run's children. */
export function levelKey(experimentId: string, parentRunId?: string): string {
  return parentRunId ? `${experimentId}/${parentRunId}` : experimentId;
}

interface ParentIndex {
  parents: Set<string>;
  complete: boolean;
  orphans: Run[];
}

type Nesting = 'parentTag' | 'loadedPages';

export interface ExperimentRunsOptions {
  pageSize?: number;
  parentIndexPage?: number;
  viewType?: ViewType;
}

export class ExperimentRuns {
  private q: RunsQuery = EMPTY_QUERY;
  private nesting: Nesting = 'parentTag';
  private lists = new Map<string, PagedRunList>();
  private indexLists = new Map<string, PagedRunList>();
  private indexes = new Map<string, Promise<ParentIndex>>();
  private settledIndexes = new Map<string, ParentIndex>();
  /** Runs opened and found without children although the (incomplete) index could not tell. */
  private childless = new Set<string>();
  private readonly pageSize: number;
  private readonly indexPage: number;
  private readonly viewType: ViewType;

  constructor(
    private readonly reader: Pick<TrackingReader, 'searchRunsPage' | 'kind' | 'uri'>,
    opts: ExperimentRunsOptions = {},
  ) {
    this.pageSize = opts.pageSize ?? RUNS_PAGE_SIZE;
    this.indexPage = opts.parentIndexPage ?? PARENT_INDEX_PAGE;
    this.viewType = opts.viewType ?? 'ACTIVE_ONLY';
  }

  get query(): RunsQuery {
    return this.q;
  }

  /** How children are found: by the parent tag (paged per parent) or by nesting loaded pages. */
  get nestingMode(): Nesting {
    return this.nesting;
  }

  /** Validates with MLflow's grammar (throws FilterError, nothing is sent) and drops every cached page. */
  setQuery(q: RunsQuery): void {
    validateRunsQuery(q);
    this.q = { filter: q.filter.trim(), orderBy: q.orderBy.slice() };
    this.clear();
  }

  clear(): void {
    this.lists.clear();
    this.indexLists.clear();
    this.indexes.clear();
    this.settledIndexes.clear();
    this.childless.clear();
  }

  /** The loaded runs of a level; loads its first page (and the experiment's parent index) if needed. */
  async level(experimentId: string, parentRunId?: string): Promise<RunLevel> {
    if (this.nesting === 'loadedPages') return this.nestedLevel(experimentId, parentRunId);
    const list = this.listFor(experimentId, parentRunId);
    try {
      await Promise.all([list.ensureFirstPage(), this.parentIndex(experimentId)]);
    } catch (e) {
      if (!parentRunId && this.nesting === 'parentTag' && this.rejectsIsNull(e)) {
        this.nesting = 'loadedPages';
        this.clear();
        try {
          return await this.nestedLevel(experimentId, undefined);
        } catch {
          // The filter itself was refused, not IS NULL: report that, and keep nesting by the tag.
          this.nesting = 'parentTag';
          this.clear();
        }
      }
      throw e;
    }
    if (parentRunId && list.runs.length === 0 && !list.hasMore) this.childless.add(parentRunId);
    return { runs: list.runs, hasMore: list.hasMore };
  }

  /** Fetches the next page of a level with the store's page token; resolves to the runs it added. */
  async loadMore(experimentId: string, parentRunId?: string): Promise<readonly Run[]> {
    if (this.nesting === 'loadedPages') {
      const list = this.listFor(experimentId, undefined);
      const before = new Set(nestRuns(list.runs.slice()).roots.map((r) => r.info.runId));
      await list.loadMore();
      return nestRuns(list.runs.slice()).roots.filter((r) => !before.has(r.info.runId));
    }
    const more = this.listFor(experimentId, parentRunId).loadMore();
    // The index pages child runs newest first, as the top level is by default: each top-level page
    // gets one more index page, so the cost of knowing the expand arrows grows with what is shown.
    const index = this.indexLists.get(experimentId);
    if (!parentRunId && index?.hasMore) {
      await Promise.all([
        more,
        index.loadMore().then(async () => {
          const next = await this.buildIndex(experimentId, index);
          this.settledIndexes.set(experimentId, next);
          this.indexes.set(experimentId, Promise.resolve(next));
        }),
      ]);
    }
    return more;
  }

  /**
   * Whether a shown run may have children (for an expand arrow). Exact when the parent index is
   * complete; otherwise true until opening the run found none.
   */
  hasChildren(experimentId: string, runId: string): boolean {
    if (this.nesting === 'loadedPages') {
      const list = this.lists.get(levelKey(experimentId));
      return !!list && list.runs.some((r) => r.data.tags[TAG.parentRunId] === runId && r.info.runId !== runId);
    }
    const index = this.settledIndexes.get(experimentId);
    if (!index) return false;
    if (index.parents.has(runId)) return true;
    return !index.complete && !this.childless.has(runId);
  }

  /** Child runs that match but whose parent is not listed (found on the index page). */
  async orphans(experimentId: string): Promise<readonly Run[]> {
    if (this.nesting === 'loadedPages') return [];
    return (await this.parentIndex(experimentId)).orphans;
  }

  /** Every metric key on the loaded runs, sorted: what a sort picker can offer. */
  metricKeys(): string[] {
    const keys = new Set<string>();
    for (const l of [...this.lists.values(), ...this.indexLists.values()]) for (const r of l.runs) for (const k of Object.keys(r.data.metrics)) keys.add(k);
    return [...keys].sort();
  }

  /**
   * Reads every loaded level again (as many runs as were loaded) and reports what changed, so a
   * view re-renders those nodes only. A level that fails keeps its old runs and is reported.
   */
  async refresh(): Promise<RunsChanges> {
    const changes: RunsChanges = { runs: new Map(), levels: new Set(), errors: [] };
    const oldIndexes = new Map(this.settledIndexes);
    const work: Promise<void>[] = [];
    for (const [key, list] of this.lists) {
      const hadMore = list.hasMore;
      work.push(
        list.reload().then(
          (before) => {
            if (hadMore !== list.hasMore) changes.levels.add(key);
            diffLevel(key, before, list, changes);
          },
          (error) => void changes.errors.push({ level: key, error }),
        ),
      );
    }
    for (const [experimentId, list] of this.indexLists) {
      work.push(
        list.reload().then(
          async () => {
            const next = await this.buildIndex(experimentId, list);
            this.settledIndexes.set(experimentId, next);
            this.indexes.set(experimentId, Promise.resolve(next));
            const prev = oldIndexes.get(experimentId);
            if (!prev) return;
            for (const id of symmetricDifference(prev.parents, next.parents)) {
              const run = this.loadedRun(id);
              if (run) changes.runs.set(id, run);
            }
            if (!sameIds(prev.orphans, next.orphans) || prev.orphans.some((r, i) => fingerprint(r) !== fingerprint(next.orphans[i]))) changes.levels.add(levelKey(experimentId));
          },
          (error) => void changes.errors.push({ level: levelKey(experimentId), error }),
        ),
      );
    }
    await Promise.all(work);
    this.childless.clear();
    if (this.nesting === 'loadedPages') {
      // Children are derived from the top-level pages: any change there may move a run.
      for (const key of [...changes.levels]) if (!key.includes('/')) for (const r of this.lists.get(key)?.runs ?? []) changes.runs.set(r.info.runId, r);
    }
    return changes;
  }

  /** A run as last read, from whichever loaded level holds it. */
  private loadedRun(runId: string): Run | undefined {
    for (const l of [...this.lists.values(), ...this.indexLists.values()]) {
      const r = l.runs.find((x) => x.info.runId === runId);
      if (r) return r;
    }
    return undefined;
  }

  private listFor(experimentId: string, parentRunId: string | undefined): PagedRunList {
    const key = levelKey(experimentId, parentRunId);
    let list = this.lists.get(key);
    if (!list) {
      const filter =
        this.nesting === 'loadedPages' ? this.q.filter : andClause(this.q.filter, parentRunId ? childrenClause(parentRunId) : TOP_LEVEL_CLAUSE);
      list = this.pagedSearch([experimentId], filter, this.pageSize);
      this.lists.set(key, list);
    }
    return list;
  }

  private pagedSearch(experimentIds: string[], filter: string, pageSize: number, orderBy = this.q.orderBy): PagedRunList {
    const viewType = this.viewType;
    return new PagedRunList(
      (maxResults, pageToken) => this.reader.searchRunsPage({ experimentIds, filter, orderBy, viewType, maxResults, pageToken }),
      pageSize,
    );
  }

  private async nestedLevel(experimentId: string, parentRunId: string | undefined): Promise<RunLevel> {
    const list = this.listFor(experimentId, undefined);
    await list.ensureFirstPage();
    const { roots, children } = nestRuns(list.runs.slice());
    if (parentRunId) return { runs: children.get(parentRunId) ?? [], hasMore: false };
    return { runs: roots, hasMore: list.hasMore };
  }

  private parentIndex(experimentId: string): Promise<ParentIndex> {
    let p = this.indexes.get(experimentId);
    if (!p) {
      const list = this.pagedSearch([experimentId], andClause(this.q.filter, HAS_PARENT_CLAUSE), this.indexPage, []);
      this.indexLists.set(experimentId, list);
      p = list.ensureFirstPage().then(() => this.buildIndex(experimentId, list));
      p.then(
        (index) => this.settledIndexes.set(experimentId, index),
        () => {
          this.indexes.delete(experimentId);
          this.indexLists.delete(experimentId);
        },
      );
      this.indexes.set(experimentId, p);
    }
    return p;
  }

  /**
   * Parents named by the index page, and the children whose parent is not listed: the parent is
   * deleted, in another experiment, or does not match the filter. Those are checked with one
   * `run_id IN (…)` search (plus the filter) per 500 parents.
   */
  private async buildIndex(experimentId: string, list: PagedRunList): Promise<ParentIndex> {
    const parents = new Set<string>();
    for (const r of list.runs) {
      const p = r.data.tags[TAG.parentRunId];
      if (p && p !== r.info.runId) parents.add(p);
    }
    // Parents that are themselves child runs exist; the rest are checked in one search per chunk.
    const known = new Set(list.runs.map((r) => r.info.runId));
    const unknown = [...parents].filter((p) => !known.has(p) && /^[\w-]+$/.test(p));
    const found = new Set<string>();
    for (let i = 0; i < unknown.length; i += 500) {
      const chunk = unknown.slice(i, i + 500);
      const filter = andClause(this.q.filter, runIdInClause(chunk));
      const page = await this.reader.searchRunsPage({ experimentIds: [experimentId], filter, viewType: this.viewType, maxResults: chunk.length });
      for (const r of page.runs) found.add(r.info.runId);
    }
    const orphanParents = new Set(unknown.filter((p) => !found.has(p)));
    const orphans = list.runs.filter((r) => orphanParents.has(r.data.tags[TAG.parentRunId] ?? ''));
    return { parents, complete: !list.hasMore, orphans };
  }

  /** A REST server older than 3.11 answers IS NULL with INVALID_PARAMETER_VALUE; our own readers never do. */
  private rejectsIsNull(e: unknown): boolean {
    return this.reader.kind === 'rest' && e instanceof StoreError && e.code === 'INVALID_PARAMETER_VALUE';
  }
}

function diffLevel(key: string, before: readonly Run[], list: PagedRunList, changes: RunsChanges): void {
  const after = list.runs;
  if (!sameIds(before, after)) changes.levels.add(key);
  const old = new Map(before.map((r) => [r.info.runId, r]));
  for (const r of after) {
    const o = old.get(r.info.runId);
    if (o && fingerprint(o) !== fingerprint(r)) changes.runs.set(r.info.runId, r);
  }
}

function sameIds(a: readonly Run[], b: readonly Run[]): boolean {
  return a.length === b.length && a.every((r, i) => r.info.runId === b[i].info.runId);
}

function fingerprint(r: Run): string {
  return contentKey(r);
}

/**
 * An entity's content as JSON with object keys sorted, to tell whether it changed between reads:
 * readers fill params, metrics and tags in no fixed order.
 */
export function contentKey(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function symmetricDifference(a: Set<string>, b: Set<string>): string[] {
  return [...[...a].filter((x) => !b.has(x)), ...[...b].filter((x) => !a.has(x))];
}
