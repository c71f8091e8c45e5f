import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import * as http from 'node:http';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { StoreError } from './errors';
import { isolatedPythonArgs, isolatedPythonEnv, neutralPythonCwd, pythonCommand } from './isolatedPython';
import { redactUri, sqlitePath, storeKindOf, fileStorePath } from './trackingUri';

/**
 * Owns a real `mlflow server` for a database (or file) store on 127.0.0.1: picks a free port,
 * waits for /health, restarts it on the same port when it dies (a bounded number of times), and
 * stops its whole process group on close (the CLI forks uvicorn workers). SQL stores are reached
 * through it because MLflow owns their schema and migrations.
 */

export interface LocalServerOptions {
  /** `sqlite:///…`, `postgresql://…`, `mysql://…`, `mssql://…` or a file store URI. */
  backendStoreUri: string;
  /** Python with mlflow installed. */
  python: string;
  /** Folder relative URIs and MLflow's default `./mlruns` are taken against; default: the database's folder. */
  baseDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Fixed port; default a free one. */
  port?: number;
  /** Where artifacts of experiments created through this server go; see defaultArtifactRoot(). */
  defaultArtifactRoot?: string;
  /** Receives the server's stdout/stderr line by line, and our own notes (prefixed `[mlwb]`). */
  onLog?: (line: string) => void;
  /** Called when the server died for good (restarts used up). */
  onFatal?: (e: StoreError) => void;
  startTimeoutMs?: number;
  /** Restarts allowed within `restartWindowMs`. */
  maxRestarts?: number;
  restartWindowMs?: number;
}

const DEFAULT_START_TIMEOUT_MS = 90_000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Absolute backend URI: `sqlite:///rel.db` is relative to the server's cwd, which we do not rely on. */
export function absoluteBackendUri(uri: string, baseDir?: string): string {
  const kind = storeKindOf(uri);
  // The server runs in a folder of its own (see isolatedPython.ts), so "relative" must mean
  // relative to baseDir, or to our own working folder when there is none.
  const base = resolve(baseDir ?? process.cwd());
  if (kind === 'sqlite') {
    const p = resolve(sqlitePath(uri, base));
    return 'sqlite:///' + p; // p starts with '/', giving MLflow's four-slash absolute form
  }
  if (kind === 'file') return 'file://' + resolve(fileStorePath(uri, base));
  return uri;
}

/**
 * Artifact root for new experiments, chosen so the server puts artifacts where a script logging
 * straight to the same database would: MLflow's client uses `./mlruns` of its working folder
 * (stored as a plain absolute path) for SQL stores, and the workspace holding mlflow.db is that folder.
 */
export function defaultArtifactRoot(backendUri: string, baseDir?: string): string | undefined {
  const kind = storeKindOf(backendUri);
  const base = baseDir === undefined ? undefined : resolve(baseDir);
  if (kind === 'sqlite') return join(base ?? dirname(resolve(sqlitePath(backendUri, base))), 'mlruns');
  if (kind === 'sql' && base) return join(base, 'mlruns');
  return undefined; // file store: experiments keep their own location next to the metadata
}

/** How long `import mlflow` may take: the first import after an install compiles bytecode, slowly on a busy machine. */
const MLFLOW_CHECK_TIMEOUT_MS = 120_000;

/**
 * Fails with a message the user can act on when `python` is missing or has no mlflow. Isolated
 * (see isolatedPython.ts), so the answer is about the installed mlflow, never a folder's `mlflow/`.
 * Asynchronous: importing mlflow takes seconds, and the extension host must not wait on it.
 */
