import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runDocker } from '../../src/lib/docker/docker';
import { buildImage, engineStore, withoutBuildx } from '../support/engine';
import { parseImageInspect } from '../../src/lib/docker/inspect';
import { ensureImage } from '../../src/lib/results/ensure-image';
import { readImageManifest } from '../../src/lib/results/image-manifest';
import dockerBuildExecutor from '../../src/executors/docker-build/docker-build.impl';
import type { DockerBuildExecutorSchema } from '../../src/executors/docker-build/schema';
import { baseImageInput } from '../../src/lib/dockerfile/base-image-input';
import {
  fakeContext,
  imageIdOf,
  removeImages,
  scratchService,
  scratchServiceSuite,
  uniqueName,
  writeFiles,
} from './engine';

// Real engine, images FROM scratch (no base image needed). Every image carries ventas.test=1 and a
// unique repository; afterAll removes every tag and id this file made.
jest.setTimeout(180_000);

const repository = uniqueName();
const suite = scratchServiceSuite(repository);
const projects = { svc: 'apps/svc' };

async function build(
  extra: DockerBuildExecutorSchema = {},
  project = 'svc',
  target?: Parameters<typeof fakeContext>[3],
) {
  const result = await dockerBuildExecutor(
    suite.options(extra),
    fakeContext(suite.root, projects, project, target),
  );
  const manifestPath = join(suite.root, 'dist/images', project, 'image.json');
  if (existsSync(manifestPath)) {
    const manifest = readImageManifest(suite.root, project);
    suite.created.add(manifest.imageId);
    manifest.tags.forEach((t) => suite.created.add(t));
  }
  return result;
}

