import { logger } from '@nx/devkit';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import smokeTestExecutor from '../../src/executors/smoke-test/smoke-test.impl';
import type { SmokeTestExecutorSchema } from '../../src/executors/smoke-test/schema';
import { runDocker } from '../../src/lib/docker/docker';
import type { SmokeManifest } from '../../src/lib/results/smoke-manifest';
import {
  buildFixture,
  CASE_LABEL,
  caseLabels,
  fakeContext,
  Fixture,
  leftovers,
  removeFixtures,
  requireBaseImages,
  tempWorkspace,
  workspaceWithImage,
} from './support';

// The real engine, deliberately broken images: each must fail with its own message and leave nothing behind.
jest.setTimeout(120_000);

const workspace = tempWorkspace();
const fixtures: Record<string, Fixture> = {};
let output: string[] = [];

beforeAll(async () => {
  await requireBaseImages(['node:24-bookworm-slim', 'debian:bookworm-slim', 'postgres:15-bookworm']);
  // `good` first: the node variants then reuse its layers and build in about a second each.
  fixtures['good'] = await buildFixture('good');
  const names = [
    'no-port',
    'no-healthcheck',
    'root',
    'wrong-port',
    'crash',
    'unhealthy',
    'ignore-sigterm',
    'no-shell',
    'silent',
  ];
  for (const fixture of await Promise.all(names.map((name) => buildFixture(name)))) {
    fixtures[fixture.name] = fixture;
  }
  fixtures['arm64'] = await buildFixture('arm64', { platform: 'linux/arm64' });
  for (const fixture of Object.values(fixtures))
    await workspaceWithImage(workspace.root, fixture.name, fixture);
}, 240_000);

afterAll(async () => {
  await removeFixtures(Object.values(fixtures));
  workspace.remove();
});

beforeEach(() => {
  output = [];
  for (const level of ['info', 'warn', 'error', 'log'] as const) {
    jest
      .spyOn(logger, level)
      .mockImplementation((...args: unknown[]) => void output.push(args.map(String).join(' ')));
  }
});

afterEach(() => jest.restoreAllMocks());

interface Run {
  success: boolean;
  smoke: SmokeManifest;
  printed: string;
}

/** Runs the executor on a fixture's project, then asserts the run left no container or network. */
async function smoke(fixture: string, options: SmokeTestExecutorSchema = {}): Promise<Run> {
  const labels = caseLabels();
  const { success } = await smokeTestExecutor(
    { healthIntervalSeconds: 0.5, stopTimeoutSeconds: 2, timeoutSeconds: 20, ...options, labels },
    fakeContext(workspace.root, fixture),
  );
  expect(await leftovers(CASE_LABEL, labels[CASE_LABEL])).toEqual({ containers: [], networks: [] });
  const smoke = JSON.parse(
    readFileSync(join(workspace.root, 'dist', 'images', fixture, 'smoke.json'), 'utf8'),
  ) as SmokeManifest;
  return { success, smoke, printed: output.join('\n') };
}

describe('structure checks fail before docker run', () => {
  it.each([
    [
      'arm64',
      {},
      'platform',
      /The image is linux\/arm64.*, but linux\/amd64 is expected\..*exec format error/,
    ],
    ['no-port', {}, 'port', /Port 8000\/tcp is not exposed \(it exposes 3000\/tcp\)/],
    ['no-healthcheck', {}, 'healthcheck', /No healthcheck is configured/],
    ['root', {}, 'user', /runs as root \(no USER set\)/],
    ['good', { maxSizeMb: 50 }, 'size', /The image is \d+(\.\d)? MB, over its budget of 50 MB/],
  ])('%s %j → %s', async (fixture, options, check, message) => {
    const run = await smoke(fixture, options);
    expect(run.success).toBe(false);
    expect(run.smoke.failure).toMatchObject({ check, message: expect.stringMatching(message) });
    expect(run.smoke.checks.filter((c) => c.status === 'failed').map((c) => c.check)).toEqual([check]);
    expect(run.printed).toContain('The image was not started');
    expect(run.smoke.healthy).toBe(false);
  });
});

