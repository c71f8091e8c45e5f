import { formatMetricValue, formatTimestamp, neutralizeText } from './display';
import type { LoggedModel } from './entities';
import { TAG } from './entities';

/** Text the Experiments view shows for MLflow 3 logged models; plain text, like every tooltip there. */

/** "READY · run 0a1b2c3d · rmse 0.25" — status first (it is what a user checks), then lineage and up to two metrics. */
export function loggedModelDescription(m: LoggedModel): string {
  const parts: string[] = [m.status];
  if (m.sourceRunId) parts.push(`run ${m.sourceRunId.slice(0, 8)}`);
  for (const x of m.metrics.slice(0, 2)) parts.push(`${x.key} ${formatMetricValue(x.value)}`);
  return neutralizeText(parts.join(' · '));
}

export function loggedModelTooltip(m: LoggedModel, maxEach = 8): string {
  const lines: string[] = [`${m.name} — ${m.status}`, `Model ID ${m.modelId} (models:/${m.modelId})`, `Logged ${formatTimestamp(m.creationTimestamp)}`];
  if (m.sourceRunId) lines.push(`Source run ${m.sourceRunId}`);
  if (m.statusMessage) lines.push(m.statusMessage);
  if (m.metrics.length) lines.push('', 'Metrics', ...m.metrics.slice(0, maxEach).map((x) => `  ${x.key} = ${formatMetricValue(x.value)}${x.datasetName ? ` (${x.datasetName})` : ''}`));
  const params = Object.entries(m.params).slice(0, maxEach);
  if (params.length) lines.push('', 'Params', ...params.map(([k, v]) => `  ${k} = ${v}`));
  const tags = Object.entries(m.tags).filter(([k]) => !k.startsWith('mlflow.')).slice(0, maxEach);
  if (tags.length) lines.push('', 'Tags', ...tags.map(([k, v]) => `  ${k} = ${v}`));
  const registered = m.tags[TAG.modelVersions];
  if (registered) lines.push('', `Registered as ${registered}`);
  return neutralizeText(lines.join('\n'), { keepNewlines: true });
}
