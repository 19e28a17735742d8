import { DockerResult, runDocker } from '../../../lib/docker/docker';
import type { ContainerState } from './run-args';
import { RunSession } from './run-session';
import { SidecarWait, waitForSidecar } from './wait-for-sidecar';

jest.mock('../../../lib/docker/docker', () => ({
  ...jest.requireActual('../../../lib/docker/docker'),
  runDocker: jest.fn(),
}));

const result = (exitCode: number, stdout = '', stderr = ''): DockerResult => ({
  command: 'docker …',
  exitCode,
  stdout,
  stderr,
  durationMs: 1,
  failed: exitCode !== 0,
});

const NO_SH =
  'OCI runtime exec failed: exec failed: unable to start container process: exec: "/bin/sh": stat /bin/sh: no such file or directory: unknown';

const running: ContainerState = {
  status: 'running',
  running: true,
  exitCode: 0,
  oomKilled: false,
  health: null,
  lastHealthOutput: null,
  startedAt: '',
  finishedAt: '',
};

function wait(overrides: Partial<SidecarWait>): SidecarWait {
  return {
    alias: 'db',
    container: 'smoke-x-r1-db',
    plan: { kind: 'tcp', port: 5432, source: 'expose' },
    probeImage: 'sha256:app',
    probeContainer: 'smoke-x-r1-db-probe',
    timeoutMs: 5000,
    state: async () => running,
    ...overrides,
  };
}

