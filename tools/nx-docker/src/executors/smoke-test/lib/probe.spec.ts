import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Attempt, httpRequest, ReadyProbes, waitUntilHealthy, waitUntilReady, WaitProbes } from './probe';
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

describe('waitUntilReady', () => {
  const ready = {
    what: "Sidecar 'db'",
    waitingFor: 'TCP port 5432 to accept connections',
    timeoutMs: 5000,
    intervalMs: 1,
  };
  const no = (detail: string): Attempt => ({ ready: false, detail });
  const yes = (detail: string): Attempt => ({ ready: true, detail });
  const noHealth = (overrides: Partial<ContainerState> = {}) => state({ health: null, ...overrides });

  it('is ready when a try passes, and says what passed', async () => {
    const attempt = jest.fn<Promise<Attempt>, [number]>(
      sequence([no('nothing listens on port 5432 yet'), yes('a socket listens on 0.0.0.0:5432')]),
    );
    await expect(waitUntilReady({ attempt, state: sequence([noHealth()]) }, ready)).resolves.toMatchObject({
      ready: true,
      detail: 'a socket listens on 0.0.0.0:5432',
      dockerHealth: null,
    });
    expect(attempt).toHaveBeenCalledTimes(2);
    // Each try gets the time left before the deadline.
    expect(attempt.mock.calls[0][0]).toBeGreaterThan(4900);
  });

  it("accepts Docker's own healthy, and a passing try while Docker still says starting", async () => {
    await expect(
      waitUntilReady({ attempt: sequence([no('exit 2')]), state: sequence([state()]) }, ready),
    ).resolves.toMatchObject({ ready: true, detail: 'Docker reports it healthy', dockerHealth: 'healthy' });
    await expect(
      waitUntilReady(
        {
          attempt: sequence([yes('its healthCmd passed (docker exec)')]),
          state: sequence([state({ health: 'starting' })]),
        },
        ready,
      ),
    ).resolves.toMatchObject({ ready: true, dockerHealth: 'starting' });
  });

  it('does not believe a passing try while Docker reports the container unhealthy', async () => {
    const probes: ReadyProbes = {
      attempt: sequence([yes('its healthCmd passed (docker exec)')]),
      state: sequence([state({ health: 'unhealthy', lastHealthOutput: 'no response (exit 2)' })]),
    };
    const outcome = await waitUntilReady(probes, { ...ready, timeoutMs: 150, intervalMs: 10 });
    expect(outcome).toMatchObject({
      ready: false,
      reason: 'timeout',
      message:
        "Sidecar 'db' was not ready within 0.2 s: waited for TCP port 5432 to accept connections; last: its healthCmd passed (docker exec), but Docker reports it 'unhealthy' (last healthcheck: no response (exit 2)).",
    });
  });

  it('times out with what it waited for and what it last saw, within the deadline', async () => {
    const started = Date.now();
    const outcome = await waitUntilReady(
      { attempt: sequence([no('nothing listens on port 5432 yet')]), state: sequence([noHealth()]) },
      { ...ready, timeoutMs: 300, intervalMs: 20 },
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(outcome).toEqual({
      ready: false,
      reason: 'timeout',
      elapsedMs: expect.any(Number),
      message:
        "Sidecar 'db' was not ready within 0.3 s: waited for TCP port 5432 to accept connections; last: nothing listens on port 5432 yet.",
    });
  });

  it('keeps what a finished try saw when a later one is cut short by the deadline', async () => {
    const outcome = await waitUntilReady(
      {
        attempt: sequence([
          no('nothing listens on port 5432 yet'),
          { ready: false, incomplete: true, detail: 'the port probe did not finish in time' },
        ]),
        state: sequence([noHealth()]),
      },
      { ...ready, timeoutMs: 1200, intervalMs: 100 },
    );
    expect(outcome).toMatchObject({
      reason: 'timeout',
      message: expect.stringMatching(/; last: nothing listens on port 5432 yet\.$/),
    });
  });

  it.each<[string, ReadyProbes, RegExp]>([
    [
      'exited',
      { attempt: sequence([no('x')]), state: sequence([noHealth({ running: false, exitCode: 1 })]) },
      /^Sidecar 'db' exited with code 1 before becoming ready \(waiting for TCP port 5432 to accept connections\)\.$/,
    ],
    [
      'unprobeable',
      {
        attempt: sequence([{ ready: false, fatal: true, detail: 'no /bin/sh' }]),
        state: sequence([noHealth()]),
      },
      /^Sidecar 'db' cannot be waited for: TCP port 5432 to accept connections cannot be checked: no \/bin\/sh\.$/,
    ],
  ])('fails at once when %s', async (reason, probes, message) => {
    await expect(waitUntilReady(probes, ready)).resolves.toMatchObject({
      ready: false,
      reason,
      message: expect.stringMatching(message),
    });
  });

  it('stops waiting when the run is interrupted', async () => {
    const controller = new AbortController();
    const waiting = waitUntilReady(
      { attempt: sequence([no('x')]), state: sequence([noHealth()]) },
      { ...ready, timeoutMs: 60_000, intervalMs: 50, signal: controller.signal },
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
