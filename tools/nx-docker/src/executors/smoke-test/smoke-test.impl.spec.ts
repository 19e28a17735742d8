import type { ExecutorContext } from '@nx/devkit';
import { logger } from '@nx/devkit';
import { runDocker } from '../../lib/docker/docker';
import { ensureImage } from '../../lib/results/ensure-image';
import { ImageManifest, readImageManifest } from '../../lib/results/image-manifest';
import { writeSmokeJUnit } from '../../lib/report/smoke-junit';
import { writeSmokeManifest } from '../../lib/results/smoke-manifest';
import { runContainers } from './lib/runtime';
import { parseJUnit } from '../../../test/support/junit';
import smokeTestExecutor from './smoke-test.impl';

jest.mock('../../lib/docker/docker');
jest.mock('../../lib/results/ensure-image');
jest.mock('../../lib/results/image-manifest', () => ({
  ...jest.requireActual('../../lib/results/image-manifest'),
  readImageManifest: jest.fn(),
}));
jest.mock('../../lib/results/smoke-manifest');
jest.mock('../../lib/report/smoke-junit', () => ({
  ...jest.requireActual('../../lib/report/smoke-junit'),
  writeSmokeJUnit: jest.fn(),
}));
jest.mock('./lib/runtime');

const imageId = 'sha256:' + 'c'.repeat(64);

function fakeContext(): ExecutorContext {
  return { root: '/ws', cwd: '/ws', projectName: 'catalogo-service', isVerbose: false } as ExecutorContext;
}

/** smoke.junit.xml as smoke-test wrote it (writeSmokeJUnit is mocked), read by a real XML parser. */
function writtenJUnit() {
  const [root, project, xml] = jest.mocked(writeSmokeJUnit).mock.calls[0];
  expect([root, project]).toEqual(['/ws', 'catalogo-service']);
  return parseJUnit(xml).testsuites;
}

/** Inside an Nx run: smoke-test depends on the project's docker-build task, which started at `buildStart`. */
function nxRunContext(buildStart: string): ExecutorContext {
  const task = (target: string, startTime?: number) => ({
    id: `catalogo-service:${target}`,
    target: { project: 'catalogo-service', target },
    overrides: {},
    outputs: [],
    cache: true,
    ...(startTime ? { startTime } : {}),
  });
  return {
    ...fakeContext(),
    targetName: 'smoke-test',
    projectsConfigurations: {
      version: 2,
      projects: {
        'catalogo-service': {
          root: 'apps/catalogo-service',
          targets: {
            'docker-build': { executor: '@ventas/nx-docker:docker-build' },
            'smoke-test': { executor: '@ventas/nx-docker:smoke-test' },
          },
        },
      },
    },
    taskGraph: {
      roots: ['catalogo-service:docker-build'],
      tasks: {
        'catalogo-service:docker-build': task('docker-build', Date.parse(buildStart)),
        'catalogo-service:smoke-test': task('smoke-test', Date.now()),
      },
      dependencies: {
        'catalogo-service:smoke-test': ['catalogo-service:docker-build'],
        'catalogo-service:docker-build': [],
      },
      continuousDependencies: {},
    },
  } as unknown as ExecutorContext;
}

function inspectJson(config: Record<string, unknown> = {}, top: Record<string, unknown> = {}): string {
  return JSON.stringify([
    {
      Id: imageId,
      Os: 'linux',
      Architecture: 'amd64',
      Size: 190_000_000,
      Config: {
        User: 'node',
        ExposedPorts: { '8000/tcp': {} },
        Healthcheck: { Test: ['CMD', 'node', 'health.js'] },
        Cmd: ['node', 'main.js'],
        ...config,
      },
      ...top,
    },
  ]);
}

const MANIFEST: ImageManifest = {
  version: 2,
  project: 'catalogo-service',
  imageId,
  store: 'classic',
  configDigest: imageId,
  manifestDigest: null,
  provenance: false,
  sourceDateEpoch: null,
  tags: ['catalogo-service:1.0.0'],
  platform: 'linux/amd64',
  sizeBytes: 190_000_000,
  builder: 'buildkit',
  baseImage: { ref: 'node:24-bookworm-slim', id: null },
  builtAt: '',
  buildSeconds: 1,
  archive: null,
};

