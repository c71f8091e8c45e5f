import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * The chosen interpreter as the project sees it. `mlflow run` starts the entry point through
 * `bash -c`, so the command's `python` is whatever PATH finds first: we put the interpreter's
 * folder first (as an activated venv does, with VIRTUAL_ENV), and when that folder has no
 * `python` that is the chosen one (e.g. /usr/bin holds only python3), a folder of tiny
 * `exec` scripts goes before it. Scripts, not symlinks: a symlink to a venv's python outside
 * the venv's bin/ makes Python lose the venv (it looks for pyvenv.cfg next to the link).
 */

/** `name` looked up on a PATH string, as execvp would (first executable regular file). */
export function findOnPath(name: string, pathValue: string | undefined): string | undefined {
  if (name.includes('/')) return existsSync(name) ? name : undefined;
  for (const dir of (pathValue ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next folder
    }
  }
  return undefined;
}

/** Absolute path of the interpreter (a bare name is looked up on PATH; a relative path is taken against `baseDir`). */
export function interpreterPath(python: string, env: NodeJS.ProcessEnv, baseDir: string): string {
  if (python.includes('/')) return isAbsolute(python) ? python : resolve(baseDir, python);
  const found = findOnPath(python, env.PATH);
  if (!found) throw new Error(`Python '${python}' was not found on PATH: pass the interpreter's full path (setting mlflow.pythonPath or --python)`);
  return found;
}

function real(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/** The venv holding `pythonPath` (the folder with pyvenv.cfg above its bin/), if any. */
export function venvOf(pythonPath: string): string | undefined {
  const root = dirname(dirname(pythonPath));
  return existsSync(join(root, 'pyvenv.cfg')) ? root : undefined;
}

/** Writes (once, atomically) a folder whose `python` and `python3` exec the interpreter. */
function shimFolder(pythonPath: string, cacheDir: string): string {
  const dir = join(cacheDir, 'python-shims', createHash('sha256').update(pythonPath).digest('hex').slice(0, 16));
  const script = `#!/bin/sh\nexec '${pythonPath.replace(/'/g, `'"'"'`)}' "$@"\n`;
  mkdirSync(dir, { recursive: true });
  for (const name of ['python', 'python3']) {
    const p = join(dir, name);
    let current: string | undefined;
    try {
      current = readFileSync(p, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === script) continue;
    const tmp = `${p}.${process.pid}.tmp`;
    writeFileSync(tmp, script, { mode: 0o755 });
    renameSync(tmp, p);
  }
  return dir;
}

/**
 * The environment the `mlflow run` process (and so the entry point) gets: PATH starting with the
 * interpreter's folder (and a shim folder when needed), VIRTUAL_ENV set for a venv and removed
 * otherwise (an inherited one would name another environment), PYTHONHOME removed.
 */
export function interpreterEnv(pythonPath: string, base: NodeJS.ProcessEnv, cacheDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  const binDir = dirname(pythonPath);
  const front = [binDir];
  const target = real(pythonPath);
  const own = real(join(binDir, 'python'));
  const venv = venvOf(pythonPath);
  // In a venv bin/python and bin/python3.x are links to the same base interpreter, yet differ
  // from it: only the same path (or any name in the same venv bin/) keeps the venv.
  const sameAsChosen = own !== undefined && (venv !== undefined ? true : own === target);
  if (!sameAsChosen) front.unshift(shimFolder(pythonPath, cacheDir));
  const rest = (base.PATH ?? '').split(delimiter).filter((d) => d && !front.includes(d));
  env.PATH = [...front, ...rest].join(delimiter);
  delete env.PYTHONHOME;
  if (venv) env.VIRTUAL_ENV = venv;
  else delete env.VIRTUAL_ENV;
  return env;
}

/** mlflow's version in that interpreter, or an Error saying how to install it. Isolated (-I), so a project folder's `mlflow/` cannot answer. */
export function checkInterpreterMlflow(pythonPath: string, env: NodeJS.ProcessEnv): string {
  const r = spawnSync(pythonPath, ['-I', '-W', 'ignore', '-c', 'import mlflow, sys; sys.stdout.write(mlflow.__version__)'], { env, encoding: 'utf8', timeout: 120_000 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new Error(`Python ${pythonPath} ${code === 'ENOENT' ? 'was not found' : `cannot be started (${r.error.message})`}: choose an interpreter with mlflow (setting mlflow.pythonPath or --python)`);
  }
  if (r.status !== 0) {
    if (/No module named '?mlflow/.test(r.stderr)) throw new Error(`mlflow is not installed for ${pythonPath}: install it with \`${pythonPath} -m pip install mlflow\`, or choose another interpreter`);
    throw new Error(`Python ${pythonPath} fails to import mlflow: ${r.stderr.trim().split('\n').pop()}`);
  }
  return r.stdout.trim();
}