describe('runtime checks', () => {
  it('fails an app listening on another port than configured, though its own healthcheck passes', async () => {
    const run = await smoke('wrong-port', { timeoutSeconds: 4 });
    expect(run.smoke.failure?.check).toBe('healthy');
    expect(run.smoke.failure?.message).toMatch(
      /its healthcheck passes \(docker exec\), but GET \/health on container port 8000 failed.*listening on another port/,
    );
    expect(run.printed).toMatch(/last 40 log lines of wrong-port[\s\S]*listening on 3000/);
  });

  it('fails an app that crashes at start and shows its logs', async () => {
    const run = await smoke('crash');
    expect(run.smoke.failure).toMatchObject({
      check: 'healthy',
      message: 'crash exited with code 3 before becoming healthy.',
    });
    expect(run.printed).toContain('fatal: DATABASE_URL is not set, cannot start');
  });

  it('fails an app that never becomes healthy at the timeout', async () => {
    const run = await smoke('unhealthy', { timeoutSeconds: 3 });
    expect(run.smoke.failure?.check).toBe('healthy');
    expect(run.smoke.failure?.message).toMatch(
      /^unhealthy was not healthy within 3 s: GET \/health on container port 8000 answered 503; its healthcheck exited with code 1 \(docker exec\)/,
    );
    expect(run.smoke.timings.timeToHealthyMs).toBeNull();
  });

  it('fails an app that ignores SIGTERM', async () => {
    const run = await smoke('ignore-sigterm', { stopTimeoutSeconds: 1 });
    expect(run.smoke.healthy).toBe(true);
    expect(run.smoke.failure).toMatchObject({
      check: 'stop',
      message: 'The app ignored SIGTERM: Docker had to kill it after 1 s (exit code 137).',
    });
    expect(run.printed).toContain('SIGTERM received and ignored');
  });

  it('fails an endpoint whose JSON does not match', async () => {
    const run = await smoke('good', { endpoints: [{ path: '/api/info', json: { service: 'catalogo' } }] });
    expect(run.smoke.failure).toMatchObject({ check: 'endpoint GET /api/info' });
    expect(run.smoke.failure?.message).toMatch(/\$\.service is "fixture", expected "catalogo"/);
  });

  it('passes a good image with a PostgreSQL sidecar (healthCmd, no image HEALTHCHECK) reached by its alias, env and endpoints', async () => {
    const run = await smoke('good', {
      timeoutSeconds: 60,
      services: [
        {
          alias: 'db',
          image: 'postgres:15-bookworm',
          // The throw-away knobs of the official image, as the apps use them: data on tmpfs, no fsync.
          env: {
            POSTGRES_USER: 'app',
            POSTGRES_PASSWORD: 'smoke-secret',
            POSTGRES_DB: 'ventas',
            POSTGRES_INITDB_ARGS: '--no-sync',
          },
          command: ['postgres', '-c', 'fsync=off'],
          tmpfs: ['/var/lib/postgresql/data'],
          healthCmd: 'pg_isready -h 127.0.0.1 -p 5432 -U app -d ventas',
        },
      ],
      env: { DATABASE_URL: 'postgresql+asyncpg://app:smoke-secret@db:5432/ventas', SERVICE_NAME: 'catalogo' },
      endpoints: [
        { path: '/db', json: { db: 'reachable' } },
        { path: '/api/info', json: { service: 'catalogo' } },
        { path: '/missing', status: 404, bodyContains: 'not found' },
      ],
    });
    expect(run.success).toBe(true);
    expect(run.smoke).toMatchObject({
      passed: true,
      healthy: true,
      failure: null,
      imageId: fixtures['good'].imageId,
    });
    expect(run.smoke.checks.map((c) => c.check)).toEqual([
      'platform',
      'port',
      'healthcheck',
      'user',
      'size',
      'entrypoint',
      'sidecar db',
      'healthy',
      'endpoint GET /db',
      'endpoint GET /api/info',
      'endpoint GET /missing',
      'stop',
    ]);
    expect(run.smoke.checks.find((c) => c.check === 'sidecar db')?.message).toMatch(
      /^sidecar db ready in [\d.]+ s: its healthCmd passed \(docker exec\)(; Docker health is still 'starting' \(not unhealthy\))?$/,
    );
    expect(run.smoke.timings.timeToHealthyMs).toBeGreaterThan(0);
    expect(run.printed).toMatch(
      /✔ good smoke test passed: .*12\/12 checks passed, healthy in [\d.]+ s, stopped in/,
    );
    // Values go through the docker CLI's environment, never argv.
    expect(run.printed).not.toContain('smoke-secret');
  });
});

