import type { RunRow } from './contract';

/**
 * The rows the table holds: pages in the store's order, plus children fetched when a parent is
 * expanded, arranged into the list the grid shows (a parent's loaded children directly under it
 * while it is expanded). A run whose parent is not loaded stays at the top level, as in MLflow's UI.
 */

export interface DisplayRow {
  row: RunRow;
  depth: number;
  /** Loaded children of this run. */
  childCount: number;
}

export class RunRows {
  private ordered: RunRow[] = [];
  private readonly byId = new Map<string, RunRow>();
  /** Fetched as a parent's children, not (yet) part of the paged order. */
  private readonly extra = new Map<string, RunRow>();
  readonly metricKeys = new Set<string>();
  readonly paramKeys = new Set<string>();
  readonly tagKeys = new Set<string>();
  /** Bumped whenever a key set grows: columns are recomputed only then. */
  keysVersion = 0;
  /** Bumped whenever any row's content changes: the grid repaints its visible rows. */
  version = 0;
  display: DisplayRow[] = [];
  private previous = new Map<string, DisplayRow>();
  nextPageToken: string | undefined;
  /** True once the last page has arrived. */
  complete = false;
  /** Pages received since the last reset. */
  pages = 0;

  reset(): void {
    this.ordered = [];
    this.byId.clear();
    this.extra.clear();
    this.display = [];
    this.previous = new Map();
    this.nextPageToken = undefined;
    this.complete = false;
    this.pages = 0;
    this.version++;
  }

  get loadedCount(): number {
    return this.ordered.length;
  }

  get(runId: string): RunRow | undefined {
    return this.byId.get(runId) ?? this.extra.get(runId);
  }

  addPage(rows: RunRow[], nextPageToken: string | undefined): void {
    for (const r of rows) {
      if (this.byId.has(r.runId)) continue;
      this.extra.delete(r.runId);
      this.byId.set(r.runId, r);
      this.ordered.push(r);
      this.noteKeys(r);
    }
    this.nextPageToken = nextPageToken;
    this.complete = !nextPageToken;
    this.pages++;
    this.version++;
  }

  addChildren(rows: RunRow[]): void {
    for (const r of rows) {
      if (this.byId.has(r.runId)) continue;
      this.extra.set(r.runId, r);
      this.noteKeys(r);
    }
    this.version++;
  }

  /** Replaces rows already held (a live refresh); unknown runs are ignored. */
  update(rows: RunRow[]): void {
    for (const r of rows) {
      if (this.byId.has(r.runId)) {
        this.byId.set(r.runId, r);
        const i = this.ordered.findIndex((o) => o.runId === r.runId);
        if (i >= 0) this.ordered[i] = r;
      } else if (this.extra.has(r.runId)) {
        this.extra.set(r.runId, r);
      } else continue;
      this.noteKeys(r);
    }
    this.version++;
  }

  private noteKeys(r: RunRow): void {
    const before = this.metricKeys.size + this.paramKeys.size + this.tagKeys.size;
    for (const k in r.metrics) this.metricKeys.add(k);
    for (const k in r.params) this.paramKeys.add(k);
    for (const k in r.tags) this.tagKeys.add(k);
    if (this.metricKeys.size + this.paramKeys.size + this.tagKeys.size !== before) this.keysVersion++;
  }

  /** Recomputes `display` for the expanded parents. Linear in the loaded rows. */
  arrange(expanded: ReadonlySet<string>): void {
    const children = new Map<string, RunRow[]>();
    const roots: RunRow[] = [];
    const place = (r: RunRow, fromPages: boolean) => {
      const p = r.parentRunId;
      if (p && p !== r.runId && (this.byId.has(p) || this.extra.has(p))) {
        const list = children.get(p);
        if (list) list.push(r);
        else children.set(p, [r]);
      } else if (fromPages) {
        roots.push(r);
      }
    };
    for (const r of this.ordered) place(r, true);
    for (const r of this.extra.values()) place(r, false);
    const out: DisplayRow[] = [];
    const seen = new Set<string>();
    // Unchanged entries keep their object, so the grid repaints only rows that really changed.
    const previous = this.previous;
    const next = new Map<string, DisplayRow>();
    const visit = (r: RunRow, depth: number) => {
      if (seen.has(r.runId)) return; // a parent loop in the tags must not hang the page
      seen.add(r.runId);
      const kids = children.get(r.runId);
      const childCount = kids?.length ?? 0;
      const old = previous.get(r.runId);
      const d = old && old.row === r && old.depth === depth && old.childCount === childCount ? old : { row: r, depth, childCount };
      next.set(r.runId, d);
      out.push(d);
      if (kids && expanded.has(r.runId)) for (const k of kids) visit(k, depth + 1);
    };
    for (const r of roots) visit(r, 0);
    this.display = out;
    this.previous = next;
  }
}
