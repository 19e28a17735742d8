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
