import type { ExecutorContext } from '@nx/devkit';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDocker } from '../../src/lib/docker/docker';
import { parseImageInspect } from '../../src/lib/docker/inspect';
import { writeImageManifest } from '../../src/lib/results/image-manifest';
import { SMOKE_MANIFEST_VERSION, writeSmokeManifest } from '../../src/lib/results/smoke-manifest';
import { buildImage, manifestOfImage } from '../support/engine';

/** Test fixtures for ecr-push: throw-away workspaces, tiny FROM scratch images, output capture. */

export const LABEL = 'ventas.test=1';

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function tempWorkspace(): string {
  return mkdtempSync(join(tmpdir(), 'ecr-push-ws-'));
}

export function fakeContext(root: string, projectName: string): ExecutorContext {
  return {
    root,
    cwd: root,
    isVerbose: false,
    projectName,
    projectsConfigurations: { version: 2, projects: { [projectName]: { root: `apps/${projectName}` } } },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  } as unknown as ExecutorContext;
}

export interface TestImage {
  project: string;
  imageId: string;
  /** What a registry manifest of this image names as its config (the classic store's image id). */
  configDigest: string | null;
  platform: string;
  localTags: string[];
}

/**
 * Builds a tiny FROM scratch image (one file with `content`) and writes its image.json in `root`,
 * as docker-build would, and a passing smoke.json for it, as smoke-test would (ecr-push pushes nothing
 * else; `smoke: false` leaves it out). arm64 needs BuildKit (buildx on the modern leg, Debian's 20.10
 * client on the legacy one).
 */
export async function buildTestImage(
  root: string,
  project: string,
  content: string,
  options: {
    platform?: 'linux/amd64' | 'linux/arm64';
    tag?: string;
    provenance?: boolean;
    smoke?: boolean;
  } = {},
): Promise<TestImage> {
  const platform = options.platform ?? 'linux/amd64';
  const localTag = `${project}:${options.tag ?? '1.0.0'}`;
  const context = mkdtempSync(join(tmpdir(), 'ecr-push-ctx-'));
  let built: { configDigest: string | null };
  try {
    writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
    writeFileSync(join(context, 'hello.txt'), `${content}\n`);
    built = await buildImage({
      context,
      tag: localTag,
      platform: platform === 'linux/amd64' ? undefined : platform,
      labels: [LABEL],
      provenance: options.provenance,
    });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  const manifest = await manifestOfImage(project, localTag, { configDigest: built.configDigest });
  writeImageManifest(root, manifest);
  if (options.smoke !== false) writePassingSmoke(root, project, manifest.imageId, manifest.platform);
  return {
    project,
    imageId: manifest.imageId,
    configDigest: built.configDigest,
    platform: manifest.platform,
    localTags: [localTag],
  };
}

/** A passing smoke.json for this image id, through the module that owns the file (lib/results/smoke-manifest). */
export function writePassingSmoke(root: string, project: string, imageId: string, platform: string): void {
  writeSmokeManifest(root, {
    version: SMOKE_MANIFEST_VERSION,
    project,
    imageId,
    image: `${project}:test`,
    platform,
    passed: true,
    healthy: true,
    testedAt: new Date().toISOString(),
    checks: [{ check: 'healthy', status: 'passed', message: 'a FROM scratch test image: nothing runs' }],
    timings: { structureMs: 0, timeToHealthyMs: null, stopMs: null, totalMs: 0 },
    failure: null,
  });
}

/** Removes every tag of the image (ours only: unique names), then the image if it is left untagged. */
export async function removeTestImage(image: TestImage | undefined): Promise<void> {
  if (!image) return;
  const inspect = await runDocker(['image', 'inspect', image.imageId], { reject: false });
  if (inspect.failed) return;
  const facts = parseImageInspect(inspect.stdout);
  for (const tag of facts.repoTags) await runDocker(['image', 'rm', tag], { reject: false });
  await runDocker(['image', 'rm', image.imageId], { reject: false });
}

/**
 * Captures everything the executor prints: Nx's logger (through console) and the streamed docker output
 * (process.stdout/stderr). `onChunk` sees each piece as it is printed, e.g. to act between two steps.
 */
export function captureOutput(): {
  text: () => string;
  onChunk: (listener: (chunk: string) => void) => void;
  restore: () => void;
} {
  const chunks: string[] = [];
  const listeners: Array<(chunk: string) => void> = [];
  const record = (chunk: string) => {
    chunks.push(chunk);
    for (const listener of listeners) listener(chunk);
  };
  const spies = [
    ...(['stdout', 'stderr'] as const).map((stream) =>
      jest.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
        record(chunk.toString());
        return true;
      }),
    ),
    ...(['log', 'info', 'warn', 'error'] as const).map((level) =>
      jest.spyOn(console, level).mockImplementation((...args) => record(`${args.join(' ')}\n`)),
    ),
  ];
  return {
    text: () => chunks.join(''),
    onChunk: (listener) => void listeners.push(listener),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

/** A port nothing listens on (bound then released): "the registry is down". */
export async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Files under `dir` whose content contains `needle` (for "the secret is on no disk"). */
export function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      return;
    }
    if (stats.isDirectory()) {
      for (const entry of readdirSync(path)) walk(join(path, entry));
    } else if (stats.isFile() && stats.size < 10_000_000 && readFileSync(path).includes(needle)) {
      found.push(path);
    }
  };
  walk(dir);
  return found;
}

/** Our temporary docker configs that still exist (there must be none after a push). */
export function leftoverLoginDirs(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('nx-docker-login-'));
}

export function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}

/** Deletes tags from the test registry (best effort: the manifest by digest, as the API requires). */
export async function deleteFromRegistry(
  host: string,
  credentials: { username: string; password: string },
  repository: string,
  tags: string[],
): Promise<void> {
  const authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const accept =
    'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json';
  for (const tag of tags) {
    const head = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
      method: 'HEAD',
      headers: { Authorization: authorization, Accept: accept },
    }).catch(() => null);
    const digest = head?.headers.get('docker-content-digest');
    if (!digest) continue;
    await fetch(`http://${host}/v2/${repository}/manifests/${digest}`, {
      method: 'DELETE',
      headers: { Authorization: authorization },
    }).catch(() => null);
  }
}
