import { RUNS } from '../../extension/core/filter/dialects';
import { FilterError } from '../../extension/core/filter/errors';
import { parseFilter } from '../../extension/core/filter/parser';
import { codicon, component, el } from '../platform/dom';
import { HostRequestError, type PanelClient } from '../platform/panelClient';
import { allColumns, cellOf, GROUP_TITLES, isVisible, STATUS_ICONS, visibleColumns, type Column } from './columns';
import { columnKey, orderByFor, type ColumnGroup, type RunRow, type RunsQuery, type RunsTableContract, type RunsTableInit, type RunsTableState, type SortState } from './contract';
import { completeAt, type Completion } from './filterCompletion';
import { RunRows, type DisplayRow } from './rowModel';
import { rowWindow } from './virtualWindow';

/**
 * The runs table: a virtualized grid over pages of runs that the host reads from the store.
 *
 * - Only the rows in (or near) the viewport exist as elements; a fixed row height maps the scroll
 *   position to row indexes, and row elements are reused as they scroll out.
 * - Of those rows, only the cells of the columns in (or near) the viewport's width hold text; the
 *   others are left empty until a horizontal scroll brings them in. Thirty-odd columns are several
 *   times what a panel shows, and each cell with text costs layout, text shaping and paint.
 * - Geometry (scroll position, sizes) is read at the start of a paint, before any DOM write, so a
 *   frame never forces a synchronous layout.
 * - The next page is asked for when the viewport nears the last loaded row.
 * - Sorting and filtering are the store's: a header click or a valid filter starts a new query
 *   from the first page. A filter that does not parse never leaves the page; its error is shown
 *   with a caret under the offending text.
 * - Every string from the store goes in with textContent.
 */

export const ROW_HEIGHT = 26;
const SELECT_WIDTH = 30;
const LIVE_STATUSES = new Set(['RUNNING', 'SCHEDULED']);

export interface RunsTableOptions {
  /** Height of the scrolling area; tests pass one (a DOM without layout reports 0). */
  viewportHeight?: () => number;
  /** Width of the scrolling area; 0 (a DOM without layout) fills every column. */
  viewportWidth?: () => number;
  now?: () => number;
  /** Runs a paint before the next frame (requestAnimationFrame in a browser). */
  schedule?: (cb: () => void) => void;
  filterDebounceMs?: number;
}

interface RowElement {
  el: HTMLDivElement;
  check: HTMLInputElement;
  twistie: HTMLSpanElement;
  name: HTMLSpanElement;
  cells: HTMLElement[];
  /** What each cell shows now, so a repaint touches only what changed. */
  memo: { text: string; title: string; cls: string }[];
  shown?: DisplayRow;
  index: number;
  stamp: number;
  /** The column window (`colsKey`) its cells were filled for. */
  cols: string;
}

/** Columns filled beyond each side of the viewport's width, in pixels. */
const COLUMN_OVERSCAN_PX = 240;
/** Rows kept above and below the viewport. */
const ROW_OVERSCAN = 6;

export class RunsTable {
  readonly rows = new RunRows();
  private init: RunsTableInit | undefined;
  private filterText = '';
  private appliedFilter = '';
  private sort: SortState | null = null;
  private hidden = new Set<string>();
  private shown = new Set<string>();
  readonly selected = new Set<string>();
  private expanded = new Set<string>();
  private generation = 0;
  private loading = false;
  private loadError: string | undefined;
  private restoreScrollTop = 0;
  private columns: Column[] = [];
  private columnsFor = '';
  private pool: RowElement[] = [];
  /** Bumped when anything a row shows may have changed; rows repaint when their stamp is older. */
  private stamp = 0;
  private paintQueued = false;
  private filterTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private lastClicked = -1;
  private completion: Completion | undefined;
  private completionIndex = 0;
  private readonly now: () => number;
  private readonly schedule: (cb: () => void) => void;
  private readonly viewportHeight: () => number;
  private readonly viewportWidth: () => number;
  /** Geometry read by the last paint, before it wrote to the DOM. */
  private geometry = { scrollTop: 0, scrollLeft: 0, height: 0, width: 0 };
  /** Columns whose cells hold text: [first, last) in `columns`, and a key for it. */
  private colFirst = 0;
  private colLast = 0;
  private colsKey = '';

  readonly dom: {
    title: HTMLElement;
    count: HTMLElement;
    filter: HTMLElement & { value: string; wrappedElement?: HTMLInputElement };
    filterError: HTMLElement;
    completions: HTMLUListElement;
    banner: HTMLElement;
    columnsButton: HTMLElement;
    chooser: HTMLElement;
    grid: HTMLDivElement;
    groups: HTMLDivElement;
    header: HTMLDivElement;
    body: HTMLDivElement;
    selectAll: HTMLInputElement;
  };