describe('waitForSidecar', () => {
  let calls: string[][];
  let session: RunSession;

  beforeEach(() => {
    calls = [];
    session = new RunSession({}, 'r1');
  });
  afterEach(() => jest.resetAllMocks());

  /** Answers by the first argv words, in order; the last answer repeats. */
  function docker(answers: Record<string, DockerResult[]>) {
    jest.mocked(runDocker).mockImplementation(async (args) => {
      calls.push(args);
      const key = Object.keys(answers).find((k) => args.join(' ').startsWith(k));
      if (!key) throw new Error(`unexpected docker ${args.join(' ')}`);
      const queue = answers[key];
      return queue.length > 1 ? (queue.shift() as DockerResult) : queue[0];
    });
  }

  it("on Docker ≥ 25 reads Docker's health only: no docker exec, and what Docker last saw on timeout", async () => {
    docker({});
    const plan = {
      kind: 'health' as const,
      source: 'healthCmd' as const,
      command: ['/bin/sh', '-c', 'pg_isready'],
      display: 'pg_isready',
    };
    const healthy = await waitForSidecar(
      session,
      wait({
        plan,
        dockerRunsHealthcheck: true,
        state: jest
          .fn()
          .mockResolvedValueOnce({ ...running, health: 'starting' })
          .mockResolvedValue({ ...running, health: 'healthy' }),
      }),
    );
    expect(healthy).toMatchObject({ ready: true, detail: 'Docker reports it healthy' });
    const late = await waitForSidecar(
      session,
      wait({
        plan,
        dockerRunsHealthcheck: true,
        timeoutMs: 1200,
        state: async () => ({ ...running, health: 'starting', lastHealthOutput: 'no response (exit 2)' }),
      }),
    );
    expect(late).toMatchObject({
      ready: false,
      reason: 'timeout',
      message: expect.stringMatching(
        /last: Docker reports it 'starting'; last healthcheck: no response \(exit 2\)\.$/,
      ),
    });
    expect(calls).toEqual([]);
  });

  it('runs the healthCmd with docker exec as Docker would (sh -c) until it passes', async () => {
    docker({
      'exec smoke-x-r1-db': [
        result(2, '127.0.0.1:5432 - no response'),
        result(0, '127.0.0.1:5432 - accepting connections'),
      ],
    });
    const outcome = await waitForSidecar(
      session,
      wait({
        plan: {
          kind: 'health',
          source: 'healthCmd',
          command: ['/bin/sh', '-c', 'pg_isready -h 127.0.0.1'],
          display: 'pg_isready -h 127.0.0.1',
        },
        state: async () => ({ ...running, health: 'starting' }),
      }),
    );
    expect(outcome).toMatchObject({
      ready: true,
      detail: 'its healthCmd passed (docker exec)',
      dockerHealth: 'starting',
    });
    expect(calls).toEqual([
      ['exec', 'smoke-x-r1-db', '/bin/sh', '-c', 'pg_isready -h 127.0.0.1'],
      ['exec', 'smoke-x-r1-db', '/bin/sh', '-c', 'pg_isready -h 127.0.0.1'],
    ]);
    // Bounded by the deadline and cancelled with the run.
    expect(jest.mocked(runDocker).mock.calls[0][1]).toMatchObject({
      reject: false,
      timeoutMs: expect.any(Number),
      cancelSignal: session.signal,
    });
  });

  it('matches readyLog against stdout and stderr of docker logs', async () => {
    docker({
      'logs smoke-x-r1-db': [result(0, 'booting'), result(0, 'booting', 'server listening on 8000')],
    });
    const outcome = await waitForSidecar(
      session,
      wait({ plan: { kind: 'log', pattern: '^server listening on \\d+$' } }),
    );
    expect(outcome).toMatchObject({ ready: true, detail: 'its log matches /^server listening on \\d+$/m' });
  });

  it('probes the port inside the sidecar, with no probe container', async () => {
    docker({ 'exec smoke-x-r1-db /bin/sh -c': [result(1, 'closed'), result(0, 'listening 00000000')] });
    const outcome = await waitForSidecar(session, wait({}));
    expect(outcome).toMatchObject({ ready: true, detail: 'a socket listens on 0.0.0.0:5432' });
    expect(calls.every((args) => args[0] === 'exec' && args[1] === 'smoke-x-r1-db')).toBe(true);
  });

  it('uses a tracked probe container from the image under test for a sidecar without /bin/sh, and removes it', async () => {
    docker({
      'exec smoke-x-r1-db ': [result(126, NO_SH)],
      'run --detach --interactive --name smoke-x-r1-db-probe': [result(0, 'abc')],
      'exec smoke-x-r1-db-probe ': [result(1, 'closed'), result(0, 'listening 00000000')],
      'rm --force smoke-x-r1-db-probe': [result(0)],
    });
    const outcome = await waitForSidecar(session, wait({}));
    expect(outcome).toMatchObject({
      ready: true,
      detail: 'a socket listens on 0.0.0.0:5432 (seen from a probe container in its network namespace)',
    });
    expect(calls.map((args) => args.slice(0, 2).join(' '))).toEqual([
      'exec smoke-x-r1-db',
      'run --detach',
      'exec smoke-x-r1-db-probe',
      'exec smoke-x-r1-db-probe',
      'rm --force',
    ]);
    expect(calls[1]).toEqual(expect.arrayContaining(['--network', 'container:smoke-x-r1-db', 'sha256:app']));
    expect(calls[1]).toEqual(expect.arrayContaining(['--label', 'ventas.smoke=r1']));
    // The session knows it, so its cleanup (and Ctrl-C) removes it whatever happens.
    jest.mocked(runDocker).mockResolvedValue(result(0));
    await expect(session.cleanup()).resolves.toEqual({ containers: ['smoke-x-r1-db-probe'], networks: [] });
  });

  it('fails at once, saying why, when neither the sidecar nor the image under test has /bin/sh', async () => {
    docker({
      'exec ': [result(126, NO_SH)],
      'run --detach': [result(0, 'abc')],
      'rm --force': [result(0)],
    });
    const outcome = await waitForSidecar(session, wait({}));
    expect(outcome).toMatchObject({
      ready: false,
      reason: 'unprobeable',
      message:
        "Sidecar 'db' cannot be waited for: TCP port 5432 (the lowest port its image EXPOSEs) to accept connections from the run's network cannot be checked: neither the sidecar nor the image under test (sha256:app) has /bin/sh to read /proc/net/tcp with.",
    });
  });
});