describe('headers and bearer tokens', () => {
  it('hands the service a throw-away secret in its env and sends tokens minted with it, and headers', async () => {
    const run = await smoke('good', {
      jwtSecretEnv: 'JWT_SECRET',
      endpoints: [
        { path: '/profile/1', bearerSubject: '1', json: { sub: '1', secretLength: 64 } },
        { path: '/profile/1', status: 401 },
        { path: '/profile/1', bearerSubject: '2', status: 403 },
        { path: '/echo', headers: { 'X-Smoke': 'hola' }, json: { 'x-smoke': 'hola' } },
      ],
    });
    expect(run.smoke.checks.filter((c) => c.check.startsWith('endpoint'))).toEqual([
      {
        check: 'endpoint GET /profile/1 [bearer sub=1]',
        status: 'passed',
        message: 'GET /profile/1 [bearer sub=1] → 200',
      },
      { check: 'endpoint GET /profile/1', status: 'passed', message: 'GET /profile/1 → 401' },
      {
        check: 'endpoint GET /profile/1 [bearer sub=2]',
        status: 'passed',
        message: 'GET /profile/1 [bearer sub=2] → 403',
      },
      {
        check: 'endpoint GET /echo [headers X-Smoke]',
        status: 'passed',
        message: 'GET /echo [headers X-Smoke] → 200',
      },
    ]);
    expect(run.success).toBe(true);
  });

  it('fails the endpoint when the service refuses the token (a secret the service does not share)', async () => {
    // JWT_SECRET from env would be refused (the run owns it); the service reads another variable here.
    const run = await smoke('good', {
      jwtSecretEnv: 'OTHER_SECRET',
      env: { JWT_SECRET: 'a-secret-the-run-did-not-sign-with' },
      endpoints: [{ path: '/profile/1', bearerSubject: '1' }],
    });
    expect(run.success).toBe(false);
    expect(run.smoke.failure).toMatchObject({
      check: 'endpoint GET /profile/1 [bearer sub=1]',
      message: expect.stringMatching(/expected status 200, got 401\. Body: \{"error":"bad signature"\}/),
    });
  });
});

