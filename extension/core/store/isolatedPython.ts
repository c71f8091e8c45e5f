import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * How every Python process the workbench starts (the mlflow check, local `mlflow server`s) is kept
 * from importing code out of the folder it is working on. Python puts its working directory (for
 * `-m` and `-c`) first on `sys.path`, so a workspace holding a package `mlflow/` would otherwise run
 * its own `mlflow/__main__.py` the moment we start `python -m mlflow server` there.
 *
 * - `-I` (isolated mode): no working directory or script folder on `sys.path`, no user
 *   site-packages, and no `PYTHON*` variables for that process.
 * - A private, empty working directory: mlflow's server re-runs `sys.executable -m uvicorn …` without
 *   `-I`, and uvicorn adds its `--app-dir` (the working directory by default) to `sys.path`.
 * - The environment handed down to those children says the same: `PYTHONSAFEPATH` (3.11+) and
 *   `PYTHONNOUSERSITE`, and without `PYTHONPATH`/`PYTHONHOME`/`PYTHONSTARTUP`, so the workers
 *   import the same mlflow as the parent.
 */

/** Arguments for the interpreter: `-I` first, then `args`. */
export function isolatedPythonArgs(args: string[]): string[] {
  return ['-I', ...args];
}

const DROPPED = ['PYTHONPATH', 'PYTHONHOME', 'PYTHONSTARTUP', 'PYTHONUSERBASE', 'PYTHONINSPECT', 'PYTHONEXECUTABLE', 'PYTHONPLATLIBDIR'];

/** `env` for an isolated interpreter and the Python processes it starts. */
export function isolatedPythonEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const k of DROPPED) delete out[k];
  out.PYTHONSAFEPATH = '1';
  out.PYTHONNOUSERSITE = '1';
  return out;
}

let neutral: string | undefined;

/**
 * An empty folder of our own (mode 0700 under the system temp folder) that Python runs in: neither
 * the workspace nor the database's folder. Created once per process, removed when it exits.
 */
export function neutralPythonCwd(): string {
  if (neutral) return neutral;
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-python-'));
  neutral = dir;
  process.once('exit', () => {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort: a server still writing there
    }
  });
  return dir;
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

function isWithin(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

/**
 * True when the interpreter `python` names is a file inside one of `folders` (after resolving
 * symlinks both ways), e.g. a workspace's `.venv/bin/python`, or a relative path, which would be
 * taken against some working folder. A bare command name (`python3`) is looked up on PATH and is
 * not the workspace's.
 */
export function pythonInsideFolders(python: string, folders: readonly string[]): boolean {
  if (!python.includes('/') && !python.includes('\\')) return false;
  if (!isAbsolute(python)) return true;
  // A venv's bin/python is often a symlink to the system interpreter: the link itself being in the
  // workspace is what counts (the venv's site-packages, where mlflow would be imported from, is
  // there), so the link's own folder is resolved as well as its target.
  const candidates = [resolve(python), join(real(dirname(python)), basename(python)), real(python)];
  return folders.some((f) => {
    const roots = [resolve(f), real(f)];
    return candidates.some((c) => roots.some((r) => isWithin(c, r)));
  });
}

/**
 * The interpreter to spawn: a relative path (`.venv/bin/python`) is taken against `baseDir` (the
 * folder the user meant it in), since the process itself runs in neutralPythonCwd(); a bare command
 * name is left to PATH.
 */
export function pythonCommand(python: string, baseDir: string = process.cwd()): string {
  if (!python.includes('/') && !python.includes('\\')) return python;
  return resolve(baseDir, python);
}
