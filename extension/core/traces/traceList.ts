import type { TraceInfo, TraceReader } from './entities';

/**
 * An experiment's traces as a view reads them: the pages loaded so far for one filter, and the
 * store's token for the next ("Load more" asks for that page; nothing is read ahead).
 */
export class TraceList {
  private loaded: TraceInfo[] = [];
  private token: string | undefined;
  private started = false;

  constructor(
    private readonly store: TraceReader,
    readonly experimentId: string,
    readonly filter: string,
    private readonly pageSize = 50,
  ) {}

  get traces(): readonly TraceInfo[] {
    return this.loaded;
  }

  get hasMore(): boolean {
    return !this.started || this.token !== undefined;
  }

  /** The first page, read once. */
  async first(): Promise<readonly TraceInfo[]> {
    if (!this.started) await this.loadMore();
    return this.loaded;
  }

  async loadMore(): Promise<void> {
    if (this.started && !this.token) return;
    const page = await this.store.searchTraces({ experimentIds: [this.experimentId], filter: this.filter || undefined, maxResults: this.pageSize, pageToken: this.token });
    this.started = true;
    const seen = new Set(this.loaded.map((t) => t.traceId));
    this.loaded = [...this.loaded, ...page.traces.filter((t) => !seen.has(t.traceId))];
    this.token = page.nextPageToken;
  }

  /** Reads as many traces as are loaded again (a refresh), in pages the store accepts. */
  async reload(): Promise<void> {
    const want = Math.max(this.loaded.length, this.pageSize);
    this.loaded = [];
    this.token = undefined;
    this.started = false;
    while (this.loaded.length < want && this.hasMore) await this.loadMore();
  }
}
