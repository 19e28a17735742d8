import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runDocker } from '../../src/lib/docker/docker';
import { ensureImage } from '../../src/lib/results/ensure-image';
import { readImageManifest } from '../../src/lib/results/image-manifest';
import {
  imageIdOf,
  makeWorkspace,
  removeImages,
  requireDockerEngine,
  TEST_LABEL,
  uniqueName,
  writeFiles,
} from './engine';
import { baseImageOf, fourServiceWorkspace, ON_BASE_IMAGE, SERVICES } from './fixtures/four-services';
import { commitAll, initRepository, makeGitWorkspace, nx } from './nx-workspace';

// Through the real nx CLI, in a throw-away git repository shaped like ours (four apps importing one
// lib through a TS path alias). "Rebuilt" is read from each image.json's builtAt: a task that ran
// writes a new one, a cache hit restores the old one.
jest.setTimeout(600_000);

const prefix = uniqueName();
let root: string;

// Every image id any run produced: a rebuild moves the tag and leaves the old image untagged.
const seenIds = new Set<string>();

const builtAt = () =>
  Object.fromEntries(
    SERVICES.map((s) => {
      const path = join(root, 'dist/images', s, 'image.json');
      if (!existsSync(path)) return [s, null];
      const manifest = JSON.parse(readFileSync(path, 'utf8'));
      seenIds.add(manifest.imageId);
      return [s, manifest.builtAt as string];
    }),
  );

const rebuilt = (before: Record<string, string | null>) => {
  const after = builtAt();
  return SERVICES.filter((s) => after[s] !== before[s]);
};

async function affected() {
  const shown = await nx(root, [
    'show',
    'projects',
    '--affected',
    '-t',
    'docker-build',
    '--base=HEAD~1',
    '--head=HEAD',
  ]);
  expect(shown.exitCode).toBe(0);
  const before = builtAt();
  const run = await nx(root, [
    'affected',
    '-t',
    'docker-build',
    '--base=HEAD~1',
    '--head=HEAD',
    '--outputStyle=static',
  ]);
  if (run.exitCode !== 0) throw new Error(`nx affected failed:\n${run.output}`);
  return {
    projects: shown.output.split('\n').filter(Boolean).sort(),
    rebuilt: rebuilt(before),
    output: run.output,
  };
}

async function change(files: Record<string, string>, message: string) {
  writeFiles(root, files);
  await commitAll(root, message);
}

/** Tags a tiny FROM scratch image as charlie's base; `content` makes a different image each time. */
async function makeBaseImage(content: string) {
  const dir = makeWorkspace({ Dockerfile: 'FROM scratch\nCOPY base.txt /base.txt\n', 'base.txt': content });
  try {
    await runDocker(['build', '--quiet', '--label', TEST_LABEL, '--tag', baseImageOf(prefix), dir]);
    const id = await imageIdOf(baseImageOf(prefix));
    if (id) seenIds.add(id);
    return id;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  await requireDockerEngine();
  await makeBaseImage('base v1\n');
  root = makeGitWorkspace(fourServiceWorkspace(prefix, ['alpha']));
  await initRepository(root);
  const first = await nx(root, ['run-many', '-t', 'docker-build', '--outputStyle=static']);
  if (first.exitCode !== 0) throw new Error(`first build failed:\n${first.output}`);
});

