import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dockerBuildExecutor from '../../src/executors/docker-build/docker-build.impl';
import { reproducibilityUnavailable } from '../../src/executors/docker-build/lib/engine-support';
import type { DockerBuildExecutorSchema } from '../../src/executors/docker-build/schema';
import { runDocker } from '../../src/lib/docker/docker';
import { readImageManifest } from '../../src/lib/results/image-manifest';
import { testEngine } from '../support/engine';
import {
  captureExecutorOutput,
  fakeContext,
  makeWorkspace,
  removeImages,
  requireDockerEngine,
  scratchService,
  uniqueName,
} from './engine';

// What only buildx on the containerd image store (the modern leg: Docker 26, BuildKit 0.13) can do: a registry
// build cache and reproducible digests. On the legacy leg (Debian's 20.10, BuildKit without buildx) the same
// options must be refused before Docker runs; each test checks the half its leg can show, and says which.
jest.setTimeout(240_000);

const repository = uniqueName('ventas-bkf');
const created = new Set<string>();
const projects = { svc: 'apps/svc' };
let root: string;
let output: string[];
let modern: boolean;

async function build(extra: DockerBuildExecutorSchema): Promise<{ success: boolean }> {
  const result = await dockerBuildExecutor(
    { repository, tags: ['latest'], port: 8000, labels: { 'ventas.test': '1' }, ...extra },
    fakeContext(root, projects, 'svc'),
  );
  if (result.success) {
    const manifest = readImageManifest(root, 'svc');
    created.add(manifest.imageId);
    manifest.tags.forEach((tag) => created.add(tag));
  }
  return result;
}

/** A clean slate for BuildKit: the image gone and every build cache pruned (the whole engine's, as CI's). */
async function forgetEverything(): Promise<void> {
  await removeImages(created);
  await runDocker(['builder', 'prune', '--all', '--force']);
}

/** What a fresh clone looks like to COPY: every file of the context with a new mtime. */
function touchContext(): void {
  const now = new Date();
  for (const file of ['Dockerfile', 'app.txt', 'entrypoint.sh'])
    utimesSync(join(root, 'apps/svc', file), now, now);
}

beforeAll(async () => {
  await requireDockerEngine();
  const engine = await testEngine();
  modern =
    engine.kind === 'buildx' && engine.engine.store === 'containerd' && !reproducibilityUnavailable(engine);
  console.info(
    `engine leg: ${modern ? 'modern' : 'legacy'} (${engine.kind}, Docker ${engine.engine.serverVersion}, ${engine.engine.store} store)`,
  );
});

beforeEach(() => {
  root = makeWorkspace(scratchService('apps/svc'));
  // A commit gives SOURCE_DATE_EPOCH; its date is fixed so the expected epoch is known.
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: root,
      env: {
        ...process.env,
        GIT_AUTHOR_DATE: '2026-11-30T12:00:00Z',
        GIT_COMMITTER_DATE: '2026-11-30T12:00:00Z',
      },
    });
  git('init', '-q');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'svc');
  output = captureExecutorOutput();
});

