/**
 * End to end: a new service goes from nothing to a pushed, tested image in a copy of this workspace.
 *   nx g @ventas/nx-docker:service pagos-service --database   (after a --dry-run that must write nothing)
 *   nx show projects --affected                                → only pagos-service
 *   nx run-many -t lint typecheck test -p pagos-service        → the generated tests pass (real PostgreSQL)
 *   nx run pagos-service:ecr-push                               → build, docker-build, smoke-test, push
 * Needs: the Docker engine with node:24-bookworm-slim and postgres:15-bookworm, the local registry
 * (tmp/services/registry.env) and PostgreSQL (tmp/services/postgres.env). A missing one fails the test with the
 * script that provides it.
 */
import { nxCliEnv, ownNxDirectories } from '../support/nx-cli-env';
import { execa, type Options as ExecaOptions } from 'execa';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { runDocker } from '../../src/lib/docker/docker';
import { parseImageInspect } from '../../src/lib/docker/inspect';
import { imageIdOf } from '../../src/lib/docker/image-id';

const WORKSPACE = join(__dirname, '../../../..');
const SERVICE = 'pagos-service';
const PORT = 8000;
const MAX_SIZE_MB = 500;
/** Not copied: installed or produced things, and this checkout's git history. */
const SKIPPED = new Set(['node_modules', '.nx', 'tmp', 'dist', 'coverage', '.git']);

let root: string;
const createdTags = new Set<string>();

function nxEnv(): NodeJS.ProcessEnv {
  // Plain text: the assertions read Nx's output.
  return nxCliEnv({ ...ownNxDirectories(root), FORCE_COLOR: '0', NO_COLOR: '1' });
}

async function nx(args: string[], options: ExecaOptions = {}) {
  const result = await execa(join(root, 'node_modules/.bin/nx'), args, {
    cwd: root,
    env: nxEnv(),
    extendEnv: false,
    reject: false,
    all: true,
    timeout: 15 * 60_000,
    ...options,
  });
  if (result.exitCode !== 0) {
    throw new Error(
      `nx ${args.join(' ')} failed with exit code ${result.exitCode}:\n${String(result.all).slice(-6000)}`,
    );
  }
  return String(result.all);
}

async function git(args: string[]) {
  return (await execa('git', args, { cwd: root })).stdout;
}

