import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RunOutput } from '../../../extension/core/runner';
import { mlflowPython, runPythonJson } from '../../support/python';

/** Shared pieces of the runner tests: temp projects, a `python` without mlflow, and reading runs back with the real MLflow client. */

export interface TempDir {
  path: string;
  remove(): void;
}

export function tempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `mlwb-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
}

/** The project most tests run: `main` logs a metric from its params; `fail` exits 3; `sleep` waits to be cancelled. */
export const TRAIN_PROJECT: Record<string, string> = {
  MLproject: `name: runner-test
entry_points:
  main:
    parameters:
      lr: {type: float, default: 0.1}
      note: {type: string, default: "plain"}
    command: "python train.py --lr {lr} --note {note}"
  fail:
    command: "python -c 'import sys; print(\\"about to fail\\"); sys.exit(3)'"
  sleep:
    command: "python sleep.py"
  self_end:
    command: "python self_end.py"
`,
  'train.py': `import argparse, sys
import mlflow
p = argparse.ArgumentParser()
p.add_argument("--lr", type=float)
p.add_argument("--note")
a = p.parse_args()
print("executable", sys.executable)
print("note", repr(a.note))
mlflow.log_metric("loss", 1.0 / (1.0 + a.lr))
`,
  'sleep.py': `import os, time
open("sleep.pid", "w").write(str(os.getpid()))
print("started", flush=True)
time.sleep(120)
`,
  'self_end.py': `import mlflow
mlflow.start_run()
mlflow.log_metric("seen", 1.0)
mlflow.end_run(status="FAILED")
print("ended my own run as FAILED, exiting 0")
`,
};

/**
 * A folder whose `python` is not the one with mlflow: it answers like a Python without mlflow.
 * Put first on PATH, it proves the project's `python` is the chosen interpreter, not PATH's first.
 */
export function fakePythonDir(root: string): string {
  const dir = join(root, 'fake-bin');
  mkdirSync(dir, { recursive: true });
  const script = `#!/bin/sh\necho "Traceback (most recent call last):" >&2\necho "ModuleNotFoundError: No module named 'mlflow'" >&2\nexit 1\n`;
  for (const name of ['python', 'python3']) {
    writeFileSync(join(dir, name), script);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

export function collect(): RunOutput & { text(): string; waitFor(re: RegExp, ms?: number): Promise<void> } {
  let buf = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  return {
    write(t: string) {
      buf += t;
      if (process.env.MLWB_TEST_VERBOSE) process.stderr.write(t);
      for (const w of waiters.splice(0)) if (w.re.test(buf)) w.resolve();
      else waiters.push(w);
    },
    text: () => buf,
    waitFor(re: RegExp, ms = 120_000) {
      if (re.test(buf)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`output never matched ${re}:\n${buf}`)), ms);
        waiters.push({ re, resolve: () => (clearTimeout(t), resolve()) });
      });
    },
  };
}

export interface PyRun {
  status: string;
  run_name: string;
  experiment_id: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, number>;
}

/** The runs of a store as the real MLflow client reads them (by id). */
export function readRuns(trackingUri: string, runIds: string[]): Record<string, PyRun> {
  return runPythonJson<Record<string, PyRun>>(
    `import json, mlflow
c = mlflow.MlflowClient(${JSON.stringify(trackingUri)})
out = {}
for rid in ${JSON.stringify(runIds)}:
    r = c.get_run(rid)
    out[rid] = {"status": r.info.status, "run_name": r.info.run_name, "experiment_id": r.info.experiment_id, "params": r.data.params, "tags": r.data.tags, "metrics": r.data.metrics}
print(json.dumps(out))`,
  );
}

/** Every run id in the store's active experiments. */
export function allRunIds(trackingUri: string): string[] {
  return runPythonJson<string[]>(
    `import json, mlflow
c = mlflow.MlflowClient(${JSON.stringify(trackingUri)})
ids = [e.experiment_id for e in c.search_experiments()]
print(json.dumps([r.info.run_id for r in c.search_runs(ids)] if ids else []))`,
  );
}

export const PYTHON = mlflowPython();
