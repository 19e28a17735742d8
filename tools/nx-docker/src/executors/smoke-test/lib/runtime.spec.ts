import { createVerifier } from 'fast-jwt';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DockerError, DockerResult, FollowedDocker, RunDockerOptions } from '../../../lib/docker/docker';
import { normalizeOptions } from './normalize-options';
import type { SmokeSession } from './run-session';
import { requestHeaders, runContainers } from './runtime';
import type { SmokeTestExecutorSchema } from '../schema';

/**
 * The steps of runContainers against a fake session: a scripted engine (no daemon) and a real HTTP server on
 * 127.0.0.1 standing in for the published port, so the requests (headers and tokens too) are real.
 */

const result = (exitCode: number, stdout = '', stderr = ''): DockerResult => ({
  command: 'docker …',
  exitCode,
  stdout,
  stderr,
  durationMs: 1,
  failed: exitCode !== 0,
});

interface FakeContainer {
  /** Docker's health status while running: `healthy`, `starting`, `unhealthy`, or null (no healthcheck). */
  health: string | null;
  running: boolean;
  exitCode: number;
}

interface EngineScript {
  /** Health of each container (by role: the alias, or `app`) once it runs. */
  health: Record<string, string | null>;
  /** Containers (by role) that exit at once with this code. */
  exits: Record<string, number>;
  /** Exit code of the app on docker stop. */
  stopExitCode: number;
  /** Exit code of docker exec (the healthchecks run by the run itself). */
  execExitCode: number;
  /** Makes one command (its first words) fail as the docker CLI does. */
  failing: string | null;
}

class FakeSession implements SmokeSession {
  readonly runId = 'r1';
  readonly labels = { 'ventas.smoke': 'r1' };
  readonly calls: Array<{ args: string[]; env: RunDockerOptions['env'] }> = [];
  readonly containers = new Map<string, FakeContainer>();
  readonly tracked: { containers: string[]; networks: string[] } = { containers: [], networks: [] };
  cleanups = 0;
  interrupted = false;
  private readonly controller = new AbortController();

