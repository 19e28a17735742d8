import type { ExecutorContext } from '@nx/devkit';
import { logger } from '@nx/devkit';
import { runDocker } from '../../lib/docker/docker';
import { ensureImage } from '../../lib/image-manifest/ensure-image';
import { readImageManifest } from '../../lib/image-manifest/image-manifest';
import { writeSmokeManifest } from '../../lib/report/smoke-manifest';
import { runContainers } from './lib/runtime';
import smokeTestExecutor from './smoke-test.impl';

jest.mock('../../lib/docker/docker');
jest.mock('../../lib/image-manifest/ensure-image');
jest.mock('../../lib/image-manifest/image-manifest');
jest.mock('../../lib/report/smoke-manifest');
jest.mock('./lib/runtime');

const imageId = 'sha256:' + 'c'.repeat(64);

function fakeContext(): ExecutorContext {
  return { root: '/ws', cwd: '/ws', projectName: 'catalogo-service', isVerbose: false } as ExecutorContext;
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

beforeEach(() => {
  jest.mocked(readImageManifest).mockReturnValue({
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
  });
  jest.mocked(ensureImage).mockResolvedValue({ imageId, source: 'daemon', retagged: [] });
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
      imageId,
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
