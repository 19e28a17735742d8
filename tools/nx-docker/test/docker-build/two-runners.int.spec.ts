import { execa } from 'execa';
import {
  createReadStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseImageInput } from '../../src/lib/dockerfile/base-image-input';
import { runDocker } from '../../src/lib/docker/docker';
import { requireBaseImages } from '../smoke-test/support';
import { imageIdOf, removeImages, requireDockerEngine, uniqueName } from './engine';
import type { FixtureFiles } from './fixtures/four-services';
import { initRepository, makeGitWorkspace, nx } from './nx-workspace';
import { deleteRegistryManifests } from './registry';

/**
 * Two CI runners on one machine: two clones of one repository sharing one remote cache, with every image the
 * test built removed from the daemon between them. Runner A builds; runner B's docker-build tasks are remote
 * cache hits (image.json, and the archive where there is one, come back from the cache) and its smoke tests pass
 * with no rebuild: `archived` from its archive, `copied` from the registry copy docker-build pushed
 * (`cacheRegistry`), and `neither` fails with the message that names the fix.
 *
 * The remote cache is Nx's self-hosted remote cache protocol (NX_SELF_HOSTED_REMOTE_CACHE_SERVER: PUT and GET
 * /v1/cache/{hash}, tar bodies, a bearer token) served by the small node:http server below. It is a stand-in for
 * Nx Cloud or a team's cache server: Nx speaks the same protocol to either. (Two clones sharing one
 * NX_CACHE_DIRECTORY get no hits: Nx 23 indexes its local cache in a per-workspace database.)
 *
 * Real nx CLI, real engine, the test registry (tmp/services/registry.env). The images are the smoke-test
 * fixture service (plain Node on node:24-bookworm-slim, which must be in the daemon and is never removed).
 */
jest.setTimeout(600_000);

const host = process.env['REGISTRY_HOST'];
const prefix = uniqueName('ventas-runners');
const PROJECTS = ['archived', 'copied', 'neither'] as const;
const BASE_IMAGE = 'node:24-bookworm-slim';
const FIXTURE_APP = join(__dirname, '../smoke-test/fixtures/app');
const TOKEN = 'two-runners-test-token';

const dirs: string[] = [];
const images = new Set<string>();
const copies: string[] = [];
let cache: { url: string; dir: string; puts: number; hits: number; server: Server };
let runnerA: string;
let runnerB: string;

/** Nx's self-hosted remote cache protocol, bodies in a temp dir: a stand-in for Nx Cloud or a team's server. */
async function startCacheServer(): Promise<typeof cache> {
  const dir = mkdtempSync(join(tmpdir(), 'nx-remote-cache-'));
  const state = { url: '', dir, puts: 0, hits: 0, server: null as unknown as Server };
  state.server = createServer((req, res) => {
    const hash = /^\/v1\/cache\/([\w-]+)$/.exec(req.url ?? '')?.[1];
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end();
    if (!hash) return void res.writeHead(404).end();
    const file = join(dir, hash);
    if (req.method === 'GET') {
      if (!existsSync(file)) return void res.writeHead(404).end();
      state.hits += 1;
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void createReadStream(file).pipe(res);
    }
    if (req.method === 'PUT') {
      if (existsSync(file)) return void res.writeHead(409).end();
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        writeFileSync(file, Buffer.concat(chunks));
        state.puts += 1;
        res.writeHead(200).end();
      });
      return;
    }
    res.writeHead(405).end();
  });
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  const address = state.server.address();
  state.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return state;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Three services built from the smoke-test fixture app; they differ only in how a cache hit restores them. */