  constructor(
    private readonly root: HTMLElement,
    private readonly client: PanelClient<RunsTableContract>,
    opts: RunsTableOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.schedule = opts.schedule ?? ((cb) => requestAnimationFrame(() => cb()));
    this.viewportHeight = opts.viewportHeight ?? (() => this.dom.grid.clientHeight - this.dom.header.offsetHeight - this.dom.groups.offsetHeight);
    this.viewportWidth = opts.viewportWidth ?? (() => this.dom.grid.clientWidth);
    const debounce = opts.filterDebounceMs ?? 350;

    const toolbar = el('div', 'toolbar');
    const title = toolbar.appendChild(el('h1', 'title', 'Runs'));
    const search = toolbar.appendChild(el('div', 'search'));
    const filter = search.appendChild(
      component('vscode-textfield', {
        placeholder: 'Search runs: metrics.rmse < 1 and params.model = "tree"',
        'aria-label': 'Filter runs with an MLflow search expression',
        class: 'filter',
      }),
    ) as RunsTable['dom']['filter'];
    filter.appendChild(codicon('search')).setAttribute('slot', 'content-before');
    const completions = search.appendChild(el('ul', 'completions'));
    completions.setAttribute('role', 'listbox');
    completions.hidden = true;
    const columnsButton = toolbar.appendChild(component('vscode-button', { secondary: '', icon: 'list-selection', title: 'Choose columns' }, 'Columns'));
    const refresh = toolbar.appendChild(component('vscode-button', { secondary: '', icon: 'refresh', title: 'Read the runs again from the store' }, 'Refresh'));
    refresh.addEventListener('click', () => this.query());
    const count = toolbar.appendChild(el('span', 'count'));
    count.setAttribute('aria-live', 'polite');
    const filterError = el('div', 'filter-error');
    filterError.setAttribute('role', 'alert');
    filterError.hidden = true;
    const banner = el('div', 'banner');
    banner.hidden = true;
    const chooser = el('div', 'chooser');
    chooser.hidden = true;
    chooser.setAttribute('role', 'dialog');
    chooser.setAttribute('aria-label', 'Columns');

    const grid = el('div', 'grid');
    grid.setAttribute('role', 'grid');
    grid.setAttribute('aria-label', 'Runs');
    grid.tabIndex = 0;
    const groups = grid.appendChild(el('div', 'groups'));
    const header = grid.appendChild(el('div', 'header'));
    header.setAttribute('role', 'row');
    const body = grid.appendChild(el('div', 'body'));
    body.setAttribute('role', 'rowgroup');
    const selectAll = el('input');
    selectAll.type = 'checkbox';
    selectAll.title = 'Select all loaded runs';
    selectAll.setAttribute('aria-label', 'Select all loaded runs');

    root.replaceChildren(toolbar, filterError, banner, chooser, grid);
    this.dom = { title, count, filter, filterError, completions, banner, columnsButton, chooser, grid, groups, header, body, selectAll };

    filter.addEventListener('input', () => {
      this.filterText = filter.value ?? '';
      this.updateCompletion();
      if (this.filterTimer) clearTimeout(this.filterTimer);
      this.filterTimer = setTimeout(() => this.applyFilter(), debounce);
    });
    filter.addEventListener('keydown', (ev: KeyboardEvent) => this.onFilterKey(ev));
    filter.addEventListener('blur', () => setTimeout(() => this.hideCompletion(), 150));
    completions.addEventListener('mousedown', (ev) => {
      const li = (ev.target as HTMLElement).closest('li');
      if (!li) return;
      ev.preventDefault();
      this.acceptCompletion(Number(li.dataset.index));
    });
    columnsButton.addEventListener('click', () => this.toggleChooser());
    grid.addEventListener('scroll', () => this.queuePaint());
    header.addEventListener('click', (ev) => this.onHeaderClick(ev));
    body.addEventListener('click', (ev) => this.onBodyClick(ev));
    body.addEventListener('dblclick', (ev) => {
      const r = this.rowAt(ev.target);
      if (r && !(ev.target as HTMLElement).closest('input,.twistie')) this.openRun(r.row);
    });
    grid.addEventListener('keydown', (ev) => this.onGridKey(ev));
    selectAll.addEventListener('change', () => {
      if (selectAll.checked) for (const d of this.rows.display) this.selected.add(d.row.runId);
      else this.selected.clear();
      this.selectionChanged();
    });

    client.onPush('init', (p) => this.start(p));
    client.onPush('reset', () => this.query());
    client.ready();
  }