export function checkMlflowPython(python: string, env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      python,
      isolatedPythonArgs(['-W', 'ignore', '-c', 'import mlflow, sys; sys.stdout.write(mlflow.__version__)']),
      { cwd: neutralPythonCwd(), env: isolatedPythonEnv(env ?? process.env), encoding: 'utf8', timeout: MLFLOW_CHECK_TIMEOUT_MS, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (!error) return resolvePromise(stdout.trim());
        const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: string | number | null };
        if (e.code === 'ENOENT') return reject(new StoreError('UNSUPPORTED_STORE', `Python ${python} not found: install Python with mlflow or set mlflow.pythonPath`, python));
        if (e.killed) return reject(new StoreError('UNSUPPORTED_STORE', `Python ${python} did not finish \`import mlflow\` within ${MLFLOW_CHECK_TIMEOUT_MS / 1000} s; try again when the machine is less busy, or check that interpreter`, python));
        if (typeof e.code !== 'number') return reject(new StoreError('UNSUPPORTED_STORE', `Python ${python} could not be started: ${e.message}`, python));
        const missing = /No module named '?mlflow/.test(stderr);
        const detail = missing ? '' : ` (${stderr.trim().split('\n').pop()})`;
        reject(new StoreError('UNSUPPORTED_STORE', `mlflow is not installed for ${python}: run \`${python} -m pip install mlflow\` or set mlflow.pythonPath${detail}`, python));
      },
    );
  });
}

