import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { userInfo } from 'node:os';

/**
 * The tags `mlflow run` puts on a run it creates (mlflow/projects/utils.py `_create_run`). With
 * `--run-id` it creates nothing and sets none of them (only mlflow.project.backend, and
 * mlflow.project.env for non-local managers), so the runner, which creates the run itself to know
 * its id at once, sets them here the same way.
 */

export const TAGS = {
  user: 'mlflow.user',
  sourceName: 'mlflow.source.name',
  sourceType: 'mlflow.source.type',
  entryPoint: 'mlflow.project.entryPoint',
  gitCommit: 'mlflow.source.git.commit',
  gitBranch: 'mlflow.source.git.branch',
  gitRepoUrl: 'mlflow.source.git.repoURL',
  parentRunId: 'mlflow.parentRunId',
  runName: 'mlflow.runName',
} as const;

function git(args: string[], cwd: string): string | undefined {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', timeout: 30_000, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Python's getpass.getuser(): the first of LOGNAME, USER, LNAME, USERNAME, else the account name. */
export function currentUser(env: NodeJS.ProcessEnv): string {
  for (const k of ['LOGNAME', 'USER', 'LNAME', 'USERNAME']) if (env[k]) return env[k] as string;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** MLflow strips user:password@ from http(s)-style remote URLs before recording them. */
export function stripCredentials(url: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*@)([^/?#]*)(.*)$/.exec(url);
  return m ? m[1] + m[3] + m[4] : url;
}

export interface GitInfo {
  commit?: string;
  repoUrl?: string;
  /** `file://<top level>#<sub folder>`, MLflow's source name for a local project inside a repository. */
  sourceName?: string;
}

/** What MLflow records for a local folder inside a git working tree (nothing when it is not in one). */
export function localGitInfo(dir: string): GitInfo {
  const top = git(['rev-parse', '--show-toplevel'], dir);
  if (!top) return {};
  let real = dir;
  try {
    real = realpathSync(dir);
  } catch {
    // keep as given
  }
  const rel = real.startsWith(top) ? real.slice(top.length).replace(/^\//, '') : '';
  const info: GitInfo = { sourceName: `file://${top}${rel ? `#${rel}` : ''}` };
  // MLflow leaves the commit out when the project folder itself is git-ignored.
  const ignored = spawnSync('git', ['check-ignore', '-q', real], { cwd: top, timeout: 30_000 }).status === 0;
  if (!ignored) info.commit = git(['rev-parse', 'HEAD'], dir);
  // The first remote's URL, as GitPython's repo.remotes[0].
  const remotes = git(['config', '--get-regexp', '^remote\\..*\\.url$'], dir);
  const first = remotes?.split('\n')[0]?.split(' ').slice(1).join(' ');
  if (first) info.repoUrl = stripCredentials(first);
  return info;
}

export interface SourceTagInput {
  entryPoint: string;
  /** Source name: the git URI for remote projects, the absolute folder (or `file://top#sub`) for local ones. */
  sourceName: string;
  commit?: string;
  repoUrl?: string;
  branch?: string;
  parentRunId?: string;
  env: NodeJS.ProcessEnv;
}

export function projectRunTags(i: SourceTagInput): Record<string, string> {
  const tags: Record<string, string> = {
    [TAGS.user]: currentUser(i.env),
    [TAGS.sourceName]: i.sourceName,
    [TAGS.sourceType]: 'PROJECT',
    [TAGS.entryPoint]: i.entryPoint,
  };
  if (i.commit) tags[TAGS.gitCommit] = i.commit;
  if (i.parentRunId) tags[TAGS.parentRunId] = i.parentRunId;
  if (i.repoUrl) tags[TAGS.gitRepoUrl] = i.repoUrl;
  if (i.branch) tags[TAGS.gitBranch] = i.branch;
  return tags;
}
