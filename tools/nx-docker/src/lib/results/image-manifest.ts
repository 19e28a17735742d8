import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageStore } from '../builder/detect-builder';
import { shortId } from '../docker/image-id';
import { NxDockerError } from '../errors';
import type { RegistryCopy } from '../registry/registry-copy';
import { imageOutputDir, readVersionedJson, relativeToRoot, writeJsonAtomic } from './result-file';

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
  /**
   * The git commit (HEAD) the image was built from; null outside a git checkout. Optional: image.json files
   * written before it was recorded lack it (read as unknown).
   */
  commit?: string | null;
  /**
   * What the build's inputs hashed to, so that the next build can say what changed. Optional, like `commit`;
   * null when docker-build ran outside an Nx task graph.
   */
  inputs?: ImageInputs | null;
  /**
   * A copy of the image in a registry, pulled by digest when a cache hit finds the image missing and no archive
   * (docker-build's `cacheRegistry`). Optional, like `commit`; null or absent when none was pushed.
   */
  registryCopy?: RegistryCopy | null;
}

/** The inputs of one docker-build task as Nx hashed them, plus the two digests Nx does not keep apart. */
export interface ImageInputs {
  /** Nx's hash of the docker-build task (the cache key). */
  taskHash: string;
  /** Nx's hash of the task's command: project, target, configuration and command-line overrides. */
  command: string;
  /**
   * Nx's hash of each input (the task's hashDetails.nodes), keyed as Nx names them: `<project>:<globs>` (a
   * project's files), `<project>:ProjectConfiguration`, `<project>:TsConfig`, `workspace:[<globs>]`,
   * `runtime:<command>`, `env:<NAME>`, `AllExternalDependencies`, `<glob>:<files>` (outputs of dependencies).
   */
  nodes: Record<string, string>;
  /** The Dockerfile and its sha256: Nx hashes it as one of the project's files. */
  dockerfile: { path: string; sha256: string };
  /** sha256 (16 hex digits) of each option as Nx passed it: project.json, targetDefaults, command line. */
  options: Record<string, string>;
}

export function imageManifestPath(workspaceRoot: string, project: string): string {
  return join(imageOutputDir(workspaceRoot, project), 'image.json');
}

export function readImageManifest(workspaceRoot: string, project: string): ImageManifest {
  const path = imageManifestPath(workspaceRoot, project);
  const rewrite = `nx run ${project}:docker-build --skip-nx-cache`;
  const parsed = readVersionedJson<ImageManifest>({
    workspaceRoot,
    path,
    version: IMAGE_MANIFEST_VERSION,
    rewrite,
  });
  if (parsed === null) {
    throw new NxDockerError(`No image manifest at ${relativeToRoot(workspaceRoot, path)}.`, {
      hint: `Did you run 'nx run ${project}:docker-build'?`,
    });
  }
  if (typeof parsed.imageId !== 'string' || !Array.isArray(parsed.tags)) {
    throw new NxDockerError(`${relativeToRoot(workspaceRoot, path)} has no imageId or tags.`, {
      hint: `Write it again: ${rewrite}`,
    });
  }
  const { inputs, registryCopy, ...rest } = parsed as ImageManifest;
  // The optional fields are for people and the next build's summary: a malformed one is dropped, not fatal.
  return {
    ...(rest as ImageManifest),
    ...(inputs === undefined ? {} : { inputs: parseImageInputs(inputs) }),
    ...(registryCopy === undefined ? {} : { registryCopy: parseRegistryCopy(registryCopy) }),
  };
}

/** `registryCopy` as docker-build writes it (a ref pinned by digest), or null when it is not. */
export function parseRegistryCopy(raw: unknown): RegistryCopy | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const value = raw as Record<string, unknown>;
  const ref = value['ref'];
  if (typeof ref !== 'string' || !/^[^@\s]+@sha256:[0-9a-f]{64}$/.test(ref)) return null;
  const credentials = value['credentials'] as Record<string, unknown> | null | undefined;
  if (credentials == null) return { ref, credentials: null };
  const { usernameEnv, passwordEnv } = credentials;
  if (typeof usernameEnv !== 'string' || typeof passwordEnv !== 'string') return null;
  return { ref, credentials: { usernameEnv, passwordEnv } };
}

