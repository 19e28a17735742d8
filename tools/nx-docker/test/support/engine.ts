import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BuilderChoice, ImageStore } from '../../src/lib/builder/detect-builder';
import { resolveBuilder } from '../../src/lib/builder/probe-builder';
import { runDocker } from '../../src/lib/docker/docker';
import { inspectImage } from '../../src/lib/docker/inspect-image';
import { imageIdentity, parseBuildMetadata } from '../../src/executors/docker-build/lib/image-identity';
import { IMAGE_MANIFEST_VERSION, ImageManifest } from '../../src/lib/results/image-manifest';
import { imageIdOf } from '../../src/lib/docker/image-id';

/** The engine leg tmp/services/engine.env names (docker-engine.sh writes it; jest loads it). */
export const ENGINE_LEG = process.env['VENTAS_ENGINE'] ?? 'unknown';

/**
 * The engine the tests run on (the leg tmp/services/engine.env names: modern or legacy), as the plugin sees it.
 * Tests that need an engine feature ask here and say which leg has it.
 */
export function testEngine(): Promise<BuilderChoice> {
  return resolveBuilder(process.env['NX_DOCKER_BINARY']?.trim() || null, resolve(__dirname, '../../../..'));
}

export async function engineStore(): Promise<ImageStore> {
  return (await testEngine()).engine.store;
}

/**
 * `docker build` of one single-platform image without attestations (what docker-build makes), with the
 * engine's BuildKit when `platform` is not the host's: the legacy builder cannot build for another one.
 * Returns the image id and, where the engine says it, the config digest (buildx's metadata on the
 * containerd store; the image id on the classic store).
 */
export async function buildImage(input: {
  context: string;
  tag: string;
  dockerfile?: string;
  platform?: string;
  labels?: string[];
  /** buildx on the containerd store: an index with a provenance attestation entry, as buildx makes by default. */
  provenance?: boolean;
}): Promise<{ imageId: string; configDigest: string | null }> {
  const engine = await testEngine();
  if (input.platform && input.platform !== 'linux/amd64' && engine.kind === 'legacy') {
    throw new Error(
      `Building for ${input.platform} needs BuildKit; this engine offers only the legacy builder.`,
    );
  }
  const scratch = mkdtempSync(join(tmpdir(), 'test-build-'));
  const metadataFile = join(scratch, 'metadata.json');
  try {
    const head =
      engine.kind === 'buildx'
        ? [
            'buildx',
            'build',
            '--load',
            `--provenance=${input.provenance ? 'mode=min' : 'false'}`,
            '--sbom=false',
          ].concat(['--metadata-file', metadataFile])
        : ['build'];
    await runDocker(
      [
        ...head,
        '--quiet',
        ...(input.platform ? ['--platform', input.platform] : []),
        ...(input.dockerfile ? ['--file', input.dockerfile] : []),
        ...(input.labels ?? []).flatMap((label) => ['--label', label]),
        '--tag',
        input.tag,
        input.context,
      ],
      { binary: engine.binary, env: { DOCKER_BUILDKIT: engine.kind === 'legacy' ? '0' : '1' } },
    );
    const imageId = await imageIdOf(input.tag);
    if (!imageId) throw new Error(`docker build --tag ${input.tag} made no image of that tag.`);
    const metadata = existsSync(metadataFile) ? parseBuildMetadata(readFileSync(metadataFile, 'utf8')) : null;
    return { imageId, configDigest: imageIdentity(engine.engine.store, imageId, metadata).configDigest };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The image.json docker-build would write for an image already in the daemon. */
export async function manifestOfImage(
  project: string,
  ref: string,
  fields: Partial<ImageManifest> = {},
): Promise<ImageManifest> {
  const engine = await testEngine();
  const facts = await inspectImage(ref, engine.engine.store);
  return {
    version: IMAGE_MANIFEST_VERSION,
    project,
    imageId: facts.id,
    store: engine.engine.store,
    ...imageIdentity(engine.engine.store, facts.id, null),
    provenance: false,
    sourceDateEpoch: null,
    tags: [ref],
    platform: facts.platform,
    sizeBytes: facts.sizeBytes,
    builder: engine.kind,
    baseImage: { ref: 'scratch', id: null },
    builtAt: new Date().toISOString(),
    buildSeconds: 0,
    archive: null,
    ...fields,
  };
}

/**
 * Runs `fn` with an empty DOCKER_CONFIG, so a 23+ client finds no buildx plugin and falls back to the legacy
 * builder (on the modern leg buildx is found through DOCKER_CONFIG/cli-plugins).
 */
export async function withoutBuildx<T>(fn: () => Promise<T>): Promise<T> {
  const emptyConfig = mkdtempSync(join(tmpdir(), 'docker-config-'));
  const saved = process.env['DOCKER_CONFIG'];
  process.env['DOCKER_CONFIG'] = emptyConfig;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env['DOCKER_CONFIG'];
    else process.env['DOCKER_CONFIG'] = saved;
    rmSync(emptyConfig, { recursive: true, force: true });
  }
}
