import type { ExecutorContext } from '@nx/devkit';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerError, DockerResult, runDocker } from '../../lib/docker/docker';
import { resolveBuilder } from '../../lib/builder/probe-builder';
import dockerBuildExecutor from './docker-build.impl';

jest.mock('../../lib/docker/docker', () => ({
  ...jest.requireActual('../../lib/docker/docker'),
  runDocker: jest.fn(),
}));
jest.mock('../../lib/builder/probe-builder', () => ({ resolveBuilder: jest.fn() }));

const runDockerMock = runDocker as jest.MockedFunction<typeof runDocker>;
const resolveBuilderMock = resolveBuilder as jest.MockedFunction<typeof resolveBuilder>;

const IMAGE_ID = 'sha256:1111111111111111111111111111111111111111111111111111111111111111';
const DOCKERFILE = [
  'FROM node:24-bookworm-slim',
  'WORKDIR /app',
  'COPY entrypoint.sh ./',
  'EXPOSE 8000',
  'HEALTHCHECK CMD node health.js',
  'ENTRYPOINT ["./entrypoint.sh"]',
].join('\n');

let root: string;
let logs: string[];

function fakeContext(): ExecutorContext {
  return {
    root,
    cwd: root,
    isVerbose: false,
    projectName: 'orders',
    projectsConfigurations: { version: 2, projects: { orders: { root: 'apps/orders' } } },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  } as ExecutorContext;
}

/** A context as Nx hands it inside a run: the task graph with this task's hash details (nodes). */
function nxRunContext(nodes: Record<string, string>): ExecutorContext {
  return {
    ...fakeContext(),
    targetName: 'docker-build',
    projectsConfigurations: {
      version: 2,
      projects: {
        orders: { root: 'apps/orders', projectType: 'application' },
        kit: { root: 'libs/kit', projectType: 'library' },
      },
    },
    taskGraph: {
      roots: ['orders:docker-build'],
      tasks: {
        'orders:docker-build': {
          id: 'orders:docker-build',
          target: { project: 'orders', target: 'docker-build' },
          overrides: {},
          outputs: [],
          cache: true,
          hash: `hash-${Object.values(nodes).join('')}`,
          hashDetails: { command: 'c', nodes, implicitDeps: {}, runtime: {} },
        },
      },
      dependencies: { 'orders:docker-build': [] },
      continuousDependencies: {},
    },
  } as unknown as ExecutorContext;
}

function ok(command: string, stdout = ''): DockerResult {
  return { command, exitCode: 0, stdout, stderr: '', durationMs: 1, failed: false };
}

function inspectJson(architecture = 'amd64'): string {
  return JSON.stringify([{ Id: IMAGE_ID, Os: 'linux', Architecture: architecture, Size: 2048, Config: {} }]);
}

function fakeDocker(options: { buildFails?: boolean; architecture?: string } = {}) {
  runDockerMock.mockImplementation(async (args) => {
    const command = `docker ${args.join(' ')}`;
    if (args[0] === 'build') {
      if (options.buildFails) {
        throw new DockerError({
          command,
          exitCode: 1,
          stdout: '',
          stderr: 'COPY failed: no such file',
          durationMs: 1,
          failed: true,
        });
      }
      writeFileSync(args[args.indexOf('--iidfile') + 1], IMAGE_ID);
      return ok(command, 'Step 1/1 : FROM node\n ---> Using cache');
    }
    if (args[0] === 'image' && args[2] === '--format') return ok(command, 'sha256:base');
    if (args[0] === 'image') return ok(command, inspectJson(options.architecture));
    if (args[0] === 'save') {
      writeFileSync(args[args.indexOf('--output') + 1], 'tar');
      return ok(command);
    }
    throw new Error(`unexpected docker ${command}`);
  });
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'docker-build-spec-'));
  mkdirSync(join(root, 'apps/orders'), { recursive: true });
  writeFileSync(join(root, 'apps/orders/Dockerfile'), DOCKERFILE);
  writeFileSync(join(root, 'apps/orders/entrypoint.sh'), '#!/bin/sh\n');
  chmodSync(join(root, 'apps/orders/entrypoint.sh'), 0o755);
  writeFileSync(join(root, 'apps/orders/package.json'), '{"version":"1.0.0"}');
  resolveBuilderMock.mockResolvedValue({
    kind: 'buildkit',
    binary: '/usr/bin/docker',
    clientVersion: '20.10.24',
    engine: { serverVersion: '20.10.24', store: 'classic', buildkit: '0.8', buildxDriver: null },
    reason: 'BuildKit with /usr/bin/docker.',
    warning: null,
  });
  logs = [];
  for (const level of ['log', 'info', 'warn', 'error'] as const) {
    jest.spyOn(console, level).mockImplementation((...parts: unknown[]) => void logs.push(parts.join(' ')));
  }
});

