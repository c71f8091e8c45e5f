import { formatDuration, formatTokens } from '../../extension/core/traces/traceDisplay';
import { codicon, el } from '../platform/dom';
import type { PanelClient } from '../platform/panelClient';
import { packedAt, packedIndexOf, type AssessmentView, type SpanColumns, type SpanDetail, type TraceContract, type TraceInit, type TraceState } from './contract';
import { jsonNode, jsonSection } from './jsonView';
import { SpanTree } from './spanTree';

/**
 * The trace page: a header (name, state, duration, tokens, linked prompts, the trace's
 * assessments and "Add Feedback"), the span tree with a waterfall bar per row, and the selected
 * span's inputs, outputs, attributes and events as folding JSON. The span list is virtual: only the
 * rows in view (plus a few) exist as elements, reused while scrolling, so a 30,000-span trace
 * paints as fast as a small one. Every store string goes in through textContent.
 */

export const ROW_HEIGHT = 22;
const OVERSCAN = 8;
/** Viewport height when the page has no layout yet (a hidden tab, a DOM test). */
const FALLBACK_VIEWPORT = 600;

const TYPE_ICON: Record<string, string> = {
  LLM: 'sparkle',
  CHAT_MODEL: 'comment-discussion',
  TOOL: 'tools',
  RETRIEVER: 'search',
  AGENT: 'person',
  CHAIN: 'link',
  EMBEDDING: 'symbol-array',
  RERANKER: 'list-ordered',
  PARSER: 'symbol-structure',
  MEMORY: 'database',
  UNKNOWN: 'symbol-event',
};

function durationText(us: number): string {
  return us < 0 ? 'unfinished' : formatDuration(us / 1000);
}

export class TracePage {
  private state: TraceState | undefined;
  private init: TraceInit | undefined;
  private tree: SpanTree | undefined;
  private selected = -1;
  private generation = 0;
  private scroller: HTMLElement | undefined;
  private spacer: HTMLElement | undefined;
  private detail: HTMLElement | undefined;
  private assessmentsBox: HTMLElement | undefined;
  /** Row elements by their slot, reused while scrolling. */
  private pool: HTMLElement[] = [];
  private frame = 0;
  private spansWithAssessments = new Set<string>();

  constructor(
    private readonly root: HTMLElement,
    private readonly client: PanelClient<TraceContract>,
  ) {
    this.state = client.getState();
    client.onPush('trace', (init) => this.show(init));
    client.onPush('loading', ({ traceId }) => {
      this.generation++;
      this.root.replaceChildren(el('p', 'empty', `Loading trace ${traceId}…`));
    });
    client.onPush('error', ({ message }) => {
      this.generation++;
      this.root.replaceChildren(el('p', 'error', message));
    });
    client.ready();
  }

  /** The span rows currently in the DOM (for tests and the benchmark). */
  renderedRows(): HTMLElement[] {
    return this.pool.filter((r) => !r.hidden);
  }

  get visibleRowCount(): number {
    return this.tree?.rows.length ?? 0;
  }

  private show(init: TraceInit): void {
    this.generation++;
    const same = this.state?.traceId === init.header.traceId;
    this.state = { traceId: init.header.traceId, selected: same ? this.state?.selected : undefined };
    this.client.setState(this.state);
    this.init = init;
    this.tree = new SpanTree(init.spans);
    this.pool = [];
    this.indexAssessments();
    const header = this.header(init);
    const main = el('div', 'main');
    const list = main.appendChild(el('div', 'span-list'));
    const head = list.appendChild(el('div', 'span-list-head'));
    head.append(el('span', 'col-name', `Spans (${init.spans.count})`), el('span', 'col-bar', `Timeline · ${durationText(init.spans.totalUs)}`));
    this.scroller = list.appendChild(el('div', 'rows'));
    this.scroller.tabIndex = 0;
    this.scroller.setAttribute('role', 'tree');
    this.scroller.setAttribute('aria-label', 'Spans');
    this.spacer = this.scroller.appendChild(el('div', 'spacer'));
    this.scroller.addEventListener('scroll', () => this.schedule());
    this.scroller.addEventListener('keydown', (e) => this.key(e));
    this.detail = main.appendChild(el('div', 'detail'));
    this.root.replaceChildren(header, main);
    this.renderRows();
    const wanted = this.state.selected ? packedIndexOf(init.spans.ids, this.state.selected) : init.spans.count ? this.tree.roots[0] ?? 0 : -1;
    if (wanted >= 0) this.select(wanted, false);
    else this.detail.replaceChildren(el('p', 'empty', 'This trace has no spans.'));
  }