/** The image.json a build replaces, to compare with; null when there is none or it cannot be read. */
export function readPreviousImageManifest(workspaceRoot: string, project: string): ImageManifest | null {
  if (!existsSync(imageManifestPath(workspaceRoot, project))) return null;
  try {
    return readImageManifest(workspaceRoot, project);
  } catch {
    return null;
  }
}

/** `inputs` as written by writeImageManifest, or null when it is not (a hand edit, a foreign writer). */
export function parseImageInputs(raw: unknown): ImageInputs | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const value = raw as Record<string, unknown>;
  const isStringMap = (map: unknown): map is Record<string, string> =>
    typeof map === 'object' &&
    map !== null &&
    !Array.isArray(map) &&
    Object.values(map).every((v) => typeof v === 'string');
  const dockerfile = value['dockerfile'] as Record<string, unknown> | undefined;
  if (
    typeof value['taskHash'] !== 'string' ||
    typeof value['command'] !== 'string' ||
    !isStringMap(value['nodes']) ||
    !isStringMap(value['options']) ||
    typeof dockerfile?.['path'] !== 'string' ||
    typeof dockerfile?.['sha256'] !== 'string'
  ) {
    return null;
  }
  return {
    taskHash: value['taskHash'],
    command: value['command'],
    nodes: { ...value['nodes'] },
    dockerfile: { path: dockerfile['path'], sha256: dockerfile['sha256'] },
    options: { ...value['options'] },
  };
}

/**
 * Whether the image in image.json was built before `buildTaskStartMs`: the start of the docker-build task of
 * this Nx run (a cache hit restores an older image.json), or of the calling task when the run has no such task
 * (`--excludeTaskDependencies`): then the image was necessarily built earlier.
 */
export function builtBeforeThisRun(
  manifest: Pick<ImageManifest, 'builtAt'>,
  buildTaskStartMs: number,
): boolean {
  const builtMs = Date.parse(manifest.builtAt);
  return !Number.isFinite(builtMs) || builtMs < buildTaskStartMs;
}

/**
 * The one line that says an executor uses an image built earlier (a cache hit of docker-build): which image,
 * built when and at which commit. smoke-test prints it; ecr-push may too.
 */
export function describeEarlierBuild(
  manifest: Pick<ImageManifest, 'imageId' | 'tags' | 'builtAt' | 'commit'>,
  now: Date = new Date(),
  how: 'daemon' | 'archive' | 'registry' = 'daemon',
): string {
  const image = `${manifest.tags[0] ?? 'untagged'} (${shortId(manifest.imageId)})`;
  const builtMs = Date.parse(manifest.builtAt);
  const when = Number.isFinite(builtMs)
    ? `${new Date(builtMs)
        .toISOString()
        .replace('T', ' ')
        .replace(/:\d\d\.\d+Z$/, ' UTC')} (${ago(now.getTime() - builtMs)})`
    : 'at an unknown time';
  const commit =
    manifest.commit === undefined
      ? 'at a commit its image.json does not record'
      : manifest.commit === null
        ? 'outside a git checkout'
        : `at commit ${manifest.commit.slice(0, 12)}`;
  const from =
    how === 'archive'
      ? 'loaded from its archive'
      : how === 'registry'
        ? 'pulled from its registry copy'
        : 'found in the Docker daemon';
  return `Using the cached image ${image}, not rebuilt in this run: built ${when}, ${commit}; ${from}.`;
}

function ago(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (ms < 0) return 'in the future: check the clock';
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** Writes atomically (temp file + rename): a reader never sees half a manifest. */
export function writeImageManifest(workspaceRoot: string, manifest: ImageManifest): string {
  return writeJsonAtomic(imageManifestPath(workspaceRoot, manifest.project), manifest);
}
