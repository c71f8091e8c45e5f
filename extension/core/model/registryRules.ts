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

/**
 * Why MLflow would refuse `name` as a registered model name (validation.py `_validate_model_name`):
 * empty or blank, a `/` or `:` (they split `models:/` URIs), or a name whose normalised path is
 * not itself (`.`, anything starting with `..`), since the file store makes a folder of it.
 */
export function registeredModelNameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'A registered model name cannot be empty.';
  if (name.includes('/') || name.includes(':')) return "A registered model name cannot contain '/' or ':'.";
  if (name === '.' || name.startsWith('..')) return `'${name}' is not allowed: MLflow refuses names that read as a relative path.`;
  return undefined;
}
