import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { httpRequest, waitUntilHealthy, WaitProbes } from './probe';
import type { ContainerState } from './run-args';

function state(overrides: Partial<ContainerState> = {}): ContainerState {
  return {
    status: 'running',
    running: true,
    exitCode: 0,
    oomKilled: false,
    health: 'healthy',
    lastHealthOutput: null,
    startedAt: '',
    finishedAt: '',
    ...overrides,
  };
}

/** A fake clock that advances by each poll's interval: no real waiting in these specs. */
function sequence<T>(values: T[]): () => Promise<T> {
  let i = 0;
  return async () => values[Math.min(i++, values.length - 1)];
}

const options = {
  what: 'catalogo-service',
  timeoutMs: 1000,
  intervalMs: 1,
  httpLabel: 'GET /health on container port 8000',
};

describe('waitUntilHealthy', () => {
  it('is healthy when Docker says healthy and the health path answers 200', async () => {
    const probes: WaitProbes = {
      state: sequence([state({ health: 'starting' }), state()]),
      http: sequence([{ ok: true as const, status: 200, body: '{}' }]),
    };
    await expect(waitUntilHealthy(probes, options)).resolves.toMatchObject({ healthy: true });
  });

  it('waits for the HTTP probe after Docker reports healthy', async () => {
    const http = jest
      .fn()
      .mockResolvedValueOnce({ ok: true, status: 503, body: '' })
      .mockResolvedValueOnce({ ok: true, status: 200, body: '' });
    await expect(waitUntilHealthy({ state: sequence([state()]), http }, options)).resolves.toMatchObject({
      healthy: true,
    });
    expect(http).toHaveBeenCalledTimes(2);
  });

  it('needs only Docker health without an HTTP probe (sidecars)', async () => {
    await expect(waitUntilHealthy({ state: sequence([state()]) }, options)).resolves.toMatchObject({
      healthy: true,
    });
  });

  it.each<[string, ContainerState, RegExp]>([
    [
      'exited',
      state({ running: false, status: 'exited', exitCode: 3 }),
      /^catalogo-service exited with code 3 before/,
    ],
    [
      'exited',
      state({ running: false, exitCode: 137, oomKilled: true }),
      /code 137 \(killed: out of memory\)/,
    ],
    ['no-healthcheck', state({ health: null }), /has no healthcheck, so Docker can never report it healthy/],
  ])('fails at once when %s', async (reason, current, message) => {
    const outcome = await waitUntilHealthy({ state: sequence([current]) }, options);
    expect(outcome).toMatchObject({ healthy: false, reason, message: expect.stringMatching(message) });
  });

  it.each<[string, WaitProbes, RegExp]>([
    [
      'never healthy',
      { state: sequence([state({ health: 'unhealthy', lastHealthOutput: 'refused (exit 1)' })]) },
      /^catalogo-service was not healthy within 0.1 s: Docker reports it 'unhealthy'; last healthcheck: refused \(exit 1\)\.$/,
    ],
    [
      'healthy, but nothing answers on the published port',
      { state: sequence([state()]), http: sequence([{ ok: false as const, error: 'read ECONNRESET' }]) },
      /Docker reports it healthy, but GET \/health on container port 8000 failed: read ECONNRESET\. .*listening on another port/,
    ],
    [
      'healthy, but the health path answers 500',
      { state: sequence([state()]), http: sequence([{ ok: true as const, status: 500, body: '' }]) },
      /GET \/health on container port 8000 answered 500\.$/,
    ],
  ])('times out when %s', async (_, probes, message) => {
    const outcome = await waitUntilHealthy(probes, { ...options, timeoutMs: 100, intervalMs: 10 });
    expect(outcome).toMatchObject({
      healthy: false,
      reason: 'timeout',
      message: expect.stringMatching(message),
    });
  });

  it('stops waiting when the run is interrupted', async () => {
    const controller = new AbortController();
    const waiting = waitUntilHealthy(
      { state: sequence([state({ health: 'starting' })]) },
      { ...options, timeoutMs: 60_000, intervalMs: 50, signal: controller.signal },
    );
    controller.abort();
    await expect(waiting).rejects.toThrow(/abort/i);
  });
});

describe('httpRequest', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') return;
      res.writeHead(req.url === '/health' ? 200 : 404, { connection: req.headers.connection ?? '' });
      res.end(`${req.method} ${req.url}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('returns status and body, with Connection: close', async () => {
    await expect(httpRequest(`${base}/health`)).resolves.toEqual({
      ok: true,
      status: 200,
      body: 'GET /health',
    });
    await expect(httpRequest(`${base}/x`, { method: 'POST' })).resolves.toEqual({
      ok: true,
      status: 404,
      body: 'POST /x',
    });
  });

  it('returns failures as data', async () => {
    await expect(httpRequest('http://127.0.0.1:1/health')).resolves.toEqual({
      ok: false,
      error: expect.stringMatching(/ECONNREFUSED/),
    });
    await expect(httpRequest(`${base}/slow`, { timeoutMs: 100 })).resolves.toEqual({
      ok: false,
      error: 'no answer within 100 ms',
    });
  });
});
