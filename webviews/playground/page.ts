import { CHAT_ROLES, promptToMessages, promptVariables, type ChatMessage } from '../../extension/core/gateway/gatewayMessages';
import { codicon, el } from '../platform/dom';
import type { PanelClient } from '../platform/panelClient';
import type { PlaygroundCatalog, PlaygroundContract, PlaygroundEndpoint, PlaygroundPrompt, PlaygroundPromptVersion, PlaygroundSelection, PlaygroundState, SendParams, SendResult } from './contract';

/**
 * The AI Gateway playground: an endpoint, then a prompt version whose `{{variables}}` become form
 * fields (or messages typed by hand), and Send. The host does the call; the page shows the answer,
 * latency, token usage and a link to the trace the gateway wrote. Everything that came from the
 * server or the model goes in as text (textContent / value), never as HTML.
 */

const EMPTY_STATE: PlaygroundState = { mode: 'prompt', values: {}, messages: [{ role: 'user', content: '' }] };

export function versionLabel(v: Pick<PlaygroundPromptVersion, 'version' | 'aliases'>): string {
  return `Version ${v.version}${v.aliases.length ? ` · ${v.aliases.map((a) => `@${a}`).join(' ')}` : ''}`;
}

export function endpointSummary(e: PlaygroundEndpoint): string {
  const models = e.models.map((m) => `${m.provider}/${m.modelName}${m.linkage === 'FALLBACK' ? ' (fallback)' : ''}`).join(', ') || 'no model';
  const routing = e.routingStrategy ? ` · ${e.routingStrategy.toLowerCase().replace(/_/g, ' ')}` : '';
  return `${models}${routing} · ${e.tracing ? 'calls are traced' : 'usage tracking off: no traces'}`;
}

export function usageText(u: SendResult['usage']): string {
  if (!u) return 'no token usage returned';
  const part = (n: number | undefined, what: string) => (n === undefined ? undefined : `${n} ${what}`);
  return ['tokens:', [part(u.promptTokens, 'in'), part(u.completionTokens, 'out'), part(u.totalTokens, 'total')].filter(Boolean).join(', ') || 'none reported'].join(' ');
}

/** A template as read by a person: chat messages one after another with their roles. */
export function templateText(v: Pick<PlaygroundPromptVersion, 'type' | 'template'>): string {
  if (v.type === 'text') return v.template;
  try {
    return JSON.parse(v.template) instanceof Array ? promptToMessages(v, {}).map((m) => `[${m.role}]\n${m.content}`).join('\n\n') : v.template;
  } catch {
    return v.template;
  }
}

