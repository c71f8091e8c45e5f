import type { ModelVersion, RegisteredModel } from './entities';
import { TAG } from './entities';

/**
 * Prompts live in the model registry as registered models tagged `mlflow.prompt.is_prompt` =
 * 'true' (their versions carry the same tag). MLflow's searches leave them out unless asked for
 * them: its file store treats a model without the tag as a normal model, its SQL store anti-joins
 * the names holding the tag with the exact value 'true'. MLflow servers already filter on their
 * side; our direct readers (mlruns/, SQLite) return everything, so views and `mlwb models` filter
 * here, the same way for every store.
 */

export function isPromptTagged(tags: Record<string, string>): boolean {
  return tags[TAG.promptIsPrompt] === 'true';
}

/** Registered models that are not prompts, and their versions (a version of a prompt, or tagged as one, is left out too). */
export function withoutPrompts(models: RegisteredModel[], versions: ModelVersion[] = []): { models: RegisteredModel[]; versions: ModelVersion[] } {
  const prompts = new Set(models.filter((m) => isPromptTagged(m.tags)).map((m) => m.name));
  return {
    models: models.filter((m) => !prompts.has(m.name)),
    versions: versions.filter((v) => !prompts.has(v.name) && !isPromptTagged(v.tags)),
  };
}
