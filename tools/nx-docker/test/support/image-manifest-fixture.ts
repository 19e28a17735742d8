import { IMAGE_MANIFEST_VERSION, ImageManifest } from '../../src/lib/results/image-manifest';

/**
 * image.json as docker-build writes it on the classic store (imageId = configDigest), for specs: override the
 * fields a case is about. The image id defaults to a fixed `sha256:aaaa…`.
 */
export function imageManifestFixture(fields: Partial<ImageManifest> = {}): ImageManifest {
  const imageId = fields.imageId ?? `sha256:${'a'.repeat(64)}`;
  const project = fields.project ?? 'orders';
  return {
    version: IMAGE_MANIFEST_VERSION,
    project,
    imageId,
    store: 'classic',
    configDigest: imageId,
    manifestDigest: null,
    provenance: false,
    sourceDateEpoch: null,
    tags: [`${project}:latest`],
    platform: 'linux/amd64',
    sizeBytes: 1,
    builder: 'buildx',
    baseImage: { ref: 'node:24', id: null },
    builtAt: '2026-11-29T10:00:00.000Z',
    buildSeconds: 1,
    archive: null,
    ...fields,
  };
}
