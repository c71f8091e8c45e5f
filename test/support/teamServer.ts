import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../extension/core/store/localServer';
import { startMlflowServer, type TestServer } from './mlflowServer';
import { mlflowPython, runPythonJson } from './python';

/**
 * A team's MLflow server, started by a test on 127.0.0.1 from real parts and torn down completely:
 *
 *   PostgreSQL  a throwaway cluster (Debian's postgresql) under the test's temp folder
 *   moto        an S3 look-alike in server mode, one bucket per MLflow server
 *   mlflow      `mlflow server --backend-store-uri postgresql+psycopg2://… --artifacts-destination
 *               s3://bucket --serve-artifacts`, optionally with `--app-name basic-auth` and two users
 *
 * Only the MLflow server gets AWS credentials and MLFLOW_S3_ENDPOINT_URL: the test process, the
 * extension and the Python clients started through `python()` get none, so artifacts reach them
 * only through the server's proxy (`mlflow-artifacts:` URIs), as on a real team server.
 *
 * Start one cluster per test file (`startTeamCluster`, ~1–2 s) and one or more servers on it
 * (`cluster.startServer`, ~15–25 s each on this machine: MLflow's imports and its schema
 * migrations on an empty database). Always `await cluster.stop()` in after().
 */

export interface TeamUser {
  username: string;
  password: string;
}

export interface TeamServer {
  /** http://127.0.0.1:PORT, no credentials. */
  url: string;
  /** The bucket this server's artifacts go to (in moto). */
  bucket: string;
  /** Present for `auth: true`: an admin and a second, non-admin user. */
  users?: { admin: TeamUser; user: TeamUser };
  /** The server's console output (for failure messages). */
  output(): string;
  /**
   * Runs a Python snippet with the real MLflow client against this server (as the admin when the
   * server has auth, or as `as`), with no AWS credentials, and returns its last stdout line as JSON.
   */
  python<T = unknown>(code: string, as?: TeamUser): T;
  /** Grants a user a permission on one experiment (auth servers): READ, USE, EDIT, MANAGE or DENY (MLflow 3.17 refuses NO_PERMISSIONS here). */
  grantExperiment(username: string, experimentId: string, permission: string): Promise<void>;
  /** Keys of the objects in this server's bucket, read from moto directly (what really got stored). */
  bucketKeys(): Promise<string[]>;
  stop(): Promise<void>;
}

export interface TeamCluster {
  /** Milliseconds each part took to come up (PostgreSQL, moto), then each server by its bucket. */
  readonly timings: Record<string, number>;
  /** Starts an MLflow server on a database and a bucket of its own. */
  startServer(opts?: { auth?: boolean }): Promise<TeamServer>;
  stop(): Promise<void>;
}

/** Credentials only the MLflow server sees; moto accepts any. */
const SERVER_AWS = { AWS_ACCESS_KEY_ID: 'mlwb-moto-key', AWS_SECRET_ACCESS_KEY: 'mlwb-moto-secret', AWS_DEFAULT_REGION: 'us-east-1' };
const DB_USER = 'mlwb';

/** Debian's PostgreSQL binaries: MLWB_PG_BIN, else the newest /usr/lib/postgresql/N/bin. */
export function postgresBin(): string {
  if (process.env.MLWB_PG_BIN) return process.env.MLWB_PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions.length) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql: run scripts/install-system-deps.sh (installs Debian\'s postgresql) or set MLWB_PG_BIN');
  return join(root, versions[0], 'bin');
}

/**
 * PostgreSQL refuses to run as root. As root, the cluster runs as an unprivileged account
 * (MLWB_PG_USER, else `postgres`, which Debian's package creates) through `runuser`.
 */
function pgAccount(): { user: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const user = process.env.MLWB_PG_USER || 'postgres';
  const id = (flag: string) => {
    const r = spawnSync('id', [flag, user], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`running as root, PostgreSQL needs an unprivileged account: user '${user}' does not exist (set MLWB_PG_USER)`);
    return Number(r.stdout.trim());
  };
  return { user, uid: id('-u'), gid: id('-g') };
}

/** A child in its own process group, killed with its children by stop() or when this process exits. */
class Child {
  private out = '';
  private exited = false;
  private readonly gone: Promise<void>;
  private readonly onExit = () => this.signal('SIGKILL');

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    proc.stdout?.on('data', (d: Buffer) => (this.out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (this.out += d.toString()));
    this.gone = new Promise((r) => proc.once('exit', () => ((this.exited = true), r())));
    process.once('exit', this.onExit);
  }

