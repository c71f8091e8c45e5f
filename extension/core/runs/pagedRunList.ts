import type { Run } from '../model/entities';
import { RUNS_PAGE_MAX } from '../store/paging';
import type { RunsPage } from '../store/trackingStore';

/** Fetches one page of a fixed search (filter, order, experiments): what a list needs of a store. */
export type PageFetcher = (maxResults: number, pageToken: string | undefined) => Promise<RunsPage>;

/**
 * The pages of one run search loaded so far, in the store's order. "Load more" asks the store for
 * the page after the last one with its token; nothing is read ahead and nothing is sliced.
 * Concurrent callers share the request in flight, so a double click loads one page, not two.
 */
export class PagedRunList {
  private loadedRuns: Run[] = [];
  private token: string | undefined;
  private started = false;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly fetch: PageFetcher,
    readonly pageSize: number,
  ) {}

  get runs(): readonly Run[] {
    return this.loadedRuns;
  }

  /** True once the first page has arrived. */
  get loaded(): boolean {
    return this.started;
  }

  /** The store said more runs follow the loaded pages. */
  get hasMore(): boolean {
    return this.started && this.token !== undefined;
  }

  /** Loads the first page unless it is already there. */
  ensureFirstPage(): Promise<void> {
    if (this.started) return Promise.resolve();
    return this.once(async () => {
      if (this.started) return;
      const page = await this.fetch(this.pageSize, undefined);
      this.loadedRuns = page.runs.slice();
      this.token = page.nextPageToken;
      this.started = true;
    });
  }

  /** Appends the next page (the first one if none is loaded); resolves to the runs it added. */
  async loadMore(): Promise<readonly Run[]> {
    if (!this.started) {
      await this.ensureFirstPage();
      return this.loadedRuns;
    }
    const before = this.loadedRuns.length;
    await this.once(async () => {
      if (this.token === undefined) return;
      const page = await this.fetch(this.pageSize, this.token);
      // A run that moved between pages (its sort key changed) must not appear twice.
      const seen = new Set(this.loadedRuns.map((r) => r.info.runId));
      this.loadedRuns = this.loadedRuns.concat(page.runs.filter((r) => !seen.has(r.info.runId)));
      this.token = page.nextPageToken;
    });
    return this.loadedRuns.slice(before);
  }

  /**
   * Reads again as many runs as are loaded (at least one page) in one request, so a refresh keeps
   * what the user paged through. MLflow's tokens stand for an offset, so "load more" continues from
   * the new token with the usual page size. Resolves to the runs loaded before the reload.
   */
  async reload(): Promise<readonly Run[]> {
    const before = this.loadedRuns;
    if (!this.started) return before;
    const count = Math.min(RUNS_PAGE_MAX, Math.max(this.pageSize, Math.ceil(before.length / this.pageSize) * this.pageSize));
    await this.once(async () => {
      const page = await this.fetch(count, undefined);
      this.loadedRuns = page.runs.slice();
      this.token = page.nextPageToken;
    });
    return before;
  }

  private once(work: () => Promise<void>): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const p = work().finally(() => {
      if (this.inFlight === p) this.inFlight = undefined;
    });
    this.inFlight = p;
    return p;
  }
}