  private indexAssessments(): void {
    this.spansWithAssessments = new Set((this.init?.assessments ?? []).filter((a) => a.spanId).map((a) => a.spanId!));
  }

  // ------------------------------------------------------------------ header

  private header(init: TraceInit): HTMLElement {
    const h = init.header;
    const header = el('header');
    const title = header.appendChild(el('div', 'title'));
    title.appendChild(codicon(h.state === 'ERROR' ? 'error' : h.state === 'OK' ? 'pass' : 'sync', h.state));
    title.appendChild(el('h1', undefined, h.name || h.traceId));
    title.appendChild(el('span', `badge state-${h.state}`, h.state));
    const facts = header.appendChild(el('div', 'facts'));
    const fact = (label: string, value: string) => {
      const f = facts.appendChild(el('span', 'fact'));
      f.append(el('span', 'fact-label', label), el('span', 'fact-value', value));
    };
    fact('Trace', h.traceId);
    fact('Started', new Date(h.requestTime).toLocaleString());
    if (h.durationMs !== null) fact('Duration', formatDuration(h.durationMs));
    if (h.tokens) fact('Tokens', [h.tokens.input !== undefined ? `${formatTokens(h.tokens.input)} in` : '', h.tokens.output !== undefined ? `${formatTokens(h.tokens.output)} out` : '', h.tokens.total !== undefined ? `${formatTokens(h.tokens.total)} total` : ''].filter(Boolean).join(' · '));
    const actions = header.appendChild(el('div', 'actions'));
    const copy = actions.appendChild(this.button('copy', 'Copy ID', 'Copy the trace ID'));
    copy.dataset.action = 'copy';
    copy.addEventListener('click', () => this.client.emit('copy', { text: h.traceId }));
    const refresh = actions.appendChild(this.button('refresh', 'Refresh', 'Read the trace again'));
    refresh.dataset.action = 'refresh';
    refresh.addEventListener('click', () => this.client.emit('refresh', {}));
    if (h.linkedPrompts.length) {
      const prompts = header.appendChild(el('div', 'prompts'));
      prompts.appendChild(el('span', 'fact-label', 'Prompts'));
      for (const p of h.linkedPrompts) {
        const a = prompts.appendChild(el('button', 'link', `${p.name} v${p.version}`));
        a.type = 'button';
        a.dataset.prompt = p.name;
        a.title = `Show prompt ${p.name}, version ${p.version}`;
        a.addEventListener('click', () => this.client.emit('openPrompt', { name: p.name, version: p.version }));
      }
    }
    if (h.requestPreview || h.responsePreview) {
      const io = header.appendChild(el('div', 'io'));
      if (h.requestPreview) io.append(el('span', 'fact-label', 'Request'), el('span', 'preview', h.requestPreview));
      if (h.responsePreview) io.append(el('span', 'fact-label', 'Response'), el('span', 'preview', h.responsePreview));
    }
    this.assessmentsBox = header.appendChild(el('div', 'assessments trace-assessments'));
    this.renderTraceAssessments();
    return header;
  }

  private button(icon: string, text: string, title: string): HTMLButtonElement {
    const b = el('button', 'btn');
    b.type = 'button';
    b.title = title;
    b.append(codicon(icon), el('span', undefined, text));
    return b;
  }

  private renderTraceAssessments(): void {
    const box = this.assessmentsBox;
    const init = this.init;
    if (!box || !init) return;
    box.replaceChildren();
    const own = init.assessments.filter((a) => !a.spanId);
    box.appendChild(el('span', 'fact-label', 'Assessments'));
    if (!own.length) box.appendChild(el('span', 'muted', 'none on the trace'));
    for (const a of own) box.appendChild(this.assessmentChip(a));
    const add = box.appendChild(this.button('feedback', 'Add Feedback', 'Add your feedback to this trace or the selected span'));
    add.dataset.action = 'add-feedback';
    add.addEventListener('click', () => this.openFeedbackForm());
  }