  // ---- query and paging -------------------------------------------------------------------

  private start(init: RunsTableInit): void {
    this.init = init;
    this.dom.title.textContent = init.title ? `Runs · ${init.title}` : 'Runs';
    const saved = this.client.getState();
    if (saved && sameIds(saved.experimentIds, init.experimentIds)) {
      this.filterText = this.appliedFilter = saved.filter ?? '';
      this.sort = saved.sort ?? null;
      this.hidden = new Set(saved.hidden ?? []);
      this.shown = new Set(saved.shown ?? []);
      this.selected.clear();
      for (const id of saved.selected ?? []) this.selected.add(id);
      this.expanded = new Set(saved.expanded ?? []);
      this.restoreScrollTop = saved.scrollTop ?? 0;
      this.dom.filter.value = this.filterText;
      if (this.selected.size) this.emitSelection();
    }
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (init.pollMs > 0) this.pollTimer = setInterval(() => void this.poll(), init.pollMs);
    this.query();
  }

  private currentQuery(): RunsQuery {
    return { experimentIds: this.init?.experimentIds ?? [], filter: this.appliedFilter, orderBy: orderByFor(this.sort) };
  }

  /** Starts again from the first page (new filter, new sort, another store). */
  query(): void {
    this.generation++;
    this.rows.reset();
    this.loading = false;
    this.loadError = undefined;
    this.dom.banner.hidden = true;
    this.dom.grid.scrollTop = 0;
    this.paint();
    this.saveState();
    void this.loadMore();
  }

  private async loadMore(): Promise<void> {
    if (this.loading || this.rows.complete || !this.init || this.loadError) return;
    const gen = this.generation;
    this.loading = true;
    this.paint();
    try {
      const page = await this.client.request('page', { query: this.currentQuery(), pageSize: this.init.pageSize, pageToken: this.rows.nextPageToken });
      if (gen !== this.generation) return;
      this.rows.addPage(page.rows, page.nextPageToken);
      this.rows.arrange(this.expanded);
      this.loading = false;
    } catch (e) {
      if (gen !== this.generation) return;
      this.loading = false;
      this.showLoadError(e);
    }
    // No stamp bump: rows already on screen did not change; new rows are painted as they enter.
    this.paint();
    this.afterPage();
  }

  /** Keep loading while the viewport (or the position to restore) is past the loaded rows. */
  private afterPage(): void {
    // What the paint just before read: reading the DOM again here would force a layout.
    const wanted = Math.max(this.restoreScrollTop, this.geometry.scrollTop) + this.geometry.height;
    const loadedHeight = this.rows.display.length * ROW_HEIGHT;
    if (this.restoreScrollTop > 0 && (loadedHeight >= this.restoreScrollTop + this.geometry.height || this.rows.complete)) {
      this.dom.grid.scrollTop = this.restoreScrollTop;
      this.restoreScrollTop = 0;
      this.paint();
    }
    const prefetch = ((this.init?.pageSize ?? 100) / 2) * ROW_HEIGHT;
    if (!this.rows.complete && loadedHeight - wanted < prefetch) void this.loadMore();
  }

  private showLoadError(e: unknown): void {
    const err = e instanceof HostRequestError ? e.error : { message: e instanceof Error ? e.message : String(e) };
    if (err.span && err.span.input === this.appliedFilter) {
      this.showFilterError(err.message, err.span.input, err.span.offset, err.span.length);
      return;
    }
    this.loadError = err.message;
    const kept = this.rows.loadedCount;
    this.dom.banner.replaceChildren(codicon('error'), el('span', undefined, kept ? `${err.message} — the ${kept} runs already loaded stay shown.` : err.message));
    const retry = this.dom.banner.appendChild(component('vscode-button', { secondary: '' }, 'Retry'));
    retry.addEventListener('click', () => {
      this.loadError = undefined;
      this.dom.banner.hidden = true;
      void this.loadMore();
    });
    this.dom.banner.hidden = false;
  }

  /** Re-reads the visible RUNNING/SCHEDULED runs so their status, duration and metrics move. */
  async poll(): Promise<void> {
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
    const { first, last } = rowWindow(this.dom.grid.scrollTop, this.viewportHeight(), ROW_HEIGHT, this.rows.display.length, ROW_OVERSCAN);
    const ids: string[] = [];
    for (let i = first; i < last; i++) {
      const r = this.rows.display[i]?.row;
      if (r && LIVE_STATUSES.has(r.status)) ids.push(r.runId);
    }
    if (ids.length === 0) {
      // Durations and "n minutes ago" still advance.
      this.stamp++;
      this.paint();
      return;
    }
    const gen = this.generation;
    try {
      const { rows } = await this.client.request('runs', { runIds: ids });
      if (gen !== this.generation) return;
      this.rows.update(rows);
      this.rows.arrange(this.expanded);
    } catch {
      // The next poll tries again; a failing store shows its error on the next page load.
    }
    this.stamp++;
    this.paint();
  }

