import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closedPort, startSlowServer, type SlowServer } from '../testing/test-servers';
import { UpstreamClient, UpstreamError } from './upstream-client';

/** A real upstream whose answers the test scripts: status codes in order, then 200. */
async function scriptedServer(statuses: number[]) {
  const seen: Array<{ method: string; url: string; body: string; requestId?: string }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        body,
        requestId: req.headers['x-request-id'] as string,
      });
      const status = statuses.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('UpstreamClient', () => {
  let slow: SlowServer | undefined;
  let scripted: Awaited<ReturnType<typeof scriptedServer>> | undefined;

  afterEach(async () => {
    await slow?.close();
    await scripted?.close();
    slow = scripted = undefined;
  });

  it('sends JSON, query, request id and returns the parsed answer', async () => {
    scripted = await scriptedServer([201]);
    const client = new UpstreamClient({ name: 'up', baseUrl: `${scripted.url}/` });
    const response = await client.post('/things', {
      body: { a: 1 },
      query: { x: 'y z', skip: undefined },
      requestId: 'r1',
    });
    expect(response).toEqual({ status: 201, body: { status: 201 } });
    expect(scripted.seen).toEqual([
      { method: 'POST', url: '/things?x=y+z', body: '{"a":1}', requestId: 'r1' },
    ]);
  });

  it('returns 4xx answers to the caller without retrying', async () => {
    scripted = await scriptedServer([404]);
    const client = new UpstreamClient({ name: 'up', baseUrl: scripted.url });
    await expect(client.get('/missing')).resolves.toEqual({ status: 404, body: { status: 404 } });
    expect(scripted.seen).toHaveLength(1);
  });

  it('retries an idempotent call once after a 503', async () => {
    scripted = await scriptedServer([503]);
    const client = new UpstreamClient({ name: 'up', baseUrl: scripted.url, retryDelayMs: 10 });
    await expect(client.get('/flaky')).resolves.toMatchObject({ status: 200 });
    expect(scripted.seen).toHaveLength(2);
  });

  it('never retries a POST, and maps its 500 to 502', async () => {
    scripted = await scriptedServer([500, 500]);
    const client = new UpstreamClient({ name: 'up', baseUrl: scripted.url });
    await expect(client.post('/sales', { body: {} })).rejects.toMatchObject({
      statusCode: 502,
      code: 'UPSTREAM_ERROR',
      message: 'up answered 500 to POST /sales',
    });
    expect(scripted.seen).toHaveLength(1);
  });

  it('gives 502 when the upstream is down (closed port)', async () => {
    const port = await closedPort();
    const client = new UpstreamClient({
      name: 'cliente-service',
      baseUrl: `http://127.0.0.1:${port}`,
      retryDelayMs: 10,
    });
    const error = await client.get('/api/customers').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      statusCode: 502,
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'cliente-service is unavailable (GET /api/customers: ECONNREFUSED)',
      details: { upstream: 'cliente-service' },
    });
  });

  it('gives 504 when the upstream is slow, retrying an idempotent call once, never hanging', async () => {
    slow = await startSlowServer(5000);
    const client = new UpstreamClient({
      name: 'slowpoke',
      baseUrl: slow.url,
      timeoutMs: 150,
      retryDelayMs: 10,
    });
    const started = Date.now();
    await expect(client.get('/x')).rejects.toMatchObject({
      statusCode: 504,
      code: 'UPSTREAM_TIMEOUT',
      message: 'slowpoke did not answer GET /x within 150 ms',
    });
    // Far below the upstream's 10 s delay: the deadline cut it (slack for a loaded CI box).
    expect(Date.now() - started).toBeLessThan(5000);
    expect(slow.hits()).toBe(2);
  });
});
