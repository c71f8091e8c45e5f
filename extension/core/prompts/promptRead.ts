import { StoreError } from '../store/errors';
import type { RegistryReader } from '../store/trackingStore';
import { isPromptModel, PROMPT_TAG, promptInfo, promptVersionInfo, type PromptInfo, type PromptVersionInfo } from './promptModel';

/**
 * Reading prompts through the ordinary registry reader. Every registry search hides prompts
 * unless the filter names the prompt tag (MLflow's rule, which our local stores copy), so the
 * filters below name it explicitly.
 */

const PROMPT_FILTER = `tags.\`${PROMPT_TAG.isPrompt}\` = 'true'`;

export interface PromptWithVersions extends PromptInfo {
  /** Newest first. */
  versions: PromptVersionInfo[];
}

export async function listPrompts(reader: RegistryReader): Promise<PromptInfo[]> {
  const models = await reader.searchRegisteredModels({ filter: PROMPT_FILTER });
  return models.filter(isPromptModel).map(promptInfo).sort((a, b) => a.name.localeCompare(b.name));
}

/** Every prompt with every version, from two searches (not one request per prompt). */
export async function listPromptsWithVersions(reader: RegistryReader): Promise<PromptWithVersions[]> {
  const [prompts, versions] = await Promise.all([listPrompts(reader), reader.searchModelVersions({ filter: PROMPT_FILTER })]);
  const byName = new Map<string, PromptVersionInfo[]>();
  for (const v of versions) {
    const list = byName.get(v.name) ?? [];
    list.push(promptVersionInfo(v));
    byName.set(v.name, list);
  }
  return prompts.map((p) => ({ ...p, versions: newestFirst(withModelAliases(byName.get(p.name) ?? [], p.aliases)) }));
}

/**
 * Version aliases from the prompt's alias map: version searches on SQL stores and servers leave a
 * version's aliases out (only get-model-version fills them), while the model always has them.
 */
function withModelAliases(versions: PromptVersionInfo[], aliases: Record<string, string>): PromptVersionInfo[] {
  return versions.map((v) => ({ ...v, aliases: Object.keys(aliases).filter((a) => aliases[a] === v.version).sort() }));
}

export async function listPromptVersions(reader: RegistryReader, name: string): Promise<PromptVersionInfo[]> {
  const [model, versions] = await Promise.all([reader.getRegisteredModel(name), reader.searchModelVersions({ filter: `name = ${quoteFilterString(name)} AND ${PROMPT_FILTER}` })]);
  return newestFirst(withModelAliases(versions.filter((v) => v.name === name).map(promptVersionInfo), model.aliases));
}

export async function getPromptVersion(reader: RegistryReader, name: string, version: string): Promise<PromptVersionInfo> {
  const v = await reader.getModelVersion(name, version);
  if (v.tags[PROMPT_TAG.isPrompt]?.toLowerCase() !== 'true') {
    throw new StoreError('INVALID_PARAMETER_VALUE', `${name} version ${version} is a model version, not a prompt version`);
  }
  return promptVersionInfo(v);
}

function newestFirst(list: PromptVersionInfo[]): PromptVersionInfo[] {
  return list.sort((a, b) => Number(b.version) - Number(a.version));
}

/** A filter string literal; MLflow's grammar has no escapes, so the quote the name lacks is used. */
export function quoteFilterString(value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  throw new StoreError('INVALID_PARAMETER_VALUE', `the name ${value} holds both quote characters and cannot be searched for`);
}
