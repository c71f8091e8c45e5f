import { isTerminalStatus } from '../model/entities';
import type { Store } from '../store/openStore';
import { abortLink, createProjectRun, executeProjectRun, openRunStore, resolveExperiment } from './projectRun';
import { checkRunParameters, checkRuntime, prepareProject } from './prepare';
import { projectRunTags } from './sourceTags';
import type { FinalStatus, SweepChildResult, SweepHandle, SweepOptions, SweepRequest, SweepResult, RunOutput } from './types';

/**
 * Parameter sweeps: a parent run, and one child run (mlflow.parentRunId) per combination of the
 * swept values, at most `parallel` at a time. Every combination's values are checked before the
 * parent is created, so a typo in the last value does not leave a half-run sweep. The parent ends
 * FINISHED only if every child did; KILLED when cancelled; FAILED otherwise.
 */

/** The grid: every combination of the swept values over `base`, the first swept key varying slowest. */
export function sweepCombinations(base: Record<string, string>, sweep: Record<string, string[]>): Record<string, string>[] {
  let combos: Record<string, string>[] = [{ ...base }];
  for (const [key, values] of Object.entries(sweep)) {
    if (values.length === 0) throw new Error(`sweep of '${key}' has no values`);
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  return combos;
}

/** `key=v1,v2,v3` (a list) or `key=start:stop:step` (a numeric grid, stop included when reached). */
export function parseSweepSpec(spec: string): { key: string; values: string[] } {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new Error(`sweep '${spec}' must look like KEY=V1,V2,… or KEY=START:STOP:STEP`);
  const key = spec.slice(0, eq);
  const body = spec.slice(eq + 1);
  const grid = /^\s*([-+]?[\d.eE+-]+)\s*:\s*([-+]?[\d.eE+-]+)\s*:\s*([-+]?[\d.eE+-]+)\s*$/.exec(body);
  if (grid) {
    const [start, stop, step] = grid.slice(1).map(Number);
    if (![start, stop, step].every(Number.isFinite) || step === 0 || Math.sign(stop - start) * Math.sign(step) < 0) throw new Error(`sweep '${spec}': START:STOP:STEP must be numbers with a step that goes from START towards STOP`);
    const values: string[] = [];
    const decimals = Math.max(...grid.slice(1).map((s) => (s.split(/[eE]/)[0].split('.')[1] ?? '').length));
    for (let i = 0; ; i++) {
      const v = start + i * step;
      if ((step > 0 && v > stop + Math.abs(step) * 1e-9) || (step < 0 && v < stop - Math.abs(step) * 1e-9)) break;
      if (values.length >= 10_000) throw new Error(`sweep '${spec}' has more than 10,000 values`);
      values.push(String(Number(v.toFixed(decimals))));
    }
    return { key, values };
  }
  const values = body.split(',');
  if (values.length === 0 || (values.length === 1 && values[0] === '')) throw new Error(`sweep '${spec}' has no values`);
  return { key, values };
}

function childName(parentName: string | undefined, index: number, params: Record<string, string>, swept: string[]): string {
  const label = swept.map((k) => `${k}=${params[k]}`).join(',');
  const prefix = parentName ? `${parentName}-` : '';
  return label.length <= 120 ? `${prefix}${label}` : `${prefix}${index + 1}`;
}

async function endParent(store: Store, runId: string, status: FinalStatus): Promise<FinalStatus> {
  const run = await store.getRun(runId);
  if (isTerminalStatus(run.info.status)) return run.info.status === 'FINISHED' || run.info.status === 'KILLED' ? run.info.status : 'FAILED';
  await store.updateRun(runId, { status, endTime: Date.now() });
  return status;
}

export function startSweep(req: SweepRequest, out: RunOutput, opts: SweepOptions = {}): SweepHandle {
  const abort = abortLink(opts.signal);
  let gotId!: (id: string) => void;
  let noId!: (e: unknown) => void;
  const parentRunId = new Promise<string>((res, rej) => ((gotId = res), (noId = rej)));
  parentRunId.catch(() => undefined);
  const done = (async (): Promise<SweepResult> => {
    const parallel = Math.floor(req.parallel);
    if (!(parallel >= 1)) throw new Error(`parallelism must be a whole number of at least 1, got ${req.parallel}`);
    const combos = sweepCombinations(req.base, req.sweep);
    const swept = Object.keys(req.sweep);
    const runReq = { ...req, parameters: req.base };
    const p = await prepareProject(runReq, out, opts, abort.signal);
    // Every child's values are checked before the parent exists.
    const logged = combos.map((c) => checkRunParameters(p, c, out).logged);
    checkRuntime(p);
    if (abort.signal.aborted) throw new Error('cancelled before the sweep started');
    const store = opts.store ?? (await openRunStore(runReq, p, opts));
    try {
      const experimentId = await resolveExperiment(store, req, opts.env ?? process.env);
      const parentTags = projectRunTags({ entryPoint: p.entryPoint.name, sourceName: p.source.sourceName, commit: p.source.commit, repoUrl: p.source.repoUrl, branch: p.source.branch, parentRunId: req.parentRunId, env: p.env });
      const parent = await store.createRun({
        experimentId,
        runName: req.runName,
        startTime: Date.now(),
        tags: { ...parentTags, ...req.tags, 'mlwb.sweep': JSON.stringify(req.sweep), 'mlwb.sweep.parallel': String(parallel) },
      });
      const parentId = parent.info.runId;
      const parentName = req.runName ?? parent.info.runName;
      const baseParams = Object.entries(req.base).filter(([k]) => !swept.includes(k));
      try {
        if (baseParams.length) await store.logBatch(parentId, { params: baseParams.map(([key, value]) => ({ key, value })) });
      } catch (e) {
        // The parent exists: it must not stay RUNNING for a sweep that never ran.
        await endParent(store, parentId, 'FAILED').catch(() => undefined);
        throw e;
      }
      gotId(parentId);
      out.write(`[mlwb] sweep ${parentId}: ${combos.length} runs, ${parallel} at a time\n`);

      const children: SweepChildResult[] = combos.map((params) => ({ params, status: 'NOT_STARTED', exitCode: null }));
      let next = 0;
      const worker = async () => {
        while (!abort.signal.aborted && next < combos.length) {
          const i = next++;
          const child = children[i];
          try {
            const runId = await createProjectRun(p, store, { experimentId, params: child.params, runName: childName(parentName, i, child.params, swept), parentRunId: parentId, tags: req.tags }, logged[i]);
            child.runId = runId;
            opts.onChild?.(runId, child.params);
            const r = await executeProjectRun(p, store, runId, experimentId, child.params, out, abort.signal);
            child.status = r.status;
            child.exitCode = r.exitCode;
          } catch (e) {
            child.status = child.runId ? 'FAILED' : 'NOT_STARTED';
            child.error = e instanceof Error ? e.message : String(e);
            out.write(`[mlwb] sweep run ${i + 1} failed to run: ${child.error}\n`);
          }
          opts.onChildDone?.(child);
        }
      };
      await Promise.all(Array.from({ length: Math.min(parallel, combos.length) }, worker));
      const wanted: FinalStatus = abort.signal.aborted ? 'KILLED' : children.every((c) => c.status === 'FINISHED') ? 'FINISHED' : 'FAILED';
      const status = await endParent(store, parentId, wanted);
      out.write(`[mlwb] sweep ${parentId} ${status}\n`);
      return { parent: { runId: parentId, status }, children };
    } finally {
      if (!opts.store) await store.close?.();
    }
  })();
  done.then(
    (r) => gotId(r.parent.runId),
    (e) => noId(e),
  );
  return { parentRunId, done, cancel: () => abort.abort() };
}
