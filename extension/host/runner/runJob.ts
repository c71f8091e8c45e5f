import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { startProjectRun, startSweep, type ProjectRunRequest, type SweepRequest } from '../../core/runner';
import { errText } from '../../core/store/fileStore';
import { resolvePython } from '../python';
import type { StoreSession } from '../storeSession';
import type { LiveRuns } from './liveRuns';
import type { TerminalJob } from './runTerminal';
import { combinationCount, definitionProblems, isGitProject, isSweep, parameterStrings, sweepValues, type EnvManager, type MlflowTaskDefinition } from './taskDefinition';

/**
 * Starts what an MLflow task asks for through the core runner, against the store the views show
 * and with the interpreter the extension resolves, and reports the runs to LiveRuns. Called when
 * the task's terminal opens; nothing here runs in Restricted Mode.
 */

export interface RunJobDeps {
  session: StoreSession;
  live: LiveRuns;
  log: vscode.LogOutputChannel;
}

export class RunRefusedError extends Error {}

/** The project folder (relative paths are taken against the task's workspace folder), or the git URI as given. */
export function projectLocation(def: MlflowTaskDefinition, folder: string | undefined): string {
  const p = def.project?.trim();
  if (p && isGitProject(p)) return p;
  if (p && isAbsolute(p)) return p;
  const base = folder ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!base) throw new RunRefusedError('Open a folder first: the task names no absolute project folder.');
  return p ? join(base, p) : base;
}

/** The experiment: the task's own, else the `mlflow.runner.experiment` setting, else the store's default (as `mlflow run`). */
export function experimentFor(def: MlflowTaskDefinition, scope?: vscode.Uri): string | undefined {
  const setting = vscode.workspace.getConfiguration('mlflow', scope).get<string>('runner.experiment')?.trim();
  return def.experiment?.trim() || setting || undefined;
}

export async function startJob(def: MlflowTaskDefinition, folder: string | undefined, deps: RunJobDeps, write: (text: string) => void): Promise<TerminalJob> {
  if (!vscode.workspace.isTrusted) throw new RunRefusedError('MLflow: running project entry points is disabled in Restricted Mode. Trust this workspace to run it.');
  const problems = definitionProblems(def);
  if (problems.length) throw new RunRefusedError(`The MLflow task definition cannot run:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  const state = deps.session.state;
  if (state.kind === 'none') throw new RunRefusedError('No MLflow tracking store is open: choose one with "MLflow: Select Tracking Store" (or set mlflow.trackingUri).');
  const project = projectLocation(def, folder);
  const scope = isGitProject(project) ? (folder ? vscode.Uri.file(folder) : undefined) : vscode.Uri.file(project);
  const python = await resolvePython(scope);
  const envManager = def.envManager ?? (vscode.workspace.getConfiguration('mlflow', scope).get<string>('envManager') as EnvManager | undefined) ?? 'local';
  const common = {
    project,
    ...(def.version ? { version: def.version } : {}),
    entryPoint: def.entryPoint ?? 'main',
    ...(experimentFor(def, scope) ? { experimentName: experimentFor(def, scope) } : {}),
    ...(def.runName ? { runName: def.runName } : {}),
    envManager,
    python,
    storeUri: state.uri,
  };
  deps.log.info(`Running ${common.entryPoint} of ${project} with ${python} (env manager ${envManager}) against ${state.uri}`);
  const exitCode = (r: { status: string; exitCode: number | null }) => (r.status === 'FINISHED' ? 0 : r.exitCode ? r.exitCode : 1);
  const out = { write };

  // The session's writable store: for a database read directly, the one local mlflow server it
  // already started (or starts now) serves the run too, instead of one more per run.
  const store = state.kind === 'connected' ? await deps.session.writable() : undefined;
  const opts = { ...(store ? { store } : {}), onServerLog: (line: string) => deps.log.info(`[mlflow server] ${line}`) };

  if (!isSweep(def)) {
    const req: ProjectRunRequest = { ...common, parameters: parameterStrings(def.parameters) };
    const handle = startProjectRun(req, out, opts);
    handle.runId.then((id) => deps.live.started(id, true), () => undefined);
    const done = handle.done.then((r) => {
      void deps.live.ended(r.runId, r.status);
      return exitCode(r);
    });
    return { done, cancel: () => handle.cancel() };
  }

  const sweep = sweepValues(def.sweep);
  const req: SweepRequest = { ...common, base: parameterStrings(def.parameters), sweep, parallel: def.parallelism ?? 1 };
  const total = combinationCount(sweep);
  let report: ((text: string, increment: number) => void) | undefined;
  let started = 0;
  let ended = 0;
  const handle = startSweep(req, out, {
    ...opts,
    onChild: (runId) => {
      started++;
      report?.(`${ended} of ${total} runs done, ${started - ended} running`, 0);
      void deps.live.started(runId, false);
    },
    onChildDone: (child) => {
      ended++;
      report?.(`${ended} of ${total} runs done, ${started - ended} running`, 100 / Math.max(total, 1));
      if (child.runId) void deps.live.ended(child.runId, child.status);
    },
  });
  handle.parentRunId.then((id) => deps.live.started(id, false), () => undefined);
  const done = handle.done.then(async (r) => {
    await deps.live.ended(r.parent.runId, r.parent.status);
    deps.live.sweepEnded(r.children.flatMap((c) => (c.runId ? [c.runId] : [])));
    return r.parent.status === 'FINISHED' ? 0 : 1;
  });
  // A sweep takes a while: a notification counts the child runs and offers Cancel.
  void vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `MLflow sweep of ${common.entryPoint}`, cancellable: true },
    (p, token) => {
      report = (message, increment) => p.report({ message, increment });
      p.report({ message: `${total} runs, ${req.parallel} at a time` });
      token.onCancellationRequested(() => handle.cancel());
      return done.catch((e) => deps.log.error(`Sweep: ${errText(e)}`));
    },
  );
  return { done, cancel: () => handle.cancel() };
}
