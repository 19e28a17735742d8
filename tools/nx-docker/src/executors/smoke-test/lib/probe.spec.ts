import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import type { Activity, Wake } from './activity';
import {
  Attempt,
  HealthcheckRun,
  HttpAnswer,
  httpRequest,
  ReadyProbes,
  waitUntilHealthy,
  waitUntilReady,
  WaitProbes,
} from './probe';
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

/** Each call returns the next value; the last one repeats. */
function sequence<T>(values: T[]): () => Promise<T> {
  let i = 0;
  return async () => values[Math.min(i++, values.length - 1)];
}

/** An activity that never sleeps: each call answers the next scripted wake (the last one repeats). */
function scripted(wakes: Wake[]): Activity & { calls: number } {
  const activity = {
    calls: 0,
    next: async () => wakes[Math.min(activity.calls++, wakes.length - 1)],
  };
  return activity;
}

const ok200: HttpAnswer = { ok: true, status: 200, body: '{}' };
const refused: HttpAnswer = { ok: false, error: 'read ECONNRESET' };
const passes = async (): Promise<HealthcheckRun> => ({ passed: true, detail: 'passed (docker exec)' });
const fails = async (): Promise<HealthcheckRun> => ({
  passed: false,
  detail: 'exited with code 1 (docker exec): fetch failed',
});

const options = {
  what: 'catalogo-service',
  timeoutMs: 1000,
  intervalMs: 1,
  httpLabel: 'GET /health on container port 8000',
};