  constructor(
    private readonly script: EngineScript,
    private readonly hostPort: number,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  async docker(args: string[], options: RunDockerOptions = {}): Promise<DockerResult> {
    this.calls.push({ args, env: options.env });
    const words = args.slice(0, 2).join(' ');
    if (this.script.failing && words.startsWith(this.script.failing)) {
      const failed = {
        ...result(1, '', `Error response from daemon: ${words} failed`),
        command: `docker ${words}`,
      };
      if (options.reject === false) return failed;
      throw new DockerError(failed);
    }
    const name = args[args.length - 1];
    switch (args[0]) {
      case 'network':
        return result(0, 'net-id');
      case 'image':
        return result(
          0,
          JSON.stringify([{ Id: 'sha256:db', Os: 'linux', Architecture: 'amd64', Config: {} }]),
        );
      case 'run': {
        const container = args[args.indexOf('--name') + 1];
        const role = container.replace('smoke-svc-r1-', '');
        const exit = this.script.exits[role];
        this.containers.set(container, {
          health: this.script.health[role] ?? null,
          running: exit === undefined,
          exitCode: exit ?? 0,
        });
        return result(0, 'container-id');
      }
      case 'container': {
        const state = this.containers.get(name);
        return result(
          0,
          JSON.stringify({
            Status: state?.running ? 'running' : 'exited',
            Running: state?.running,
            ExitCode: state?.exitCode,
            ...(state?.health ? { Health: { Status: state.health, Log: [] } } : {}),
          }),
        );
      }
      case 'exec':
        return result(this.script.execExitCode);
      case 'port':
        return this.containers.get(args[1])?.running
          ? result(0, `127.0.0.1:${this.hostPort}`)
          : result(1, '', `Error: No public port '8000/tcp' published for ${args[1]}`);
      case 'stop': {
        const state = this.containers.get(name);
        if (state) Object.assign(state, { running: false, exitCode: this.script.stopExitCode });
        return result(0, name);
      }
      case 'logs':
        return result(0, `log of ${name}`);
      default:
        throw new Error(`unexpected docker ${args.join(' ')}`);
    }
  }

  /** `docker logs --follow`: silent; it ends at once for a container that is not running. */
  follow(args: string[]): FollowedDocker {
    this.calls.push({ args, env: undefined });
    const running = this.containers.get(args[args.length - 1])?.running ?? false;
    return { ended: running ? new Promise<void>(() => undefined) : Promise.resolve(), stop: () => undefined };
  }

  trackContainer(name: string): void {
    this.tracked.containers.push(name);
  }

  trackNetwork(name: string): void {
    this.tracked.networks.push(name);
  }

  async cleanup() {
    this.cleanups += 1;
    return { containers: this.tracked.containers, networks: this.tracked.networks };
  }

  /** argv of the `docker run` that started a container of this role. */
  runOf(role: string): string[] | undefined {
    return this.calls.find((c) => c.args[0] === 'run' && c.args.includes(`smoke-svc-r1-${role}`))?.args;
  }

  envOf(role: string): RunDockerOptions['env'] {
    return this.calls.find((c) => c.args[0] === 'run' && c.args.includes(`smoke-svc-r1-${role}`))?.env;
  }
}

/** The app's HTTP side: /health, a profile route that checks the bearer token as bff-cliente does, an echo. */
let server: Server;
let hostPort: number;
let session: FakeSession;

function app(req: IncomingMessage, res: ServerResponse): void {
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.url === '/health') return send(200, { status: 'ok' });
  if (req.url === '/echo') return send(200, { smoke: req.headers['x-smoke'] ?? null });
  const profile = /^\/api\/profile\/(\w+)$/.exec(req.url ?? '');
  if (profile) {
    const secret = session.envOf('app')?.['JWT_SECRET'];
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!secret || !token) return send(401, { error: 'no token' });
    try {
      const claims = createVerifier({ key: secret, algorithms: ['HS256'] })(token) as { sub: string };
      if (claims.sub !== profile[1]) return send(403, { error: 'not yours' });
      return send(200, { id: profile[1], fullName: 'Ana' });
    } catch {
      return send(401, { error: 'bad token' });
    }
  }
  send(404, { error: 'not found' });
}

