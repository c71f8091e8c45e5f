import { isAbsolute, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { parseFormatString } from '../lang/pyFormat';
import type { ParamType, ProjectParameter, ResolvedEntryPoint } from './model';

/**
 * Parameter values as `mlflow run` treats them: checked before anything starts (so a box can
 * refuse `abc` for a float), shell-quoted like Python's shlex.quote, and substituted into the
 * command with str.format semantics. `mlflow run` does the real substitution; this module lets us
 * check values, log the same params it would, and show the command it will run.
 */

export interface ParamCheck {
  /** The value cannot be used (the run would fail, or the author declared another type). */
  error?: string;
  /** The value may be wrong (e.g. a local path that does not exist yet). */
  warning?: string;
}

// Python's float(): optional sign, digits with single underscores between them, optional fraction
// and exponent, or inf/infinity/nan in any case; surrounding whitespace is ignored.
const DIGITS = '[0-9](?:_?[0-9])*';
const PY_FLOAT = new RegExp(`^[+-]?(?:(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf(?:inity)?|nan)$`, 'i');
const PY_INT = new RegExp(`^[+-]?${DIGITS}$`);

/** Python's urlparse scheme: a letter, then letters, digits, `+`, `-`, `.`, before the first `:`. */
export function uriScheme(value: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value);
  return m ? m[1].toLowerCase() : '';
}

/** Python's urllib unquote, lenient like it: a `%` not followed by two hex digits stays as is. */
function unquote(s: string): string {
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (m) => {
    try {
      return decodeURIComponent(m);
    } catch {
      return m;
    }
  });
}

/**
 * The local path MLflow takes a `path` value for (no scheme, or `file:` without a host), or
 * undefined for a remote URI (MLflow downloads those). Relative paths are taken against `baseDir`.
 */
export function localPathOf(value: string, baseDir: string): string | undefined {
  const scheme = uriScheme(value);
  let p: string;
  if (scheme === '') p = unquote(value);
  else if (scheme === 'file') {
    const m = /^file:(?:\/\/([^/?#]*))?([^?#]*)/i.exec(value);
    if (!m || (m[1] ?? '') !== '') return undefined;
    p = unquote(m[2]);
  } else return undefined;
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

export interface ValidateOptions {
  /** Folder a relative `path` is checked against; default the process's working folder. */
  baseDir?: string;
  exists?: (path: string) => boolean;
}

/** Checks one value for a parameter of `type`, before anything starts. */
export function validateParamValue(type: ParamType, value: string, opts: ValidateOptions = {}): ParamCheck {
  switch (type) {
    case 'float':
      return PY_FLOAT.test(value.trim()) ? {} : { error: `'${value}' is not a number (expected a float such as 0.1, 1e-3 or 10)` };
    case 'int':
      return PY_INT.test(value.trim()) ? {} : { error: `'${value}' is not a whole number (expected an int such as 10 or -3)` };
    case 'uri':
      if (uriScheme(value) === '') return { error: `'${value}' is not a URI: it needs a scheme such as file:///…, s3://… or runs:/… (\`mlflow run\` refuses it)` };
      return {};
    case 'path': {
      if (value === '') return { error: 'a path cannot be empty' };
      const local = localPathOf(value, opts.baseDir ?? process.cwd());
      if (local === undefined) return {};
      return (opts.exists ?? existsSync)(local) ? {} : { warning: `${local} does not exist: \`mlflow run\` fails unless it is created first` };
    }
    default:
      return {};
  }
}

// Python's shlex: anything outside these characters (ASCII word characters and @%+=:,./-) needs quoting.
const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Python's shlex.quote, which `mlflow run` applies to every substituted value on POSIX systems. */
export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (SHELL_SAFE.test(s)) return s;
  return "'" + s.replace(/'/g, `'"'"'`) + "'";
}

export class ParameterError extends Error {}

export interface ComputedParameters {
  /** Declared parameters (user value, else default), as the command receives them before quoting. */
  values: Record<string, string>;
  /** `-P` values the entry point does not declare: MLflow appends them as `--key value`. */
  extra: Record<string, string>;
  /** The params `mlflow run` logs for a run it creates: declared then extra, shell-quoted (keys of extras too). */
  logged: Record<string, string>;
}

/**
 * What `mlflow run` computes from the entry point and the `-P` values: required parameters must
 * have a value, and `uri` values need a scheme (both refused with MLflow's reasons). Paths are
 * left as given, as MLflow logs them.
 */
export function computeParameters(ep: ResolvedEntryPoint, user: Record<string, string>): ComputedParameters {
  const missing = ep.parameters.filter((p) => !(p.name in user) && p.default === undefined).map((p) => `'${p.name}'`);
  if (missing.length) throw new ParameterError(`No value given for missing parameters: ${missing.join(', ')}`);
  const values: Record<string, string> = {};
  for (const p of ep.parameters) {
    const v = p.name in user ? user[p.name] : (p.default as string);
    if (p.type === 'uri' && p.declaredType === 'uri' && uriScheme(v) === '') throw new ParameterError(`Expected URI for parameter ${p.name} but got ${v}`);
    values[p.name] = v;
  }
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(user)) if (!(k in values)) extra[k] = v;
  const logged: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) logged[k] = shellQuote(v);
  for (const [k, v] of Object.entries(extra)) logged[shellQuote(k)] = shellQuote(v);
  return { values, extra, logged };
}

/**
 * The shell command `mlflow run` runs for the entry point (POSIX): the template's fields replaced
 * by shell-quoted values, local `path` values made absolute against `baseDir`, and extra
 * parameters appended as `--key value`. Fields with a conversion or format spec other than `!s`
 * are refused: the preview would not be exact.
 */
export function computeCommand(ep: ResolvedEntryPoint, user: Record<string, string>, baseDir: string): string {
  const { values, extra } = computeParameters(ep, user);
  if (ep.command === undefined) throw new ParameterError(`entry point '${ep.name}' has no command`);
  const byName = new Map<string, ProjectParameter>(ep.parameters.map((p) => [p.name, p]));
  const quoted: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    const local = byName.get(k)?.type === 'path' && byName.get(k)?.declaredType === 'path' ? localPathOf(v, baseDir) : undefined;
    quoted[k] = shellQuote(local ?? v);
  }
  const template = ep.command;
  const { fields, problems } = parseFormatString(template);
  if (problems.length) throw new ParameterError(`command of '${ep.name}': ${problems[0].message}`);
  let out = '';
  let at = 0;
  const literal = (s: string) => s.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
  for (const f of fields) {
    out += literal(template.slice(at, f.start));
    const inner = template.slice(f.start + 1, f.end - 1);
    if (inner !== f.name && inner !== `${f.name}!s`) throw new ParameterError(`command of '${ep.name}': field {${inner}} is beyond what the preview reproduces`);
    if (!(f.name in quoted)) throw new ParameterError(`command of '${ep.name}' uses {${f.name}}, which is not a declared parameter (KeyError in \`mlflow run\`)`);
    out += quoted[f.name];
    at = f.end;
  }
  out += literal(template.slice(at));
  const parts = [out, ...Object.entries(extra).map(([k, v]) => `--${shellQuote(k)} ${shellQuote(v)}`)];
  return parts.join(' ');
}