  // ---- filter --------------------------------------------------------------------------------

  /** Parses the typed filter; a valid one that differs from the applied one starts a query. */
  applyFilter(): boolean {
    if (this.filterTimer) clearTimeout(this.filterTimer);
    this.filterTimer = undefined;
    const text = this.filterText;
    try {
      parseFilter(text, RUNS);
    } catch (e) {
      if (e instanceof FilterError) {
        this.showFilterError(e.message, e.input, e.offset, e.length);
        return false;
      }
      throw e;
    }
    this.hideFilterError();
    if (text.trim() !== this.appliedFilter.trim()) {
      this.appliedFilter = text;
      this.query();
    }
    return true;
  }

  private showFilterError(message: string, input: string, offset: number, length: number): void {
    const line = input.replace(/[\r\n\t]/g, ' ');
    const start = Math.min(Math.max(offset, 0), line.length);
    const marks = ' '.repeat(start) + '^'.repeat(Math.max(1, Math.min(length, line.length - start)));
    const pre = el('pre', 'caret');
    pre.append(el('span', 'input', line), '\n', el('span', 'marks', marks));
    this.dom.filterError.replaceChildren(el('div', 'message'), pre);
    const msg = this.dom.filterError.firstChild as HTMLElement;
    msg.append(codicon('error'), el('span', undefined, message));
    this.dom.filterError.hidden = false;
    this.dom.filter.setAttribute('invalid', '');
  }

  private hideFilterError(): void {
    this.dom.filterError.hidden = true;
    this.dom.filterError.replaceChildren();
    this.dom.filter.removeAttribute('invalid');
  }

  private caret(): number {
    const input = this.dom.filter.wrappedElement;
    return input && input.value === this.filterText && typeof input.selectionStart === 'number' ? input.selectionStart : this.filterText.length;
  }

  private updateCompletion(): void {
    const c = completeAt(this.filterText, this.caret(), { metrics: this.rows.metricKeys, params: this.rows.paramKeys, tags: this.rows.tagKeys });
    this.completion = c;
    this.completionIndex = 0;
    const list = this.dom.completions;
    if (!c) return this.hideCompletion();
    list.replaceChildren(
      ...c.items.map((it, i) => {
        const li = el('li', i === 0 ? 'active' : undefined);
        li.dataset.index = String(i);
        li.setAttribute('role', 'option');
        li.append(el('span', 'label', it.label), el('span', 'detail', it.detail));
        return li;
      }),
    );
    list.hidden = false;
  }

  private hideCompletion(): void {
    this.completion = undefined;
    this.dom.completions.hidden = true;
    this.dom.completions.replaceChildren();
  }

  private acceptCompletion(i: number): void {
    const c = this.completion;
    const item = c?.items[i];
    if (!c || !item) return;
    const text = this.filterText.slice(0, c.from) + item.insert + ' ' + this.filterText.slice(c.to).replace(/^ /, '');
    this.filterText = text;
    this.dom.filter.value = text;
    const pos = c.from + item.insert.length + 1;
    this.hideCompletion();
    const input = this.dom.filter.wrappedElement;
    if (input) {
      input.value = text;
      input.setSelectionRange?.(pos, pos);
      input.focus();
    }
  }

  private onFilterKey(ev: KeyboardEvent): void {
    const c = this.completion;
    if (c && (ev.key === 'ArrowDown' || ev.key === 'ArrowUp')) {
      ev.preventDefault();
      const n = c.items.length;
      this.completionIndex = (this.completionIndex + (ev.key === 'ArrowDown' ? 1 : n - 1)) % n;
      this.dom.completions.querySelectorAll('li').forEach((li, i) => li.classList.toggle('active', i === this.completionIndex));
      return;
    }
    if (c && (ev.key === 'Tab' || ev.key === 'Enter')) {
      ev.preventDefault();
      this.acceptCompletion(this.completionIndex);
      return;
    }
    if (ev.key === 'Escape') return this.hideCompletion();
    if (ev.key === 'Enter') {
      this.filterText = this.dom.filter.value ?? this.filterText;
      this.applyFilter();
    }
  }

  // ---- columns -------------------------------------------------------------------------------

