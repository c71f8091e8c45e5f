/**
 * MLflow's rules for registry names, checked before a request is sent so the user sees the reason
 * at the input box instead of a server error.
 */

/** Why `alias` is not a valid MLflow alias, or undefined when it is. */
export function aliasNameProblem(alias: string): string | undefined {
  if (alias.length === 0) return 'An alias cannot be empty.';
  if (alias.length > 255) return 'An alias is at most 255 characters.';
  if (!/^[\w-]+$/.test(alias)) return 'An alias may contain only letters, digits, _ and -.';
  if (alias.toLowerCase() === 'latest') return "'latest' is reserved: MLflow resolves @latest to the newest version.";
  if (/^v\d+$/i.test(alias)) return `'${alias}' is reserved: MLflow reads v<number> as a version reference.`;
  return undefined;
}

/** Stages accept any case in MLflow and are normalised to these spellings. */
export function normaliseStage(stage: string): 'None' | 'Staging' | 'Production' | 'Archived' | undefined {
  const s = stage.trim().toLowerCase();
  return s === 'none' ? 'None' : s === 'staging' ? 'Staging' : s === 'production' ? 'Production' : s === 'archived' ? 'Archived' : undefined;
}