beforeAll(async () => {
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hostPort = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const HEALTHCHECK = ['CMD', 'node', '/app/health.js'];

function start(script: Partial<EngineScript> = {}, raw: SmokeTestExecutorSchema = {}) {
  session = new FakeSession(
    {
      health: { db: 'healthy', app: 'healthy' },
      exits: {},
      stopExitCode: 0,
      execExitCode: 0,
      failing: null,
      ...script,
    },
    hostPort,
  );
  const options = normalizeOptions(
    {
      timeoutSeconds: 2,
      services: [
        {
          alias: 'db',
          image: 'postgres:15-bookworm',
          healthCmd: 'pg_isready -h 127.0.0.1',
          tmpfs: ['/var/lib/postgresql/data'],
          command: ['postgres', '-c', 'fsync=off'],
        },
      ],
      endpoints: [{ path: '/health', json: { status: 'ok' } }],
      ...raw,
    },
    { root: '/ws', projectName: 'svc' },
  );
  return runContainers(options, { id: 'sha256:app', healthcheck: HEALTHCHECK }, session);
}

const summary = (checks: Array<{ check: string; status: string }>) =>
  checks.map((c) => `${c.status} ${c.check}`);

describe('runContainers', () => {
  it('runs network → sidecars → app until healthy → endpoints → stop, and cleans up once', async () => {
    const run = await start();
    expect(summary(run.checks)).toEqual([
      'passed sidecar db',
      'passed healthy',
      'passed endpoint GET /health',
      'passed stop',
    ]);
    expect(run).toMatchObject({ healthy: true, logs: [] });
    expect(run.timeToHealthyMs).toEqual(expect.any(Number));
    expect(run.stopMs).toEqual(expect.any(Number));
    expect(run.checks[1].message).toMatch(
      new RegExp(
        `^healthy in \\d\\.\\d s \\(its image's HEALTHCHECK passed \\(docker exec\\), Docker's own health not unhealthy; GET /health → 200 on http://127.0.0.1:${hostPort}\\)$`,
      ),
    );
    expect(session.tracked).toEqual({
      networks: ['smoke-svc-r1-net'],
      containers: ['smoke-svc-r1-db', 'smoke-svc-r1-app'],
    });
    expect(session.cleanups).toBe(1);
  });

  it("runs the image HEALTHCHECK itself (docker exec) and leaves Docker's interval alone; sidecar tmpfs and command", async () => {
    const run = await start({ health: { db: 'starting', app: 'starting' } });
    expect(summary(run.checks)).toEqual([
      'passed sidecar db',
      'passed healthy',
      'passed endpoint GET /health',
      'passed stop',
    ]);
    const db = (session.runOf('db') ?? []).join(' ');
    expect(db).toContain('--tmpfs /var/lib/postgresql/data postgres:15-bookworm postgres -c fsync=off');
    for (const role of ['db', 'app'])
      expect(session.runOf(role)?.join(' ')).not.toMatch(/--health-(start|interval)/);
    expect(session.calls.map((c) => c.args)).toContainEqual([
      'exec',
      'smoke-svc-r1-app',
      'node',
      '/app/health.js',
    ]);
    // Each container's wait follows its new output instead of polling Docker.
    expect(session.calls.map((c) => c.args)).toContainEqual([
      'logs',
      '--follow',
      '--tail',
      '0',
      'smoke-svc-r1-app',
    ]);
  });

  it('is not healthy while Docker reports the app unhealthy, even if the exec passes', async () => {
    const run = await start({ health: { db: 'healthy', app: 'unhealthy' } });
    expect(summary(run.checks)).toEqual(['passed sidecar db', 'failed healthy']);
    expect(run.checks[1].message).toMatch(
      /svc was not healthy within 2 s: its healthcheck passes \(docker exec\), but Docker reports it 'unhealthy'/,
    );
    expect(run.healthy).toBe(false);
    expect(run.logs.map((l) => l.role)).toEqual(['sidecar db', 'svc']);
  });

  it('hands the throw-away secret over in the env (never argv) and sends minted tokens and headers', async () => {
    const run = await start(
      {},
      {
        jwtSecretEnv: 'JWT_SECRET',
        env: { GREETING: 'hola' },
        endpoints: [
          { path: '/api/profile/1', bearerSubject: '1', bodyContains: 'fullName' },
          { path: '/api/profile/1', status: 401 },
          { path: '/api/profile/1', bearerSubject: '2', status: 403 },
          { path: '/echo', headers: { 'X-Smoke': 'yes' }, json: { smoke: 'yes' } },
        ],
      },
    );
    expect(summary(run.checks)).toEqual([
      'passed sidecar db',
      'passed healthy',
      'passed endpoint GET /api/profile/1 [bearer sub=1]',
      'passed endpoint GET /api/profile/1',
      'passed endpoint GET /api/profile/1 [bearer sub=2]',
      'passed endpoint GET /echo [headers X-Smoke]',
      'passed stop',
    ]);
    const secret = session.envOf('app')?.['JWT_SECRET'];
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(session.runOf('app')).toEqual(expect.arrayContaining(['-e', 'JWT_SECRET', '-e', 'GREETING']));
    const everything = JSON.stringify({ calls: session.calls.map((c) => c.args), run });
    expect(everything).not.toContain(secret);
    // Only the service gets it: not the sidecars.
    expect(session.envOf('db')).toEqual({});
  });

  it('a new secret every run', async () => {
    const raw = { jwtSecretEnv: 'JWT_SECRET', endpoints: [] };
    await start({}, raw);
    const first = session.envOf('app')?.['JWT_SECRET'];
    await start({}, raw);
    expect(session.envOf('app')?.['JWT_SECRET']).not.toBe(first);
  });

  it('fails an app that exits at once with its exit code, though it never got a published port', async () => {
    const run = await start({ exits: { app: 3 } });
    expect(summary(run.checks)).toEqual(['passed sidecar db', 'failed healthy']);
    expect(run.checks[1].message).toBe('svc exited with code 3 before becoming healthy.');
  });

  it('stops at a sidecar that exits: the app never runs; its logs are kept', async () => {
    const run = await start({ exits: { db: 1 } });
    expect(summary(run.checks)).toEqual(['failed sidecar db']);
    expect(run.checks[0].message).toMatch(/Sidecar 'db' exited with code 1 before becoming ready/);
    expect(session.runOf('app')).toBeUndefined();
    expect(run.logs).toEqual([
      { role: 'sidecar db', name: 'smoke-svc-r1-db', text: 'log of smoke-svc-r1-db' },
    ]);
    expect(session.cleanups).toBe(1);
  });

  it('calls every endpoint, then ends without the stop step when one failed', async () => {
    const run = await start(
      {},
      { endpoints: [{ path: '/nope' }, { path: '/health', json: { status: 'down' } }, { path: '/health' }] },
    );
    expect(summary(run.checks)).toEqual([
      'passed sidecar db',
      'passed healthy',
      'failed endpoint GET /nope',
      'failed endpoint GET /health',
      'passed endpoint GET /health',
    ]);
    expect(run.healthy).toBe(true);
    expect(run.stopMs).toBeNull();
    expect(session.calls.some((c) => c.args[0] === 'stop')).toBe(false);
    expect(run.logs).toHaveLength(2);
  });

  it('a stop that needed SIGKILL fails the stop check and keeps how long it took', async () => {
    const run = await start({ stopExitCode: 137 });
    expect(summary(run.checks).at(-1)).toBe('failed stop');
    expect(run.stopMs).toEqual(expect.any(Number));
    expect(run.checks.at(-1)?.message).toMatch(/ignored SIGTERM/);
  });

  it.each([
    ['network create', 'network', []],
    ['run --detach', 'sidecar db', ['sidecar db']],
  ])(
    'a failing `docker %s` becomes the failed check %s; cleanup still runs',
    async (failing, check, logs) => {
      const run = await start({ failing });
      expect(summary(run.checks)).toEqual([`failed ${check}`]);
      expect(run.checks[0].message).toMatch(/^docker failed with exit code 1: docker /);
      expect(run.logs.map((l) => l.role)).toEqual(logs);
      expect(session.cleanups).toBe(1);
    },
  );

  it('an interrupted run rethrows, after cleanup', async () => {
    const run = start({ failing: 'network create' });
    session.interrupted = true;
    await expect(run).rejects.toThrow(DockerError);
    expect(session.cleanups).toBe(1);
  });
});

describe('requestHeaders', () => {
  it('adds a bearer token for the subject, minted at the given time', () => {
    const headers = requestHeaders(
      { headers: { 'X-A': '1' }, bearerSubject: '7' },
      'k'.repeat(64),
      1_700_000_000_000,
    );
    expect(headers['X-A']).toBe('1');
    const token = headers['authorization'].replace(/^Bearer /, '');
    expect(createVerifier({ key: 'k'.repeat(64), clockTimestamp: 1_700_000_000_000 })(token)).toEqual({
      sub: '7',
      iat: 1_700_000_000,
      exp: 1_700_000_300,
    });
  });

  it('sends the headers alone without a subject', () => {
    expect(requestHeaders({ headers: { 'X-A': '1' }, bearerSubject: null }, null, 0)).toEqual({ 'X-A': '1' });
  });
});