  private refreshColumns(): boolean {
    const key = `${this.rows.keysVersion}|${[...this.hidden].join(',')}|${[...this.shown].join(',')}|${this.sortKey()}`;
    if (key === this.columnsFor) return false;
    this.columnsFor = key;
    this.columns = visibleColumns(this.rows, { hidden: this.hidden, shown: this.shown });
    const template = [SELECT_WIDTH, ...this.columns.map((c) => c.width)].map((w) => `${w}px`).join(' ');
    const width = SELECT_WIDTH + this.columns.reduce((s, c) => s + c.width, 0);
    this.root.style.setProperty('--columns', template);
    this.root.style.setProperty('--table-width', `${width}px`);
    this.buildHeader();
    for (const p of this.pool) p.el.remove();
    this.pool = [];
    if (!this.dom.chooser.hidden) this.buildChooser();
    return true;
  }

  private sortKey(): string {
    return this.sort ? `${columnKey(this.sort.column)}:${this.sort.descending}` : '';
  }

  private buildHeader(): void {
    const groups: { group: ColumnGroup; width: number }[] = [];
    for (const c of this.columns) {
      const last = groups[groups.length - 1];
      if (last?.group === c.id.group) last.width += c.width;
      else groups.push({ group: c.id.group, width: c.width });
    }
    const spacer = el('div', 'group-cell');
    spacer.style.width = `${SELECT_WIDTH}px`;
    this.dom.groups.replaceChildren(
      spacer,
      ...groups.map((g) => {
        const cell = el('div', `group-cell group-${g.group}`, GROUP_TITLES[g.group]);
        cell.style.width = `${g.width}px`;
        cell.title = GROUP_TITLES[g.group];
        return cell;
      }),
    );
    const selectCell = el('div', 'cell select');
    selectCell.setAttribute('role', 'columnheader');
    selectCell.appendChild(this.dom.selectAll);
    const cells = this.columns.map((c, i) => {
      const h = el('div', `cell head group-${c.id.group}${c.sortable ? ' sortable' : ''}${c.id.group === 'metrics' ? ' num' : ''}`);
      h.setAttribute('role', 'columnheader');
      h.dataset.col = String(i);
      h.title = c.sortable ? `${GROUP_TITLES[c.id.group]}: ${c.title} — click to sort (the store orders the runs)` : `${c.title}`;
      h.appendChild(el('span', 'label', c.title));
      const s = this.sort && columnKey(this.sort.column) === c.key ? this.sort : undefined;
      if (s) {
        h.setAttribute('aria-sort', s.descending ? 'descending' : 'ascending');
        h.appendChild(codicon(s.descending ? 'arrow-down' : 'arrow-up'));
      } else if (c.sortable) {
        h.setAttribute('aria-sort', 'none');
      }
      return h;
    });
    this.dom.header.replaceChildren(selectCell, ...cells);
  }

  private onHeaderClick(ev: MouseEvent): void {
    const h = (ev.target as HTMLElement).closest<HTMLElement>('.cell.head');
    if (!h) return;
    const col = this.columns[Number(h.dataset.col)];
    if (!col?.sortable) return;
    this.sortBy(col);
  }

  /** Header click: ascending, then descending, then the store's default order. */
  sortBy(col: Column): void {
    const cur = this.sort && columnKey(this.sort.column) === col.key ? this.sort : undefined;
    this.sort = !cur ? { column: col.id, descending: false } : !cur.descending ? { column: col.id, descending: true } : null;
    this.query();
  }

  private toggleChooser(): void {
    const c = this.dom.chooser;
    if (c.hidden) this.buildChooser();
    c.hidden = !c.hidden;
    this.dom.columnsButton.setAttribute('aria-expanded', String(!c.hidden));
  }

  private buildChooser(): void {
    const all = allColumns(this.rows);
    const sections: HTMLElement[] = [];
    for (const group of ['attributes', 'metrics', 'params', 'tags'] as ColumnGroup[]) {
      const cols = all.filter((c) => c.id.group === group && c.key !== 'attributes:runName');
      if (cols.length === 0) continue;
      const sec = el('section', `chooser-group group-${group}`);
      const head = sec.appendChild(el('div', 'chooser-head'));
      head.appendChild(el('h2', undefined, `${GROUP_TITLES[group]} (${cols.length})`));
      const allOn = head.appendChild(component('vscode-button', { secondary: '', class: 'mini' }, 'All'));
      const allOff = head.appendChild(component('vscode-button', { secondary: '', class: 'mini' }, 'None'));
      allOn.addEventListener('click', () => this.setVisible(cols, true));
      allOff.addEventListener('click', () => this.setVisible(cols, false));
      const list = sec.appendChild(el('div', 'chooser-list'));
      for (const c of cols) {
        const box = component('vscode-checkbox', { 'data-col': c.key }) as HTMLElement & { checked: boolean };
        box.textContent = c.title;
        box.checked = isVisible(c.key, { hidden: this.hidden, shown: this.shown });
        box.addEventListener('change', () => this.setVisible([c], box.checked));
        list.appendChild(box);
      }
      sections.push(sec);
    }
    const close = component('vscode-button', { class: 'chooser-close' }, 'Done');
    close.addEventListener('click', () => this.toggleChooser());
    this.dom.chooser.replaceChildren(...sections, close);
  }