function workspaceFiles(): FixtureFiles {
  const files: FixtureFiles = {
    'package.json': json({ name: '@fixture/runners', version: '0.0.0', private: true }),
    '.gitignore': 'node_modules\ndist\n.nx\n',
    'tsconfig.base.json': json({ compilerOptions: { baseUrl: '.', paths: {} } }),
    'nx.json': json({
      namedInputs: { default: ['{projectRoot}/**/*'] },
      targetDefaults: {
        // As in the real nx.json: cached, with image.json and the archive as outputs.
        'docker-build': {
          cache: true,
          inputs: ['default', baseImageInput([BASE_IMAGE])],
          outputs: [
            '{workspaceRoot}/dist/images/{projectName}/image.json',
            '{workspaceRoot}/dist/images/{projectName}/image.tar.gz',
          ],
        },
        // Not cached here (the real one is): runner B must run it, on the image its cache hit restored.
        'smoke-test': { cache: false, dependsOn: ['docker-build'] },
      },
    }),
  };
  const restore: Record<(typeof PROJECTS)[number], object> = {
    archived: { archive: true },
    copied: {
      cacheRegistry: `${host}/${prefix}`,
      cacheRegistryUsernameEnv: 'REGISTRY_USER',
      cacheRegistryPasswordEnv: 'REGISTRY_PASSWORD',
    },
    neither: {},
  };
  for (const project of PROJECTS) {
    files[`apps/${project}/project.json`] = json({
      name: project,
      projectType: 'application',
      targets: {
        'docker-build': {
          executor: '@ventas/nx-docker:docker-build',
          options: {
            repository: `${prefix}-${project}`,
            tags: ['latest'],
            port: 8000,
            labels: { 'ventas.test': '1' },
            ...restore[project],
          },
        },
        'smoke-test': {
          executor: '@ventas/nx-docker:smoke-test',
          options: { port: 8000, healthPath: '/health', labels: { 'ventas.test': '1' } },
        },
      },
    });
    files[`apps/${project}/Dockerfile`] = readFileSync(
      join(__dirname, '../smoke-test/fixtures/good.Dockerfile'),
      'utf8',
    );
    for (const file of ['server.js', 'health.js']) {
      files[`apps/${project}/${file}`] = readFileSync(join(FIXTURE_APP, file), 'utf8');
    }
  }
  return files;
}

/**
 * One nx run on a runner. Its local cache stays in its own checkout, as on another machine (`nx` sets
 * NX_CACHE_DIRECTORY inside the workspace): by default Nx 23 keeps the local cache of every checkout of one
 * repository under ~/.nx/<repo key>/, and runner B would hit runner A's local cache, never the remote one.
 */
const runner = (root: string, args: string[]) =>
  nx(root, [...args, '--outputStyle=static'], {
    NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cache.url,
    NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: TOKEN,
  });

const manifestOf = (root: string, project: string) =>
  JSON.parse(readFileSync(join(root, 'dist/images', project, 'image.json'), 'utf8'));

beforeAll(async () => {
  await requireDockerEngine();
  await requireBaseImages([BASE_IMAGE]);
  if (!host) throw new Error('REGISTRY_HOST is not set: run `bash tools/scripts/registry.sh start` first.');
  cache = await startCacheServer();
  dirs.push(cache.dir);
  runnerA = makeGitWorkspace(workspaceFiles());
  dirs.push(runnerA);
  await initRepository(runnerA);
  // Runner B is a clone of the same commit, as a second CI runner checks it out.
  runnerB = mkdtempSync(join(tmpdir(), 'nx-docker-runner-b-'));
  dirs.push(runnerB);
  await execa('git', ['clone', '--quiet', runnerA, runnerB]);
  symlinkSync(join(runnerA, 'node_modules'), join(runnerB, 'node_modules'));
});

afterAll(async () => {
  for (const project of PROJECTS) images.add(`${prefix}-${project}:latest`);
  await removeImages([...images, ...copies]);
  await deleteRegistryManifests(copies);
  await new Promise((resolve) => cache?.server.close(resolve));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  const left = await runDocker(['image', 'ls', '--quiet', '--filter', `reference=*${prefix}*`], {
    reject: false,
  });
  expect(left.stdout.trim()).toBe('');
  const containers = await runDocker(
    ['ps', '--all', '--quiet', '--filter', `ancestor=${prefix}-archived:latest`],
    {
      reject: false,
    },
  );
  expect(containers.stdout.trim()).toBe('');
});

