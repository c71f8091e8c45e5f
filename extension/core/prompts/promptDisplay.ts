import { formatTimestamp, neutralizeText } from '../model/display';
import { templateVariables } from './promptModel';
import type { PromptInfo, PromptVersionInfo } from './promptModel';

/** Labels and plain-text tooltips for the Prompts view (plain text: store strings never become links). */

export function promptDescription(p: PromptInfo): string {
  return neutralizeText(Object.keys(p.aliases).sort().map((a) => `@${a}`).join(' '));
}

export function promptVersionDescription(v: PromptVersionInfo): string {
  const parts = [...v.aliases.map((a) => `@${a}`), v.type === 'chat' ? 'chat' : '', v.commitMessage ? v.commitMessage.split('\n')[0] : ''];
  return neutralizeText(parts.filter(Boolean).join(' · '));
}

function lines(list: (string | false)[]): string {
  return neutralizeText(list.filter((l): l is string => typeof l === 'string').join('\n'), { keepNewlines: true });
}

export function promptTooltip(p: PromptInfo): string {
  return lines([p.name, !!p.description && p.description, `Updated ${formatTimestamp(p.lastUpdatedTimestamp)}`]);
}

export function promptVersionTooltip(v: PromptVersionInfo, maxTemplate = 400): string {
  const vars = templateVariables(v.template);
  const template = v.template.length > maxTemplate ? `${v.template.slice(0, maxTemplate)}…` : v.template;
  return lines([
    `${v.name} v${v.version} (${v.type})`,
    !!v.commitMessage && v.commitMessage,
    `Created ${formatTimestamp(v.creationTimestamp)}`,
    vars.length > 0 && `Variables: ${vars.join(', ')}`,
    '',
    template,
  ]);
}