  setVisible(cols: Column[], visible: boolean): void {
    for (const c of cols) {
      if (visible) {
        this.hidden.delete(c.key);
        this.shown.add(c.key);
      } else {
        this.hidden.add(c.key);
        this.shown.delete(c.key);
      }
    }
    this.paint();
    this.saveState();
    if (!this.dom.chooser.hidden) this.buildChooser();
  }

  // ---- rows ----------------------------------------------------------------------------------

  /** The columns within the viewport's width (plus COLUMN_OVERSCAN_PX each side); every column without layout. */
  private columnWindow(scrollLeft: number, width: number): void {
    let first = 0;
    let last = this.columns.length;
    if (width > 0) {
      const from = scrollLeft - COLUMN_OVERSCAN_PX;
      const to = scrollLeft + width + COLUMN_OVERSCAN_PX;
      let x = SELECT_WIDTH;
      first = -1;
      last = 0;
      for (let i = 0; i < this.columns.length; i++) {
        const right = x + this.columns[i].width;
        if (right > from && x < to) {
          if (first < 0) first = i;
          last = i + 1;
        }
        x = right;
      }
      if (first < 0) first = last = 0;
    }
    this.colFirst = first;
    this.colLast = last;
    this.colsKey = `${first}:${last}`;
  }

  private queuePaint(): void {
    if (this.paintQueued) return;
    this.paintQueued = true;
    this.schedule(() => {
      this.paintQueued = false;
      this.paint();
      this.saveState();
      if (!this.loading) this.afterPage();
    });
  }

  /** Renders the rows in the viewport, reusing row elements. */
  paint(): void {
    // Every layout read first: after the writes below, a read would force a synchronous layout.
    const g = this.dom.grid;
    this.geometry = { scrollTop: g.scrollTop, scrollLeft: g.scrollLeft, height: this.viewportHeight(), width: this.viewportWidth() };
    const columnsChanged = this.refreshColumns();
    this.columnWindow(this.geometry.scrollLeft, this.geometry.width);
    const display = this.rows.display;
    const extra = !this.rows.complete && (this.loading || this.rows.loadedCount > 0) ? 1 : 0;
    const height = `${(display.length + extra) * ROW_HEIGHT}px`;
    if (this.dom.body.style.height !== height) this.dom.body.style.height = height;
    const { first, last } = rowWindow(this.geometry.scrollTop, this.geometry.height, ROW_HEIGHT, display.length, ROW_OVERSCAN);
    const need = last - first;
    while (this.pool.length < need) this.pool.push(this.makeRow());
    // Row elements keep the run they show when it is still in the window, so a scroll step
    // repaints only the rows that entered it.
    const free: RowElement[] = [];
    const keep = new Map<number, RowElement>();
    for (const p of this.pool) {
      if (p.shown && p.index >= first && p.index < last && display[p.index] === p.shown && !columnsChanged) keep.set(p.index, p);
      else free.push(p);
    }
    for (let i = first; i < last; i++) {
      const p = keep.get(i) ?? free.pop()!;
      this.fill(p, display[i], i);
    }
    for (const p of free) {
      p.el.hidden = true;
      p.shown = undefined;
    }
    this.dom.selectAll.checked = display.length > 0 && this.selected.size >= display.length && display.every((d) => this.selected.has(d.row.runId));
    this.dom.selectAll.indeterminate = this.selected.size > 0 && !this.dom.selectAll.checked;
    this.updateCount();
  }

  private makeRow(): RowElement {
    const row = el('div', 'row');
    row.setAttribute('role', 'row');
    const selectCell = row.appendChild(el('div', 'cell select'));
    const check = selectCell.appendChild(el('input'));
    check.type = 'checkbox';
    check.tabIndex = -1;
    const cells: HTMLElement[] = [];
    let twistie = el('span');
    let name = el('span');
    for (const c of this.columns) {
      const cell = row.appendChild(el('div', 'cell'));
      cell.setAttribute('role', 'gridcell');
      if (c.key === 'attributes:runName') {
        twistie = cell.appendChild(el('span', 'twistie'));
        name = cell.appendChild(el('span', 'name'));
        name.setAttribute('role', 'link');
      } else if (c.key === 'attributes:status') {
        cell.append(codicon('circle-outline'), el('span'));
      }
      cells.push(cell);
    }
    this.dom.body.appendChild(row);
    return { el: row, check, twistie, name, cells, memo: cells.map(() => ({ text: '', title: '', cls: 'cell' })), index: -1, stamp: -1, cols: '' };
  }

