import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ImageStore } from '../builder/detect-builder';
import { NxDockerError } from '../errors';

/**
 * `dist/images/<project>/image.json`: what docker-build made, written for the later executors and
 * for people. Versioned, with this module as its one reader and writer.
 */
export const IMAGE_MANIFEST_VERSION = 2;

export interface ImageManifest {
  version: typeof IMAGE_MANIFEST_VERSION;
  project: string;
  /**
   * The daemon's content-addressed id (`sha256:…`): what later executors trust, never a tag. On the classic
   * store it is the config digest; on the containerd store, the digest of the manifest (or index) it holds.
   */
  imageId: string;
  /** The image store of the engine that built it. */
  store: ImageStore;
  /** Digest of the image config: the same for the same image on either store. null when the engine did not say. */
  configDigest: string | null;
  /**
   * Digest of the manifest (or index) the daemon holds, which a push keeps: the containerd store's id. null on
   * the classic store, which makes a manifest only when pushing.
   */
  manifestDigest: string | null;
  /** Whether the image carries a provenance attestation (then the manifest digest is an index's). */
  provenance: boolean;
  /** SOURCE_DATE_EPOCH of a reproducible build, or null when the build was not made reproducible. */
  sourceDateEpoch: string | null;
  tags: string[];
  /** `os/architecture` as the image reports it, e.g. `linux/amd64`. */
  platform: string;
  sizeBytes: number;
  builder: 'buildx' | 'buildkit' | 'legacy';
  baseImage: { ref: string; id: string | null };
  builtAt: string;
  buildSeconds: number;
  /** File name beside image.json of the `docker save | gzip` archive, when `archive: true`. */
  archive: string | null;
}

export function imageOutputDir(workspaceRoot: string, project: string): string {
  return join(workspaceRoot, 'dist', 'images', project);
}

export function imageManifestPath(workspaceRoot: string, project: string): string {
  return join(imageOutputDir(workspaceRoot, project), 'image.json');
}

export function readImageManifest(workspaceRoot: string, project: string): ImageManifest {
  const path = imageManifestPath(workspaceRoot, project);
  if (!existsSync(path)) {
    throw new NxDockerError(`No image manifest at ${relativeToRoot(workspaceRoot, path)}.`, {
      hint: `Did you run 'nx run ${project}:docker-build'?`,
    });
  }
  let parsed: Partial<ImageManifest>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new NxDockerError(`The image manifest ${relativeToRoot(workspaceRoot, path)} is not valid JSON.`, {
      hint: `Rebuild it: nx run ${project}:docker-build --skip-nx-cache`,
      cause,
    });
  }
  if (parsed.version !== IMAGE_MANIFEST_VERSION) {
    throw new NxDockerError(
      `The image manifest ${relativeToRoot(workspaceRoot, path)} has version ${String(parsed.version)}; this plugin reads version ${IMAGE_MANIFEST_VERSION}.`,
      { hint: `Rebuild it: nx run ${project}:docker-build --skip-nx-cache` },
    );
  }
  if (typeof parsed.imageId !== 'string' || !Array.isArray(parsed.tags)) {
    throw new NxDockerError(
      `The image manifest ${relativeToRoot(workspaceRoot, path)} has no imageId or tags.`,
      {
        hint: `Rebuild it: nx run ${project}:docker-build --skip-nx-cache`,
      },
    );
  }
  return parsed as ImageManifest;
}

/** Writes atomically (temp file + rename): a reader never sees half a manifest. */
export function writeImageManifest(workspaceRoot: string, manifest: ImageManifest): string {
  return writeJsonAtomic(imageManifestPath(workspaceRoot, manifest.project), manifest);
}

export function writeJsonAtomic(path: string, value: unknown): string {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temp, path);
  return path;
}

function relativeToRoot(workspaceRoot: string, path: string): string {
  return path.startsWith(workspaceRoot) ? path.slice(workspaceRoot.length + 1) : path;
}
