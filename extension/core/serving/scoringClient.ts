import * as http from 'node:http';

/**
 * Talks to a scoring server started by `mlflow models serve` on loopback: waits until it answers
 * `/ping`, and posts request bodies to `/invocations`. Called from the extension host only (a
 * webview's origin would not be let through, and the page must not reach the network at all).
 */

export interface HttpAnswer {
  status: number;
  contentType: string;
  text: string;
  /** Milliseconds from sending to the last byte. */
  ms: number;
  /** True when the answer was longer than the cap and cut there. */
  truncated: boolean;
}

/** Only servers we started: a loopback http URL with a port. */
export function checkScoringUrl(url: string): URL {
  const u = new URL(url);
  if (u.protocol !== 'http:' || (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost') || !u.port) {
    throw new Error(`Not a local scoring server: ${url}`);
  }
  return u;
}

function request(url: URL, method: 'GET' | 'POST', body: string | undefined, timeoutMs: number, maxBytes: number): Promise<HttpAnswer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: 'application/json, text/plain;q=0.9, */*;q=0.1' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const req = http.request(url, { method, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      res.on('data', (d: Buffer) => {
        if (size >= maxBytes) {
          truncated = true;
          return;
        }
        const room = maxBytes - size;
        if (d.length > room) truncated = true;
        chunks.push(d.length > room ? d.subarray(0, room) : d);
        size += Math.min(d.length, room);
        if (truncated) res.destroy();
      });
      const done = () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - started, truncated });
      res.on('end', done);
      res.on('close', () => truncated && done());
      res.on('error', (e) => (truncated ? done() : reject(e)));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer from ${url.origin} within ${Math.round(timeoutMs / 1000)} s`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
  /** Stops waiting early: the serve process has ended (its exit code, or a reason). */
  exited?: () => string | undefined;
}

/**
 * Resolves once `/ping` answers 200. Loading a model (and, with a virtualenv or uv env manager,
 * building its environment) can take minutes; the caller shows progress and can cancel.
 */
export async function waitUntilServing(url: string, o: WaitOptions): Promise<void> {
  const base = checkScoringUrl(url);
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    if (o.signal?.aborted) throw new Error('cancelled');
    const gone = o.exited?.();
    if (gone !== undefined) throw new Error(`the model server stopped before it was ready (${gone})`);
    try {
      const r = await request(new URL('/ping', base), 'GET', undefined, 5000, 64 * 1024);
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the model server at ${base.origin} did not answer /ping within ${Math.round(o.timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 500));
  }
}

/** Posts one JSON body to `/invocations`; any HTTP status comes back as an answer, not an error. */
export function invoke(url: string, body: string, o: { timeoutMs?: number; maxBytes?: number } = {}): Promise<HttpAnswer> {
  const base = checkScoringUrl(url);
  return request(new URL('/invocations', base), 'POST', body, o.timeoutMs ?? 120_000, o.maxBytes ?? 4 * 1024 * 1024);
}