  private assessmentChip(a: AssessmentView): HTMLElement {
    const chip = el('span', `assessment kind-${a.kind}${a.valid ? '' : ' overridden'}${a.error ? ' failed' : ''}`);
    chip.dataset.assessment = a.id;
    chip.append(codicon(a.kind === 'feedback' ? 'feedback' : 'target', a.kind), el('span', 'assessment-name', a.name), el('span', 'assessment-value', a.error ? `error: ${a.error}` : a.value));
    chip.title = [`${a.kind} by ${a.sourceType} ${a.sourceId}`, a.rationale ? `Rationale: ${a.rationale}` : '', a.time ? new Date(a.time).toLocaleString() : '', a.valid ? '' : 'overridden by a later assessment'].filter(Boolean).join('\n');
    return chip;
  }

  // ------------------------------------------------------------------ span rows

  private schedule(): void {
    if (this.frame) return;
    const raf = typeof requestAnimationFrame === 'function' ? requestAnimationFrame : (f: () => void) => setTimeout(f, 16);
    this.frame = raf(() => {
      this.frame = 0;
      this.renderRows();
    }) as unknown as number;
  }

  /** Renders the rows in (or near) the viewport, reusing the row elements by slot. */
  renderRows(): void {
    const tree = this.tree;
    const scroller = this.scroller;
    const spans = this.init?.spans;
    if (!tree || !scroller || !spans || !this.spacer) return;
    const count = tree.rows.length;
    this.spacer.style.height = `${count * ROW_HEIGHT}px`;
    const height = scroller.clientHeight || FALLBACK_VIEWPORT;
    const first = Math.max(0, Math.floor(scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(count, Math.ceil((scroller.scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
    const needed = last - first;
    while (this.pool.length < needed) this.pool.push(this.spacer.appendChild(this.makeRow()));
    for (let slot = 0; slot < this.pool.length; slot++) {
      const row = this.pool[slot];
      const r = first + slot;
      if (r >= last) {
        row.hidden = true;
        continue;
      }
      row.hidden = false;
      this.fillRow(row, r, tree.rows[r], spans);
    }
  }

  private makeRow(): HTMLElement {
    const row = el('div', 'row');
    row.setAttribute('role', 'treeitem');
    const name = row.appendChild(el('div', 'cell-name'));
    const twistie = name.appendChild(el('button', 'twistie'));
    twistie.type = 'button';
    twistie.tabIndex = -1;
    name.appendChild(el('span', 'type-icon codicon'));
    name.appendChild(el('span', 'span-name'));
    name.appendChild(el('span', 'span-badge codicon codicon-feedback'));
    name.appendChild(el('span', 'span-duration'));
    const barCell = row.appendChild(el('div', 'cell-bar'));
    barCell.appendChild(el('div', 'bar'));
    twistie.addEventListener('click', (e) => {
      e.stopPropagation();
      const i = Number(row.dataset.index);
      this.tree?.toggle(i);
      this.renderRows();
    });
    row.addEventListener('click', () => this.select(Number(row.dataset.index), true));
    return row;
  }

  private fillRow(row: HTMLElement, r: number, i: number, spans: SpanColumns): void {
    const tree = this.tree!;
    row.dataset.index = String(i);
    row.style.top = `${r * ROW_HEIGHT}px`;
    const error = spans.status[i] === 2;
    row.className = `row${error ? ' error' : ''}${i === this.selected ? ' selected' : ''}`;
    row.setAttribute('aria-level', String(tree.depth[i] + 1));
    row.setAttribute('aria-selected', String(i === this.selected));
    const name = row.firstElementChild as HTMLElement;
    name.style.paddingLeft = `${4 + tree.depth[i] * 14}px`;
    const [twistie, icon, label, badge, duration] = Array.from(name.children) as HTMLElement[];
    const kids = tree.childCount(i);
    twistie.textContent = kids ? (tree.isCollapsed(i) ? '▸' : '▾') : '';
    twistie.style.visibility = kids ? 'visible' : 'hidden';
    if (kids) row.setAttribute('aria-expanded', String(!tree.isCollapsed(i)));
    else row.removeAttribute('aria-expanded');
    const type = spans.typeNames[spans.types[i]] ?? 'UNKNOWN';
    icon.className = `type-icon codicon codicon-${error ? 'error' : (TYPE_ICON[type] ?? 'symbol-event')}`;
    icon.title = error ? `${type} (error)` : type;
    label.textContent = packedAt(spans.names, i);
    badge.hidden = !this.spansWithAssessments.has(packedAt(spans.ids, i));
    duration.textContent = durationText(spans.durationUs[i]);
    const bar = (row.lastElementChild as HTMLElement).firstElementChild as HTMLElement;
    const total = spans.totalUs > 0 ? spans.totalUs : 1;
    bar.style.left = `${(spans.startUs[i] / total) * 100}%`;
    bar.style.width = `${Math.max(spans.durationUs[i] < 0 ? 0 : (spans.durationUs[i] / total) * 100, 0.3)}%`;
    bar.className = `bar type-${type}${error ? ' error' : ''}`;
  }

  private key(e: KeyboardEvent): void {
    const tree = this.tree;
    if (!tree || this.selected < 0) return;
    const row = tree.rows.indexOf(this.selected);
    if (e.key === 'ArrowDown' && row + 1 < tree.rows.length) this.select(tree.rows[row + 1], true);
    else if (e.key === 'ArrowUp' && row > 0) this.select(tree.rows[row - 1], true);
    else if (e.key === 'ArrowLeft') {
      tree.setCollapsed(this.selected, true);
      this.renderRows();
    } else if (e.key === 'ArrowRight') {
      tree.setCollapsed(this.selected, false);
      this.renderRows();
    } else return;
    e.preventDefault();
  }

  /** Selects span `i`: its row is revealed and highlighted, its details are asked for. */
  select(i: number, scroll: boolean): void {
    const init = this.init;
    const tree = this.tree;
    if (!init || !tree || i < 0 || i >= init.spans.count) return;
    this.selected = i;
    this.state = { traceId: init.header.traceId, selected: packedAt(init.spans.ids, i) };
    this.client.setState(this.state);
    const row = tree.reveal(i);
    if (scroll && this.scroller) {
      const top = row * ROW_HEIGHT;
      const height = this.scroller.clientHeight || FALLBACK_VIEWPORT;
      if (top < this.scroller.scrollTop || top + ROW_HEIGHT > this.scroller.scrollTop + height) this.scroller.scrollTop = Math.max(0, top - height / 3);
    }
    this.renderRows();
    void this.loadDetail(i);
  }

  // ------------------------------------------------------------------ detail

  private async loadDetail(i: number): Promise<void> {
    const init = this.init!;
    const gen = this.generation;
    const box = this.detail!;
    box.replaceChildren(el('p', 'empty', `Loading ${packedAt(init.spans.names, i)}…`));
    try {
      const d = await this.client.request('span', { traceId: init.header.traceId, index: i });
      if (gen !== this.generation || this.selected !== i) return;
      box.replaceChildren(...this.detailContent(d));
    } catch (e) {
      if (gen !== this.generation || this.selected !== i) return;
      box.replaceChildren(el('p', 'error', `Cannot read the span: ${(e as Error).message}`));
    }
  }

  private detailContent(d: SpanDetail): HTMLElement[] {
    const spans = this.init!.spans;
    const out: HTMLElement[] = [];
    const head = el('div', 'detail-head');
    head.append(codicon(TYPE_ICON[d.spanType] ?? 'symbol-event'), el('h2', undefined, d.name), el('span', `badge state-${d.status}`, d.status), el('span', 'muted', `${d.spanType} · ${durationText(spans.durationUs[d.index])} · starts at +${durationText(spans.startUs[d.index])}`));
    out.push(head);
    if (d.status === 'ERROR' || d.statusMessage) {
      const box = el('div', d.status === 'ERROR' ? 'error-box' : 'note-box');
      box.append(codicon(d.status === 'ERROR' ? 'error' : 'info'), el('span', undefined, d.statusMessage || 'This span failed.'));
      out.push(box);
    }
    const mine = this.init!.assessments.filter((a) => a.spanId === d.spanId);
    if (mine.length) {
      const box = el('div', 'assessments');
      box.appendChild(el('span', 'fact-label', 'Assessments'));
      for (const a of mine) box.appendChild(this.assessmentChip(a));
      out.push(box);
    }
    if ('inputs' in d) out.push(jsonSection('Inputs', d.inputs));
    if ('outputs' in d) out.push(jsonSection('Outputs', d.outputs));
    out.push(jsonSection('Attributes', d.attributes));
    if (d.events.length) {
      const section = el('section', 'json-section events');
      section.appendChild(el('h3', undefined, `Events (${d.events.length})`));
      for (const ev of d.events) {
        const row = section.appendChild(el('div', `event${ev.name === 'exception' ? ' error' : ''}`));
        row.appendChild(jsonNode(`${ev.name} at +${durationText(ev.offsetUs)}`, ev.attributes, ev.name === 'exception'));
      }
      out.push(section);
    }
    return out;
  }

  // ------------------------------------------------------------------ feedback

  private openFeedbackForm(): void {
    const init = this.init;
    const box = this.assessmentsBox;
    if (!init || !box) return;
    box.parentElement?.querySelector('.feedback-form')?.remove();
    const form = el('form', 'feedback-form');
    if (!init.header.feedback.writable) {
      form.appendChild(el('p', 'note-box', init.header.feedback.note ?? 'This store does not take feedback.'));
      box.after(form);
      return;
    }
    const spanName = this.selected >= 0 ? packedAt(init.spans.names, this.selected) : undefined;
    const spanId = this.selected >= 0 ? packedAt(init.spans.ids, this.selected) : undefined;
    const field = (label: string, control: HTMLElement) => {
      const l = form.appendChild(el('label'));
      l.append(el('span', undefined, label), control);
      return control;
    };
    const name = field('Name', el('input')) as HTMLInputElement;
    name.name = 'name';
    name.value = 'user_feedback';
    name.required = true;
    const choice = field('Value', el('select')) as HTMLSelectElement;
    choice.name = 'choice';
    for (const [v, t] of [['true', 'Yes (true)'], ['false', 'No (false)'], ['other', 'Other value…']]) {
      const o = choice.appendChild(el('option', undefined, t));
      o.value = v;
    }
    const other = field('Other value (JSON, else text)', el('input')) as HTMLInputElement;
    other.name = 'other';
    other.parentElement!.hidden = true;
    choice.addEventListener('change', () => (other.parentElement!.hidden = choice.value !== 'other'));
    const rationale = field('Rationale', el('textarea')) as HTMLTextAreaElement;
    rationale.name = 'rationale';
    const target = field('On', el('select')) as HTMLSelectElement;
    target.name = 'target';
    const onTrace = target.appendChild(el('option', undefined, 'the trace'));
    onTrace.value = '';
    if (spanId && spanName !== undefined) {
      const o = target.appendChild(el('option', undefined, `span "${spanName}"`));
      o.value = spanId;
    }
    const status = form.appendChild(el('p', 'form-status'));
    const submit = form.appendChild(el('button', 'btn primary', 'Save Feedback'));
    submit.type = 'submit';
    submit.dataset.action = 'save-feedback';
    const cancel = form.appendChild(el('button', 'btn', 'Cancel'));
    cancel.type = 'button';
    cancel.addEventListener('click', () => form.remove());
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const value = choice.value === 'other' ? parseValue(other.value) : choice.value === 'true';
      if (!name.value.trim()) {
        status.textContent = 'A name is needed.';
        return;
      }
      submit.disabled = true;
      status.textContent = 'Saving…';
      const gen = this.generation;
      this.client
        .request('addFeedback', { traceId: init.header.traceId, name: name.value.trim(), value, ...(rationale.value.trim() ? { rationale: rationale.value.trim() } : {}), ...(target.value ? { spanId: target.value } : {}) })
        .then(({ assessments }) => {
          if (gen !== this.generation) return;
          init.assessments = assessments;
          this.indexAssessments();
          form.remove();
          this.renderTraceAssessments();
          this.renderRows();
          if (this.selected >= 0) void this.loadDetail(this.selected);
        })
        .catch((err: Error) => {
          submit.disabled = false;
          status.textContent = `Not saved: ${err.message}`;
          status.className = 'form-status error';
        });
    });
    box.after(form);
    name.focus();
  }
}

/** A typed value: JSON when it parses (numbers, true, {"a": 1}), else the text itself. */
export function parseValue(text: string): unknown {
  const t = text.trim();
  if (!t) return '';
  try {
    return JSON.parse(t);
  } catch {
    return text;
  }
}