export class PlaygroundPage {
  private catalog: PlaygroundCatalog | undefined;
  private state: PlaygroundState;
  private sending = false;
  private built = false;
  private endpointSelect!: HTMLSelectElement;
  private endpointInfo!: HTMLElement;
  private promptSelect!: HTMLSelectElement;
  private versionSelect!: HTMLSelectElement;
  private promptPane!: HTMLElement;
  private messagesPane!: HTMLElement;
  private template!: HTMLElement;
  private variables!: HTMLElement;
  private preview!: HTMLElement;
  private messageList!: HTMLElement;
  private check!: HTMLElement;
  private send!: HTMLButtonElement;
  private answer!: HTMLElement;
  private problems!: HTMLElement;
  private server!: HTMLElement;
  private pendingSelection: PlaygroundSelection | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly client: PanelClient<PlaygroundContract>,
  ) {
    const saved = client.getState();
    this.state = saved && typeof saved === 'object' ? { ...EMPTY_STATE, ...saved, values: { ...(saved.values ?? {}) }, messages: Array.isArray(saved.messages) && saved.messages.length ? saved.messages : EMPTY_STATE.messages } : { ...EMPTY_STATE };
    client.onPush('catalog', (c) => this.showCatalog(c));
    client.onPush('select', (s) => this.select(s));
    client.onPush('unavailable', ({ message }) => this.unavailable(message));
    client.ready();
  }

  private save(): void {
    this.client.setState(this.state);
  }

  private unavailable(message: string): void {
    this.catalog = undefined;
    this.built = false;
    this.root.replaceChildren(el('h1', undefined, 'AI Gateway Playground'), el('p', 'error unavailable', message));
  }

  private select(s: PlaygroundSelection): void {
    if (!this.catalog) {
      this.pendingSelection = s;
      return;
    }
    if (s.endpoint && this.catalog.endpoints.some((e) => e.name === s.endpoint)) this.state.endpoint = s.endpoint;
    if (s.prompt) {
      this.state.mode = 'prompt';
      this.state.prompt = s.prompt.name;
      this.state.version = s.prompt.version;
    }
    this.save();
    this.render();
  }

  private showCatalog(c: PlaygroundCatalog): void {
    this.catalog = c;
    if (!this.built) this.build();
    this.render();
    if (this.pendingSelection) {
      const s = this.pendingSelection;
      this.pendingSelection = undefined;
      this.select(s);
    }
  }

  private build(): void {
    this.built = true;
    this.root.replaceChildren();
    const head = el('div', 'head');
    const title = el('h1', undefined, 'AI Gateway Playground');
    const refresh = el('button', 'icon refresh');
    refresh.type = 'button';
    refresh.title = 'Reload endpoints and prompts';
    refresh.setAttribute('aria-label', 'Reload endpoints and prompts');
    refresh.append(codicon('refresh'));
    refresh.addEventListener('click', () => void this.reload());
    head.append(title, refresh);
    this.server = el('p', 'muted server');
    this.problems = el('div', 'problems');

    const endpointRow = el('div', 'row');
    const endpointLabel = el('label', undefined, 'Endpoint');
    endpointLabel.htmlFor = 'endpoint';
    this.endpointSelect = el('select');
    this.endpointSelect.id = 'endpoint';
    this.endpointSelect.addEventListener('change', () => {
      this.state.endpoint = this.endpointSelect.value || undefined;
      this.save();
      this.render();
    });
    endpointRow.append(endpointLabel, this.endpointSelect);
    this.endpointInfo = el('p', 'muted endpoint-info');

    const modes = el('div', 'modes');
    modes.setAttribute('role', 'radiogroup');
    modes.setAttribute('aria-label', 'What to send');
    for (const [mode, text] of [
      ['prompt', 'Prompt from the registry'],
      ['messages', 'Messages'],
    ] as const) {
      const id = `mode-${mode}`;
      const input = el('input');
      input.type = 'radio';
      input.name = 'mode';
      input.id = id;
      input.value = mode;
      input.addEventListener('change', () => {
        if (!input.checked) return;
        this.state.mode = mode;
        this.save();
        this.render();
      });
      const label = el('label', 'mode', text);
      label.htmlFor = id;
      modes.append(input, label);
    }

    this.promptPane = el('section', 'prompt-pane');
    const promptRow = el('div', 'row');
    const promptLabel = el('label', undefined, 'Prompt');
    promptLabel.htmlFor = 'prompt';
    this.promptSelect = el('select');
    this.promptSelect.id = 'prompt';
    this.promptSelect.addEventListener('change', () => {
      this.state.prompt = this.promptSelect.value || undefined;
      this.state.version = this.currentPrompt()?.versions[0]?.version;
      this.save();
      this.render();
    });
    const versionLabelEl = el('label', undefined, 'Version');
    versionLabelEl.htmlFor = 'version';
    this.versionSelect = el('select');
    this.versionSelect.id = 'version';
    this.versionSelect.addEventListener('change', () => {
      this.state.version = this.versionSelect.value || undefined;
      this.save();
      this.render();
    });
    promptRow.append(promptLabel, this.promptSelect, versionLabelEl, this.versionSelect);
    this.template = el('pre', 'template');
    this.template.tabIndex = 0;
    this.template.setAttribute('aria-label', 'Template');
    this.variables = el('div', 'variables');
    const previewBox = el('details', 'preview');
    previewBox.append(el('summary', undefined, 'Messages to send'));
    this.preview = el('pre', 'preview-text');
    previewBox.append(this.preview);
    this.promptPane.append(promptRow, el('h2', undefined, 'Template'), this.template, el('h2', undefined, 'Variables'), this.variables, previewBox);

    this.messagesPane = el('section', 'messages-pane');
    this.messageList = el('div', 'message-list');
    const add = el('button', 'secondary add-message');
    add.type = 'button';
    add.append(codicon('add'), document.createTextNode(' Add message'));
    add.addEventListener('click', () => {
      this.state.messages = [...this.state.messages, { role: 'user', content: '' }];
      this.save();
      this.renderMessages(this.state.messages.length - 1);
      this.updateSend();
    });
    this.messagesPane.append(this.messageList, add);

    const sendRow = el('div', 'send-row');
    this.send = el('button', 'send', 'Send');
    this.send.type = 'button';
    this.send.title = 'Send (Ctrl+Enter)';
    this.send.addEventListener('click', () => void this.submit());
    this.check = el('span', 'check muted');
    this.check.setAttribute('aria-live', 'polite');
    sendRow.append(this.send, this.check);
    this.root.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void this.submit();
      }
    });

    this.answer = el('section', 'answer');
    this.answer.setAttribute('aria-live', 'polite');
    this.root.append(head, this.server, this.problems, endpointRow, this.endpointInfo, modes, this.promptPane, this.messagesPane, sendRow, this.answer);
  }

  private async reload(): Promise<void> {
    try {
      this.showCatalog(await this.client.request('catalog', {}));
    } catch (e) {
      this.problems.replaceChildren(el('p', 'error', (e as Error).message));
    }
  }

  private currentPrompt(): PlaygroundPrompt | undefined {
    return this.catalog?.prompts.find((p) => p.name === this.state.prompt);
  }

  private currentVersion(): PlaygroundPromptVersion | undefined {
    const p = this.currentPrompt();
    return p?.versions.find((v) => v.version === this.state.version);
  }

  private render(): void {
    const c = this.catalog;
    if (!c || !this.built) return;
    this.server.textContent = `Gateway of ${c.server}`;
    this.problems.replaceChildren(...c.problems.map((p) => el('p', 'error', p)));

    if (!c.endpoints.some((e) => e.name === this.state.endpoint)) this.state.endpoint = c.endpoints[0]?.name;
    fillSelect(this.endpointSelect, c.endpoints.map((e) => [e.name, e.name]), this.state.endpoint, 'No endpoints on this server');
    const endpoint = c.endpoints.find((e) => e.name === this.state.endpoint);
    this.endpointInfo.textContent = endpoint ? endpointSummary(endpoint) : 'Create an endpoint in the MLflow UI (AI Gateway) to use the playground.';

    if (c.prompts.length === 0 && this.state.mode === 'prompt' && !this.state.prompt) this.state.mode = 'messages';
    for (const r of this.root.querySelectorAll<HTMLInputElement>('input[name="mode"]')) r.checked = r.value === this.state.mode;
    this.promptPane.hidden = this.state.mode !== 'prompt';
    this.messagesPane.hidden = this.state.mode !== 'messages';

    if (!c.prompts.some((p) => p.name === this.state.prompt)) this.state.prompt = c.prompts[0]?.name;
    fillSelect(this.promptSelect, c.prompts.map((p) => [p.name, p.name]), this.state.prompt, 'No prompts in this store');
    const prompt = this.currentPrompt();
    if (!prompt?.versions.some((v) => v.version === this.state.version)) this.state.version = prompt?.versions[0]?.version;
    fillSelect(this.versionSelect, (prompt?.versions ?? []).map((v) => [v.version, versionLabel(v)]), this.state.version, '—');
    this.renderPrompt();
    this.renderMessages();
    this.save();
    this.updateSend();
  }

  private renderPrompt(): void {
    const v = this.currentVersion();
    this.variables.replaceChildren();
    if (!v) {
      this.template.textContent = this.catalog?.prompts.length ? '' : 'No prompts in this store: register one with mlflow.genai.register_prompt, or send messages instead.';
      this.preview.textContent = '';
      return;
    }
    this.template.textContent = templateText(v);
    const names = promptVariables(v);
    const values = (this.state.values[this.state.prompt ?? ''] ??= {});
    if (names.length === 0) this.variables.append(el('p', 'muted', 'This template has no variables.'));
    for (const name of names) {
      const id = `var-${name}`;
      const label = el('label', 'variable-name', `{{${name}}}`);
      label.htmlFor = id;
      const input = el('textarea', 'variable');
      input.id = id;
      input.rows = 2;
      input.dataset.variable = name;
      input.value = values[name] ?? '';
      input.addEventListener('input', () => {
        values[name] = input.value;
        this.save();
        this.updatePreview();
        this.updateSend();
      });
      this.variables.append(label, input);
    }
    this.updatePreview();
  }

  private filled(): ChatMessage[] | string {
    const v = this.currentVersion();
    if (!v) return 'pick a prompt version';
    try {
      return promptToMessages(v, this.state.values[this.state.prompt ?? ''] ?? {});
    } catch (e) {
      return `this chat template is not a message list: ${(e as Error).message}`;
    }
  }

  private updatePreview(): void {
    const m = this.filled();
    this.preview.textContent = typeof m === 'string' ? m : m.map((x) => `[${x.role}]\n${x.content}`).join('\n\n');
  }

  private renderMessages(focus?: number): void {
    this.messageList.replaceChildren();
    this.state.messages.forEach((m, i) => {
      const row = el('div', 'message');
      const role = el('select', 'role');
      role.setAttribute('aria-label', `Role of message ${i + 1}`);
      for (const r of CHAT_ROLES) {
        const o = el('option', undefined, r);
        o.value = r;
        role.append(o);
      }
      role.value = m.role;
      role.addEventListener('change', () => {
        m.role = role.value;
        this.save();
      });
      const content = el('textarea', 'content');
      content.rows = 3;
      content.value = m.content;
      content.setAttribute('aria-label', `Message ${i + 1}`);
      content.addEventListener('input', () => {
        m.content = content.value;
        this.save();
        this.updateSend();
      });
      const remove = el('button', 'icon remove');
      remove.type = 'button';
      remove.title = 'Remove this message';
      remove.setAttribute('aria-label', `Remove message ${i + 1}`);
      remove.append(codicon('close'));
      remove.disabled = this.state.messages.length === 1;
      remove.addEventListener('click', () => {
        this.state.messages = this.state.messages.filter((x) => x !== m);
        this.save();
        this.renderMessages();
        this.updateSend();
      });
      row.append(role, content, remove);
      this.messageList.append(row);
      if (focus === i) content.focus();
    });
  }

  /** Why Send is off, or undefined when it can go. */
  private blocker(): string | undefined {
    if (!this.catalog) return 'loading…';
    if (!this.state.endpoint) return 'no endpoint to send to';
    if (this.state.mode === 'messages') return this.state.messages.some((m) => m.content.trim() !== '') ? undefined : 'type a message';
    const v = this.currentVersion();
    if (!v) return 'pick a prompt version';
    const values = this.state.values[this.state.prompt ?? ''] ?? {};
    const missing = promptVariables(v).filter((n) => !(values[n] ?? '').trim());
    if (missing.length) return `fill ${missing.map((n) => `{{${n}}}`).join(', ')}`;
    const m = this.filled();
    return typeof m === 'string' ? m : undefined;
  }

  private updateSend(): void {
    if (!this.send) return;
    const why = this.blocker();
    this.send.disabled = this.sending || why !== undefined;
    this.check.textContent = this.sending ? 'Waiting for the endpoint…' : (why ?? '');
  }

  private params(): SendParams | undefined {
    const endpoint = this.state.endpoint;
    if (!endpoint) return undefined;
    if (this.state.mode === 'messages') return { endpoint, messages: this.state.messages.filter((m) => m.content.trim() !== '').map((m) => ({ role: m.role, content: m.content })) };
    if (!this.state.prompt || !this.state.version) return undefined;
    return { endpoint, prompt: { name: this.state.prompt, version: this.state.version, values: { ...(this.state.values[this.state.prompt] ?? {}) } } };
  }

  private async submit(): Promise<void> {
    if (this.sending || this.blocker() !== undefined) return;
    const params = this.params();
    if (!params) return;
    this.sending = true;
    this.updateSend();
    this.answer.replaceChildren(el('p', 'muted', `Calling ${params.endpoint}…`));
    try {
      const r = await this.client.request('send', params);
      this.showAnswer(params.endpoint, r);
    } catch (e) {
      const pre = el('pre', 'error error-text', (e as Error).message);
      pre.tabIndex = 0;
      this.answer.replaceChildren(el('h2', undefined, 'Error'), pre);
    } finally {
      this.sending = false;
      this.updateSend();
    }
  }

  private showAnswer(endpoint: string, r: SendResult): void {
    const meta = el('p', 'muted meta', [`${r.ms} ms`, usageText(r.usage), r.model ? `model ${r.model}` : '', r.finishReason ? `finish: ${r.finishReason}` : ''].filter(Boolean).join(' · '));
    const text = el('pre', 'answer-text', r.text === '' ? '' : r.text);
    text.tabIndex = 0;
    text.setAttribute('aria-label', 'Answer');
    const empty = r.text === '' ? el('p', 'muted', 'The answer has no message text; see the raw answer.') : undefined;
    const trace = el('p', 'trace muted', 'Looking for the trace of this call…');
    const raw = el('details', 'raw');
    const rawPre = el('pre', 'raw-text', r.raw);
    raw.append(el('summary', undefined, `Raw answer from ${r.url}`), rawPre);
    const sent = el('details', 'sent');
    sent.append(el('summary', undefined, 'Messages sent'), el('pre', 'sent-text', r.messages.map((m) => `[${m.role}]\n${m.content}`).join('\n\n')));
    this.answer.replaceChildren(...[el('h2', undefined, 'Answer') as HTMLElement, meta, text, empty, trace, sent, raw].filter((x): x is HTMLElement => x !== undefined));
    this.answer.scrollIntoView?.({ block: 'nearest' });
    void this.findTrace(endpoint, r.since, r.messages.at(-1)?.content, trace);
  }

  private async findTrace(endpoint: string, since: number, lastMessage: string | undefined, where: HTMLElement): Promise<void> {
    try {
      const t = await this.client.request('trace', { endpoint, since, ...(lastMessage !== undefined ? { lastMessage } : {}) });
      if (!where.isConnected) return;
      if (t.traceId === undefined) {
        where.textContent = t.note;
        return;
      }
      const traceId = t.traceId;
      const link = el('button', 'link trace-link');
      link.type = 'button';
      link.append(codicon('list-tree'), document.createTextNode(` Open trace ${traceId}`));
      link.addEventListener('click', () => this.client.emit('openTrace', { traceId }));
      where.className = 'trace';
      where.replaceChildren(link, el('span', 'muted', ` ${t.status}${t.executionMs !== undefined ? ` · ${t.executionMs} ms on the server` : ''}`));
    } catch (e) {
      if (where.isConnected) where.textContent = `The trace could not be looked up: ${(e as Error).message}`;
    }
  }
}

function fillSelect(select: HTMLSelectElement, options: [string, string][], value: string | undefined, emptyText: string): void {
  select.replaceChildren();
  if (options.length === 0) {
    const o = el('option', undefined, emptyText);
    o.value = '';
    select.append(o);
    select.disabled = true;
    return;
  }
  select.disabled = false;
  for (const [v, text] of options) {
    const o = el('option', undefined, text);
    o.value = v;
    select.append(o);
  }
  select.value = value ?? options[0][0];
}
