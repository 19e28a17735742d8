import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runDocker } from '../docker/docker';
import { imageIdOf, shortId } from '../docker/image-id';
import { NxDockerError } from '../errors';
import type { ImageManifest } from './image-manifest';
import { pullRegistryCopy } from '../registry/registry-copy';
import { imageOutputDir, relativeToRoot } from './result-file';

export type ImageSource = 'daemon' | 'archive' | 'registry';

export interface EnsuredImage {
  imageId: string;
  source: ImageSource;
  /** Tags that pointed elsewhere (or nowhere) and now point at the manifest's image. */
  retagged: string[];
  /**
   * `docker image inspect` of the image as the one call of the usual case read it (a JSON array whose first
   * element is the image), so the caller need not ask again; null when the image was restored or retagged.
   */
  inspect: string | null;
}

export interface EnsureImageOptions {
  streamPrefix?: string;
  /** Where the restore line goes; by default stdout, prefixed with `[<project>]`. */
  log?: (line: string) => void;
}

/**
 * The one "make sure the image in image.json is in the daemon" used by every executor after
 * docker-build, so that an Nx cache hit never tests or pushes a stale image that carries the same tag.
 * present → use it; absent → `docker load` its archive, else pull its registry copy by digest (checked to be
 * the same image); neither → a clear error. Tags are then pointed at the manifest's image id, and a restore
 * prints one line: image, source and time.
 */
export async function ensureImage(
  workspaceRoot: string,
  manifest: ImageManifest,
  options: EnsureImageOptions = {},
): Promise<EnsuredImage> {
  const started = performance.now();
  // The usual case in one docker call: the image and every tag already point where image.json says.
  const inspect = await inspectIfAllPointAt(manifest.imageId, [manifest.imageId, ...manifest.tags]);
  if (inspect !== null) return { imageId: manifest.imageId, source: 'daemon', retagged: [], inspect };
  let source: ImageSource = 'daemon';
  let from: string | null = null;
  if ((await imageIdOf(manifest.imageId)) === null) {
    ({ source, from } = await restoreImage(workspaceRoot, manifest, options));
  }
  // One inspect per tag, at once: a restore is timed against a plain docker load.
  const stale = await Promise.all(
    manifest.tags.map(async (tag) => ((await imageIdOf(tag)) === manifest.imageId ? null : tag)),
  );
  const retagged = stale.filter((tag): tag is string => tag !== null);
  for (const tag of retagged) await runDocker(['tag', manifest.imageId, tag]);
  if (from !== null) {
    const log = options.log ?? ((line: string) => process.stdout.write(`[${manifest.project}] ${line}\n`));
    log(
      `restored ${manifest.tags[0] ?? 'untagged'} (${shortId(manifest.imageId)}) from ${from} in ${((performance.now() - started) / 1000).toFixed(2)} s`,
    );
  }
  return { imageId: manifest.imageId, source, retagged, inspect: null };
}

/** One `docker image inspect` of every ref: its JSON only when each exists and is `imageId`, else null. */
async function inspectIfAllPointAt(imageId: string, refs: string[]): Promise<string | null> {
  const result = await runDocker(['image', 'inspect', ...refs], { reject: false });
  if (result.failed) return null;
  let images: unknown;
  try {
    images = JSON.parse(result.stdout);
  } catch {
    return null;
  }
  const ids = Array.isArray(images) ? images.map((image) => (image as { Id?: unknown } | null)?.Id) : [];
  return ids.length === refs.length && ids.every((id) => id === imageId) ? result.stdout : null;
}

/** The archive beside image.json when it is there, else the registry copy; neither is a clear error. */
async function restoreImage(
  workspaceRoot: string,
  manifest: ImageManifest,
  options: EnsureImageOptions,
): Promise<{ source: ImageSource; from: string }> {
  const archivePath = manifest.archive
    ? join(imageOutputDir(workspaceRoot, manifest.project), manifest.archive)
    : null;
  if (archivePath && existsSync(archivePath)) {
    await runDocker(['load', '--input', archivePath], { streamPrefix: options.streamPrefix });
    if ((await imageIdOf(manifest.imageId)) === null) {
      throw new NxDockerError(
        `Loading ${archivePath} did not restore image ${shortId(manifest.imageId)} of ${manifest.project}.`,
        {
          hint: `The archive does not match image.json. Rebuild: nx run ${manifest.project}:docker-build --skip-nx-cache`,
        },
      );
    }
    return { source: 'archive', from: relativeToRoot(workspaceRoot, archivePath) };
  }
  if (manifest.registryCopy) {
    await pullRegistryCopy(manifest.registryCopy, manifest);
    return { source: 'registry', from: manifest.registryCopy.ref };
  }
  const missing = manifest.archive
    ? `its archive ${relativeToRoot(workspaceRoot, archivePath as string)} is missing and it has no registry copy`
    : 'it was neither archived nor copied to a registry';
  throw new NxDockerError(
    `The image ${shortId(manifest.imageId)} of ${manifest.project} (${manifest.tags[0] ?? 'untagged'}) is not in the Docker daemon, and ${missing}: nothing can restore it.`,
    {
      hint: `Rebuild it: nx run ${manifest.project}:docker-build --skip-nx-cache. So that cache hits on other runners restore it, set "cacheRegistry" (a registry kept as a cache, e.g. the push target) or "archive": true on its docker-build target.`,
    },
  );
}
