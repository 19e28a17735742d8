import { createServer, type AddressInfo } from 'node:net';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NormalizedService } from './normalize-options';
import {
  describeReadiness,
  describeTcpProbe,
  healthcheckCommand,
  isMissingExecutable,
  isPostgresImage,
  lowestTcpPort,
  planReadiness,
  postgresHealthCmd,
  Readiness,
  readinessHint,
  readyMessage,
  lastTry,
  retryInContainer,
  tcpListenScript,
  triesWithin,
} from './readiness';

const none = { healthCmd: null, readyLog: null, readyPort: null };
type Facts = Parameters<typeof planReadiness>[1];
const image: Facts = { healthcheck: null, exposedPorts: [] };

describe('planReadiness', () => {
  it.each<[string, Partial<NormalizedService>, Partial<Facts>, Readiness]>([
    [
      'healthCmd first, run as Docker runs --health-cmd',
      { healthCmd: 'pg_isready -h 127.0.0.1 -p 5432 -U app -d app' },
      {
        healthcheck: { test: ['CMD', 'x'], intervalNs: 0, timeoutNs: 0, retries: 0 },
        exposedPorts: ['5432/tcp'],
      },
      {
        kind: 'health',
        source: 'healthCmd',
        command: ['/bin/sh', '-c', 'pg_isready -h 127.0.0.1 -p 5432 -U app -d app'],
        display: 'pg_isready -h 127.0.0.1 -p 5432 -U app -d app',
      },
    ],
    [
      "then the image's HEALTHCHECK, over readyLog",
      { readyLog: 'ready' },
      { healthcheck: { test: ['CMD', 'node', 'health.js'], intervalNs: 0, timeoutNs: 0, retries: 0 } },
      { kind: 'health', source: 'image', command: ['node', 'health.js'], display: '["node","health.js"]' },
    ],
    [
      "an image's HEALTHCHECK waits for its lowest EXPOSEd port to listen first",
      {},
      {
        healthcheck: { test: ['CMD', 'node', 'health.js'], intervalNs: 0, timeoutNs: 0, retries: 0 },
        exposedPorts: ['9000/tcp', '8000/tcp'],
      },
      {
        kind: 'health',
        source: 'image',
        command: ['node', 'health.js'],
        display: '["node","health.js"]',
        gatePort: 8000,
      },
    ],
    [
      'then readyLog, over a port',
      { readyLog: 'listening on \\d+' },
      { exposedPorts: ['8000/tcp'] },
      { kind: 'log', pattern: 'listening on \\d+' },
    ],
    [
      'then readyPort',
      { readyPort: 9000 },
      { exposedPorts: ['8000/tcp'] },
      { kind: 'tcp', port: 9000, source: 'readyPort' },
    ],
    [
      'then the lowest EXPOSEd TCP port',
      {},
      { exposedPorts: ['9000/tcp', '53/udp', '5432/tcp'] },
      { kind: 'tcp', port: 5432, source: 'expose' },
    ],
    ['else nothing', {}, { exposedPorts: ['53/udp'] }, { kind: 'none' }],
  ])('%s', (_, service, facts, plan) => {
    expect(planReadiness({ ...none, ...service }, { ...image, ...facts })).toEqual(plan);
  });
});

describe('healthcheckCommand', () => {
  it.each<[string[], ReturnType<typeof healthcheckCommand>]>([
    [
      ['CMD', 'node', '/app/health.js'],
      { command: ['node', '/app/health.js'], display: '["node","/app/health.js"]' },
    ],
    [
      ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'],
      {
        command: ['/bin/sh', '-c', 'curl -f http://localhost/ || exit 1'],
        display: 'curl -f http://localhost/ || exit 1',
      },
    ],
    [['CMD'], null],
    [['NONE'], null],
    [[], null],
  ])('%j', (test, expected) => expect(healthcheckCommand(test)).toEqual(expected));
});

