import type { PromptVersionInfo } from '../prompts/promptModel';
import { fillTemplate, templateVariables } from '../prompts/promptModel';
import { chatMessages } from '../prompts/promptText';

/**
 * Prompt versions as the chat messages a gateway endpoint takes. Pure, so the playground page
 * previews exactly what the host will send (the host fills the template again from the store's
 * copy of the version, never from the page's).
 */

export interface ChatMessage {
  role: string;
  content: string;
}

/** A prompt version with its variables filled, as chat messages: a text prompt is one user message. */
export function promptToMessages(v: Pick<PromptVersionInfo, 'type' | 'template'>, values: Record<string, string>): ChatMessage[] {
  if (v.type === 'text') return [{ role: 'user', content: fillTemplate(v.template, values) }];
  return chatMessages(JSON.parse(v.template)).map((m) => ({ role: m.role, content: fillTemplate(typeof m.content === 'string' ? m.content : JSON.stringify(m.content), values) }));
}

/**
 * The variables a version's template asks for. For a chat prompt they come from the message texts
 * only: a variable-like string in a role name or in the JSON around the messages is not one.
 */
export function promptVariables(v: Pick<PromptVersionInfo, 'type' | 'template'>): string[] {
  if (v.type === 'text') return templateVariables(v.template);
  try {
    return templateVariables(promptToMessages(v, {}).map((m) => m.content).join('\n'));
  } catch {
    return templateVariables(v.template);
  }
}

/** Messages a user typed: roles MLflow's chat payload accepts, each with some text. */
export const CHAT_ROLES = ['system', 'user', 'assistant'] as const;

export function checkMessages(messages: unknown): ChatMessage[] {
  if (!Array.isArray(messages) || messages.length === 0) throw new Error('there is no message to send');
  return messages.map((m, i) => {
    const o = (typeof m === 'object' && m !== null ? m : {}) as Record<string, unknown>;
    if (typeof o.role !== 'string' || !(CHAT_ROLES as readonly string[]).includes(o.role)) throw new Error(`message ${i + 1} has no role of ${CHAT_ROLES.join(', ')}`);
    if (typeof o.content !== 'string' || o.content.trim() === '') throw new Error(`message ${i + 1} (${o.role}) is empty`);
    return { role: o.role, content: o.content };
  });
}
