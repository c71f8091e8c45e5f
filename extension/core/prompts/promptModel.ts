import type { ModelVersion, RegisteredModel } from '../model/entities';

/**
 * Prompts as MLflow 3 stores them: a registered model tagged `mlflow.prompt.is_prompt=true`, each
 * version a model version whose tags hold the template (checked against mlflow 3.17.2's
 * `register_prompt` on the file store, SQLite and a server).
 */

export const PROMPT_TAG = {
  isPrompt: 'mlflow.prompt.is_prompt',
  text: 'mlflow.prompt.text',
  type: '_mlflow_prompt_type',
  responseFormat: '_mlflow_prompt_response_format',
  modelConfig: '_mlflow_prompt_model_config',
  /** Prompt-level: experiments the prompt was registered from, as `,1,2,` (MLflow's LIKE-friendly form). */
  experimentIds: '_mlflow_experiment_ids',
} as const;

/** The `source` MLflow's client sends for a prompt version; servers refuse any other value for prompts. */
export const PROMPT_VERSION_SOURCE = 'dummy-source';

/** MLflow's prompt name rule (`PROMPT_NAME_RULE`). */
export const PROMPT_NAME_RULE = /^[a-zA-Z0-9_.-]+$/;

/** Keys MLflow uses for its own bookkeeping; the rest of a version's tags are the user's. */
const INTERNAL_TAGS = new Set<string>(Object.values(PROMPT_TAG));

export type PromptType = 'text' | 'chat';

export interface ChatMessage {
  role: string;
  content: unknown;
}

export interface PromptVersionInfo {
  name: string;
  version: string;
  type: PromptType;
  /** The stored text: a template, or for chat prompts the JSON list of messages. */
  template: string;
  /** The commit message (`register_prompt(commit_message=)` is stored as the version description). */
  commitMessage: string | null;
  aliases: string[];
  /** The version's tags without MLflow's own prompt keys. */
  tags: Record<string, string>;
  /** JSON text of `_mlflow_prompt_response_format`, if any. */
  responseFormat: string | null;
  /** JSON text of `_mlflow_prompt_model_config`, if any. */
  modelConfig: string | null;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
}

export interface PromptInfo {
  name: string;
  description: string | null;
  /** Prompt-level tags without the prompt marker. */
  tags: Record<string, string>;
  /** alias → version */
  aliases: Record<string, string>;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
}

export function isPromptModel(m: Pick<RegisteredModel, 'tags'>): boolean {
  return m.tags[PROMPT_TAG.isPrompt]?.toLowerCase() === 'true';
}

export function promptInfo(m: RegisteredModel): PromptInfo {
  const tags = { ...m.tags };
  delete tags[PROMPT_TAG.isPrompt];
  return { name: m.name, description: m.description, tags, aliases: { ...m.aliases }, creationTimestamp: m.creationTimestamp, lastUpdatedTimestamp: m.lastUpdatedTimestamp };
}

export function promptVersionInfo(v: ModelVersion): PromptVersionInfo {
  const tags: Record<string, string> = {};
  for (const [k, val] of Object.entries(v.tags)) if (!INTERNAL_TAGS.has(k)) tags[k] = val;
  const template = v.tags[PROMPT_TAG.text] ?? '';
  // MLflow's PromptVersion trusts the type tag; without one (older versions) it is text.
  const type: PromptType = v.tags[PROMPT_TAG.type] === 'chat' ? 'chat' : 'text';
  return {
    name: v.name,
    version: v.version,
    type,
    template,
    commitMessage: v.description,
    aliases: [...v.aliases].sort(),
    tags,
    responseFormat: v.tags[PROMPT_TAG.responseFormat] ?? null,
    modelConfig: v.tags[PROMPT_TAG.modelConfig] ?? null,
    creationTimestamp: v.creationTimestamp,
    lastUpdatedTimestamp: v.lastUpdatedTimestamp,
  };
}

/** MLflow's `PROMPT_TEMPLATE_VARIABLE_PATTERN`: `{{ name }}` or dotted `{{ a.b }}`, spaces allowed inside. */
export const TEMPLATE_VARIABLE = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-zA-Z_][a-zA-Z0-9_]*)*)\s*\}\}/g;

export interface VariableSpan {
  name: string;
  /** Offset of the opening `{{` and length up to the closing `}}`. */
  offset: number;
  length: number;
}

export function variableSpans(text: string): VariableSpan[] {
  const out: VariableSpan[] = [];
  for (const m of text.matchAll(TEMPLATE_VARIABLE)) out.push({ name: m[1], offset: m.index ?? 0, length: m[0].length });
  return out;
}

/** Distinct variable names in order of first use; for chat prompts, across every message's text. */
export function templateVariables(template: string): string[] {
  return [...new Set(variableSpans(template).map((s) => s.name))];
}

/** Fills `{{var}}` placeholders (what `PromptVersion.format` does for text); unknown names stay as they are. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(TEMPLATE_VARIABLE, (whole, name: string) => (Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole));
}
