import { randomBytes, randomInt } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { dumpPyYaml, type YamlValue } from '../format/pyYaml';
import { StoreError } from './errors';

/**
 * File-system primitives for writing MLflow's `mlruns/` layout: atomic replacement, single-call
 * appends, and the naming rules (ids, key paths, URIs) MLflow's file store applies.
 */

/**
 * Replaces `path` with `data` atomically. The temp file lives in `tempDir` (same file system, so the
 * rename is atomic): callers pass the entity folder rather than the key's own folder, because a
 * concurrent Python reader walks tags/ and params/ and would take a temp file there for a key.
 */
export async function writeFileAtomic(path: string, data: string, tempDir = dirname(path)): Promise<void> {
  const tmp = join(tempDir, `.mlwb-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fsp.writeFile(tmp, data, 'utf8');
    await fsp.rename(tmp, path);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}

export async function writeYamlAtomic(path: string, data: { [k: string]: YamlValue }): Promise<void> {
  await writeFileAtomic(path, dumpPyYaml(data));
}

/**
 * Appends with exactly one write(2) on an O_APPEND descriptor, so lines from a Python process
 * appending to the same metric file concurrently are never interleaved with ours.
 */
export async function appendOnce(path: string, data: string): Promise<void> {
  const fh = await fsp.open(path, 'a');
  try {
    const buf = Buffer.from(data, 'utf8');
    let off = 0;
    while (off < buf.length) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
  } finally {
    await fh.close();
  }
}

/** An 18-digit id as MLflow's file store makes them (random, no leading zero). */
export function newExperimentId(): string {
  let s = String(randomInt(1, 10));
  for (let i = 0; i < 17; i++) s += String(randomInt(0, 10));
  return s;
}

export function newRunId(): string {
  return randomBytes(16).toString('hex');
}

const ADJECTIVES = ['amber', 'bold', 'brave', 'calm', 'clever', 'crisp', 'eager', 'gentle', 'happy', 'keen', 'lucky', 'merry', 'nimble', 'quiet', 'rapid', 'shy', 'smooth', 'sunny', 'swift', 'wise'];
const NOUNS = ['ant', 'bass', 'bear', 'cat', 'crow', 'deer', 'doe', 'eel', 'fox', 'gnu', 'hen', 'lark', 'mole', 'owl', 'ram', 'seal', 'slug', 'toad', 'wasp', 'yak'];

/** `<adjective>-<noun>-<0..1000>`, the shape of MLflow's generated run names. */
export function randomRunName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(0, 1001)}`;
}

/** Python's `\w` is Unicode-aware; MLflow allows `[/\w.\- :]` in metric, param and tag keys. */
const KEY_CHARS = /^[/\p{L}\p{N}\p{M}_.\- :]*$/u;

/** MLflow's key rules: allowed characters, and the key must be its own normalised POSIX path. */
export function keyProblem(key: string): string | undefined {
  if (!KEY_CHARS.test(key)) return 'names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/)';
  const parts = key.split('/');
  if (key === '' || key.startsWith('/') || key.startsWith('..') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    return 'names are used as file paths and must not resolve to another name (no empty, "." or ".." segments, no leading or trailing "/")';
  }
  return undefined;
}

export function checkKey(what: string, key: string, location: string): void {
  const p = keyProblem(key);
  if (p) throw new StoreError('INVALID_PARAMETER_VALUE', `Invalid ${what} '${key}': ${p}`, location);
}

export function keyPath(dir: string, key: string): string {
  return join(dir, ...key.split('/'));
}

/** Writes one key of a params/ or tags/ folder: value is the whole file, no trailing newline. */
export async function writeKeyFile(dir: string, key: string, value: string, tempDir: string): Promise<void> {
  const p = keyPath(dir, key);
  await fsp.mkdir(dirname(p), { recursive: true });
  await writeFileAtomic(p, value, tempDir);
}

/**
 * Python's `pathlib.Path(p).as_uri()`: `file://` + the path with every byte outside
 * `A-Za-z0-9_.-~/` percent-encoded (Node's pathToFileURL leaves more characters alone).
 */
export function pathToMlflowFileUri(path: string): string {
  let out = '';
  for (const b of Buffer.from(resolve(path), 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9_.\-~/]/.test(c) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return 'file://' + out;
}

/** MLflow's `append_to_uri_path` for the simple case of a URI without query or fragment. */
export function appendToUri(uri: string, ...parts: string[]): string {
  return [uri.replace(/\/+$/, ''), ...parts].join('/');
}

/** Whether a string has a URI scheme (`s3://…`, `file:…`); Windows drive letters do not count. */
export function hasScheme(s: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]+:/.test(s);
}