beforeEach(() => {
  jest.mocked(readImageManifest).mockReturnValue(MANIFEST);
  jest.mocked(ensureImage).mockResolvedValue({ imageId, source: 'daemon', retagged: [], inspect: null });
  jest.mocked(runDocker).mockResolvedValue({
    command: 'docker image inspect',
    exitCode: 0,
    stdout: inspectJson(),
    stderr: '',
    durationMs: 1,
    failed: false,
  });
  for (const level of ['info', 'warn', 'error'] as const)
    jest.spyOn(logger, level).mockImplementation(() => undefined);
});

afterEach(() => jest.resetAllMocks());

describe('smokeTestExecutor', () => {
  it('makes sure the image is there (cache hit), checks it, runs it and writes smoke.json', async () => {
    jest.mocked(runContainers).mockResolvedValue({
      checks: [{ check: 'healthy', status: 'passed', message: 'healthy in 1.0 s' }],
      healthy: true,
      timeToHealthyMs: 1000,
      stopMs: 200,
      logs: [],
    });
    const listeners = process.listenerCount('SIGINT');

    await expect(smokeTestExecutor({ labels: { 'ventas.test': '1' } }, fakeContext())).resolves.toEqual({
      success: true,
    });

    expect(ensureImage).toHaveBeenCalledWith('/ws', expect.objectContaining({ imageId }));
    expect(runDocker).toHaveBeenCalledWith(['image', 'inspect', imageId], { binary: undefined });
    expect(runContainers).toHaveBeenCalledWith(
      expect.objectContaining({ project: 'catalogo-service', port: 8000 }),
      { id: imageId, healthcheck: ['CMD', 'node', 'health.js'] },
      expect.objectContaining({
        labels: expect.objectContaining({ 'ventas.test': '1', 'ventas.smoke': expect.any(String) }),
      }),
    );
    expect(writeSmokeManifest).toHaveBeenCalledWith(
      '/ws',
      expect.objectContaining({
        passed: true,
        healthy: true,
        imageId,
        checks: expect.arrayContaining([expect.objectContaining({ check: 'platform', status: 'passed' })]),
        timings: expect.objectContaining({ timeToHealthyMs: 1000, stopMs: 200 }),
      }),
    );
    expect(process.listenerCount('SIGINT')).toBe(listeners);
    expect(logger.info).toHaveBeenLastCalledWith(
      expect.stringMatching(/^✔ catalogo-service smoke test passed/),
    );
  });

  it('never starts an image that fails a structure check, and reports every failure', async () => {
    jest.mocked(runDocker).mockResolvedValue({
      command: 'docker image inspect',
      exitCode: 0,
      stdout: inspectJson({ User: '' }, { Architecture: 'arm64', Variant: 'v8' }),
      stderr: '',
      durationMs: 1,
      failed: false,
    });

    await expect(smokeTestExecutor({}, fakeContext())).resolves.toEqual({ success: false });

    expect(runContainers).not.toHaveBeenCalled();
    expect(writeSmokeManifest).toHaveBeenCalledWith(
      '/ws',
      expect.objectContaining({
        passed: false,
        healthy: false,
        failure: expect.objectContaining({
          check: 'platform',
          message: expect.stringMatching(/exec format error/),
        }),
      }),
    );
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(/failed: platform, user[\s\S]*not started/),
    );
  });

  it('says in one line when the image comes from the cache: built when, at which commit', async () => {
    jest.mocked(runContainers).mockResolvedValue({
      checks: [],
      healthy: true,
      timeToHealthyMs: 1,
      stopMs: 1,
      logs: [],
    });
    jest.mocked(readImageManifest).mockReturnValue({
      ...MANIFEST,
      builtAt: '2026-11-29T10:00:00.000Z',
      commit: '1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d',
    });
    jest.mocked(ensureImage).mockResolvedValue({ imageId, source: 'archive', retagged: [], inspect: null });

    // docker-build was a cache hit: its task ran (restored) after the image was built.
    await smokeTestExecutor({}, nxRunContext('2026-11-29T12:00:00.000Z'));
    const lines = jest.mocked(logger.info).mock.calls.map(([line]) => String(line));
    expect(lines.filter((line) => line.startsWith('Using the cached image'))).toEqual([
      expect.stringMatching(
        /^Using the cached image catalogo-service:1\.0\.0 \(cccccccccccc\), not rebuilt in this run: built 2026-11-29 10:00 UTC \(.+\), at commit 1a2b3c4d5e6f; loaded from its archive\.$/,
      ),
    ]);

    // docker-build ran in this run and wrote the image.json: nothing to say.
    jest.mocked(logger.info).mockClear();
    await smokeTestExecutor({}, nxRunContext('2026-11-29T09:59:00.000Z'));
    expect(
      jest.mocked(logger.info).mock.calls.some(([line]) => String(line).startsWith('Using the cached')),
    ).toBe(false);
  });

  it('writes smoke.junit.xml: one case per check; a failure carries its message, hint and every log tail', async () => {
    jest.mocked(runContainers).mockResolvedValue({
      checks: [
        { check: 'sidecar db', status: 'passed', message: 'db ready in 1.2 s' },
        { check: 'healthy', status: 'passed', message: 'healthy in 1.0 s' },
        {
          check: 'endpoint GET /api/products',
          status: 'failed',
          message: 'GET /api/products: expected status 200, got 500.',
          hint: 'Read the logs.',
        },
        { check: 'stop', status: 'passed', message: 'stopped in 0.2 s with exit code 0' },
      ],
      healthy: true,
      timeToHealthyMs: 1000,
      stopMs: 200,
      logs: [
        {
          role: 'catalogo-service',
          name: 'smoke-x-app',
          text: 'Error: relation "products" does not exist <boom> & more\n',
        },
        { role: 'sidecar db', name: 'smoke-x-db', text: '' },
      ],
    });
    await expect(smokeTestExecutor({ logLines: 7 }, fakeContext())).resolves.toEqual({ success: false });

    const junit = writtenJUnit();
    expect(junit).toMatchObject({ name: 'smoke-test', tests: '10', failures: '1', skipped: '0' });
    const [suite] = junit.testsuite;
    expect(suite).toMatchObject({ name: 'smoke-test catalogo-service', tests: '10', failures: '1' });
    expect(suite.testcase.map((c: { name: string }) => c.name)).toEqual([
      'platform',
      'port',
      'healthcheck',
      'user',
      'size',
      'entrypoint',
      'sidecar db',
      'healthy',
      'endpoint GET /api/products',
      'stop',
    ]);
    const failed = suite.testcase.filter((c: { failure?: unknown }) => c.failure);
    expect(failed).toHaveLength(1);
    expect(failed[0].failure.message).toBe('GET /api/products: expected status 200, got 500.');
    expect(failed[0].failure['#text']).toBe(
      [
        'GET /api/products: expected status 200, got 500.\nHint: Read the logs.',
        '--- last 7 log lines of catalogo-service (smoke-x-app) ---\nError: relation "products" does not exist <boom> & more',
        '--- last 7 log lines of sidecar db (smoke-x-db) ---\n(no output)',
      ].join('\n\n'),
    );
    expect(suite.properties.property).toEqual(expect.arrayContaining([{ name: 'imageId', value: imageId }]));
  });

  it('smoke.junit.xml of an image never started: the failed structure checks, and the run skipped', async () => {
    jest.mocked(runDocker).mockResolvedValue({
      command: 'docker image inspect',
      exitCode: 0,
      stdout: inspectJson({ User: '' }),
      stderr: '',
      durationMs: 1,
      failed: false,
    });
    await smokeTestExecutor({}, fakeContext());
    const [suite] = writtenJUnit().testsuite;
    expect(suite).toMatchObject({ tests: '7', failures: '1', skipped: '1' });
    expect(suite.testcase.find((c: { name: string }) => c.name === 'user').failure.message).toMatch(/root/);
    expect(suite.testcase.at(-1)).toMatchObject({
      name: 'run',
      skipped: { message: expect.stringMatching(/not started/) },
    });
  });

  it('lets a missing image.json propagate with its hint', async () => {
    jest.mocked(readImageManifest).mockImplementation(() => {
      throw new Error(
        "No image manifest at dist/images/catalogo-service/image.json.\nHint: Did you run 'nx run catalogo-service:docker-build'?",
      );
    });
    await expect(smokeTestExecutor({}, fakeContext())).rejects.toThrow(/docker-build/);
    expect(writeSmokeManifest).not.toHaveBeenCalled();
  });
});