describe('sidecars without a healthcheck', () => {
  const sidecarCheck = (run: Run, alias: string) =>
    run.smoke.checks.find((c) => c.check === `sidecar ${alias}`);

  it('waits for the lowest EXPOSEd port to accept connections, probed inside the sidecar', async () => {
    const run = await smoke('good', { services: [{ alias: 'api', project: 'no-healthcheck' }] });
    expect(run.success).toBe(true);
    expect(sidecarCheck(run, 'api')).toMatchObject({
      status: 'passed',
      message: expect.stringMatching(/^sidecar api ready in [\d.]+ s: a socket listens on 0\.0\.0\.0:8000$/),
    });
  });

  it('waits for readyLog to match its log', async () => {
    const run = await smoke('good', {
      services: [
        { alias: 'api', project: 'no-healthcheck', readyLog: '^fixture \\(good\\) listening on 8000$' },
      ],
    });
    expect(run.success).toBe(true);
    expect(sidecarCheck(run, 'api')?.message).toMatch(
      /^sidecar api ready in [\d.]+ s: its log matches \/\^fixture \\\(good\\\) listening on 8000\$\/m$/,
    );
  });

  it('probes a sidecar without /bin/sh from a probe container of the image under test, then removes it', async () => {
    const run = await smoke('good', { services: [{ alias: 'api', project: 'no-shell' }] });
    expect(sidecarCheck(run, 'api')?.message).toMatch(
      /a socket listens on 0\.0\.0\.0:8000 \(seen from a probe container in its network namespace\)$/,
    );
    expect(run.success).toBe(true);
  });

  it('fails a sidecar that never opens its port within the timeout, naming what it waited for and the fix', async () => {
    const started = Date.now();
    const run = await smoke('good', {
      timeoutSeconds: 3,
      services: [{ alias: 'db', image: fixtures['silent'].tag }],
    });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.success).toBe(false);
    expect(run.smoke.failure).toEqual({
      check: 'sidecar db',
      message:
        "Sidecar 'db' was not ready within 3 s: waited for TCP port 5432 (the lowest port its image EXPOSEs) to accept connections from the run's network; last: nothing listens on port 5432 yet.",
      hint: 'Give the sidecar a "healthCmd": "pg_isready -h 127.0.0.1 -p 5432 -U <user> -d <db>" for PostgreSQL (any command that exits 0 once it is ready).',
    });
    expect(run.printed).toContain('last 40 log lines of sidecar db');
  });

  it('refuses, without starting it, a sidecar with nothing to wait for', async () => {
    const run = await smoke('good', {
      services: [{ alias: 'tool', image: 'debian:bookworm-slim', command: ['sleep', 'infinity'] }],
    });
    expect(run.smoke.failure).toMatchObject({
      check: 'sidecar tool',
      message:
        "Sidecar 'tool' has no healthcheck, no readyLog and its image EXPOSEs no TCP port, so there is nothing to wait for.",
      hint: expect.stringContaining('or a "readyLog" or "readyPort"'),
    });
  });
});

describe('interrupting a running smoke test', () => {
  it.each<[string, string, SmokeTestExecutorSchema['services']]>([
    ['while the service starts beside its sidecar', 'unhealthy', [{ alias: 'api', project: 'good' }]],
    [
      // no-shell listening on 3000 never opens its EXPOSEd 8000: the wait stays on the probe container.
      "while a probe container waits for a sidecar's port",
      'good',
      [{ alias: 'api', project: 'no-shell', env: { PORT: '3000' } }],
    ],
  ])('removes every container and network on SIGINT %s', async (_, project, services) => {
    const labels = caseLabels();
    const options: SmokeTestExecutorSchema = {
      labels,
      timeoutSeconds: 90,
      healthIntervalSeconds: 0.5,
      services,
    };
    const child = spawn(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        join(__dirname, 'runner.ts'),
        workspace.root,
        project,
        JSON.stringify(options),
      ],
      { cwd: join(__dirname, '..', '..', '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let childOutput = '';
    child.stdout.on('data', (chunk) => (childOutput += chunk));
    child.stderr.on('data', (chunk) => (childOutput += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // Wait until two containers run (the sidecar, then the service or the probe): the network exists too.
      const deadline = Date.now() + 60_000;
      for (;;) {
        const running = await runDocker([
          'ps',
          '--quiet',
          '--filter',
          `label=${CASE_LABEL}=${labels[CASE_LABEL]}`,
        ]);
        if (running.stdout.split('\n').filter(Boolean).length === 2) break;
        if (Date.now() > deadline)
          throw new Error(`the smoke run never started two containers:\n${childOutput}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect((await leftovers(CASE_LABEL, labels[CASE_LABEL])).networks).toHaveLength(1);
      child.kill('SIGINT');
      expect(await exited).toBe(130);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    expect(childOutput).toMatch(
      /Received SIGINT: removing[\s\S]*Removed 2 container\(s\) and 1 network\(s\)/,
    );
    expect(await leftovers(CASE_LABEL, labels[CASE_LABEL])).toEqual({ containers: [], networks: [] });
  });
});
