import { isStoreError, StoreError } from '../store/errors';
import type { RegistryStore } from '../store/trackingStore';
import { isPromptModel, PROMPT_NAME_RULE, PROMPT_TAG, PROMPT_VERSION_SOURCE, promptVersionInfo, type PromptType, type PromptVersionInfo } from './promptModel';

/**
 * Registering a prompt version through a store's registry write API, as MLflow's OSS
 * `MlflowClient.register_prompt` does (3.17.2): create the registered model with the prompt
 * marker on first use (the commit message as its description), copy the caller's tags onto an
 * existing prompt, then create a model version whose tags hold the template, its type and the
 * optional response format / model config, with MLflow's placeholder source.
 *
 * Not copied: the client's background link of the prompt to the active experiment
 * (`_mlflow_experiment_ids`), which depends on Python process state this code does not have.
 */

export interface RegisterPromptOptions {
  name: string;
  /** The stored text: a template, or the `json.dumps` of a chat message list (see templateFromEditor). */
  template: string;
  type: PromptType;
  commitMessage?: string;
  /** Version tags (also set on the prompt, as MLflow does). */
  tags?: Record<string, string>;
  /** JSON texts, stored as given. */
  responseFormat?: string | null;
  modelConfig?: string | null;
}

export async function registerPromptVersion(store: RegistryStore, opts: RegisterPromptOptions): Promise<PromptVersionInfo> {
  if (!PROMPT_NAME_RULE.test(opts.name)) {
    throw new StoreError('INVALID_PARAMETER_VALUE', `Prompt name '${opts.name}' may hold only letters, digits, '_', '-' and '.' (MLflow's rule)`);
  }
  const userTags = opts.tags ?? {};
  let created = false;
  try {
    const existing = await store.getRegisteredModel(opts.name);
    if (!isPromptModel(existing)) {
      throw new StoreError('INVALID_PARAMETER_VALUE', `'${opts.name}' is a registered model, not a prompt; MLflow does not let a prompt share a model's name`);
    }
    for (const [k, v] of Object.entries(userTags)) await store.setRegisteredModelTag(opts.name, k, v);
  } catch (e) {
    if (!isStoreError(e, 'RESOURCE_DOES_NOT_EXIST')) throw e;
    await store.createRegisteredModel(opts.name, { description: opts.commitMessage, tags: { [PROMPT_TAG.isPrompt]: 'true', ...userTags } });
    created = true;
  }
  const tags: Record<string, string> = { ...userTags, [PROMPT_TAG.isPrompt]: 'true', [PROMPT_TAG.type]: opts.type, [PROMPT_TAG.text]: opts.template };
  if (opts.responseFormat) tags[PROMPT_TAG.responseFormat] = opts.responseFormat;
  if (opts.modelConfig) tags[PROMPT_TAG.modelConfig] = opts.modelConfig;
  try {
    const mv = await store.createModelVersion(opts.name, { source: PROMPT_VERSION_SOURCE, description: opts.commitMessage, tags });
    return promptVersionInfo(mv);
  } catch (e) {
    // MLflow removes a prompt whose first version failed, so no empty prompt is left behind.
    if (created) await store.deleteRegisteredModel(opts.name).catch(() => undefined);
    throw e;
  }
}

/** The next version from an edited template: same name and type, the base version's response format and model config carried over. */
export function nextVersionOptions(base: PromptVersionInfo, template: string, commitMessage?: string): RegisterPromptOptions {
  return { name: base.name, template, type: base.type, commitMessage, responseFormat: base.responseFormat, modelConfig: base.modelConfig };
}