  private fill(p: RowElement, d: DisplayRow, index: number): void {
    if (p.index !== index || p.el.hidden) {
      p.el.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
      p.el.hidden = false;
    }
    const selected = this.selected.has(d.row.runId);
    if (p.shown === d && p.stamp === this.stamp && p.index === index && p.check.checked === selected && p.cols === this.colsKey) return;
    p.index = index;
    p.shown = d;
    p.stamp = this.stamp;
    p.cols = this.colsKey;
    const r = d.row;
    if (p.el.dataset.runId !== r.runId) {
      p.el.dataset.runId = r.runId;
      p.check.setAttribute('aria-label', `Select run ${r.runName || r.runId}`);
    }
    p.el.dataset.index = String(index);
    p.el.setAttribute('aria-rowindex', String(index + 1));
    p.el.setAttribute('aria-selected', String(selected));
    p.el.className = selected ? (d.depth > 0 ? 'row selected child' : 'row selected') : d.depth > 0 ? 'row child' : 'row';
    p.check.checked = selected;
    const now = this.now();
    for (let i = 0; i < this.columns.length; i++) {
      const col = this.columns[i];
      const cell = p.cells[i];
      if (col.key === 'attributes:runName') {
        cell.style.paddingLeft = `${4 + d.depth * 16}px`;
        p.twistie.className = d.childCount ? `twistie codicon codicon-chevron-${this.expanded.has(r.runId) ? 'down' : 'right'}` : 'twistie';
        p.twistie.title = d.childCount ? `${d.childCount} nested run${d.childCount === 1 ? '' : 's'}` : '';
        if (d.childCount) p.twistie.setAttribute('aria-expanded', String(this.expanded.has(r.runId)));
        else p.twistie.removeAttribute('aria-expanded');
        const c = cellOf(col, r, now);
        p.name.textContent = c.text;
        p.name.title = c.title ?? '';
        continue;
      }
      const memo = p.memo[i];
      // Off to the side: empty (no layout, shaping or paint) until a horizontal scroll brings it in.
      const c = i >= this.colFirst && i < this.colLast ? cellOf(col, r, now) : OFFSCREEN;
      if (col.key === 'attributes:status') {
        // Reused glyph and label: a scroll step must not allocate nodes per row.
        if (memo.text !== c.text) {
          (cell.firstChild as HTMLElement).className = `codicon codicon-${STATUS_ICONS[r.status] ?? 'circle-outline'}`;
          (cell.lastChild as HTMLElement).textContent = c.text;
        }
      } else if (memo.text !== c.text) {
        cell.textContent = c.text;
      }
      memo.text = c.text;
      // Attribute writes cost more than comparisons: write only what changed.
      const title = c.title ?? '';
      if (memo.title !== title) cell.title = memo.title = title;
      const cls = c.cls ? `cell ${c.cls}` : 'cell';
      if (memo.cls !== cls) cell.className = memo.cls = cls;
    }
  }

  private rowAt(target: EventTarget | null): DisplayRow | undefined {
    const rowEl = (target as HTMLElement | null)?.closest?.<HTMLElement>('.row');
    if (!rowEl) return undefined;
    return this.rows.display[Number(rowEl.dataset.index)];
  }

  private onBodyClick(ev: MouseEvent): void {
    const t = ev.target as HTMLElement;
    const d = this.rowAt(t);
    if (!d) return;
    const index = this.rows.display.indexOf(d);
    if (t.closest('.twistie') && d.childCount) return this.toggleExpanded(d.row);
    if (t.closest('.name')) return this.openRun(d.row);
    if (t.closest('.select') || t.tagName === 'INPUT') {
      if (t.tagName !== 'INPUT') ev.preventDefault();
      this.toggleSelected(index, ev.shiftKey);
    }
  }

  /** Checkbox click: toggles one run; with Shift, sets the range from the last click to this row. */
  toggleSelected(index: number, range = false): void {
    const d = this.rows.display[index];
    if (!d) return;
    const on = !this.selected.has(d.row.runId);
    if (range && this.lastClicked >= 0) {
      const [a, b] = this.lastClicked < index ? [this.lastClicked, index] : [index, this.lastClicked];
      for (let i = a; i <= b; i++) {
        const id = this.rows.display[i].row.runId;
        if (on) this.selected.add(id);
        else this.selected.delete(id);
      }
    } else if (on) this.selected.add(d.row.runId);
    else this.selected.delete(d.row.runId);
    this.lastClicked = index;
    this.selectionChanged();
  }