/** True when an MLflow server answers `/health` at url within 2 s. */
export function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/health`, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

export class LocalMlflowServer {
  readonly url: string;
  readonly port: number;
  readonly backendStoreUri: string;
  /** mlflow's version in that Python. */
  readonly mlflowVersion: string;
  private child?: ChildProcess;
  private stopping = false;
  private restarts: number[] = [];
  private tail: string[] = [];
  private readonly exitHook = () => this.killGroup('SIGKILL');
  private restarting?: Promise<void>;
  private readonly ready = new WeakSet<ChildProcess>();

  private constructor(
    private readonly opts: LocalServerOptions,
    port: number,
    version: string,
  ) {
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.backendStoreUri = absoluteBackendUri(opts.backendStoreUri, opts.baseDir);
    this.mlflowVersion = version;
  }

  static async start(options: LocalServerOptions): Promise<LocalMlflowServer> {
    const opts = { ...options, python: pythonCommand(options.python, options.baseDir) };
    const version = await checkMlflowPython(opts.python, opts.env);
    const server = new LocalMlflowServer(opts, opts.port ?? (await freePort()), version);
    process.once('exit', server.exitHook);
    try {
      await server.launch();
    } catch (e) {
      await server.stop();
      throw e;
    }
    return server;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private log(line: string): void {
    this.tail.push(line);
    if (this.tail.length > 40) this.tail.shift();
    this.opts.onLog?.(line);
  }

  private args(): string[] {
    // -u: unbuffered output, so the log shows the server's lines as they come (-I ignores PYTHONUNBUFFERED).
    const a = isolatedPythonArgs(['-u', '-m', 'mlflow', 'server', '--backend-store-uri', this.backendStoreUri, '--host', '127.0.0.1', '--port', String(this.port), '--workers', '1']);
    const root = this.opts.defaultArtifactRoot ?? defaultArtifactRoot(this.backendStoreUri, this.opts.baseDir);
    if (root) {
      // Absolute, as the server's working folder is not the workspace (URIs such as s3:// stay as given).
      const rootArg = /^[a-z][a-z0-9+.-]*:/i.test(root) ? root : resolve(this.opts.baseDir ?? process.cwd(), root);
      a.push('--default-artifact-root', rootArg);
      // mlflow-artifacts:/ runs (logged earlier through a plain `mlflow server` in that folder)
      // resolve against ./mlartifacts, that server's default destination.
      a.push('--artifacts-destination', join(isAbsolute(rootArg) ? dirname(rootArg) : resolve(this.opts.baseDir ?? process.cwd()), 'mlartifacts'));
    }
    return a;
  }

  private launch(): Promise<void> {
    const env: NodeJS.ProcessEnv = { ...isolatedPythonEnv(this.opts.env ?? process.env), PYTHONUNBUFFERED: '1', MLFLOW_ALLOW_FILE_STORE: 'true' };
    // Client-side settings that would confuse a server (MLflow refuses MLFLOW_WORKSPACE outright).
    delete env.MLFLOW_WORKSPACE;
    delete env.MLFLOW_TRACKING_URI;
    // The job runner serves GenAI scorer jobs the workbench never starts; it costs a process and startup time.
    env.MLFLOW_SERVER_ENABLE_JOB_EXECUTION ??= 'false';
    this.log(`[mlwb] starting mlflow ${this.mlflowVersion} server for ${redactUri(this.backendStoreUri)} on ${this.url}`);
    const child = spawn(this.opts.python, this.args(), {
      cwd: neutralPythonCwd(),
      env,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      let buf = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (d: string) => {
        buf += d;
        const lines = buf.split('\n');
        buf = lines.pop() ?? '';
        for (const l of lines) if (l.trim()) this.log(l.replace(/\r$/, ''));
      });
    }
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      // Only a server that was up is restarted here; one that fails to start fails launch().
      if (!this.stopping && this.ready.has(child)) void this.onUnexpectedExit(code, signal, child.pid);
    });
    return this.waitHealthy(exited).then(() => {
      this.ready.add(child);
    });
  }

  private async waitHealthy(exited: Promise<number | null>): Promise<void> {
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    let gone: number | null | undefined;
    void exited.then((c) => (gone = c ?? -1));
    while (Date.now() < deadline) {
      if (gone !== undefined) {
        throw new StoreError('UNREACHABLE', `mlflow server for ${redactUri(this.backendStoreUri)} exited with code ${gone} while starting:\n${this.tail.slice(-12).join('\n')}`, this.backendStoreUri);
      }
      if (await healthy(this.url)) {
        this.log(`[mlwb] mlflow server ready on ${this.url}`);
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new StoreError('UNREACHABLE', `mlflow server for ${redactUri(this.backendStoreUri)} did not answer ${this.url}/health within ${Math.round((this.opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS) / 1000)} s:\n${this.tail.slice(-12).join('\n')}`, this.backendStoreUri);
  }

  private async onUnexpectedExit(code: number | null, signal: NodeJS.Signals | null, pid: number | undefined): Promise<void> {
    // The server may have forked workers that outlive it; they would hold the port.
    this.killGroup('SIGKILL', pid);
    this.log(`[mlwb] mlflow server exited (${signal ?? `code ${code}`})`);
    let done!: () => void;
    this.restarting = new Promise<void>((r) => (done = r));
    try {
      const window = this.opts.restartWindowMs ?? 10 * 60_000;
      const max = this.opts.maxRestarts ?? 3;
      while (!this.stopping) {
        const now = Date.now();
        this.restarts = this.restarts.filter((t) => now - t < window);
        if (this.restarts.length >= max) {
          const e = new StoreError('UNREACHABLE', `mlflow server for ${redactUri(this.backendStoreUri)} keeps exiting (${max} restarts used); last output:\n${this.tail.slice(-12).join('\n')}`, this.backendStoreUri);
          this.log(`[mlwb] ${e.message}`);
          this.opts.onFatal?.(e);
          return;
        }
        this.restarts.push(now);
        this.log(`[mlwb] restarting mlflow server (${this.restarts.length}/${max})`);
        try {
          await this.launch();
          return;
        } catch (e) {
          this.log(`[mlwb] restart failed: ${e instanceof Error ? e.message : String(e)}`);
          this.killGroup('SIGKILL');
        }
      }
    } finally {
      this.restarting = undefined;
      done();
    }
  }

  /** Resolves when a restart in progress is over (tests and the session use it). */
  async settled(): Promise<void> {
    await this.restarting;
  }

  private killGroup(signal: NodeJS.Signals, pid = this.child?.pid): void {
    if (pid === undefined) return;
    try {
      if (process.platform === 'win32') spawnSync('taskkill', ['/pid', String(pid), '/T', '/F']);
      else process.kill(-pid, signal);
    } catch {
      try {
        if (pid === this.child?.pid) this.child?.kill(signal);
      } catch {
        // already gone
      }
    }
  }

  /** Stops the server and its workers: SIGTERM to the group, SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    process.removeListener('exit', this.exitHook);
    await this.restarting;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.child = undefined;
      return;
    }
    const done = new Promise<void>((r) => child.once('exit', () => r()));
    this.killGroup('SIGTERM');
    const timer = setTimeout(() => this.killGroup('SIGKILL'), graceMs);
    await done;
    clearTimeout(timer);
    // Workers of the group that ignored SIGTERM.
    try {
      if (process.platform !== 'win32' && child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // group already empty
    }
    this.child = undefined;
  }

  /** For tests: kills the server as a crash would, so the restart logic takes over. */
  crashForTest(): void {
    this.killGroup('SIGKILL');
  }
}
