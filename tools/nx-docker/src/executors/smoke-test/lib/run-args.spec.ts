import {
  containerName,
  ContainerSpec,
  envArgs,
  execArgs,
  probeContainerArgs,
  networkCreateArgs,
  parseContainerState,
  parsePublishedPort,
  runArgs,
  runFilter,
  stopArgs,
} from './run-args';

const base: ContainerSpec = {
  name: 'smoke-x-r1-app',
  image: 'sha256:abc',
  labels: { 'ventas.smoke': 'r1' },
  network: null,
  alias: null,
  publishPort: null,
  envFile: null,
  envArgs: [],
  healthIntervalSeconds: 0,
  healthCmd: null,
  tmpfs: [],
  command: [],
};

describe('runArgs', () => {
  it.each<[string, Partial<ContainerSpec>, string[]]>([
    [
      'minimal',
      {},
      ['run', '--detach', '--name', 'smoke-x-r1-app', '--label', 'ventas.smoke=r1', 'sha256:abc'],
    ],
    [
      'service on a free loopback port, env file, env and a faster healthcheck',
      {
        network: 'smoke-x-r1-net',
        publishPort: 8000,
        envFile: '/ws/.env',
        envArgs: ['-e', 'DATABASE_URL'],
        healthIntervalSeconds: 1,
      },
      [
        'run',
        '--detach',
        '--name',
        'smoke-x-r1-app',
        '--label',
        'ventas.smoke=r1',
        '--network',
        'smoke-x-r1-net',
        '--publish',
        '127.0.0.1::8000',
        '--env-file',
        '/ws/.env',
        '-e',
        'DATABASE_URL',
        '--health-interval',
        '1s',
        'sha256:abc',
      ],
    ],
    [
      'sidecar with alias, added healthcheck and command',
      {
        name: 'smoke-x-r1-db',
        image: 'postgres:15-bookworm',
        network: 'n',
        alias: 'db',
        healthCmd: 'pg_isready -U app',
        healthIntervalSeconds: 0.5,
        command: ['postgres', '-c', 'fsync=off'],
      },
      [
        'run',
        '--detach',
        '--name',
        'smoke-x-r1-db',
        '--label',
        'ventas.smoke=r1',
        '--network',
        'n',
        '--network-alias',
        'db',
        '--health-cmd',
        'pg_isready -U app',
        '--health-retries',
        '30',
        '--health-interval',
        '0.5s',
        'postgres:15-bookworm',
        'postgres',
        '-c',
        'fsync=off',
      ],
    ],
    [
      'a data directory on tmpfs',
      {
        healthIntervalSeconds: 1,
        tmpfs: ['/var/lib/postgresql/data', '/tmp:size=64m'],
      },
      [
        'run',
        '--detach',
        '--name',
        'smoke-x-r1-app',
        '--label',
        'ventas.smoke=r1',
        '--health-interval',
        '1s',
        '--tmpfs',
        '/var/lib/postgresql/data',
        '--tmpfs',
        '/tmp:size=64m',
        'sha256:abc',
      ],
    ],
  ])('%s', (_, spec, expected) => {
    expect(runArgs({ ...base, ...spec })).toEqual(expected);
  });

  it('never publishes on all interfaces', () => {
    expect(runArgs({ ...base, publishPort: 8001 }).join(' ')).toContain('--publish 127.0.0.1::8001');
  });
});

describe('readiness probes', () => {
  it('execs into a container with an argv', () => {
    expect(execArgs('smoke-x-r1-db', ['/bin/sh', '-c', 'pg_isready -h 127.0.0.1'])).toEqual([
      'exec',
      'smoke-x-r1-db',
      '/bin/sh',
      '-c',
      'pg_isready -h 127.0.0.1',
    ]);
  });

  it("starts a labelled probe container in the sidecar's network namespace that only keeps a shell alive", () => {
    expect(
      probeContainerArgs({
        name: 'smoke-x-r1-db-probe',
        image: 'sha256:abc',
        labels: { 'ventas.smoke': 'r1' },
        target: 'smoke-x-r1-db',
      }),
    ).toEqual([
      'run',
      '--detach',
      '--interactive',
      '--name',
      'smoke-x-r1-db-probe',
      '--label',
      'ventas.smoke=r1',
      '--network',
      'container:smoke-x-r1-db',
      '--entrypoint',
      '/bin/sh',
      'sha256:abc',
      '-c',
      'read _',
    ]);
  });
});

describe('envArgs', () => {
  it('keeps values out of argv, except for variables the docker CLI itself reads', () => {
    expect(
      envArgs({ DATABASE_URL: 'postgresql://u:secret@db/x', PATH: '/app/bin', DOCKER_HOST: 'tcp://x' }),
    ).toEqual({
      args: ['-e', 'DATABASE_URL', '-e', 'PATH=/app/bin', '-e', 'DOCKER_HOST=tcp://x'],
      cliEnv: { DATABASE_URL: 'postgresql://u:secret@db/x' },
    });
  });
});

describe('names and small commands', () => {
  it.each([
    ['catalogo-service', 'smoke-catalogo-service-r1-app'],
    ['@ventas/bff venta', 'smoke-ventas-bff-venta-r1-app'],
  ])('containerName(%s)', (project, name) => {
    expect(containerName(project, 'r1', 'app')).toBe(name);
  });

  it('builds network, stop and filter argv', () => {
    expect(networkCreateArgs('n', { a: '1' })).toEqual(['network', 'create', '--label', 'a=1', 'n']);
    expect(stopArgs('c', 10)).toEqual(['stop', '-t', '10', 'c']);
    expect(runFilter('r1')).toEqual(['--filter', 'label=ventas.smoke=r1']);
  });
});

describe('parsePublishedPort', () => {
  it.each([
    ['127.0.0.1:49153', 49153],
    ['[::1]:49154\n127.0.0.1:49153\n', 49153],
    ['0.0.0.0:32768\n[::]:32768', 32768],
    ['[::]:32769', 32769],
    ['', null],
    ['Error: No public port', null],
  ])('%j → %s', (stdout, port) => expect(parsePublishedPort(stdout)).toBe(port));
});

describe('parseContainerState', () => {
  it('reads status, exit code and the last healthcheck', () => {
    const state = parseContainerState(
      JSON.stringify({
        Status: 'running',
        Running: true,
        ExitCode: 0,
        OOMKilled: false,
        StartedAt: 's',
        FinishedAt: 'f',
        Health: {
          Status: 'unhealthy',
          Log: [
            { ExitCode: 1, Output: 'old' },
            { ExitCode: 1, Output: 'curl: (7) refused\n' },
          ],
        },
      }),
    );
    expect(state).toEqual({
      status: 'running',
      running: true,
      exitCode: 0,
      oomKilled: false,
      health: 'unhealthy',
      lastHealthOutput: 'curl: (7) refused (exit 1)',
      startedAt: 's',
      finishedAt: 'f',
    });
  });

  it('has no health for containers without a healthcheck', () => {
    expect(parseContainerState('{"Status":"exited","Running":false,"ExitCode":3}')).toMatchObject({
      running: false,
      exitCode: 3,
      health: null,
      lastHealthOutput: null,
    });
  });
});
