import { BODY_FORMATS, convertBody, parseBody, type BodyFormat } from '../../extension/core/serving/requestBody';
import { el } from '../platform/dom';
import type { PanelClient } from '../platform/panelClient';
import type { InvocationAnswer, TryItContract, TryItInit, TryItState } from './contract';

/**
 * The "Try it" page: a JSON body in a textarea, a format choice that converts the body where the
 * data allow it, and Send. The page never touches the network: Send is a request to the host,
 * which posts to the scoring server. Answers, errors and model output are shown as text only.
 */

const FORMAT_LABELS: Record<BodyFormat, string> = {
  dataframe_split: 'dataframe_split (columns + rows)',
  dataframe_records: 'dataframe_records (one object per row)',
  instances: 'instances (TF-serving rows)',
  inputs: 'inputs (tensor or columns)',
};

export class TryItPage {
  private init: TryItInit | undefined;
  private state: TryItState | undefined;
  private body!: HTMLTextAreaElement;
  private format!: HTMLSelectElement;
  private check!: HTMLElement;
  private send!: HTMLButtonElement;
  private answer!: HTMLElement;
  private status!: HTMLElement;
  private running = false;
  private sending = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly client: PanelClient<TryItContract>,
  ) {
    this.state = client.getState();
    client.onPush('init', (init) => this.show(init));
    client.onPush('server', ({ running, message }) => {
      this.running = running;
      if (this.status) this.status.textContent = message;
      this.status?.classList.toggle('error', !running);
      this.updateSend();
    });
    client.ready();
  }

  private show(init: TryItInit): void {
    this.init = init;
    this.running = init.running;
    const body = this.state?.body ?? init.body;
    this.root.replaceChildren();
    this.root.append(el('h1', undefined, `Try ${init.label}`));
    const where = el('p', 'muted');
    where.append(el('span', undefined, `${init.modelUri} served at `), el('code', undefined, init.url));
    this.status = el('p', init.running ? 'muted' : 'muted error', init.running ? 'The model server is running.' : 'The model server is not running.');
    this.status.setAttribute('role', 'status');
    this.root.append(where, this.status, el('p', 'muted example-note', init.exampleNote));

    const row = el('div', 'format-row');
    const label = el('label', undefined, 'Format ');
    label.htmlFor = 'format';
    this.format = el('select');
    this.format.id = 'format';
    for (const f of BODY_FORMATS) {
      const o = el('option', undefined, FORMAT_LABELS[f]);
      o.value = f;
      this.format.append(o);
    }
    this.format.addEventListener('change', () => this.convert());
    row.append(label, this.format);

    this.body = el('textarea', 'body');
    this.body.spellcheck = false;
    this.body.rows = 16;
    this.body.value = body;
    this.body.setAttribute('aria-label', 'Request body (JSON)');
    this.body.addEventListener('input', () => this.validate());

    this.check = el('p', 'check');
    this.check.setAttribute('aria-live', 'polite');
    this.send = el('button', 'send', 'Send');
    this.send.type = 'button';
    this.send.addEventListener('click', () => void this.submit());
    this.body.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void this.submit();
      }
    });
    this.answer = el('section', 'answer');
    this.answer.setAttribute('aria-live', 'polite');
    this.root.append(row, this.body, this.check, this.send, this.answer);
    this.validate();
  }

  private save(): void {
    const p = parseBody(this.body.value);
    this.state = { body: this.body.value, format: p.ok ? p.format : this.state?.format };
    this.client.setState(this.state);
  }

  /** Checks as typed; the format box follows the body's key. */
  private validate(): boolean {
    const p = parseBody(this.body.value);
    if (p.ok) {
      this.format.value = p.format;
      this.check.textContent = '';
      this.check.className = 'check';
    } else {
      this.check.textContent = p.message;
      this.check.className = 'check error';
    }
    this.save();
    this.updateSend();
    return p.ok;
  }

  private updateSend(): void {
    if (!this.send) return;
    this.send.disabled = this.sending || !this.running || !parseBody(this.body.value).ok;
  }

  private convert(): void {
    const to = this.format.value as BodyFormat;
    try {
      this.body.value = convertBody(this.body.value, to);
      this.validate();
    } catch (e) {
      const current = parseBody(this.body.value);
      if (current.ok) this.format.value = current.format;
      this.check.textContent = (e as Error).message;
      this.check.className = 'check error';
    }
  }

  private async submit(): Promise<void> {
    if (!this.validate() || this.sending || !this.running) return;
    this.sending = true;
    this.updateSend();
    this.answer.replaceChildren(el('p', 'muted', 'Sending…'));
    try {
      this.showAnswer(await this.client.request('send', { body: this.body.value }));
    } catch (e) {
      this.answer.replaceChildren(el('h2', undefined, 'Error'), el('pre', 'error', (e as Error).message));
    } finally {
      this.sending = false;
      this.updateSend();
    }
  }

  private showAnswer(a: InvocationAnswer): void {
    let text = a.text;
    if (/json/i.test(a.contentType) && !a.truncated) {
      try {
        text = JSON.stringify(JSON.parse(a.text), null, 2);
      } catch {
        // shown as it came
      }
    }
    const ok = a.status >= 200 && a.status < 300;
    const head = el('h2', undefined, ok ? 'Prediction' : 'Error from the model server');
    const meta = el('p', 'muted', `HTTP ${a.status} · ${a.ms} ms${a.truncated ? ' · cut at 4 MiB' : ''}`);
    const pre = el('pre', ok ? 'result' : 'result error', text);
    pre.tabIndex = 0;
    this.answer.replaceChildren(head, meta, pre);
    // The answer sits below a tall body box: bring it into view, as a result a user asked for.
    this.answer.scrollIntoView?.({ block: 'nearest' });
  }
}
