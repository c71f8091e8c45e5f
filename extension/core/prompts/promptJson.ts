import type { PromptWithVersions } from './promptRead';

/** The `mlwb prompts --json` contract (docs/cli.md): snake_case like MLflow's own JSON, versions oldest first like `mlwb models`. */
export function promptJson(p: PromptWithVersions) {
  return {
    name: p.name,
    description: p.description,
    tags: sorted(p.tags),
    aliases: sorted(p.aliases),
    creation_timestamp: p.creationTimestamp,
    last_updated_timestamp: p.lastUpdatedTimestamp,
    versions: [...p.versions].sort((a, b) => Number(a.version) - Number(b.version)).map((v) => ({
      version: v.version,
      type: v.type,
      template: v.template,
      commit_message: v.commitMessage,
      aliases: v.aliases,
      tags: sorted(v.tags),
      response_format: v.responseFormat,
      model_config: v.modelConfig,
      creation_timestamp: v.creationTimestamp,
    })),
  };
}

function sorted(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