describe('docker-build against the real engine', () => {
  it('builds, labels, writes image.json and the archive, and prints one summary line', async () => {
    expect(await build({ archive: true })).toEqual({ success: true });
    const manifest = readImageManifest(suite.root, 'svc');
    expect(manifest).toMatchObject({
      version: 2,
      project: 'svc',
      tags: [`${repository}:latest`, `${repository}:v1.0.0`],
      platform: 'linux/amd64',
      baseImage: { ref: 'scratch', id: null },
      archive: 'image.tar.gz',
    });
    expect(['buildx', 'buildkit', 'legacy']).toContain(manifest.builder);
    expect(existsSync(join(suite.root, 'dist/images/svc/image.tar.gz'))).toBe(true);
    const facts = parseImageInspect((await runDocker(['image', 'inspect', `${repository}:v1.0.0`])).stdout);
    expect(facts.id).toBe(manifest.imageId);
    expect(facts.architecture).toBe('amd64');
    expect(facts.labels).toMatchObject({
      'ventas.test': '1',
      'org.opencontainers.image.title': 'svc',
      'org.opencontainers.image.version': '1.0.0',
    });
    expect(facts.healthcheck?.test).toEqual(['CMD', '/app/entrypoint.sh', 'health']);
    expect(facts.exposedPorts).toEqual(['8000/tcp']);
    const text = suite.output.join('');
    expect(text).toMatch(/\[svc\] builder: /);
    expect(text).toMatch(/\[svc\] (#\d|Step)/); // docker's own output, streamed with the prefix
    expect(suite.output.filter((l) => l.includes(' · tags '))).toHaveLength(1);
    expect(text).toMatch(
      new RegExp(
        `tags ${repository}:latest, ${repository}:v1.0.0 · [\\d.]+ k?B · linux/amd64 · \\w+ \\(.+\\) · [\\d.]+ s · built: no earlier image.json`,
      ),
    );
  });

  it('cache hit: the image is in the daemon → ensureImage uses it', async () => {
    expect(await build()).toEqual({ success: true });
    const manifest = readImageManifest(suite.root, 'svc');
    const ensured = await ensureImage(suite.root, manifest);
    expect(ensured).toMatchObject({ imageId: manifest.imageId, source: 'daemon', retagged: [] });
    // The one inspect it ran is handed on, so the executors do not ask again.
    expect(parseImageInspect(ensured.inspect ?? '[]').id).toBe(manifest.imageId);
  });

  it('cache hit after the image was removed: the archive is loaded and the tags point at it again', async () => {
    expect(await build({ archive: true })).toEqual({ success: true });
    const manifest = readImageManifest(suite.root, 'svc');
    await removeImages([...manifest.tags, manifest.imageId]);
    expect(await imageIdOf(manifest.imageId)).toBeNull();
    const ensured = await ensureImage(suite.root, manifest);
    expect(ensured.source).toBe('archive');
    expect(ensured.inspect).toBeNull();
    expect(await imageIdOf(`${repository}:latest`)).toBe(manifest.imageId);
    expect(await imageIdOf(`${repository}:v1.0.0`)).toBe(manifest.imageId);
  });

  it('cache hit after a tag was moved to another image: the tag is pointed back, never the stale image used', async () => {
    expect(await build()).toEqual({ success: true });
    const manifest = readImageManifest(suite.root, 'svc');
    writeFiles(suite.root, { 'apps/svc/app.txt': 'changed\n' });
    const other = await dockerBuildExecutor(
      suite.options({ tags: ['latest'] }),
      fakeContext(suite.root, projects, 'svc'),
    );
    expect(other.success).toBe(true);
    const otherManifest = readImageManifest(suite.root, 'svc');
    suite.created.add(otherManifest.imageId);
    expect(await imageIdOf(`${repository}:latest`)).toBe(otherManifest.imageId);
    const ensured = await ensureImage(suite.root, manifest);
    expect(ensured).toEqual({
      imageId: manifest.imageId,
      source: 'daemon',
      retagged: [`${repository}:latest`],
      inspect: null,
    });
    expect(await imageIdOf(`${repository}:latest`)).toBe(manifest.imageId);
  });

  it('cache hit after the image was removed without an archive: a clear error naming --skip-nx-cache', async () => {
    expect(await build()).toEqual({ success: true });
    const manifest = readImageManifest(suite.root, 'svc');
    await removeImages([...manifest.tags, manifest.imageId]);
    await expect(ensureImage(suite.root, manifest)).rejects.toThrow(
      /is not in the Docker daemon, and it was neither archived nor copied to a registry: nothing can restore it\.\nHint: Rebuild it: nx run svc:docker-build --skip-nx-cache/,
    );
  });

  it('the archive is gone too: the error says so', async () => {
    expect(await build({ archive: true })).toEqual({ success: true });
    const manifest = readImageManifest(suite.root, 'svc');
    await removeImages([...manifest.tags, manifest.imageId]);
    rmSync(join(suite.root, 'dist/images/svc/image.tar.gz'));
    await expect(ensureImage(suite.root, manifest)).rejects.toThrow(
      /its archive dist\/images\/svc\/image.tar.gz is missing and it has no registry copy[\s\S]*--skip-nx-cache/,
    );
  });

  it('the legacy builder works too and says it is the legacy one', async () => {
    expect(await withoutBuildx(() => build({ dockerBinary: '/usr/local/bin/docker' }))).toEqual({
      success: true,
    });
    expect(readImageManifest(suite.root, 'svc').builder).toBe('legacy');
    expect(suite.output.join('')).toMatch(/deprecated legacy builder/);
  });

  it('a failing docker build returns success: false and leaves no image.json', async () => {
    writeFiles(suite.root, {
      'apps/svc/Dockerfile': readFileSync(join(suite.root, 'apps/svc/Dockerfile'), 'utf8').replace(
        'COPY app.txt',
        'COPY missing.txt',
      ),
    });
    expect(await build()).toEqual({ success: false });
    expect(existsSync(join(suite.root, 'dist/images/svc/image.json'))).toBe(false);
    expect(suite.output.join('')).toMatch(/docker failed with exit code 1[\s\S]*missing\.txt/);
  });

  it('the platform of the built image is checked after the build', async () => {
    // The legacy builder builds FROM a local arm64 image even when asked for linux/amd64.
    const armBase = `${repository}-armbase:latest`;
    suite.created.add(armBase);
    writeFiles(suite.root, { 'base/Dockerfile': 'FROM scratch\nCOPY f /f\n', 'base/f': 'f\n' });
    await buildImage({
      context: join(suite.root, 'base'),
      tag: armBase,
      platform: 'linux/arm64',
      labels: ['ventas.test=1'],
    });
    // No WORKDIR: the legacy builder refuses a step container on the foreign layer, but copies onto it.
    const dockerfile = [
      `FROM ${armBase}`,
      'COPY app.txt /app/app.txt',
      'COPY entrypoint.sh /app/entrypoint.sh',
      'EXPOSE 8000',
      'HEALTHCHECK CMD ["/app/entrypoint.sh", "health"]',
      'CMD ["/app/entrypoint.sh"]',
    ].join('\n');
    writeFiles(suite.root, { 'apps/svc/Dockerfile': dockerfile });
    // The 28.x client without its buildx plugin falls back to the legacy builder, on either engine leg.
    const result = await withoutBuildx(() =>
      dockerBuildExecutor(
        suite.options({ dockerBinary: '/usr/local/bin/docker', tags: ['arm'] }),
        fakeContext(suite.root, projects, 'svc'),
      ),
    );
    suite.created.add(`${repository}:arm`);
    expect(result).toEqual({ success: false });
    if ((await engineStore()) === 'classic') {
      expect(suite.output.join('')).toMatch(
        /is linux\/arm64, not linux\/amd64: it would fail with "exec format error"/,
      );
    } else {
      // The containerd store (modern leg) resolves FROM for the platform asked: no linux/amd64 image, no build.
      expect(suite.output.join('')).toMatch(/The image was not built; no image.json was written/);
    }
    expect(existsSync(join(suite.root, 'dist/images/svc/image.json'))).toBe(false);
  });
});

describe('each failing check stops the build before Docker runs', () => {
  const dockerfile = (edit: (lines: string[]) => string[]) =>
    edit((scratchService('x')['x/Dockerfile'] as string).split('\n')).join('\n');

  it.each<[string, () => void, DockerBuildExecutorSchema, RegExp]>([
    [
      'missing Dockerfile',
      () => rmSync(join(suite.root, 'apps/svc/Dockerfile')),
      {},
      /\[paths\] The Dockerfile apps\/svc\/Dockerfile does not exist/,
    ],
    [
      'missing context',
      () => undefined,
      { context: 'apps/nope' },
      /\[paths\] The build context apps\/nope does not exist/,
    ],
    [
      'entrypoint without exec bit ("permission denied")',
      () => writeFiles(suite.root, { 'apps/svc/entrypoint.sh': { text: '#!/bin/sh\n', mode: 0o644 } }),
      {},
      /\[exec-bit\] apps\/svc\/Dockerfile:7 runs \/app\/entrypoint.sh as CMD, copied from apps\/svc\/entrypoint.sh \(line 4\)[\s\S]*Fix: chmod \+x apps\/svc\/entrypoint.sh/,
    ],
    [
      'EXPOSE mismatch ("port mismatch")',
      () => undefined,
      { port: 8080 },
      /\[expose\] apps\/svc\/Dockerfile:5 has EXPOSE 8000, but the service listens on 8080[\s\S]*Fix: Change line 5/,
    ],
    [
      'no HEALTHCHECK',
      () =>
        writeFiles(suite.root, {
          'apps/svc/Dockerfile': dockerfile((l) => l.filter((x) => !x.startsWith('HEALTHCHECK'))),
        }),
      {},
      /\[healthcheck\] apps\/svc\/Dockerfile has no HEALTHCHECK in its final stage \(line 1\)/,
    ],
    [
      'secret-named ENV',
      () =>
        writeFiles(suite.root, {
          'apps/svc/Dockerfile': dockerfile((l) => [...l.slice(0, 2), 'ENV API_TOKEN=abc', ...l.slice(2)]),
        }),
      {},
      /\[secrets\] apps\/svc\/Dockerfile:3 declares ENV API_TOKEN/,
    ],
    [
      'FROM --platform of another platform',
      () =>
        writeFiles(suite.root, {
          'apps/svc/Dockerfile': dockerfile((l) => ['FROM --platform=linux/arm64 scratch', ...l.slice(1)]),
        }),
      {},
      /\[platform\] apps\/svc\/Dockerfile:1 builds FROM --platform=linux\/arm64, but the target platform is linux\/amd64/,
    ],
  ])('%s', async (_name, arrange, extra, message) => {
    arrange();
    const before = await runDocker(['image', 'ls', '--quiet', '--filter', `reference=${repository}`]);
    expect(await build(extra)).toEqual({ success: false });
    const text = suite.output.join('\n');
    expect(text).toMatch(message);
    expect(text).toMatch(/docker did not run/);
    expect(text).not.toMatch(/builder:/);
    expect((await runDocker(['image', 'ls', '--quiet', '--filter', `reference=${repository}`])).stdout).toBe(
      before.stdout,
    );
  });

  it('a cached target whose inputs do not hash its base image', async () => {
    writeFiles(suite.root, {
      'apps/svc/Dockerfile': dockerfile((l) => ['FROM busybox:1.36', ...l.slice(1)]),
    });
    const target = { name: 'docker-build', cache: true, inputs: ['production'] };
    expect(await build({}, 'svc', target)).toEqual({ success: false });
    const text = suite.output.join('\n');
    expect(text).toMatch(
      /\[base-image-input\] apps\/svc\/Dockerfile:1 builds FROM busybox:1.36, but no input of svc:docker-build tracks that image's id/,
    );
    expect(text).toContain(
      `Fix: Add to "inputs" of docker-build in apps/svc/project.json: ${JSON.stringify(baseImageInput(['busybox:1.36']))}`,
    );
    expect(text).toMatch(/docker did not run/);
    // The same target with the input passes the check (and fails later, in Docker: busybox is not here).
    suite.output.length = 0; // from here on, only the second build's output
    const tracked = { ...target, inputs: ['production', baseImageInput(['busybox:1.36'])] };
    await build({}, 'svc', tracked);
    expect(suite.output.join('\n')).not.toMatch(/base-image-input/);
  });
});
