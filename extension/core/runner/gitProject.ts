import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { uriScheme } from '../project/params';
import type { RunOutput } from './types';
import { stripCredentials } from './sourceTags';

/**
 * Projects from git, as `mlflow run URI --version V` takes them: `URI#sub/folder` names a folder
 * inside the repository, the version is a branch, tag or commit (default: the remote's HEAD), and
 * submodules are checked out. Unlike `mlflow run`, which clones into a new temp folder on every
 * run, the checkout is kept in a cache per repository and commit; it is built in a temp folder and
 * renamed into place, so a half-fetched checkout is never found there. (MLflow also takes a
 * `file://` URI of an existing folder as a local project, so a local bare repository — which has
 * no MLproject — cannot be run by it at all; here it is cloned like any remote.)
 */

export interface ProjectSource {
  /** Folder `mlflow run` runs (the checkout, plus the sub folder). */
  workDir: string;
  /** What mlflow.source.name records: the URI as given for git projects. */
  sourceName: string;
  commit?: string;
  repoUrl?: string;
  branch?: string;
  git: boolean;
}

/** Splits MLflow's `uri#subdirectory`; MLflow refuses a `.` in the sub folder. */
export function splitSubdirectory(uri: string): { uri: string; sub: string } {
  const s = uri.replace(/^['"]+|['"]+$/g, '');
  const i = s.indexOf('#');
  if (i === -1) return { uri: s, sub: '' };
  const sub = s.slice(i + 1);
  if (sub.includes('.')) throw new Error(`'.' is not allowed in project subdirectory paths ('${sub}' in ${uri})`);
  return { uri: s.slice(0, i), sub };
}

function isBareRepo(dir: string): boolean {
  return existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'objects')) && existsSync(join(dir, 'refs')) && !existsSync(join(dir, '.git'));
}

function localPathOfUri(uri: string, baseDir: string): string | undefined {
  const scheme = uriScheme(uri);
  if (scheme === 'file') return decodeURIComponent(uri.replace(/^file:(\/\/[^/]*)?/i, ''));
  if (scheme === '' || /^[A-Za-z]:[\\/]/.test(uri)) return isAbsolute(uri) ? uri : resolve(baseDir, uri);
  return undefined;
}

/** True when the project must be fetched with git (remote URI, scp-like `user@host:path`, a bare repository, or a version given). */
export function isGitProject(project: string, version: string | undefined, baseDir: string): boolean {
  const { uri } = splitSubdirectory(project);
  const local = localPathOfUri(uri, baseDir);
  if (local === undefined) return true;
  if (/^[^/@]+@[^/:]+:/.test(uri)) return true;
  if (existsSync(local) && statSync(local).isDirectory()) return isBareRepo(local) || version !== undefined;
  return false;
}

function runGit(args: string[], cwd: string, out: RunOutput, signal?: AbortSignal): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, stdio: ['ignore', 'pipe', 'pipe'], signal });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      out.write(d.toString());
    });
    child.on('error', (e) => reject(e.name === 'AbortError' ? new Error('cancelled while fetching the project') : new Error(`git ${args[0]} cannot start: ${e.message} (is git installed?)`)));
    child.on('close', (code) => (code === 0 ? resolvePromise(stdout.trim()) : reject(new Error(`git ${args.join(' ')} failed (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`))));
  });
}

/** The checkout of `project` at `version` in `cacheDir`, fetched when missing. */
export async function fetchGitProject(project: string, version: string | undefined, cacheDir: string, baseDir: string, out: RunOutput, signal?: AbortSignal): Promise<ProjectSource> {
  const { uri, sub } = splitSubdirectory(project);
  const local = localPathOfUri(uri, baseDir);
  // A local path is handed to git as an absolute path (git takes relative ones against its cwd).
  const gitUri = local !== undefined && uriScheme(uri) !== 'file' ? local : uri;
  const root = join(cacheDir, 'projects', createHash('sha256').update(gitUri).digest('hex').slice(0, 20));
  mkdirSync(root, { recursive: true });
  const tmp = mkdtempSync(join(root, '.fetch-'));
  try {
    out.write(`[mlwb] fetching ${stripCredentials(uri)}${version ? ` at ${version}` : ''}\n`);
    await runGit(['init', '-q', tmp], root, out, signal);
    const ref = version ?? 'HEAD';
    try {
      await runGit(['fetch', '-q', '--depth', '1', '--tags', gitUri, ref], tmp, out, signal);
      await runGit(['checkout', '-q', '--detach', 'FETCH_HEAD'], tmp, out, signal);
    } catch (e) {
      if (signal?.aborted || version === undefined) throw e;
      // An abbreviated commit cannot be fetched by name: fetch everything and let checkout resolve it.
      await runGit(['fetch', '-q', '--tags', gitUri, '+refs/heads/*:refs/remotes/origin/*'], tmp, out, signal);
      await runGit(['checkout', '-q', '--detach', version], tmp, out, signal).catch(() => {
        throw new Error(`Unable to checkout version '${version}' of git repo ${stripCredentials(uri)}: no such branch, tag or commit`);
      });
    }
    await runGit(['submodule', 'update', '--init', '--recursive', '-q'], tmp, out, signal);
    const commit = await runGit(['rev-parse', 'HEAD'], tmp, out, signal);
    const final = join(root, commit);
    if (!existsSync(final)) {
      try {
        renameSync(tmp, final);
      } catch (e) {
        // Another run put the same commit there first: use that one.
        if (!existsSync(final)) throw e;
      }
    }
    let branch: string | undefined;
    if (version !== undefined) {
      const heads = await runGit(['ls-remote', '--heads', gitUri, version], root, out, signal).catch(() => '');
      if (heads.split('\n').some((l) => l.endsWith(`\trefs/heads/${version}`))) branch = version;
    }
    const workDir = sub ? join(final, sub) : final;
    if (!existsSync(workDir)) throw new Error(`Could not find subdirectory ${sub} of ${stripCredentials(uri)} at ${commit}`);
    out.write(`[mlwb] ${stripCredentials(uri)} at ${commit} in ${final}\n`);
    return { workDir, sourceName: stripCredentials(project), commit, repoUrl: stripCredentials(uri), branch, git: true };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
