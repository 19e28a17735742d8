import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runDocker } from '../docker/docker';
import { NxDockerError } from '../errors';
import { ImageManifest, imageOutputDir } from './image-manifest';

export type ImageSource = 'daemon' | 'archive';

export interface EnsuredImage {
  imageId: string;
  source: ImageSource;
  /** Tags that pointed elsewhere (or nowhere) and now point at the manifest's image. */
  retagged: string[];
}

/**
 * The one "make sure the image in image.json is in the daemon" used by every executor after
 * docker-build, so that an Nx cache hit never tests or pushes a stale image that carries the same tag.
 * present → use it; absent but archived → `docker load`; absent otherwise → a clear error.
 * Tags are then pointed at the manifest's image id.
 */
export async function ensureImage(
  workspaceRoot: string,
  manifest: ImageManifest,
  options: { streamPrefix?: string } = {},
): Promise<EnsuredImage> {
  let source: ImageSource = 'daemon';
  if (!(await imageExists(manifest.imageId))) {
    const archivePath = manifest.archive
      ? join(imageOutputDir(workspaceRoot, manifest.project), manifest.archive)
      : null;
    if (!archivePath || !existsSync(archivePath)) {
      throw new NxDockerError(
        `The image ${shortId(manifest.imageId)} of ${manifest.project} (${manifest.tags[0] ?? 'untagged'}) is not in the Docker daemon${manifest.archive ? `, and its archive ${manifest.archive} is missing` : ' and was not archived'}.`,
        {
          hint: `Rebuild it: nx run ${manifest.project}:docker-build --skip-nx-cache (or set "archive": true so cache hits can restore it).`,
        },
      );
    }
    await runDocker(['load', '--input', archivePath], { streamPrefix: options.streamPrefix });
    if (!(await imageExists(manifest.imageId))) {
      throw new NxDockerError(
        `Loading ${archivePath} did not restore image ${shortId(manifest.imageId)} of ${manifest.project}.`,
        {
          hint: `The archive does not match image.json. Rebuild: nx run ${manifest.project}:docker-build --skip-nx-cache`,
        },
      );
    }
    source = 'archive';
  }
  const retagged: string[] = [];
  for (const tag of manifest.tags) {
    const current = await runDocker(['image', 'inspect', '--format', '{{.Id}}', tag], { reject: false });
    if (current.failed || current.stdout.trim() !== manifest.imageId) {
      await runDocker(['tag', manifest.imageId, tag]);
      retagged.push(tag);
    }
  }
  return { imageId: manifest.imageId, source, retagged };
}

export async function imageExists(ref: string): Promise<boolean> {
  const result = await runDocker(['image', 'inspect', '--format', '{{.Id}}', ref], { reject: false });
  return !result.failed;
}

export function shortId(imageId: string): string {
  return imageId.replace(/^sha256:/, '').slice(0, 12);
}
