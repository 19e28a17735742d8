import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closedPort } from '../testing/test-servers';
import { upstreamHealthCheck } from './upstream-health-check';

/** A real upstream that answers every request with `status` and counts them. */
async function answering(status: number) {
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    paths.push(req.url ?? '');
    res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('upstreamHealthCheck', () => {
  it('passes when the health path answers 200', async () => {
    const up = await answering(200);
    try {
      await expect(upstreamHealthCheck({ name: 'up', baseUrl: up.url, path: '/api/health' })()).resolves.toBe(
        undefined,
      );
      expect(up.paths).toEqual(['/api/health']);
    } finally {
      await up.close();
    }
  });

  it.each([
    [503, /^up answered 503 to GET \/health$/],
    [404, /^up health answered 404$/],
  ])(
    'fails on %d, naming the upstream and the status, after one request (no retries)',
    async (status, message) => {
      const up = await answering(status);
      try {
        await expect(upstreamHealthCheck({ name: 'up', baseUrl: up.url, path: '/health' })()).rejects.toThrow(
          message,
        );
        expect(up.paths).toEqual(['/health']);
      } finally {
        await up.close();
      }
    },
  );

  it('fails when nothing listens', async () => {
    const check = upstreamHealthCheck({
      name: 'up',
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      path: '/health',
    });
    await expect(check()).rejects.toThrow();
  });
});
