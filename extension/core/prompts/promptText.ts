import { pyFloatRepr } from '../format/pyFloat';
import type { ChatMessage, PromptType, PromptVersionInfo } from './promptModel';

/**
 * A template as it is shown in an editor, and back. Text templates are shown as stored. Chat
 * templates are stored as MLflow's `json.dumps(messages)` on one line; they are shown indented so
 * messages can be read and edited, and written back exactly as `json.dumps` would write them, so a
 * version registered from the editor is byte-for-byte what `register_prompt` stores for that list.
 */

export function editorText(v: Pick<PromptVersionInfo, 'type' | 'template'>): string {
  if (v.type !== 'chat') return v.template;
  try {
    return JSON.stringify(JSON.parse(v.template), null, 2) + '\n';
  } catch {
    // A chat tag that is not JSON is shown as stored rather than hidden.
    return v.template;
  }
}

export class TemplateError extends Error {}

/** Checks a chat list the way MLflow's ChatPromptTemplate does: a non-empty list of {role, content}. */
export function chatMessages(value: unknown): ChatMessage[] {
  if (!Array.isArray(value) || value.length === 0) throw new TemplateError('a chat prompt is a JSON list of messages, e.g. [{"role": "user", "content": "Hello {{name}}"}]');
  value.forEach((m, i) => {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new TemplateError(`message ${i + 1} is not an object with "role" and "content"`);
    const o = m as Record<string, unknown>;
    if (typeof o.role !== 'string' || o.role === '') throw new TemplateError(`message ${i + 1} has no "role" string`);
    if (!('content' in o)) throw new TemplateError(`message ${i + 1} has no "content"`);
  });
  return value as ChatMessage[];
}

/**
 * The template to store for edited editor text, keeping the base version's type: a chat prompt
 * must still be a JSON message list (MLflow would otherwise store a chat list as text).
 */
export function templateFromEditor(text: string, type: PromptType): string {
  if (type === 'text') {
    if (text.trim() === '') throw new TemplateError('the template is empty');
    return text;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new TemplateError(`a chat prompt must be JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return pyJsonDumps(chatMessages(parsed));
}

/** Python's `json.dumps(value)` with its defaults: `", "`/`": "` separators, ASCII only (`\uXXXX`). */
export function pyJsonDumps(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    // JSON.parse cannot tell 1 from 1.0; integers are written as ints.
    return Number.isInteger(value) && Math.abs(value) < 1e16 ? String(value) : pyFloatRepr(value);
  }
  if (typeof value === 'string') return pyJsonString(value);
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${pyJsonString(k)}: ${pyJsonDumps(v)}`)
      .join(', ')}}`;
  }
  throw new TemplateError(`cannot write ${typeof value} as JSON`);
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function pyJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const code = s.charCodeAt(i);
    if (SHORT_ESCAPES[ch]) out += SHORT_ESCAPES[ch];
    // UTF-16 code units, so astral characters become surrogate pairs as Python writes them.
    else if (code < 0x20 || code > 0x7e) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}