function requireEnv(name: string, script: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run: bash tools/scripts/${script} start`);
  return value;
}

async function requireImage(ref: string) {
  if ((await imageIdOf(ref)) === null)
    throw new Error(`The base image ${ref} is not in the daemon: run: bash tools/scripts/base-images.sh`);
}

/** A copy of the working tree as it is now (committed or not), with node_modules linked, as a fresh git repo. */
function copyWorkspace(): string {
  const target = mkdtempSync(join(tmpdir(), 'nx-docker-service-e2e-'));
  cpSync(WORKSPACE, target, {
    recursive: true,
    filter: (source) => {
      const parts = relative(WORKSPACE, source).split(sep);
      if (parts.length === 1 && SKIPPED.has(parts[0])) return false;
      // Without smoke-postgres the generator scaffolds the official image's sidecar (initdb at start), the path
      // this test proves end to end; the four services' own smoke tests run the smoke-postgres one. Building it
      // here would also move the shared daemon's smoke-postgres tags to this copy's image.
      if (parts.join('/') === 'tools/smoke-postgres') return false;
      // The plugin's bundle cache (tools/nx-docker/node_modules/.cache) is per checkout.
      if (parts.includes('node_modules')) return false;
      // Build outputs inside projects (apps/<svc>/dist) are made again by the targets.
      return !(parts.length === 3 && parts[2] === 'dist');
    },
  });
  symlinkSync(join(WORKSPACE, 'node_modules'), join(target, 'node_modules'));
  return target;
}

function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(join(root, path), 'utf8')) as T;
}

describe(`nx g @ventas/nx-docker:service ${SERVICE} --database, then ecr-push (end to end)`, () => {
  beforeAll(async () => {
    requireEnv('REGISTRY_HOST', 'registry.sh');
    requireEnv('TEST_DATABASE_URL', 'postgres.sh');
    await requireImage('node:24-bookworm-slim');
    await requireImage('postgres:15-bookworm');
    root = copyWorkspace();
    await git(['init', '-q', '-b', 'main']);
    await git(['add', '-A']);
    await git(['-c', 'user.email=e2e@ventas.test', '-c', 'user.name=e2e', 'commit', '-qm', 'base']);
  }, 120_000);

  afterAll(async () => {
    // Every tag the run made in the shared daemon (the image goes with its last tag); containers and networks
    // of the smoke test are removed by the executor itself.
    const listed = await runDocker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'], {
      reject: false,
    });
    for (const ref of listed.stdout.split('\n')) {
      const repository = ref.slice(0, ref.lastIndexOf(':'));
      if (repository === SERVICE || repository.endsWith(`/${SERVICE}`)) createdTags.add(ref);
    }
    for (const ref of createdTags) {
      await runDocker(['image', 'rm', ref], { reject: false });
    }
    if (root && !process.env['KEEP_E2E_WORKSPACE']) rmSync(root, { recursive: true, force: true });
  }, 120_000);

  it('--dry-run writes nothing', async () => {
    const output = await nx([
      'g',
      '@ventas/nx-docker:service',
      SERVICE,
      '--database',
      '--dry-run',
      '--no-interactive',
    ]);
    expect(output).toContain(`CREATE apps/${SERVICE}/Dockerfile`);
    expect(output).toContain('NOTE: The "dryRun" flag means no changes were made.');
    expect(await git(['status', '--porcelain'])).toBe('');
  }, 120_000);

  it('generates the service, formatted, with an executable entrypoint', async () => {
    await nx(['g', '@ventas/nx-docker:service', SERVICE, '--database', '--no-interactive']);
    const status = await git(['status', '--porcelain', '--untracked-files=all']);
    // Only the new folder: nx.json already holds the target defaults, so init changes nothing.
    expect(status.split('\n').every((line) => line.startsWith(`?? apps/${SERVICE}/`))).toBe(true);
    expect(statSync(join(root, `apps/${SERVICE}/entrypoint.sh`)).mode & 0o777).toBe(0o755);
    // Prettier ran (printWidth 110 keeps short arrays on one line).
    expect(readFileSync(join(root, `apps/${SERVICE}/project.json`), 'utf8')).toContain(
      '"tags": ["type:app", "scope:ventas"]',
    );
    const project = readJson<{ targets: Record<string, { executor?: string }> }>(
      `apps/${SERVICE}/project.json`,
    );
    expect(Object.keys(project.targets)).toEqual([
      'build',
      'docker-build',
      'ecr-push',
      'lint',
      'smoke-test',
      'test',
      'typecheck',
    ]);
  }, 120_000);

  it('nx affected lists only the new project, before and after it is committed', async () => {
    expect((await nx(['show', 'projects', '--affected', '--base=main'])).trim().split('\n')).toEqual([
      SERVICE,
    ]);
    await git(['add', '-A']);
    await git(['-c', 'user.email=e2e@ventas.test', '-c', 'user.name=e2e', 'commit', '-qm', `add ${SERVICE}`]);
    expect(
      (await nx(['show', 'projects', '--affected', '--base=HEAD~1', '--head=HEAD'])).trim().split('\n'),
    ).toEqual([SERVICE]);
  }, 120_000);

  it('its generated lint, typecheck and tests pass (real PostgreSQL)', async () => {
    const output = await nx([
      'run-many',
      '-t',
      'lint',
      'typecheck',
      'test',
      '-p',
      SERVICE,
      '--outputStyle=static',
    ]);
    expect(output).toContain('Successfully ran targets lint, typecheck, test');
  }, 600_000);

  it('nx run ecr-push builds, smoke-tests and pushes it to the local registry', async () => {
    // Everything this test makes in the shared daemon carries the test label.
    const projectJson = join(root, `apps/${SERVICE}/project.json`);
    const project = JSON.parse(readFileSync(projectJson, 'utf8'));
    project.targets['docker-build'].options.labels = { 'ventas.test': '1' };
    project.targets['smoke-test'].options.labels = { 'ventas.test': '1' };
    writeFileSync(projectJson, JSON.stringify(project, null, 2));

    await nx([
      'run',
      `${SERVICE}:ecr-push`,
      // The generated `local` configuration, at the address registry.sh reported (its port can be changed).
      '-c',
      'local',
      `--registry=${process.env['REGISTRY_HOST']}`,
      '--deployManifest=dist/deploy/e2e.auto.tfvars.json',
      '--outputStyle=static',
    ]);

    const image = readJson<{ imageId: string; tags: string[]; platform: string }>(
      `dist/images/${SERVICE}/image.json`,
    );
    image.tags.forEach((tag) => createdTags.add(tag));
    const smoke = readJson<{ checks?: Array<{ check: string; severity: string }> }>(
      `dist/images/${SERVICE}/smoke.json`,
    );
    const push = readJson<{ imageUri: string; digest: string; tags: string[]; repositoryUri: string }>(
      `dist/images/${SERVICE}/push.json`,
    );
    push.tags.forEach((tag) => createdTags.add(tag.includes('/') ? tag : `${push.repositoryUri}:${tag}`));

    expect(image.platform).toBe('linux/amd64');
    expect(JSON.stringify(smoke)).not.toContain('"severity":"error"');
    expect(push.repositoryUri).toBe(`${process.env['REGISTRY_HOST']}/${SERVICE}`);
    expect(push.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(push.imageUri).toBe(`${push.repositoryUri}@${push.digest}`);
    expect(existsSync(join(root, 'dist/deploy/e2e.auto.tfvars.json'))).toBe(true);
  }, 900_000);

  it('its image meets the same checks as the four services', async () => {
    const image = readJson<{ imageId: string }>(`dist/images/${SERVICE}/image.json`);
    const facts = parseImageInspect((await runDocker(['image', 'inspect', image.imageId])).stdout);
    expect(facts.platform).toBe('linux/amd64');
    expect(facts.exposedPorts).toContain(`${PORT}/tcp`);
    expect(facts.healthcheck).not.toBeNull();
    expect(facts.user).toBe('node');
    expect(facts.entrypoint).toEqual(['/app/entrypoint.sh']);
    expect(facts.cmd).toEqual(['node', 'main.js']);
    expect(facts.sizeBytes / 1e6).toBeLessThan(MAX_SIZE_MB);
  }, 60_000);
});