afterEach(() => {
  jest.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

afterAll(async () => {
  await removeImages(created);
});

describe('reproducible digests', () => {
  it('modern leg: the same commit built twice, with every cache pruned in between, gives the same digest', async () => {
    if (!modern) {
      // Legacy leg: refused before Docker runs, naming the option and the engine.
      expect(await build({ reproducible: true })).toEqual({ success: false });
      expect(output.join('')).toMatch(
        /reproducible of svc:docker-build needs buildx on BuildKit 0\.13 or later/,
      );
      expect(output.join('')).toMatch(/docker did not run/);
      return;
    }
    expect(await build({ reproducible: true })).toEqual({ success: true });
    const first = readImageManifest(root, 'svc');
    expect(first.sourceDateEpoch).toBe(String(Date.parse('2026-11-30T12:00:00Z') / 1000));
    expect(output.join('')).toContain(`reproducible (SOURCE_DATE_EPOCH=${first.sourceDateEpoch})`);

    await forgetEverything();
    touchContext();
    expect(await build({ reproducible: true })).toEqual({ success: true });
    const second = readImageManifest(root, 'svc');
    expect(second.imageId).toBe(first.imageId);
    expect(second.configDigest).toBe(first.configDigest);
  });

  it('modern leg: without the option the same rebuild gives another digest (so the test above can fail)', async () => {
    if (!modern) {
      // Legacy leg: the summary says reproducibility is unavailable there.
      expect(await build({})).toEqual({ success: true });
      expect(output.join('')).toMatch(/reproducibility unavailable \(Docker 20\.10\.\S+, no buildx\)/);
      return;
    }
    expect(await build({})).toEqual({ success: true });
    const first = readImageManifest(root, 'svc');
    await forgetEverything();
    touchContext();
    expect(await build({})).toEqual({ success: true });
    expect(readImageManifest(root, 'svc').imageId).not.toBe(first.imageId);
  });
});

describe('provenance attestations', () => {
  it('modern leg: "provenance": true makes an index with an attestation; the default makes one manifest', async () => {
    if (!modern) {
      // Legacy leg: refused before Docker runs.
      expect(await build({ provenance: true })).toEqual({ success: false });
      expect(output.join('')).toMatch(/provenance of svc:docker-build needs buildx, but Docker 20\.10/);
      return;
    }
    expect(await build({ provenance: true })).toEqual({ success: true });
    const attested = readImageManifest(root, 'svc');
    expect(attested.provenance).toBe(true);
    expect(await build({})).toEqual({ success: true });
    const plain = readImageManifest(root, 'svc');
    expect(plain.provenance).toBe(false);
    // The same layers and config; the attestation makes the digest differ (its push: registry-push.spec.ts).
    expect(plain.configDigest).toMatch(/^sha256:/);
    expect(attested.imageId).not.toBe(plain.imageId);
  });
});

describe('registry build cache (type=registry)', () => {
  const registry = process.env['REGISTRY_HOST'];
  const cacheRef = `${registry}/${repository}:buildcache`;
  let dockerConfig: string;
  let savedConfig: string | undefined;

  beforeAll(async () => {
    if (!registry || !process.env['REGISTRY_USER'] || !process.env['REGISTRY_PASSWORD']) {
      throw new Error(
        'No registry: start it with bash tools/scripts/registry.sh start (it writes tmp/services/registry.env)',
      );
    }
    // buildx hands BuildKit the client's registry credentials: a throw-away DOCKER_CONFIG logged in to the
    // test registry, with the engine's CLI plugins linked in.
    savedConfig = process.env['DOCKER_CONFIG'];
    dockerConfig = mkdtempSync(join(tmpdir(), 'bkf-docker-config-'));
    if (savedConfig) {
      mkdirSync(join(dockerConfig, 'cli-plugins'));
      symlinkSync(
        join(savedConfig, 'cli-plugins', 'docker-buildx'),
        join(dockerConfig, 'cli-plugins', 'docker-buildx'),
      );
    }
    process.env['DOCKER_CONFIG'] = dockerConfig;
    await runDocker(
      ['login', '--username', process.env['REGISTRY_USER'] as string, '--password-stdin', registry],
      {
        input: process.env['REGISTRY_PASSWORD'],
      },
    );
  });

  afterAll(() => {
    if (savedConfig === undefined) delete process.env['DOCKER_CONFIG'];
    else process.env['DOCKER_CONFIG'] = savedConfig;
    rmSync(dockerConfig, { recursive: true, force: true });
  });

  it('modern leg: after builder prune and removing the image, the rebuild takes its steps from the registry', async () => {
    const cache = {
      cacheTo: `type=registry,ref=${cacheRef},mode=max`,
      cacheFrom: [`type=registry,ref=${cacheRef}`],
    };
    if (!modern) {
      // Legacy leg: BuildKit without buildx exports only inline caches; refused before Docker runs.
      expect(await build(cache)).toEqual({ success: false });
      expect(output.join('')).toMatch(
        /cacheTo 'type=registry,ref=\S+' of svc:docker-build needs buildx, but Docker 20\.10/,
      );
      return;
    }
    expect(await build(cache)).toEqual({ success: true });
    const first = readImageManifest(root, 'svc');
    await forgetEverything();
    touchContext();
    output.length = 0;
    expect(await build({ cacheFrom: cache.cacheFrom })).toEqual({ success: true });
    const summary = output
      .join('')
      .split('\n')
      .find((line) => line.includes(' · built: '));
    // BuildKit shows only the steps it needed: the last one, CACHED, which pulls in the ones before it.
    expect(summary).toMatch(/image unchanged \(\d+ steps? from the layer cache or the imported /);
    expect(summary).toContain(cacheRef);
    const second = JSON.parse(readFileSync(join(root, 'dist/images/svc/image.json'), 'utf8'));
    expect(second.store).toBe('containerd');
    // Rebuilt from scratch the layers would differ (new mtimes, see the test above); from the registry cache
    // (history included) the image is the very same one.
    expect(second.imageId).toBe(first.imageId);
  });
});