describe('lowestTcpPort', () => {
  it.each<[string[], number | null]>([
    [['5432/tcp'], 5432],
    [['8080', '443/tcp'], 443],
    [['53/udp', '9/sctp'], null],
    [[], null],
  ])('%j → %s', (ports, expected) => expect(lowestTcpPort(ports)).toBe(expected));
});

describe('PostgreSQL', () => {
  it.each([
    ['postgres:15-bookworm', true],
    ['docker.io/library/postgres@sha256:abc', true],
    ['postgis/postgis:16-3.4', true],
    ['localhost:5000/postgres', true],
    ['postgres-exporter:1', false],
    ['redis:7', false],
  ])('isPostgresImage(%s) is %s', (ref, expected) => expect(isPostgresImage(ref)).toBe(expected));

  it('probes TCP with the user and database of its env, or the image defaults', () => {
    expect(postgresHealthCmd({ POSTGRES_USER: 'app', POSTGRES_DB: 'ventas' })).toBe(
      'pg_isready -h 127.0.0.1 -p 5432 -U app -d ventas',
    );
    expect(postgresHealthCmd({ POSTGRES_USER: 'app' })).toBe('pg_isready -h 127.0.0.1 -p 5432 -U app -d app');
    expect(postgresHealthCmd({})).toBe('pg_isready -h 127.0.0.1 -p 5432 -U postgres -d postgres');
  });
});

describe('messages', () => {
  const postgres = {
    source: { kind: 'image' as const, ref: 'postgres:15-bookworm' },
    env: { POSTGRES_USER: 'app', POSTGRES_PASSWORD: 'secret', POSTGRES_DB: 'ventas' },
  };
  const other = { source: { kind: 'project' as const, project: 'catalogo-service' }, env: {} };
  const tcp: Readiness = { kind: 'tcp', port: 5432, source: 'expose' };

  it('says what was waited for', () => {
    expect(describeReadiness(tcp)).toBe(
      "TCP port 5432 (the lowest port its image EXPOSEs) to accept connections from the run's network",
    );
    expect(describeReadiness({ kind: 'log', pattern: 'ready' })).toBe('a line of its log to match /ready/m');
    expect(
      describeReadiness({ kind: 'health', source: 'healthCmd', command: [], display: 'pg_isready' }),
    ).toBe('its healthCmd (pg_isready) to pass');
  });

  it.each<[string, Parameters<typeof readinessHint>, string]>([
    [
      'a PostgreSQL sidecar gets its own pg_isready',
      [postgres, tcp, 'timeout'],
      'Give the sidecar a "healthCmd": "pg_isready -h 127.0.0.1 -p 5432 -U app -d ventas" (TCP: while PostgreSQL initialises on first start it listens on its Unix socket only).',
    ],
    [
      'another sidecar the PostgreSQL example, and the other options when it has nothing to wait for',
      [other, { kind: 'none' }, 'none'],
      'Give the sidecar a "healthCmd": "pg_isready -h 127.0.0.1 -p 5432 -U <user> -d <db>" for PostgreSQL (any command that exits 0 once it is ready), or a "readyLog" or "readyPort".',
    ],
    [
      'a healthcheck that never passes',
      [postgres, { kind: 'health', source: 'healthCmd', command: [], display: 'x' }, 'timeout'],
      'Raise "timeoutSeconds" if it is only slow; otherwise read its logs below and check the command.',
    ],
    [
      'an exit',
      [postgres, tcp, 'exited'],
      'Check its env (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB) and its logs below.',
    ],
  ])('hint: %s', (_, args, hint) => expect(readinessHint(...args)).toBe(hint));

  it('says how it became ready, and when Docker has not caught up yet', () => {
    const health: Readiness = { kind: 'health', source: 'healthCmd', command: [], display: 'x' };
    expect(
      readyMessage('db', 2345, health, {
        detail: 'its healthCmd passed (docker exec)',
        dockerHealth: 'starting',
      }),
    ).toBe(
      "sidecar db ready in 2.3 s: its healthCmd passed (docker exec); Docker health is still 'starting' (not unhealthy)",
    );
    expect(
      readyMessage('db', 3000, health, { detail: 'Docker reports it healthy', dockerHealth: 'healthy' }),
    ).toBe('sidecar db ready in 3.0 s: Docker reports it healthy');
    expect(
      readyMessage('api', 500, tcp, { detail: 'a socket listens on 0.0.0.0:5432', dockerHealth: null }),
    ).toBe('sidecar api ready in 0.5 s: a socket listens on 0.0.0.0:5432');
  });

  it.each([
    ['listening 00000000', 'a socket listens on 0.0.0.0:5432'],
    ['listening 0200120A', 'a socket listens on 10.18.0.2:5432'],
    ['listening 00000000000000000000000000000000', 'a socket listens on [::]:5432'],
    [
      'loopback',
      'port 5432 listens on a loopback address only, which other containers cannot reach (make it listen on 0.0.0.0)',
    ],
    ['closed', 'nothing listens on port 5432 yet'],
  ])('describeTcpProbe(%j)', (stdout, text) => expect(describeTcpProbe(5432, stdout)).toBe(text));

  it.each([
    [
      {
        exitCode: 126,
        // Where the Docker 26 CLI prints it.
        stdout:
          'OCI runtime exec failed: exec failed: unable to start container process: exec: "/bin/sh": stat /bin/sh: no such file or directory: unknown',
        stderr: '',
      },
      true,
    ],
    [{ exitCode: 127, stdout: '', stderr: 'exec: "sh": executable file not found in $PATH' }, true],
    [{ exitCode: 1, stdout: '', stderr: 'Error response from daemon: container abc is not running' }, false],
    [{ exitCode: 126, stdout: '', stderr: 'permission denied' }, false],
  ])('isMissingExecutable(%j) is %s', (result, expected) =>
    expect(isMissingExecutable(result)).toBe(expected),
  );
});

