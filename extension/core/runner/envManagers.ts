import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { MlProject } from '../project/model';
import { findOnPath } from './interpreter';

/**
 * Which tools each environment manager needs, checked before a run is created so a missing one is
 * a message naming what to install, not a stack trace from inside `mlflow run`.
 *
 * What MLflow does with each (mlflow/projects/backend/local.py, mlflow/utils/virtualenv.py):
 * - local: runs the command with whatever `python` PATH finds (we make that the chosen one).
 * - uv: `uv venv --python=<python_env's version>` then `uv pip install`; uv must be on PATH.
 * - virtualenv: installs the requested Python with pyenv, then `python -m venv` and pip; pyenv must
 *   be on PATH (the `virtualenv` package itself is not used, despite the name).
 * - conda: `conda` (or $MLFLOW_CONDA_HOME/bin/conda); MLFLOW_CONDA_CREATE_ENV_CMD may name mamba.
 * - docker_env projects always run in docker, whatever the manager.
 */

export type EnvManager = 'local' | 'virtualenv' | 'uv' | 'conda' | 'docker';
export const ENV_MANAGERS: readonly EnvManager[] = ['local', 'virtualenv', 'uv', 'conda', 'docker'];

export class EnvToolError extends Error {}

/** The `--env-manager` value for `mlflow run` (docker is not one: docker_env projects select it themselves). */
export function mlflowEnvManager(m: EnvManager): 'local' | 'virtualenv' | 'uv' | 'conda' {
  return m === 'docker' ? 'local' : m;
}

function dockerWorks(env: NodeJS.ProcessEnv): string | undefined {
  if (!findOnPath('docker', env.PATH)) return 'docker is not installed: install Docker (https://docs.docker.com/get-docker/) to run docker_env projects';
  const r = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { env, encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) return `docker is installed but its daemon does not answer (\`docker info\`: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}): start Docker first`;
  return undefined;
}

/**
 * Throws an EnvToolError naming what to install when `manager` (or the project's docker_env)
 * cannot work with this PATH. Returns extra environment variables the run needs (e.g. mamba).
 */
export function checkEnvTools(manager: EnvManager, project: MlProject, env: NodeJS.ProcessEnv, pythonPath: string): Record<string, string> {
  if (project.env.kind === 'docker_env' || manager === 'docker') {
    if (project.env.kind !== 'docker_env') throw new EnvToolError(`env manager 'docker' needs a project with docker_env in its MLproject; ${project.file ?? project.dir} has ${project.env.kind === 'none' ? 'no environment' : project.env.kind}`);
    const why = dockerWorks(env);
    if (why) throw new EnvToolError(why);
    return {};
  }
  switch (manager) {
    case 'uv':
      if (!findOnPath('uv', env.PATH)) throw new EnvToolError(`env manager 'uv' needs uv on PATH: install it with \`${pythonPath} -m pip install uv\` (https://docs.astral.sh/uv/)`);
      return {};
    case 'virtualenv':
      // MLflow installs the python_env's Python version with pyenv before creating the venv.
      if (!findOnPath('pyenv', env.PATH)) throw new EnvToolError("env manager 'virtualenv' needs pyenv on PATH (MLflow installs the project's Python with it): install pyenv (https://github.com/pyenv/pyenv#installation), or use env manager 'uv'");
      return {};
    case 'conda': {
      if (project.env.kind === 'python_env') throw new EnvToolError(`${project.file ?? project.dir} uses python_env, which \`mlflow run\` refuses to build with conda: use env manager 'uv', 'virtualenv' or 'local'`);
      const home = env.MLFLOW_CONDA_HOME;
      const conda = home ? findOnPath(join(home, 'bin', 'conda'), undefined) : findOnPath('conda', env.PATH);
      if (!conda) throw new EnvToolError(`env manager 'conda' needs conda${home ? ` in $MLFLOW_CONDA_HOME/bin (${home})` : ' on PATH'}: install Miniconda or Miniforge (https://github.com/conda-forge/miniforge)`);
      // mamba creates environments much faster; MLflow uses it when told to.
      if (!env.MLFLOW_CONDA_CREATE_ENV_CMD && findOnPath('mamba', env.PATH)) return { MLFLOW_CONDA_CREATE_ENV_CMD: 'mamba' };
      return {};
    }
    default:
      return {};
  }
}