describe('waitUntilHealthy', () => {
  it('is healthy when the health path answers 200 and then the image healthcheck passes', async () => {
    const healthcheck = jest.fn(passes);
    const stateProbe = jest.fn(sequence([state({ health: 'starting' })]));
    const probes: WaitProbes = {
      state: stateProbe,
      http: sequence([refused, { ok: true, status: 503, body: '' }, ok200]),
      healthcheck,
      activity: scripted(['output', 'quiet']),
    };
    await expect(waitUntilHealthy(probes, options)).resolves.toMatchObject({ healthy: true });
    // Run for the verdict only: output or a failing health path is no reason to run it.
    expect(healthcheck).toHaveBeenCalledTimes(1);
    expect(stateProbe).toHaveBeenCalledTimes(1);
  });

  it('runs the healthcheck only once the health path answers 200, and once at the deadline', async () => {
    const healthcheck = jest.fn(fails);
    const activity = scripted(['output']);
    const outcome = await waitUntilHealthy(
      { state: sequence([state()]), http: sequence([refused]), healthcheck, activity },
      { ...options, timeoutMs: 300 },
    );
    expect(outcome).toMatchObject({ healthy: false, reason: 'timeout' });
    expect(activity.calls).toBeGreaterThan(20);
    expect(healthcheck).toHaveBeenCalledTimes(1);
  });

  it('runs a failing healthcheck again at most every second while the health path answers 200', async () => {
    const healthcheck = jest.fn(fails);
    await waitUntilHealthy(
      { state: sequence([state()]), http: sequence([ok200]), healthcheck },
      { ...options, timeoutMs: 1500, intervalMs: 10 },
    );
    expect(healthcheck).toHaveBeenCalledTimes(2);
  });

  it('fails as exited when the container stopped while its healthcheck ran, without waiting for the deadline', async () => {
    const outcome = await waitUntilHealthy(
      {
        state: sequence([state({ running: false, status: 'exited', exitCode: 1 })]),
        http: sequence([ok200]),
        healthcheck: fails,
      },
      { ...options, timeoutMs: 60_000 },
    );
    expect(outcome).toMatchObject({ healthy: false, reason: 'exited' });
    expect(outcome.elapsedMs).toBeLessThan(1000);
  });

  it('fails at once without a healthcheck, asking nothing', async () => {
    const http = jest.fn(sequence([ok200]));
    const outcome = await waitUntilHealthy({ state: sequence([state()]), http, healthcheck: null }, options);
    expect(outcome).toMatchObject({
      healthy: false,
      reason: 'no-healthcheck',
      message: 'catalogo-service has no healthcheck, so nothing can say it is healthy.',
    });
    expect(http).not.toHaveBeenCalled();
  });

  it.each<[ContainerState, RegExp]>([
    [state({ running: false, status: 'exited', exitCode: 3 }), /^catalogo-service exited with code 3 before/],
    [state({ running: false, exitCode: 137, oomKilled: true }), /code 137 \(killed: out of memory\)/],
  ])('fails at once when its log stream ends and it has exited (%#)', async (exitedState, message) => {
    const outcome = await waitUntilHealthy(
      {
        state: sequence([exitedState]),
        http: sequence([refused]),
        healthcheck: fails,
        activity: scripted(['ended']),
      },
      { ...options, timeoutMs: 60_000 },
    );
    expect(outcome).toMatchObject({
      healthy: false,
      reason: 'exited',
      message: expect.stringMatching(message),
    });
  });

  it('keeps waiting when the log stream ends but the container still runs', async () => {
    const outcome = await waitUntilHealthy(
      {
        state: sequence([state({ health: 'starting' })]),
        http: sequence([refused, ok200]),
        healthcheck: passes,
        activity: scripted(['ended']),
      },
      options,
    );
    expect(outcome).toMatchObject({ healthy: true });
  });

  it.each<[string, WaitProbes, RegExp]>([
    [
      'Docker reports it unhealthy',
      {
        state: sequence([state({ health: 'unhealthy', lastHealthOutput: 'refused (exit 1)' })]),
        http: sequence([ok200]),
        healthcheck: passes,
      },
      /^catalogo-service was not healthy within 0.1 s: its healthcheck passes \(docker exec\), but Docker reports it 'unhealthy' \(last healthcheck: refused \(exit 1\)\)\.$/,
    ],
    [
      'its healthcheck passes, but nothing answers on the published port',
      { state: sequence([state()]), http: sequence([refused]), healthcheck: passes },
      /its healthcheck passes \(docker exec\), but GET \/health on container port 8000 failed: read ECONNRESET\. .*listening on another port/,
    ],
    [
      'the health path answers 500',
      {
        state: sequence([state()]),
        http: sequence([{ ok: true, status: 500, body: '' }]),
        healthcheck: passes,
      },
      /GET \/health on container port 8000 answered 500\.$/,
    ],
    [
      'neither passes',
      { state: sequence([state()]), http: sequence([refused]), healthcheck: fails },
      /: GET \/health on container port 8000 failed: read ECONNRESET; its healthcheck exited with code 1 \(docker exec\): fetch failed\.$/,
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
      { state: sequence([state()]), http: sequence([refused]), healthcheck: fails },
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
    quietRetryMs: 2,
    minGapMs: 1,
  };
  const no = (detail: string): Attempt => ({ ready: false, detail });
  const yes = (detail: string): Attempt => ({ ready: true, detail });
  const noHealth = (overrides: Partial<ContainerState> = {}) => state({ health: null, ...overrides });

  it('is ready when a try passes, says what passed, and asks Docker only then', async () => {
    const attempt = jest.fn<Promise<Attempt>, [number]>(
      sequence([no('nothing listens on port 5432 yet'), yes('a socket listens on 0.0.0.0:5432')]),
    );
    const stateProbe = jest.fn(sequence([noHealth()]));
    await expect(waitUntilReady({ attempt, state: stateProbe }, ready)).resolves.toMatchObject({
      ready: true,
      detail: 'a socket listens on 0.0.0.0:5432',
      dockerHealth: null,
    });
    expect(attempt).toHaveBeenCalledTimes(2);
    expect(stateProbe).toHaveBeenCalledTimes(1);
    // Each try gets the time left before the deadline.
    expect(attempt.mock.calls[0][0]).toBeGreaterThan(4900);
  });

  it('accepts a passing try while Docker still says starting', async () => {
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

  it('tries again as soon as the container prints something, else only every quietRetryMs', async () => {
    const count = async (activity: Activity | undefined) => {
      const attempt = jest.fn(sequence([no('closed')]));
      await waitUntilReady(
        { attempt, state: sequence([noHealth()]), activity },
        { ...ready, timeoutMs: 1300, quietRetryMs: 100, minGapMs: 10 },
      );
      return attempt.mock.calls.length;
    };
    // 0.3 s of tries before the last second, which starts none (a docker exec needs time to finish).
    expect(await count(undefined)).toBeLessThanOrEqual(5);
    expect(await count(scripted(['output']))).toBeGreaterThanOrEqual(12);
  });

  it('does not believe a passing try while Docker reports the container unhealthy', async () => {
    const probes: ReadyProbes = {
      attempt: sequence([yes('its healthCmd passed (docker exec)')]),
      state: sequence([state({ health: 'unhealthy', lastHealthOutput: 'no response (exit 2)' })]),
    };
    const outcome = await waitUntilReady(probes, { ...ready, timeoutMs: 150 });
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
      { ...ready, timeoutMs: 300, quietRetryMs: 20 },
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
      { ...ready, timeoutMs: 1200, quietRetryMs: 100 },
    );
    expect(outcome).toMatchObject({
      reason: 'timeout',
      message: expect.stringMatching(/; last: nothing listens on port 5432 yet\.$/),
    });
  });

  it.each<[string, ReadyProbes, RegExp]>([
    [
      'exited',
      {
        attempt: sequence([no('x')]),
        state: sequence([noHealth({ running: false, exitCode: 1 })]),
        activity: scripted(['ended']),
      },
      /^Sidecar 'db' exited with code 1 before becoming ready \(waiting for TCP port 5432 to accept connections\)\.$/,
    ],
    [
      'exited',
      { attempt: sequence([yes('x')]), state: sequence([noHealth({ running: false, exitCode: 1 })]) },
      /^Sidecar 'db' exited with code 1 before becoming ready/,
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
    await expect(waitUntilReady(probes, { ...ready, timeoutMs: 60_000 })).resolves.toMatchObject({
      ready: false,
      reason,
      message: expect.stringMatching(message),
    });
  });

  it('stops waiting when the run is interrupted', async () => {
    const controller = new AbortController();
    const waiting = waitUntilReady(
      { attempt: sequence([no('x')]), state: sequence([noHealth()]) },
      { ...ready, timeoutMs: 60_000, quietRetryMs: 50, signal: controller.signal },
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