afterEach(() => {
  jest.restoreAllMocks();
  runDockerMock.mockReset();
  rmSync(root, { recursive: true, force: true });
});

const manifestPath = () => join(root, 'dist/images/orders/image.json');

describe('dockerBuildExecutor', () => {
  it('builds with the chosen builder, writes image.json and the archive, and prints one summary line', async () => {
    fakeDocker();
    const result = await dockerBuildExecutor(
      { tags: ['latest', 'v{version}'], port: 8000, archive: true },
      fakeContext(),
    );
    expect(result).toEqual({ success: true });
    const build = runDockerMock.mock.calls.find(([args]) => args[0] === 'build');
    expect(build?.[1]).toMatchObject({
      binary: '/usr/bin/docker',
      env: { DOCKER_BUILDKIT: '1' },
      streamPrefix: '[orders]',
    });
    expect(build?.[0]).toEqual(
      expect.arrayContaining([
        '--tag',
        'orders:latest',
        '--tag',
        'orders:v1.0.0',
        '--platform',
        'linux/amd64',
      ]),
    );
    const manifest = JSON.parse(readFileSync(manifestPath(), 'utf8'));
    expect(manifest).toMatchObject({
      version: 2,
      project: 'orders',
      imageId: IMAGE_ID,
      tags: ['orders:latest', 'orders:v1.0.0'],
      platform: 'linux/amd64',
      sizeBytes: 2048,
      builder: 'buildkit',
      baseImage: { ref: 'node:24-bookworm-slim', id: 'sha256:base' },
      archive: 'image.tar.gz',
    });
    expect(existsSync(join(root, 'dist/images/orders/image.tar.gz'))).toBe(true);
    const summary = logs.filter((l) => l.includes(' · '));
    expect(summary).toEqual([
      expect.stringMatching(
        /^\[orders\] image 111111111111 · tags orders:latest, orders:v1\.0\.0 · 2\.0 kB · linux\/amd64 · buildkit \(\/usr\/bin\/docker, classic store\) · \d+\.\d s · built: no earlier image\.json \(1 step from Docker's layer cache\); archived · reproducibility unavailable \(Docker 20\.10\.24, no buildx\)$/,
      ),
    ]);
  });

  it("records Nx's input hashes in image.json, and the next build names what changed", async () => {
    fakeDocker();
    const nodes = { 'orders:apps/orders/**/*': '1', 'kit:libs/kit/**/*': '2' };
    expect(await dockerBuildExecutor({ port: 8000 }, nxRunContext(nodes))).toEqual({ success: true });
    const first = JSON.parse(readFileSync(manifestPath(), 'utf8'));
    expect(first.inputs).toMatchObject({ taskHash: 'hash-12', command: 'c', nodes });
    expect(first.inputs.dockerfile.path).toBe('apps/orders/Dockerfile');
    expect(Object.keys(first.inputs.options)).toEqual(['port']);
    // Not a git checkout: the commit is known to be none.
    expect(first.commit).toBeNull();

    logs.length = 0;
    expect(
      await dockerBuildExecutor({ port: 8000 }, nxRunContext({ ...nodes, 'kit:libs/kit/**/*': '3' })),
    ).toEqual({ success: true });
    expect(logs.filter((l) => l.includes(' · '))).toEqual([
      expect.stringMatching(/ · built: library kit \(libs\/kit\) changed, image unchanged \(/),
    ]);

    logs.length = 0;
    await dockerBuildExecutor({ port: 8000, stage: undefined, pull: false }, nxRunContext(nodes));
    expect(logs.join('\n')).toMatch(/ · built: library kit \(libs\/kit\) and the options \(pull\) changed/);
  });

  it('with cacheRegistry, pushes a copy tagged by its id (login on stdin) and records it by digest', async () => {
    fakeDocker();
    const docker = runDockerMock.getMockImplementation() as typeof runDocker;
    const digest = `sha256:${'2'.repeat(64)}`;
    runDockerMock.mockImplementation(async (args, options) => {
      const command = `docker ${args.join(' ')}`;
      if (args[0] === 'login') return ok(command, 'Login Succeeded');
      if (args[0] === 'tag' || (args[0] === 'image' && args[1] === 'rm')) return ok(command);
      if (args[0] === 'push') return ok(command, `${args[1].split(':').pop()}: digest: ${digest} size: 528`);
      return docker(args, options);
    });
    process.env['TEST_CACHE_USER'] = 'ci';
    process.env['TEST_CACHE_PASSWORD'] = 'not-in-argv';
    try {
      const raw = {
        port: 8000,
        cacheRegistry: '127.0.0.1:55000/ventas',
        cacheRegistryUsernameEnv: 'TEST_CACHE_USER',
        cacheRegistryPasswordEnv: 'TEST_CACHE_PASSWORD',
      };
      expect(await dockerBuildExecutor(raw, fakeContext())).toEqual({ success: true });
    } finally {
      delete process.env['TEST_CACHE_USER'];
      delete process.env['TEST_CACHE_PASSWORD'];
    }
    const calls = runDockerMock.mock.calls;
    const copyRef = `127.0.0.1:55000/ventas/orders:sha256-${'1'.repeat(64)}`;
    const login = calls.find(([args]) => args[0] === 'login');
    expect(login?.[0]).toEqual(['login', '--username', 'ci', '--password-stdin', '127.0.0.1:55000']);
    expect(login?.[1]?.input).toBe('not-in-argv');
    expect(calls.flatMap(([args]) => args).join(' ')).not.toContain('not-in-argv');
    const push = calls.find(([args]) => args[0] === 'push');
    expect(push?.[0]).toEqual(['push', copyRef]);
    expect(push?.[1]?.env?.['DOCKER_CONFIG']).toBe(login?.[1]?.env?.['DOCKER_CONFIG']);
    // The copy tag is a means, not a name to keep: it goes again.
    expect(calls.some(([args]) => args.join(' ') === `image rm ${copyRef}`)).toBe(true);
    expect(JSON.parse(readFileSync(manifestPath(), 'utf8')).registryCopy).toEqual({
      ref: `127.0.0.1:55000/ventas/orders@${digest}`,
      credentials: { usernameEnv: 'TEST_CACHE_USER', passwordEnv: 'TEST_CACHE_PASSWORD' },
    });
    expect(logs.filter((l) => l.includes(' · '))).toEqual([
      expect.stringMatching(
        / · built: no earlier image\.json .*; copied to 127\.0\.0\.1:55000\/ventas\/orders@sha256:2{64} · /,
      ),
    ]);
  });

  it('passes the stage as --target, and refuses before Docker a stage the Dockerfile does not have', async () => {
    fakeDocker();
    writeFileSync(
      join(root, 'apps/orders/Dockerfile'),
      `FROM node:24-bookworm-slim AS build\nRUN true\n${DOCKERFILE.replace('FROM node:24-bookworm-slim', 'FROM build AS runtime')}`,
    );
    expect(await dockerBuildExecutor({ stage: 'nosuchstage' }, fakeContext())).toEqual({ success: false });
    expect(runDockerMock).not.toHaveBeenCalled();
    expect(logs.join('\n')).toContain(
      "ERROR [stage] apps/orders/Dockerfile has no stage named 'nosuchstage'. Its stages: build (line 1), runtime (line 3).\n" +
        '  Fix: Set "stage" (or --stage on the command line) to one of build, runtime',
    );

    expect(await dockerBuildExecutor({ stage: 'runtime' }, fakeContext())).toEqual({ success: true });
    const build = runDockerMock.mock.calls.find(([args]) => args[0] === 'build')?.[0] ?? [];
    expect(build.slice(build.indexOf('--target'), build.indexOf('--target') + 2)).toEqual([
      '--target',
      'runtime',
    ]);
  });

  it('stops before Docker when a check fails, naming the file, line and fix', async () => {
    fakeDocker();
    chmodSync(join(root, 'apps/orders/entrypoint.sh'), 0o644);
    const result = await dockerBuildExecutor({ port: 8080 }, fakeContext());
    expect(result).toEqual({ success: false });
    expect(runDockerMock).not.toHaveBeenCalled();
    expect(logs.join('\n')).toMatch(/\[exec-bit\] apps\/orders\/Dockerfile:6 runs \/app\/entrypoint.sh/);
    expect(logs.join('\n')).toMatch(
      /\[expose\] apps\/orders\/Dockerfile:4 has EXPOSE 8000, but the service listens on 8080/,
    );
    expect(logs.join('\n')).toMatch(/2 check\(s\) failed; docker did not run/);
  });

  it('skips the checks named in skipChecks', async () => {
    fakeDocker();
    writeFileSync(
      join(root, 'apps/orders/Dockerfile'),
      DOCKERFILE.replace('HEALTHCHECK CMD node health.js', ''),
    );
    expect(await dockerBuildExecutor({ skipChecks: ['healthcheck'] }, fakeContext())).toEqual({
      success: true,
    });
  });

  it('names a missing Dockerfile', async () => {
    const result = await dockerBuildExecutor({ dockerfile: 'apps/orders/Nope.Dockerfile' }, fakeContext());
    expect(result).toEqual({ success: false });
    expect(logs.join('\n')).toMatch(/The Dockerfile apps\/orders\/Nope.Dockerfile does not exist/);
  });

  it('removes the previous image.json when the build fails, so nothing stale is trusted', async () => {
    mkdirSync(join(root, 'dist/images/orders'), { recursive: true });
    writeFileSync(manifestPath(), '{"version":1}');
    fakeDocker({ buildFails: true });
    expect(await dockerBuildExecutor({}, fakeContext())).toEqual({ success: false });
    expect(existsSync(manifestPath())).toBe(false);
    expect(logs.join('\n')).toMatch(
      /docker failed with exit code 1[\s\S]*COPY failed[\s\S]*no image.json was written/,
    );
  });

  it('fails when the built image is not of the platform asked for', async () => {
    fakeDocker({ architecture: 'arm64' });
    expect(await dockerBuildExecutor({}, fakeContext())).toEqual({ success: false });
    expect(logs.join('\n')).toMatch(
      /is linux\/arm64, not linux\/amd64: it would fail with "exec format error"/,
    );
    expect(existsSync(manifestPath())).toBe(false);
  });

  it.each([
    [
      { cacheTo: 'type=registry,ref=ecr/orders:cache' },
      /cacheTo 'type=registry,ref=ecr\/orders:cache' of orders:docker-build needs buildx, but Docker 20\.10\.24 \(classic image store\)/,
    ],
    [
      { reproducible: true },
      /reproducible of orders:docker-build needs buildx on BuildKit 0\.13 or later.*Docker 20\.10\.24, no buildx[\s\S]*Fix: Use Docker Engine 26/,
    ],
    [{ provenance: true }, /provenance of orders:docker-build needs buildx/],
  ])('refuses %j, which this engine cannot honour, before building', async (options, message) => {
    fakeDocker();
    expect(await dockerBuildExecutor(options, fakeContext())).toEqual({ success: false });
    expect(logs.join('\n')).toMatch(message);
    expect(logs.join('\n')).toMatch(/option\(s\) this engine cannot honour; docker did not run/);
    expect(runDockerMock.mock.calls.some(([args]) => args[0] === 'build')).toBe(false);
  });
});
