import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { downloadArtifacts } from '../../../extension/core/store/artifactDownload';
import type { ReadProblem } from '../../../extension/core/store/errors';
import { FileStoreReader } from '../../../extension/core/store/fileStore';
import { RestStore } from '../../../extension/core/store/rest/restStore';
import { copyFixtureStore, fixtureStore, loadExpected } from '../../support/fixture';
import { startMlflowServer, type TestServer } from '../../support/mlflowServer';
import { repoRoot } from '../../support/python';

/**
 * Issue #13, items 4 and 5 for artifacts: an artifact folder holding links out of it (to /etc, to
 * /dev/zero), a dangling link, a FIFO and links that loop; and downloads into a destination that
 * already holds a link (`DEST/out -> /elsewhere`, then a listed `out/authorized_keys`). Listing and
 * reading skip or refuse each bad entry by name and keep the rest; downloads never write through
 * a link, from a file store, from a real `mlflow server`, or from a hostile fake server.
 */

const expected = loadExpected();
const runByName = (name: string) => expected.runs.find((r) => r.run_name === name)!;
const HANG_GUARD = { timeout: 60_000 };

/** Every file below dir: relative path -> text. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (lstatSync(p).isDirectory()) walk(p, `${prefix}${n}/`);
      else out[prefix + n] = lstatSync(p).isSymbolicLink() ? `-> ${readlinkSync(p)}` : readFileSync(p, 'utf8');
    }
  };
  walk(dir, '');
  return out;
}

describe('artifacts that are not what they seem, and downloads that must not follow links', () => {
  let root: string;
  let work: string;
  let elsewhere: string;
  const problems: ReadProblem[] = [];
  let store: FileStoreReader;
  const run = runByName('tune-hyperparams');
  const art = () => join(root, run.experiment_id, run.run_id, 'artifacts');

  /** A run's artifact_uri points into the original fixture; point it into this copy. */
  const rehome = (r: { experiment_id: string; run_id: string }) => {
    const meta = join(root, r.experiment_id, r.run_id, 'meta.yaml');
    writeFileSync(meta, readFileSync(meta, 'utf8').split(fixtureStore).join(root));
  };
  /** A fresh destination holding `out -> elsewhere`. */
  const trappedDest = (name: string) => {
    const dest = join(work, name);
    mkdirSync(dest);
    symlinkSync(elsewhere, join(dest, 'out'));
    return dest;
  };

  before(() => {
    root = copyFixtureStore();
    work = mkdtempSync(join(tmpdir(), 'mlwb-dl-'));
    elsewhere = join(work, 'elsewhere');
    mkdirSync(elsewhere);
    rehome(run);
    store = new FileStoreReader(root, { onProblem: (p) => problems.push(p) });
    const a = art();
    symlinkSync(join(root, 'nowhere'), join(a, 'dangling'));
    symlinkSync('/etc', join(a, 'etc'));
    symlinkSync('/etc/passwd', join(a, 'passwd'));
    symlinkSync('/dev/zero', join(a, 'zero'));
    execFileSync('mkfifo', [join(a, 'fifo')]);
    symlinkSync('.', join(a, 'loop'));
    symlinkSync('..', join(a, 'config', 'up'));
    symlinkSync('config', join(a, 'inner'));
    symlinkSync('labels.json', join(a, 'labels-link'));
    mkdirSync(join(a, 'out'));
    writeFileSync(join(a, 'out', 'authorized_keys'), 'ssh-ed25519 AAAA attacker\n');
  });
  after(() => {
    rmSync(dirname(root), { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  const problemAt = (name: string) => problems.find((p) => p.location === join(art(), name));

  test('listing keeps regular files, folders and links inside the root; every other entry is named and skipped', HANG_GUARD, async () => {
    const top = await store.listArtifacts(run.run_id);
    assert.deepEqual(
      top.map((e) => `${e.path}${e.isDir ? '/' : ''}`),
      ['config/', 'data/', 'inner/', 'labels-link', 'labels.json', 'out/', 'plots/'],
    );
    assert.equal(top.find((e) => e.path === 'labels-link')!.fileSize, top.find((e) => e.path === 'labels.json')!.fileSize);
    assert.match(problemAt('dangling')!.message, /symbolic link to a missing file/);
    assert.match(problemAt('etc')!.message, /symbolic link to \/etc, outside the run's artifact folder/);
    assert.match(problemAt('passwd')!.message, /outside the run's artifact folder/);
    assert.match(problemAt('zero')!.message, /outside the run's artifact folder/);
    assert.match(problemAt('fifo')!.message, /a FIFO \(named pipe\), not a regular file/);
    assert.match(problemAt('loop')!.message, /a folder that contains it \(a loop\)/);
    assert.deepEqual((await store.listArtifacts(run.run_id, 'config')).map((e) => e.path), ['config/search.yaml']);
    assert.match(problemAt(join('config', 'up'))!.message, /a loop/);
    assert.deepEqual((await store.listArtifacts(run.run_id, 'inner')).map((e) => e.path), ['inner/search.yaml']);
  });

  test('reading refuses links out of the root, FIFOs and devices, naming the artifact', HANG_GUARD, async () => {
    await assert.rejects(store.readArtifact(run.run_id, 'passwd'), (e: Error & { code?: string }) => e.code === 'PERMISSION_DENIED' && e.message.includes(join(art(), 'passwd')) && /outside the run's artifact folder/.test(e.message));
    await assert.rejects(store.readArtifact(run.run_id, 'etc/hostname'), /is a link to \/etc\/hostname, outside/);
    await assert.rejects(store.readArtifact(run.run_id, 'zero'), /outside/);
    await assert.rejects(store.readArtifact(run.run_id, 'fifo'), (e: Error) => e.message.includes(join(art(), 'fifo')) && /a FIFO/.test(e.message));
    await assert.rejects(store.readArtifact(run.run_id, 'dangling'), /no such file/);
    await assert.rejects(store.readArtifact(run.run_id, 'config'), /a folder, not a regular file/);
    assert.equal(Buffer.from(await store.readArtifact(run.run_id, 'inner/search.yaml')).toString(), readFileSync(join(art(), 'config', 'search.yaml'), 'utf8'));
    assert.equal(Buffer.from(await store.readArtifact(run.run_id, 'labels-link')).toString(), readFileSync(join(art(), 'labels.json'), 'utf8'));
  });

  test('a whole-run download copies exactly the listable files', HANG_GUARD, async () => {
    const dest = join(work, 'all');
    const files = await downloadArtifacts(store, run.run_id, undefined, dest);
    const listable = ['config/search.yaml', 'data/weights.bin', 'inner/search.yaml', 'labels-link', 'labels.json', 'out/authorized_keys', 'plots/diagram.svg', 'plots/loss.png'];
    assert.deepEqual(Object.keys(tree(dest)), listable);
    assert.equal(files.length, listable.length);
    assert.equal(tree(dest)['labels-link'], readFileSync(join(art(), 'labels.json'), 'utf8'));
  });

  test('DEST/out -> elsewhere: a listed out/authorized_keys is refused, nothing lands elsewhere', HANG_GUARD, async () => {
    for (const [i, path] of [undefined, 'out'].entries()) {
      const dest = trappedDest(`trap${i}`);
      await assert.rejects(downloadArtifacts(store, run.run_id, path, dest), (e: Error) => e.message.includes(join(dest, 'out')) && /symbolic link to .*elsewhere; the download does not write through links/.test(e.message));
      assert.deepEqual(readdirSync(elsewhere), []);
      assert.ok(!readdirSync(dest).some((n) => n.endsWith('.part')));
    }
  });

  test('a link already at a file target is replaced, never written through', HANG_GUARD, async () => {
    const dest = join(work, 'replace');
    mkdirSync(dest);
    writeFileSync(join(elsewhere, 'victim'), 'untouched');
    symlinkSync(join(elsewhere, 'victim'), join(dest, 'labels.json'));
    await downloadArtifacts(store, run.run_id, 'labels.json', dest);
    assert.equal(readFileSync(join(elsewhere, 'victim'), 'utf8'), 'untouched');
    assert.ok(!lstatSync(join(dest, 'labels.json')).isSymbolicLink());
    assert.equal(readFileSync(join(dest, 'labels.json'), 'utf8'), readFileSync(join(art(), 'labels.json'), 'utf8'));
    rmSync(join(elsewhere, 'victim'));
  });

  test("'', '.' and './' are refused clearly; a missing DEST is not created and nothing is left beside it", HANG_GUARD, async () => {
    for (const p of ['', '.', './', './/', 'config/./search.yaml', '../x', '/etc/passwd']) {
      const dest = join(work, 'missing-dest');
      await assert.rejects(downloadArtifacts(store, run.run_id, p, dest), (e: Error & { code?: string }) => e.code === 'INVALID_PARAMETER_VALUE' && e.message.includes(`'${p}'`), p);
      assert.ok(!existsSync(dest), p);
      assert.ok(!readdirSync(work).some((n) => n.includes('.part')), p);
    }
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'extension/cli/index.ts'), 'artifacts', '--store', root, '--run', run.run_id, '--path', '.', '--download', join(work, 'cli-dest')], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /artifact path '\.' names the run's artifact root; leave the path out/);
    assert.ok(!existsSync(join(work, 'cli-dest')));
  });

  test('a DEST that is a file is refused, not replaced', HANG_GUARD, async () => {
    const dest = join(work, 'a-file');
    writeFileSync(dest, 'keep');
    await assert.rejects(downloadArtifacts(store, run.run_id, undefined, dest), /download destination .*a-file is not a folder|cannot use .*a-file/);
    assert.equal(readFileSync(dest, 'utf8'), 'keep');
  });

  test('all of it in bounded memory', () => {
    assert.ok(process.memoryUsage().rss < 1024 * 1024 * 1024, `rss ${process.memoryUsage().rss}`);
  });

  describe('from a real mlflow server (the REST download path)', () => {
    let server: TestServer | undefined;
    let rest: RestStore | undefined;
    const other = runByName('trial-0');
    before(async () => {
      rehome(other);
      const a = join(root, other.experiment_id, other.run_id, 'artifacts');
      mkdirSync(join(a, 'out'), { recursive: true });
      writeFileSync(join(a, 'out', 'authorized_keys'), 'ssh-ed25519 AAAA attacker\n');
      writeFileSync(join(a, 'notes.txt'), 'fine\n');
      server = await startMlflowServer(['--backend-store-uri', `file://${root}`], {}, work);
      rest = await RestStore.connect(server.url);
    });
    after(async () => {
      await rest?.close();
      await server?.stop();
    });

    test('the same refusal for DEST/out -> elsewhere, and a clean download otherwise', HANG_GUARD, async () => {
      const dest = trappedDest('rest-trap');
      await assert.rejects(downloadArtifacts(rest!, other.run_id, undefined, dest), /out is a symbolic link to .*elsewhere/);
      assert.deepEqual(readdirSync(elsewhere), []);
      const clean = join(work, 'rest-clean');
      await downloadArtifacts(rest!, other.run_id, undefined, clean);
      assert.deepEqual(tree(clean), { 'notes.txt': 'fine\n', 'out/authorized_keys': 'ssh-ed25519 AAAA attacker\n' });
    });
  });

  describe('from a hostile server that lists paths out of the destination, or a folder that lists itself', () => {
    let srv: Server;
    let url: string;
    let listing: (path: string) => unknown;
    before(async () => {
      srv = createServer((req, res) => {
        const u = new URL(req.url!, 'http://x');
        res.setHeader('content-type', 'application/json');
        if (u.pathname.endsWith('/experiments/search')) return res.end('{"experiments":[]}');
        if (u.pathname.endsWith('/artifacts/list')) return res.end(JSON.stringify(listing(u.searchParams.get('path') ?? '')));
        if (u.pathname.endsWith('/get-artifact')) return res.end('owned');
        res.statusCode = 404;
        res.end('{}');
      });
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    });
    after(() => srv.close());

    // The REST store checks listings itself (restStore.ts) and the download checks again; either names the path.
    const refused = (p: string) => new RegExp(`'${p.replace(/[./]/g, (c) => `\\${c}`)}'.*(is not a clean relative path|is not a valid artifact path)`);
    for (const [what, files, pattern] of [
      ['a parent path', [{ path: '../escape', is_dir: false }], refused('../escape')],
      ['an absolute path', [{ path: '/tmp/escape', is_dir: false }], refused('/tmp/escape')],
      ['a dot segment', [{ path: 'a/./b', is_dir: false }], refused('a/./b')],
    ] as const) {
      test(`${what} is refused before anything is written`, HANG_GUARD, async () => {
        listing = () => ({ files });
        const rest = await RestStore.connect(url);
        const dest = join(work, `hostile-${what.replace(/ /g, '-')}`);
        try {
          await assert.rejects(downloadArtifacts(rest, 'r', undefined, dest), pattern);
        } finally {
          await rest.close();
        }
        assert.deepEqual(readdirSync(dest), []);
        assert.ok(!existsSync(join(work, 'escape')));
      });
    }

    test('a folder that lists itself (or a child outside it) stops with a message', HANG_GUARD, async () => {
      const rest = await RestStore.connect(url);
      try {
        listing = (p) => ({ files: [{ path: p ? `${p}/a` : 'a', is_dir: true }] });
        await assert.rejects(downloadArtifacts(rest, 'r', undefined, join(work, 'deep')), /nests deeper than 256 levels/);
        listing = (p) => ({ files: [{ path: p ? 'a' : 'a', is_dir: true }] });
        await assert.rejects(downloadArtifacts(rest, 'r', undefined, join(work, 'self')), /listing 'a' returned 'a', which is the folder itself|listed artifact path 'a' is not inside the folder 'a' that was listed/);
      } finally {
        await rest.close();
      }
    });
  });
});
