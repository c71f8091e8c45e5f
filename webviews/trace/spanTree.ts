import type { SpanColumns } from './contract';

/**
 * The span tree as flat rows for a virtual list: children lists built once from the parent
 * column (O(n)), the visible rows recomputed when a span is expanded or collapsed. Columns are
 * ordered by start time, so children come out in start order without sorting.
 */
export class SpanTree {
  /** CSR layout: the children of span i are childIndex[childStart[i] .. childStart[i + 1]). */
  private readonly childStart: Int32Array;
  private readonly childIndex: Int32Array;
  readonly roots: Int32Array;
  readonly depth: Int32Array;
  private readonly collapsed: Uint8Array;
  /** Visible rows: span indices in display order. */
  rows: Int32Array = new Int32Array(0);

  constructor(readonly spans: SpanColumns) {
    const n = spans.count;
    const counts = new Int32Array(n + 1);
    let rootCount = 0;
    for (let i = 0; i < n; i++) {
      const p = spans.parents[i];
      if (p >= 0 && p < n) counts[p + 1]++;
      else rootCount++;
    }
    this.childStart = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) this.childStart[i + 1] = this.childStart[i] + counts[i + 1];
    const fill = this.childStart.slice(0, n);
    this.childIndex = new Int32Array(n - rootCount);
    this.roots = new Int32Array(rootCount);
    let r = 0;
    for (let i = 0; i < n; i++) {
      const p = spans.parents[i];
      if (p >= 0 && p < n) this.childIndex[fill[p]++] = i;
      else this.roots[r++] = i;
    }
    this.depth = new Int32Array(n);
    this.collapsed = new Uint8Array(n);
    // Depth by walking from the roots (a parent cycle in damaged data leaves its spans unreached).
    const stack: number[] = Array.from(this.roots);
    const seen = new Uint8Array(n);
    while (stack.length) {
      const i = stack.pop()!;
      if (seen[i]) continue;
      seen[i] = 1;
      for (let k = this.childStart[i]; k < this.childStart[i + 1]; k++) {
        const c = this.childIndex[k];
        this.depth[c] = this.depth[i] + 1;
        stack.push(c);
      }
    }
    this.recompute();
  }

  childCount(i: number): number {
    return this.childStart[i + 1] - this.childStart[i];
  }

  isCollapsed(i: number): boolean {
    return this.collapsed[i] === 1;
  }

  toggle(i: number): void {
    if (this.childCount(i) === 0) return;
    this.collapsed[i] = this.collapsed[i] ? 0 : 1;
    this.recompute();
  }

  setCollapsed(i: number, on: boolean): void {
    if (this.childCount(i) === 0 || this.isCollapsed(i) === on) return;
    this.collapsed[i] = on ? 1 : 0;
    this.recompute();
  }

  /** Opens every ancestor of `i` so its row is visible; returns its row. */
  reveal(i: number): number {
    let p = this.spans.parents[i];
    let changed = false;
    for (let guard = 0; p >= 0 && guard < this.spans.count; guard++) {
      if (this.collapsed[p]) {
        this.collapsed[p] = 0;
        changed = true;
      }
      p = this.spans.parents[p];
    }
    if (changed) this.recompute();
    return this.rows.indexOf(i);
  }

  private recompute(): void {
    const out = new Int32Array(this.spans.count);
    let n = 0;
    const seen = new Uint8Array(this.spans.count);
    const stack: number[] = [];
    for (let r = this.roots.length - 1; r >= 0; r--) stack.push(this.roots[r]);
    while (stack.length) {
      const i = stack.pop()!;
      if (seen[i]) continue;
      seen[i] = 1;
      out[n++] = i;
      if (this.collapsed[i]) continue;
      for (let k = this.childStart[i + 1] - 1; k >= this.childStart[i]; k--) stack.push(this.childIndex[k]);
    }
    this.rows = out.slice(0, n);
  }
}
