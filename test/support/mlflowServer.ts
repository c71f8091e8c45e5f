import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, healthy } from '../../extension/core/store/localServer';
import { mlflowEnv, mlflowPython } from './python';

/**
 * A plain `mlflow server` for tests, started independently of LocalMlflowServer so the REST store
 * is checked against a server configured the way users run one. Always stop() it (in after()).
 */
export interface TestServer {
  url: string;
  port: number;
  output(): string;
  stop(): Promise<void>;
}

export async function startMlflowServer(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<TestServer> {
  const port = await freePort();
  // Without a folder of its own the server would work in the repository, where anything that falls
  // back to MLflow's default store (./mlflow.db) would write.
  const ownCwd = cwd === undefined ? mkdtempSync(join(tmpdir(), 'mlwb-server-cwd-')) : undefined;
  cwd ??= ownCwd;
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(mlflowPython(), ['-m', 'mlflow', 'server', '--host', '127.0.0.1', '--port', String(port), '--workers', '1', ...args], {
    env: mlflowEnv({ MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false', ...env }),
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  let exited = false;
  const gone = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
  const kill = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // already gone
    }
  };
  const onExit = () => kill('SIGKILL');
  process.once('exit', onExit);
  const stop = async () => {
    process.removeListener('exit', onExit);
    if (!exited) {
      kill('SIGTERM');
      const t = setTimeout(() => kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(t);
    }
    kill('SIGKILL');
    if (ownCwd) rmSync(ownCwd, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  while (!(await healthy(url))) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`mlflow server ${args.join(' ')} did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, port, output: () => out, stop };
}
