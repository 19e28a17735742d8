import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A port nothing listens on (bound, then released): "upstream down". */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface SlowServer {
  url: string;
  hits: () => number;
  close(): Promise<void>;
}

/** An HTTP server that answers 200 JSON only after `delayMs`: "upstream slow". */
export async function startSlowServer(delayMs: number): Promise<SlowServer> {
  const sockets = new Set<Socket>();
  let hits = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((_req, res) => {
    hits++;
    const timer = setTimeout(() => {
      timers.delete(timer);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    }, delayMs);
    timers.add(timer);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: async () => {
      timers.forEach(clearTimeout);
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface TestProxy {
  url: string;
  /** Requests forwarded so far, as `METHOD /path`. */
  seen(): string[];
  /**
   * The next request that `match`es is forwarded at once (the upstream does the work), but its answer is held for
   * `delayMs`: a caller with a shorter deadline times out after the upstream committed.
   */
  holdNextAnswer(match: (method: string, path: string) => boolean, delayMs: number): void;
  /** Stops listening and drops open connections: the upstream is "down" (connection refused). */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** An HTTP proxy in front of `targetUrl` that a test can make slow or take down, then bring back. */
export async function startProxy(targetUrl: string): Promise<TestProxy> {
  const target = targetUrl.replace(/\/+$/, '');
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const seen: string[] = [];
  let hold: { match: (method: string, path: string) => boolean; delayMs: number } | undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      seen.push(`${method} ${path.split('?')[0]}`);
      const delayMs = hold?.match(method, path) ? hold.delayMs : 0;
      if (delayMs) hold = undefined;
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          (entry): entry is [string, string] =>
            typeof entry[1] === 'string' && !['connection', 'content-length'].includes(entry[0]),
        ),
      );
      fetch(target + path, {
        method,
        headers,
        body: ['GET', 'HEAD'].includes(method) ? undefined : Buffer.concat(chunks),
      })
        .then(async (upstream) => {
          const body = Buffer.from(await upstream.arrayBuffer());
          const answer = () => {
            if (res.destroyed) return;
            const type = upstream.headers.get('content-type');
            res.writeHead(upstream.status, type ? { 'content-type': type } : {}).end(body);
          };
          if (!delayMs) return answer();
          const timer = setTimeout(() => {
            timers.delete(timer);
            answer();
          }, delayMs);
          timers.add(timer);
        })
        .catch(() => res.destroy());
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const down = async () => {
    timers.forEach(clearTimeout);
    sockets.forEach((socket) => socket.destroy());
    if (server.listening) await new Promise((resolve) => server.close(resolve));
  };
  return {
    url: `http://127.0.0.1:${port}`,
    seen: () => [...seen],
    holdNextAnswer: (match, delayMs) => {
      hold = { match, delayMs };
    },
    down,
    up: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close: down,
  };
}