describe('two CI runners sharing one remote cache', () => {
  const built: Record<string, { imageId: string; builtAt: string }> = {};

  it('runner A builds the three images and stores image.json (and the archive) in the remote cache', async () => {
    const run = await runner(runnerA, ['run-many', '-t', 'docker-build', '--parallel=3']);
    if (run.exitCode !== 0) throw new Error(`runner A failed:\n${run.output}`);
    for (const project of PROJECTS) {
      const manifest = manifestOf(runnerA, project);
      built[project] = { imageId: manifest.imageId, builtAt: manifest.builtAt };
      images.add(manifest.imageId);
      if (manifest.registryCopy) copies.push(manifest.registryCopy.ref);
    }
    expect(cache.puts).toBe(PROJECTS.length);
    expect(manifestOf(runnerA, 'copied').registryCopy.ref).toMatch(
      new RegExp(`^${host}/${prefix}/${prefix}-copied@sha256:[0-9a-f]{64}$`),
    );

    // Between the runners: none of the images is left in the daemon.
    await removeImages([
      ...PROJECTS.map((p) => `${prefix}-${p}:latest`),
      ...Object.values(built).map((b) => b.imageId),
    ]);
    for (const { imageId } of Object.values(built)) expect(await imageIdOf(imageId)).toBeNull();
  });

  it('runner B: docker-build is a remote cache hit, and the smoke tests pass on images restored from the archive and from the registry', async () => {
    const hitsBefore = cache.hits;
    const run = await runner(runnerB, [
      'run-many',
      '-t',
      'smoke-test',
      '-p',
      'archived,copied',
      '--parallel=2',
    ]);
    if (run.exitCode !== 0) throw new Error(`runner B failed:\n${run.output}`);
    expect(cache.hits - hitsBefore).toBe(2);
    expect(run.output).toMatch(
      /Nx read the output from the cache instead of running the command for 2 out of 4 tasks/,
    );
    expect(run.output.match(/docker-build +\S*\[remote cache\]/g)).toHaveLength(2);
    for (const project of ['archived', 'copied']) {
      // Not rebuilt: runner A's image.json, the same image and build time.
      expect(manifestOf(runnerB, project)).toMatchObject(built[project]);
      expect(await imageIdOf(`${prefix}-${project}:latest`)).toBe(built[project].imageId);
      expect(
        JSON.parse(readFileSync(join(runnerB, 'dist/images', project, 'smoke.json'), 'utf8')),
      ).toMatchObject({
        imageId: built[project].imageId,
        passed: true,
      });
    }
    expect(existsSync(join(runnerB, 'dist/images/archived/image.tar.gz'))).toBe(true);
    const copy = manifestOf(runnerB, 'copied').registryCopy.ref as string;
    expect(run.output).toMatch(
      new RegExp(
        `\\[archived\\] restored ${prefix}-archived:latest \\([0-9a-f]{12}\\) from dist/images/archived/image\\.tar\\.gz in \\d+\\.\\d\\d s`,
      ),
    );
    expect(run.output).toContain(
      `[copied] restored ${prefix}-copied:latest (${built['copied'].imageId.slice(7, 19)}) from ${copy} in `,
    );
  });

  it('runner B: with neither an archive nor a registry copy, the smoke test fails naming the project, the image and the fix', async () => {
    const run = await runner(runnerB, ['run', 'neither:smoke-test']);
    expect(run.exitCode).not.toBe(0);
    expect(manifestOf(runnerB, 'neither')).toMatchObject(built['neither']);
    expect(run.output).toContain(
      `The image ${built['neither'].imageId.slice(7, 19)} of neither (${prefix}-neither:latest) is not in the Docker daemon, and it was neither archived nor copied to a registry: nothing can restore it.`,
    );
    expect(run.output).toContain('Rebuild it: nx run neither:docker-build --skip-nx-cache');
    expect(await imageIdOf(built['neither'].imageId)).toBeNull();
  });
});