  get output(): string {
    return this.out;
  }

  get running(): boolean {
    return !this.exited;
  }

  private signal(sig: NodeJS.Signals): void {
    try {
      process.kill(-this.proc.pid!, sig);
    } catch {
      // already gone
    }
  }

  /** `first`: PostgreSQL takes SIGINT as "fast shutdown"; others get SIGTERM. */
  async stop(first: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    process.removeListener('exit', this.onExit);
    if (!this.exited) {
      this.signal(first);
      const t = setTimeout(() => this.signal('SIGKILL'), 5000);
      await this.gone;
      clearTimeout(t);
    }
    this.signal('SIGKILL');
  }
}

function spawnGroup(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Child {
  return new Child(name, spawn(cmd, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** The test process's environment without any AWS settings: what the extension would have. */
function withoutAws(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('AWS_') && k !== 'MLFLOW_S3_ENDPOINT_URL'));
}

function request(method: string, url: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function waitFor(what: string, child: Child, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready().catch(() => false)) return;
    if (!child.running) throw new Error(`${what} exited before it was ready:\n${child.output}`);
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs / 1000} s:\n${child.output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startTeamCluster(): Promise<TeamCluster> {
  const bin = postgresBin();
  const account = pgAccount();
  const tmp = mkdtempSync(join(tmpdir(), 'mlwb-team-'));
  // As root, the PostgreSQL account must reach its data folder inside our private temp folder.
  if (account) chmodSync(tmp, 0o711);
  const cleanTmp = () => rmSync(tmp, { recursive: true, force: true });
  process.once('exit', cleanTmp);
  const children: Child[] = [];
  const servers: TeamServer[] = [];
  const timings: Record<string, number> = {};
  const pgPassword = `pg-${Math.random().toString(36).slice(2)}`;
  let pgPort = 0;
  let motoUrl = '';

  const stop = async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
    // PostgreSQL last: the MLflow servers hold connections to it.
    for (const c of children.splice(0).reverse()) await c.stop(c.name === 'postgres' ? 'SIGINT' : 'SIGTERM');
    process.removeListener('exit', cleanTmp);
    cleanTmp();
  };

  try {
    // --- PostgreSQL: initdb without fsync, then the server in the foreground (its own group).
    let t0 = Date.now();
    const pgDir = join(tmp, 'pg');
    mkdirSync(pgDir);
    const pwFile = join(pgDir, 'pw');
    writeFileSync(pwFile, pgPassword + '\n', { mode: 0o600 });
    if (account) {
      chownSync(pgDir, account.uid, account.gid);
      chownSync(pwFile, account.uid, account.gid);
    }
    const asPg = (exe: string, args: string[]): [string, string[]] => (account ? ['runuser', ['-u', account.user, '--', join(bin, exe), ...args]] : [join(bin, exe), args]);
    const data = join(pgDir, 'data');
    const [initCmd, initArgs] = asPg('initdb', ['-D', data, '-U', DB_USER, `--pwfile=${pwFile}`, '--auth=scram-sha-256', '--no-sync', '-E', 'UTF8', '--locale=C']);
    const init = spawnSync(initCmd, initArgs, { encoding: 'utf8', cwd: tmp });
    if (init.status !== 0) throw new Error(`initdb failed (${init.status}):\n${init.stderr}${init.stdout}`);
    pgPort = await freePort();
    // A test database: durability settings off (the folder is deleted afterwards), no Unix socket
    // (TCP on loopback only), so nothing is left outside the temp folder.
    const [pgCmd, pgArgs] = asPg('postgres', [
      '-D', data, '-p', String(pgPort), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
    ]);
    const pg = spawnGroup('postgres', pgCmd, pgArgs, process.env, tmp);
    children.push(pg);
    const isReady = join(bin, 'pg_isready');
    await waitFor('PostgreSQL', pg, async () => spawnSync(isReady, ['-h', '127.0.0.1', '-p', String(pgPort), '-q']).status === 0, 30_000);
    timings.postgres = Date.now() - t0;

    // --- moto in server mode (in memory).
    t0 = Date.now();
    const motoPort = await freePort();
    motoUrl = `http://127.0.0.1:${motoPort}`;
    const moto = spawnGroup('moto', mlflowPython(), ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(motoPort)], { ...withoutAws(process.env), ...SERVER_AWS }, tmp);
    children.push(moto);
    await waitFor('moto', moto, async () => (await request('GET', motoUrl + '/')).status === 200, 30_000);
    timings.moto = Date.now() - t0;
  } catch (e) {
    await stop();
    throw e;
  }

  const psql = (sql: string) => {
    const r = spawnSync(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(pgPort), '-U', DB_USER, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], {
      encoding: 'utf8',
      env: { ...process.env, PGPASSWORD: pgPassword },
    });
    if (r.status !== 0) throw new Error(`psql ${sql}: ${r.stderr}`);
  };
  const dbUri = (db: string) => `postgresql+psycopg2://${DB_USER}:${pgPassword}@127.0.0.1:${pgPort}/${db}`;
  let serial = 0;

  const startServer = async (opts: { auth?: boolean } = {}): Promise<TeamServer> => {
    const n = ++serial;
    const t0 = Date.now();
    const bucket = `mlwb-team-${n}`;
    const put = await request('PUT', `${motoUrl}/${bucket}`);
    if (put.status !== 200) throw new Error(`moto: creating bucket ${bucket} failed (${put.status}): ${put.text}`);
    // SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3; the driver is named so psycopg2 is used.
    psql(`CREATE DATABASE mlflow_${n}`);
    const env: Record<string, string> = { ...SERVER_AWS, MLFLOW_S3_ENDPOINT_URL: motoUrl };
    const args = ['--backend-store-uri', dbUri(`mlflow_${n}`), '--artifacts-destination', `s3://${bucket}`, '--serve-artifacts'];
    let users: TeamServer['users'];
    if (opts.auth) {
      psql(`CREATE DATABASE auth_${n}`);
      users = { admin: { username: 'admin', password: `Admin-${n}-pass-7731` }, user: { username: 'alice', password: `Alice-${n}-pass-2208` } };
      const ini = join(tmp, `auth_${n}.ini`);
      writeFileSync(
        ini,
        [
          '[mlflow]',
          'default_permission = READ',
          `database_uri = ${dbUri(`auth_${n}`)}`,
          `admin_username = ${users.admin.username}`,
          `admin_password = ${users.admin.password}`,
          'authorization_function = mlflow.server.auth:authenticate_request_basic_auth',
          '',
        ].join('\n'),
        { mode: 0o600 },
      );
      args.push('--app-name', 'basic-auth');
      Object.assign(env, { MLFLOW_AUTH_CONFIG_PATH: ini, MLFLOW_FLASK_SERVER_SECRET_KEY: `mlwb-team-${n}-${Math.random().toString(36).slice(2)}` });
    }
    const srv: TestServer = await startMlflowServer(args, env, tmp);
    const basic = (u: TeamUser) => ({ authorization: 'Basic ' + Buffer.from(`${u.username}:${u.password}`).toString('base64') });
    const admin = async (method: string, path: string, body: unknown) => {
      const r = await request(method, srv.url + path, JSON.stringify(body), basic(users!.admin));
      if (r.status !== 200) throw new Error(`${method} ${path} as admin failed (${r.status}): ${r.text}`);
    };
    try {
      if (users) await admin('POST', '/api/2.0/mlflow/users/create', { username: users.user.username, password: users.user.password });
    } catch (e) {
      await srv.stop();
      throw e;
    }
    timings[bucket] = Date.now() - t0;

    const server: TeamServer = {
      url: srv.url,
      bucket,
      users,
      output: srv.output,
      python<T>(code: string, as?: TeamUser): T {
        const who = as ?? users?.admin;
        const env: Record<string, string> = { MLFLOW_TRACKING_URI: srv.url };
        if (who) Object.assign(env, { MLFLOW_TRACKING_USERNAME: who.username, MLFLOW_TRACKING_PASSWORD: who.password });
        return runPythonJson<T>(code, env, tmp, withoutAws);
      },
      grantExperiment: (username, experimentId, permission) =>
        admin('POST', '/api/3.0/mlflow/users/permissions/grant', { username, resource_type: 'experiment', resource_id: experimentId, permission }),
      async bucketKeys() {
        const r = await request('GET', `${motoUrl}/${bucket}?list-type=2&max-keys=1000`);
        return [...r.text.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]);
      },
      async stop() {
        const i = servers.indexOf(server);
        if (i >= 0) servers.splice(i, 1);
        await srv.stop();
      },
    };
    servers.push(server);
    return server;
  };

  return { timings, startServer, stop };
}
