import dockerBuildExecutor from '../../src/executors/docker-build/docker-build.impl';
import type { DockerBuildExecutorSchema } from '../../src/executors/docker-build/schema';
import { ensureImage } from '../../src/lib/results/ensure-image';
import { readImageManifest, writeImageManifest } from '../../src/lib/results/image-manifest';
import { fakeContext, imageIdOf, removeImages, scratchServiceSuite, uniqueName } from './engine';
import { deleteRegistryManifests } from './registry';

/**
 * What a cache hit does when the daemon lacks the image (another runner, a pruned daemon): ensureImage loads
 * the archive, else pulls the registry copy docker-build pushed (`cacheRegistry`) by digest, checks it is the
 * same image and tags it, and prints one line (image, source, time). Real engine and the test registry
 * (tmp/services/registry.env); images FROM scratch, every one removed at the end, the registry's copies too.
 */
jest.setTimeout(180_000);

const host = process.env['REGISTRY_HOST'];
const repository = uniqueName();
const namespace = uniqueName('nx-docker-cache');
const suite = scratchServiceSuite(repository);
const copies: string[] = [];

async function build(extra: DockerBuildExecutorSchema) {
  const result = await dockerBuildExecutor(
    suite.options(extra),
    fakeContext(suite.root, { svc: 'apps/svc' }, 'svc'),
  );
  expect(result).toEqual({ success: true });
  const manifest = readImageManifest(suite.root, 'svc');
  suite.created.add(manifest.imageId);
  manifest.tags.forEach((tag) => suite.created.add(tag));
  if (manifest.registryCopy) {
    copies.push(manifest.registryCopy.ref);
    suite.created.add(manifest.registryCopy.ref);
  }
  return manifest;
}

const restoreLines = () => suite.output.join('\n').match(/^\[svc\] restored .*$/gm) ?? [];

beforeAll(() => {
  if (!host) throw new Error('REGISTRY_HOST is not set: run `bash tools/scripts/registry.sh start` first.');
});

afterAll(async () => {
  await deleteRegistryManifests(copies);
});

describe('restoring the image of a cache hit', () => {
  it('from its archive: docker load, the tags, and one line naming the image, the archive and the time', async () => {
    const manifest = await build({ archive: true });
    await removeImages([...manifest.tags, manifest.imageId]);
    expect(await ensureImage(suite.root, manifest)).toMatchObject({ source: 'archive' });
    expect(await imageIdOf(`${repository}:v1.0.0`)).toBe(manifest.imageId);
    expect(restoreLines()).toEqual([
      expect.stringMatching(
        new RegExp(
          `^\\[svc\\] restored ${repository}:latest \\([0-9a-f]{12}\\) from dist/images/svc/image\\.tar\\.gz in \\d+\\.\\d\\d s$`,
        ),
      ),
    ]);
  });

  it('from the registry copy: pulled by digest, the same image, tagged, one line; a present image prints none', async () => {
    const manifest = await build({
      cacheRegistry: `${host}/${namespace}`,
      cacheRegistryUsernameEnv: 'REGISTRY_USER',
      cacheRegistryPasswordEnv: 'REGISTRY_PASSWORD',
    });
    expect(manifest.registryCopy).toEqual({
      ref: expect.stringMatching(new RegExp(`^${host}/${namespace}/${repository}@sha256:[0-9a-f]{64}$`)),
      credentials: { usernameEnv: 'REGISTRY_USER', passwordEnv: 'REGISTRY_PASSWORD' },
    });
    // The copy tag was only the way to push: the daemon keeps the build's own tags.
    expect(
      await imageIdOf(`${host}/${namespace}/${repository}:${manifest.imageId.replace(':', '-')}`),
    ).toBeNull();

    await removeImages([...manifest.tags, manifest.imageId]);
    expect(await imageIdOf(manifest.imageId)).toBeNull();
    const ensured = await ensureImage(suite.root, manifest);
    expect(ensured).toEqual({
      imageId: manifest.imageId,
      source: 'registry',
      retagged: manifest.tags,
      inspect: null,
    });
    expect(await imageIdOf(`${repository}:latest`)).toBe(manifest.imageId);
    expect(await imageIdOf(`${repository}:v1.0.0`)).toBe(manifest.imageId);
    expect(restoreLines()).toEqual([
      `[svc] restored ${repository}:latest (${manifest.imageId.slice(7, 19)}) from ${manifest.registryCopy?.ref} in ${/in (\d+\.\d\d s)$/.exec(restoreLines()[0] ?? '')?.[1]}`,
    ]);

    expect(await ensureImage(suite.root, manifest)).toMatchObject({ source: 'daemon', retagged: [] });
    expect(restoreLines()).toHaveLength(1);
  });

  it('a registry copy that is another image is refused and removed, never tagged', async () => {
    const manifest = await build({
      cacheRegistry: `${host}/${namespace}`,
      cacheRegistryUsernameEnv: 'REGISTRY_USER',
      cacheRegistryPasswordEnv: 'REGISTRY_PASSWORD',
    });
    const other = `sha256:${'0'.repeat(64)}`;
    writeImageManifest(suite.root, { ...manifest, imageId: other });
    await removeImages([...manifest.tags, manifest.imageId]);
    await expect(ensureImage(suite.root, readImageManifest(suite.root, 'svc'))).rejects.toThrow(
      new RegExp(
        `The registry copy ${host}/${namespace}/${repository}@sha256:[0-9a-f]{64} of svc is image [0-9a-f]{12}, not 000000000000 as image.json says\\.`,
      ),
    );
    expect(await imageIdOf(manifest.registryCopy?.ref as string)).toBeNull();
    expect(await imageIdOf(`${repository}:latest`)).toBeNull();
  });

  it('neither archive nor registry copy: an error naming the project, the image and the fix', async () => {
    const manifest = await build({});
    await removeImages([...manifest.tags, manifest.imageId]);
    await expect(ensureImage(suite.root, manifest)).rejects.toThrow(
      `The image ${manifest.imageId.slice(7, 19)} of svc (${repository}:latest) is not in the Docker daemon, and it was neither archived nor copied to a registry: nothing can restore it.\nHint: Rebuild it: nx run svc:docker-build --skip-nx-cache. So that cache hits on other runners restore it, set "cacheRegistry"`,
    );
  });
});