/** The port script, run by a real /bin/sh against fake /proc/net/tcp{,6} files (the kernel's format). */
describe('tcpListenScript', () => {
  const header4 =
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
  const header6 =
    '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
  const row = (local: string, state: string, remote = '00000000:0000') =>
    `   0: ${local} ${remote} ${state} 00000000:00000000 00:00000000 00000000   100        0 28860 1 0000000000000000 100 0 0 10 0`;
  let dir: string;

  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'tcp-probe-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function probe(port: number, tcp: string[], tcp6: string[] | null) {
    const files = [join(dir, 'tcp'), join(dir, 'tcp6')];
    writeFileSync(files[0], [header4, ...tcp].join('\n') + '\n');
    if (tcp6) writeFileSync(files[1], [header6, ...tcp6].join('\n') + '\n');
    else rmSync(files[1], { force: true });
    const result = spawnSync('/bin/sh', ['-c', tcpListenScript(port, files)], { encoding: 'utf8' });
    return { exitCode: result.status, stdout: result.stdout.trim() };
  }

  it.each<[string, string[], string[] | null, number, string]>([
    [
      'IPv4 wildcard, beside Docker DNS on 127.0.0.11',
      [row('0B00007F:84CB', '0A'), row('00000000:1538', '0A')],
      [],
      0,
      'listening 00000000',
    ],
    [
      'IPv6 wildcard only',
      [],
      [row('00000000000000000000000000000000:1538', '0A', `${'0'.repeat(32)}:0000`)],
      0,
      'listening 00000000000000000000000000000000',
    ],
    ["the container's own address", [row('0200120A:1538', '0A')], null, 0, 'listening 0200120A'],
    [
      'loopback only (127.0.0.1 and ::1)',
      [row('0100007F:1538', '0A')],
      [row('00000000000000000000000001000000:1538', '0A')],
      1,
      'loopback',
    ],
    ['IPv4-mapped loopback', [], [row('0000000000000000FFFF00000100007F:1538', '0A')], 1, 'loopback'],
    ['another port', [row('00000000:1F40', '0A')], [], 1, 'closed'],
    [
      'connections to the port but no listener (TIME_WAIT)',
      [row('0100007F:A06A', '06', '0100007F:1538'), row('00000000:1538', '06')],
      [],
      1,
      'closed',
    ],
    ['no tcp6 file (IPv6 disabled)', [], null, 1, 'closed'],
  ])('%s', (_, tcp, tcp6, exitCode, stdout) => {
    expect(probe(5432, tcp, tcp6)).toEqual({ exitCode, stdout });
  });
});

