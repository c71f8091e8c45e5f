import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted HTTP peer on 127.0.0.1 that misbehaves on purpose: huge or endless bodies, a byte at
 * a time, answers that never come, page tokens that never end, wrong JSON shapes, redirects. What
 * a real MLflow server never does on demand, so the attacks are played by this instead.
 */

export type Route = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

export interface HostilePeer {
  url: string;
  /** Request paths (with query) in arrival order. */
  hits: string[];
  /** Bytes the peer managed to write for each request, by arrival index. */
  written: number[];
  close(): Promise<void>;
}

/** Starts a peer whose answer for a request is chosen by the first route whose prefix matches the path. */
export async function startHostilePeer(routes: Record<string, Route>): Promise<HostilePeer> {
  const hits: string[] = [];
  const written: number[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const i = hits.push(req.url ?? '') - 1;
    written[i] = 0;
    const write = res.write.bind(res) as (c: string | Buffer, cb?: () => void) => boolean;
    res.write = ((c: string | Buffer, ...rest: unknown[]) => {
      written[i] += Buffer.byteLength(c);
      return (write as (...a: unknown[]) => boolean)(c, ...rest);
    }) as typeof res.write;
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      const key = Object.keys(routes).find((p) => path.startsWith(p));
      if (!key) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('no route');
        return;
      }
      routes[key](req, res, body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    written,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export function json(body: unknown, status = 200): Route {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(text);
  };
}

/**
 * Streams `head`, then `next()` chunks until it returns undefined or the client goes away, then
 * `tail`; honours back-pressure so the peer itself stays small. No Content-Length: chunked.
 */
export function stream(head: string, next: () => string | Buffer | undefined, tail = ''): Route {
  return (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write(head);
    let closed = false;
    res.on('close', () => (closed = true));
    req.socket.on('close', () => (closed = true));
    const pump = () => {
      while (!closed) {
        const c = next();
        if (c === undefined) {
          res.end(tail);
          return;
        }
        if (!res.write(c)) {
          res.once('drain', pump);
          return;
        }
      }
    };
    pump();
  };
}

/** A body of `total` bytes (or endless) inside a JSON string, in 1 MB pieces. */
export function paddedBody(total: number | undefined): Route {
  const piece = Buffer.alloc(1024 * 1024, 'x');
  let sent = 0;
  return stream('{"experiments":[],"pad":"', () => {
    if (total !== undefined && sent >= total) return undefined;
    sent += piece.length;
    return piece;
  }, '"}');
}

/** One page holding `n` runs, generated as it is sent. */
export function manyRuns(n: number): Route {
  let i = 0;
  return stream('{"runs":[', () => {
    if (i >= n) return undefined;
    const parts: string[] = [];
    for (let k = 0; k < 500 && i < n; k++, i++) {
      parts.push(`${i ? ',' : ''}{"info":{"run_id":"r${i}","experiment_id":"0","status":"FINISHED"},"data":{"metrics":[{"key":"m","value":${i},"timestamp":1,"step":0}]}}`);
    }
    return parts.join('');
  }, ']}');
}

/** Headers at once, then one byte every `everyMs`, forever. */
export function slowloris(everyMs: number): Route {
  return (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{');
    const t = setInterval(() => res.write(' '), everyMs);
    res.on('close', () => clearInterval(t));
    req.socket.on('close', () => clearInterval(t));
  };
}

/** Never answers (the socket stays open until the client gives up). */
export const hang: Route = () => undefined;