  private selectionChanged(): void {
    this.stamp++;
    this.paint();
    this.emitSelection();
    this.saveState();
  }

  private emitSelection(): void {
    this.client.emit('selection', { experimentIds: this.init?.experimentIds ?? [], runIds: [...this.selected] });
  }

  toggleExpanded(r: RunRow): void {
    if (this.expanded.has(r.runId)) this.expanded.delete(r.runId);
    else {
      this.expanded.add(r.runId);
      void this.loadChildren(r.runId);
    }
    this.rows.arrange(this.expanded);
    this.stamp++;
    this.paint();
    this.saveState();
  }

  /** Children in later pages are not loaded yet; ask for all of this parent's children. */
  private async loadChildren(parentRunId: string): Promise<void> {
    const gen = this.generation;
    try {
      const { rows } = await this.client.request('children', { query: this.currentQuery(), parentRunId });
      if (gen !== this.generation) return;
      this.rows.addChildren(rows);
      this.rows.arrange(this.expanded);
      this.stamp++;
      this.paint();
    } catch {
      // The children already loaded stay shown.
    }
  }

  private openRun(r: RunRow): void {
    this.client.emit('openRun', { runId: r.runId, runName: r.runName });
  }

  private onGridKey(ev: KeyboardEvent): void {
    if (ev.target !== this.dom.grid) return;
    if (ev.key === 'PageDown' || ev.key === 'PageUp') return; // native scrolling
    const focus = this.lastClicked >= 0 ? this.lastClicked : 0;
    const d = this.rows.display[focus];
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      this.lastClicked = Math.max(0, Math.min(this.rows.display.length - 1, focus + (ev.key === 'ArrowDown' ? 1 : -1)));
      const top = this.lastClicked * ROW_HEIGHT;
      const g = this.dom.grid;
      if (top < g.scrollTop) g.scrollTop = top;
      else if (top + ROW_HEIGHT > g.scrollTop + this.viewportHeight()) g.scrollTop = top + ROW_HEIGHT - this.viewportHeight();
      this.dom.body.querySelectorAll('.row.focused').forEach((e) => e.classList.remove('focused'));
      this.queuePaint();
      this.schedule(() => this.dom.body.querySelector(`.row[data-index="${this.lastClicked}"]`)?.classList.add('focused'));
    } else if (ev.key === ' ' && d) {
      ev.preventDefault();
      this.toggleSelected(focus);
    } else if (ev.key === 'Enter' && d) {
      this.openRun(d.row);
    } else if ((ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') && d?.childCount) {
      if (this.expanded.has(d.row.runId) !== (ev.key === 'ArrowRight')) this.toggleExpanded(d.row);
    }
  }

  private updateCount(): void {
    const n = this.rows.loadedCount;
    const sel = this.selected.size ? ` · ${this.selected.size} selected` : '';
    const text = n === 0 && this.loading ? 'Loading runs…' : n === 0 && this.rows.complete ? 'No runs match' : this.rows.complete ? `${n} runs${sel}` : `${n} runs loaded, more as you scroll${sel}`;
    if (this.dom.count.textContent !== text) this.dom.count.textContent = text;
  }

  // ---- state ---------------------------------------------------------------------------------

  /** `scrollTop`: as the last paint read it (saveState), or read now. */
  state(scrollTop = this.dom.grid.scrollTop): RunsTableState {
    return {
      experimentIds: this.init?.experimentIds ?? [],
      title: this.init?.title ?? '',
      filter: this.appliedFilter,
      sort: this.sort,
      hidden: [...this.hidden],
      shown: [...this.shown],
      selected: [...this.selected],
      expanded: [...this.expanded],
      scrollTop: this.restoreScrollTop || scrollTop,
    };
  }

  private saveState(): void {
    if (this.init) this.client.setState(this.state(this.geometry.scrollTop));
  }

  /** Ids of the runs whose rows are on screen, top to bottom (for tests and the poller). */
  visibleRunIds(): string[] {
    return this.pool
      .filter((p) => !p.el.hidden && p.shown)
      .sort((a, b) => a.index - b.index)
      .map((p) => p.shown!.row.runId);
  }

  dispose(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.filterTimer) clearTimeout(this.filterTimer);
  }
}

const OFFSCREEN = { text: '', title: '', cls: '' };

function sameIds(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return !!a && a.length === b.length && a.every((x, i) => x === b[i]);
}
