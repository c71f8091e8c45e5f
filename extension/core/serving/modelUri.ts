/**
 * `models:/` URIs for registered models, as MLflow parses them: `models:/<name>/<version>`,
 * `models:/<name>@<alias>` (and `models:/<id>` with one segment, a logged model's id, which this
 * module never builds for a registered model).
 */

export type ModelRef = { name: string; version: string } | { name: string; alias: string };

export function modelUri(ref: ModelRef): string {
  if (!ref.name) throw new Error('A registered model name is needed');
  if ('alias' in ref) {
    if (!ref.alias || ref.alias.includes('/')) throw new Error(`Invalid alias '${ref.alias}'`);
    return `models:/${ref.name}@${ref.alias}`;
  }
  if (!/^[1-9][0-9]*$/.test(ref.version)) throw new Error(`Invalid model version '${ref.version}'`);
  return `models:/${ref.name}/${ref.version}`;
}

/** A short label for a task or panel title: `name v3` or `name@champion`. */
export function modelLabel(ref: ModelRef): string {
  return 'alias' in ref ? `${ref.name}@${ref.alias}` : `${ref.name} v${ref.version}`;
}
