import { DockerResult, followDocker, runDocker } from '../../../lib/docker/docker';
import type { ContainerState } from './run-args';
import { RunSession } from './run-session';
import { SidecarWait, waitForSidecar } from './wait-for-sidecar';

jest.mock('../../../lib/docker/docker', () => ({
  ...jest.requireActual('../../../lib/docker/docker'),
  runDocker: jest.fn(),
  followDocker: jest.fn(),
}));

/** `docker logs --follow` of a sidecar that prints a line every 20 ms until the wait stops following it. */
function chattyFollower(): void {
  jest.mocked(followDocker).mockImplementation((_args, { onOutput }) => {
    const timer = setInterval(onOutput, 20);
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    return {
      ended,
      stop: () => {
        clearInterval(timer);
        end();
      },
    };
  });
}

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
    chattyFollower();
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

  it('follows the output of a readyLog sidecar, and tries again when it prints something', async () => {
    docker({
      'logs smoke-x-r1-db': [result(0, 'booting'), result(0, 'booting\nserver listening on 8000')],
    });
    const started = Date.now();
    await expect(
      waitForSidecar(session, wait({ plan: { kind: 'log', pattern: '^server listening on \\d+$' } })),
    ).resolves.toMatchObject({ ready: true });
    // The output woke the second try: no waiting for the 2 s retry of a silent container.
    expect(Date.now() - started).toBeLessThan(1500);
    expect(jest.mocked(followDocker).mock.calls[0][0]).toEqual([
      'logs',
      '--follow',
      '--tail',
      '0',
      'smoke-x-r1-db',
    ]);
    expect(jest.mocked(followDocker).mock.calls[0][1]).toMatchObject({ cancelSignal: session.signal });
  });

  it('follows no output for a port or health wait; after a loop that ended early it asks Docker', async () => {
    docker({
      'exec smoke-x-r1-db /bin/sh -c': [result(1, 'closed\n--- exit 1'), result(0, 'listening 00000000')],
    });
    const state = jest.fn(async () => running);
    await expect(waitForSidecar(session, wait({ state }))).resolves.toMatchObject({ ready: true });
    expect(followDocker).not.toHaveBeenCalled();
    // Once after the failed loop (still running: try again), once before the verdict.
    expect(state).toHaveBeenCalledTimes(2);
  });

  it('a sidecar that stops during its loop fails with its exit code, without waiting for the deadline', async () => {
    docker({ 'exec smoke-x-r1-db /bin/sh -c': [result(137, '')] });
    const outcome = await waitForSidecar(
      session,
      wait({
        timeoutMs: 60_000,
        state: async () => ({ ...running, status: 'exited', running: false, exitCode: 3 }),
      }),
    );
    expect(outcome).toMatchObject({ ready: false, reason: 'exited' });
    expect(outcome.ready === false && outcome.message).toMatch(/exited with code 3/);
  });

  it('runs the healthCmd in a loop inside the sidecar (one docker exec), as Docker would (sh -c)', async () => {
    docker({
      'exec smoke-x-r1-db': [
        // The loop ran out of tries (the deadline of this try), then a later one passed.
        result(2, '127.0.0.1:5432 - no response\n--- exit 2\n127.0.0.1:5432 - no response\n--- exit 2'),
        result(0, '127.0.0.1:5432 - no response\n--- exit 2\n127.0.0.1:5432 - accepting connections'),
      ],
    });
    const healthCmd = ['/bin/sh', '-c', 'pg_isready -h 127.0.0.1'];
    const outcome = await waitForSidecar(
      session,
      wait({
        plan: { kind: 'health', source: 'healthCmd', command: healthCmd, display: 'pg_isready -h 127.0.0.1' },
        state: async () => ({ ...running, health: 'starting' }),
      }),
    );
    expect(outcome).toMatchObject({
      ready: true,
      detail: 'its healthCmd passed (docker exec)',
      dockerHealth: 'starting',
    });
    expect(calls).toHaveLength(2);
    for (const args of calls) {
      expect(args.slice(0, 3)).toEqual(['exec', 'smoke-x-r1-db', '/bin/sh']);
      expect(args.slice(-3)).toEqual(healthCmd);
      // As many tries as fit in the time left.
      expect(Number(args[6])).toBeGreaterThan(10);
    }
    // Bounded by the deadline and cancelled with the run.
    expect(jest.mocked(runDocker).mock.calls[0][1]).toMatchObject({
      reject: false,
      timeoutMs: expect.any(Number),
      cancelSignal: session.signal,
    });
  });

  it("says what the healthCmd's last finished run printed when the sidecar is never ready", async () => {
    docker({ 'exec smoke-x-r1-db': [result(2, '127.0.0.1:5432 - no response\n--- exit 2', '')] });
    const outcome = await waitForSidecar(
      session,
      wait({
        timeoutMs: 1200,
        plan: {
          kind: 'health',
          source: 'healthCmd',
          command: ['/bin/sh', '-c', 'pg_isready'],
          display: 'pg_isready',
        },
      }),
    );
    expect(outcome).toMatchObject({
      ready: false,
      reason: 'timeout',
      message: expect.stringMatching(
        /; last: its healthCmd exited with code 2: 127\.0\.0\.1:5432 - no response\.$/,
      ),
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
    docker({
      'exec smoke-x-r1-db /bin/sh -c': [result(1, 'closed\n--- exit 1'), result(0, 'listening 00000000')],
    });
    const outcome = await waitForSidecar(session, wait({}));
    expect(outcome).toMatchObject({ ready: true, detail: 'a socket listens on 0.0.0.0:5432' });
    expect(calls.every((args) => args[0] === 'exec' && args[1] === 'smoke-x-r1-db')).toBe(true);
  });

  it('uses a tracked probe container from the image under test for a sidecar without /bin/sh, and removes it', async () => {
    docker({
      'exec smoke-x-r1-db ': [result(126, NO_SH)],
      'run --detach --interactive --name smoke-x-r1-db-probe': [result(0, 'abc')],
      'exec smoke-x-r1-db-probe ': [result(1, 'closed\n--- exit 1'), result(0, 'listening 00000000')],
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