afterAll(async () => {
  const ours = await runDocker(
    ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=${prefix}-*`],
    {
      reject: false,
    },
  );
  const ids = root
    ? SERVICES.map((s) => join(root, 'dist/images', s, 'image.json'))
        .filter(existsSync)
        .map((p) => JSON.parse(readFileSync(p, 'utf8')).imageId as string)
    : [];
  builtAt();
  await removeImages([...ours.stdout.split('\n').filter(Boolean), ...ids, ...seenIds]);
  if (root) rmSync(root, { recursive: true, force: true });
  const left = await runDocker(['image', 'ls', '--quiet', '--filter', `reference=${prefix}-*`], {
    reject: false,
  });
  expect(left.stdout.trim()).toBe('');
});

describe('affected precision (nx affected -t docker-build)', () => {
  it('the first run built all four images, each through the plugin', () => {
    expect(Object.values(builtAt()).every((v) => v !== null)).toBe(true);
  });

  it("a change in one service's source rebuilds that image only", async () => {
    await change(
      { 'apps/bravo/src/main.ts': "import { kit } from '@fixture/kit';\n\nconsole.log('bravo 2', kit);\n" },
      'bravo',
    );
    const result = await affected();
    expect(result.projects).toEqual(['bravo']);
    expect(result.rebuilt).toEqual(['bravo']);
  });

  it('an implicit dependency is affected but not rebuilt: its image does not hold the other service', async () => {
    await change(
      { 'apps/alpha/src/main.ts': "import { kit } from '@fixture/kit';\n\nconsole.log('alpha 2', kit);\n" },
      'alpha',
    );
    const result = await affected();
    expect(result.projects).toEqual(['alpha', 'delta']);
    expect(result.rebuilt).toEqual(['alpha']);
  });

  it('a change in the shared lib rebuilds all four', async () => {
    await change({ 'libs/kit/src/index.ts': "export const kit = 'kit v2';\n" }, 'kit');
    const result = await affected();
    expect(result.projects).toEqual([...SERVICES].sort());
    expect(result.rebuilt).toEqual([...SERVICES]);
  });

  it("a change in README or in another service's spec rebuilds none", async () => {
    await change(
      {
        'README.md': '# Fixture workspace\n\nMore words.\n',
        'apps/charlie/src/main.spec.ts': "it('charlie still runs', () => expect(2).toBe(2));\n",
      },
      'docs and tests',
    );
    const result = await affected();
    // charlie is "affected" by file ownership, but its docker-build inputs exclude specs: a cache hit.
    expect(result.projects).toEqual(['charlie']);
    expect(result.rebuilt).toEqual([]);
    expect(result.output).toMatch(
      /charlie:docker-build.*\[(local cache|existing outputs match the cache, left as is)\]/,
    );
  });

  it('an unchanged workspace is a no-op', async () => {
    const before = builtAt();
    const run = await nx(root, [
      'affected',
      '-t',
      'docker-build',
      '--base=HEAD',
      '--head=HEAD',
      '--outputStyle=static',
    ]);
    expect(run.exitCode).toBe(0);
    expect(run.output).toMatch(/No tasks were run/);
    expect(rebuilt(before)).toEqual([]);
  });
});

describe('the base image is an input', () => {
  it('a new base image under the same tag rebuilds only the image built on it', async () => {
    const before = builtAt();
    const oldBase = await imageIdOf(baseImageOf(prefix));
    const newBase = await makeBaseImage('base v2\n');
    expect(newBase).not.toBe(oldBase);
    const run = await nx(root, ['run-many', '-t', 'docker-build', '--outputStyle=static']);
    if (run.exitCode !== 0) throw new Error(`nx run-many failed:\n${run.output}`);
    expect(rebuilt(before)).toEqual([ON_BASE_IMAGE]);
    // Its summary says why, from the input hashes in the image.json it replaces.
    expect(run.output).toContain(`· built: the base image (${baseImageOf(prefix)}) changed, replaces `);
    expect(readImageManifest(root, ON_BASE_IMAGE).baseImage).toEqual({
      ref: baseImageOf(prefix),
      id: newBase,
    });
  });

  it('an unchanged base image is a cache hit again', async () => {
    const before = builtAt();
    const run = await nx(root, ['run-many', '-t', 'docker-build', '--outputStyle=static']);
    expect(run.exitCode).toBe(0);
    expect(rebuilt(before)).toEqual([]);
    expect(run.output).toMatch(
      new RegExp(
        `${ON_BASE_IMAGE}:docker-build.*\\[(local cache|existing outputs match the cache, left as is)\\]`,
      ),
    );
  });
});

describe('a cache hit through the nx CLI, then ensureImage', () => {
  it('restores image.json and the archive from the Nx cache, and ensureImage loads the removed image', async () => {
    const manifest = readImageManifest(root, 'alpha');
    await removeImages([...manifest.tags, manifest.imageId]);
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    const run = await nx(root, ['run', 'alpha:docker-build', '--outputStyle=static']);
    expect(run.exitCode).toBe(0);
    expect(run.output).toMatch(/alpha:docker-build.*\[local cache\]/);
    const restored = readImageManifest(root, 'alpha');
    expect(restored.imageId).toBe(manifest.imageId);
    expect(await imageIdOf(manifest.imageId)).toBeNull();
    const ensured = await ensureImage(root, restored);
    expect(ensured.source).toBe('archive');
    expect(await imageIdOf(manifest.tags[0])).toBe(manifest.imageId);
  });

  it('without an archive, the next executor gets the clear --skip-nx-cache error', async () => {
    const run = await nx(root, ['run', 'bravo:docker-build', '--outputStyle=static']);
    expect(run.output).toMatch(/bravo:docker-build.*\[local cache\]/);
    const manifest = readImageManifest(root, 'bravo');
    expect(manifest.archive).toBeNull();
    await removeImages([...manifest.tags, manifest.imageId]);
    await expect(ensureImage(root, manifest)).rejects.toThrow(/nx run bravo:docker-build --skip-nx-cache/);
  });
});