describe('retryInContainer (run by a real /bin/sh)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retry-loop-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the loop as docker exec would run its argv, with `env` for the shell. */
  function run(command: string[], tries: number, env: NodeJS.ProcessEnv = process.env, gatePort?: number) {
    const [shell, ...args] = retryInContainer(command, tries, { pauseSeconds: 0.01, gatePort });
    const child = spawnSync(shell, args, { encoding: 'utf8', env });
    return { exitCode: child.status ?? -1, stdout: child.stdout };
  }

  it('runs the command until it passes and prints every failed run, then the passing one', () => {
    const counter = join(dir, 'count');
    writeFileSync(counter, '');
    // Fails twice (exit 2, as pg_isready does while the server starts), then passes.
    const script = `echo x >> ${counter}; n=$(wc -l < ${counter}); [ "$n" -ge 3 ] && echo accepting && exit 0; echo "no response $n"; exit 2`;
    const result = run(['/bin/sh', '-c', script], 10);
    expect(result).toEqual({
      exitCode: 0,
      stdout: 'no response 1\n--- exit 2\nno response 2\n--- exit 2\naccepting\n',
    });
    expect(lastTry(result.stdout, result.exitCode)).toEqual({ output: 'accepting', exitCode: 0 });
  });

  it('stops after its tries with the last run code; lastTry reads the last finished run', () => {
    const result = run(['/bin/sh', '-c', 'echo closed; exit 1'], 3);
    expect(result.exitCode).toBe(1);
    expect(result.stdout.match(/--- exit 1/g)).toHaveLength(3);
    expect(lastTry(result.stdout, result.exitCode)).toEqual({ output: 'closed', exitCode: 1 });
    // Cut short at the deadline, the output so far still says what the last finished run saw.
    expect(lastTry('closed\n--- exit 1\nclo', 143)).toEqual({ output: 'closed', exitCode: 1 });
    expect(lastTry('', 143)).toEqual({ output: '', exitCode: null });
  });

  it('stops at once when the command cannot run (126/127 never mend)', () => {
    const result = run(['/nonexistent/pg_isready'], 50);
    expect(result.exitCode).toBe(127);
    expect(result.stdout.match(/--- exit 127/g)).toHaveLength(1);
  });

  it('never spins without a sleep: it ends after the first failed run', () => {
    const result = run(['/bin/false'], 50, { PATH: '/nonexistent' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout.match(/--- exit 1/g)).toHaveLength(1);
  });

  it('with a gate port, never runs the command while nothing listens there', () => {
    // Port 1 never listens here: the command (which would pass) never runs.
    const result = run(['/bin/sh', '-c', 'echo ran; exit 0'], 3, process.env, 1);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).not.toContain('ran');
    expect(lastTry(result.stdout, result.exitCode)).toEqual({
      output: 'not run: no socket listens on port 1 for the other containers yet',
      exitCode: 1,
    });
  });

  it('with a gate port, runs the command once a socket listens there on a non-loopback address', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      expect(run(['/bin/sh', '-c', 'echo ran; exit 0'], 3, process.env, port)).toEqual({
        exitCode: 0,
        stdout: 'ran\n',
      });
    } finally {
      server.close();
    }
  });

  it('fits as many tries as pauses in the time left, at least one', () => {
    expect(triesWithin(10_000)).toBe(40);
    expect(triesWithin(100)).toBe(1);
  });
});
