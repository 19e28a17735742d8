import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runDocker } from '../../src/lib/docker/docker';
import { readImageManifest } from '../../src/lib/results/image-manifest';
import { removeImages, requireDockerEngine, uniqueName, writeFiles } from './engine';
import type { FixtureFiles } from './fixtures/four-services';
import { initRepository, makeGitWorkspace, nx } from './nx-workspace';

// Through the real nx CLI, in a throw-away workspace: misspelled options are refused by Nx's own validation
// before anything runs; `--stage` reaches docker-build (unlike `--target`, which nx reads itself) and a stage the
// Dockerfile lacks is refused before the build; and each rebuild's summary names what changed.
jest.setTimeout(300_000);

const prefix = uniqueName();
const seenIds = new Set<string>();
let root: string;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

const DOCKERFILE = [
  'FROM scratch AS base',
  'COPY app.txt /app.txt',
  'LABEL ventas.stage=base',
  'EXPOSE 8000',
  'HEALTHCHECK --interval=5s CMD ["/x"]',
  'CMD ["/x"]',
  'FROM base AS debug',
  'LABEL ventas.stage=debug',
  'FROM base AS runtime',
  'LABEL ventas.stage=runtime',
  '',
].join('\n');

function workspace(): FixtureFiles {
  return {
    'package.json': json({ name: '@fixture/options', version: '0.0.0', private: true }),
    '.gitignore': 'node_modules\ndist\n.nx\n',
    'tsconfig.base.json': json({ compilerOptions: { baseUrl: '.', paths: {} } }),
    'nx.json': json({
      namedInputs: {
        default: ['{projectRoot}/**/*'],
        production: ['default', '!{projectRoot}/README.md'],
        // As in the real nx.json: the plugin code that builds the image.
        nxDockerBuild: [
          '{workspaceRoot}/tools/nx-docker/src/executors/docker-build/**/*',
          '{workspaceRoot}/tools/nx-docker/src/lib/{docker,dockerfile,builder,tags,checks,git,results}/**/*',
          '!{workspaceRoot}/tools/nx-docker/src/**/*.spec.ts',
        ],
      },
      targetDefaults: {
        'docker-build': {
          cache: true,
          inputs: ['production', '^production', 'nxDockerBuild'],
          outputs: ['{workspaceRoot}/dist/images/{projectName}/image.json'],
        },
      },
    }),
    'libs/kit/project.json': json({ name: 'kit', projectType: 'library', targets: {} }),
    'libs/kit/src/index.ts': "export const kit = 'kit v1';\n",
    'apps/svc/project.json': json({
      name: 'svc',
      projectType: 'application',
      // Like a service on libs/service-kit: the library is an input of the image (^production).
      implicitDependencies: ['kit'],
      targets: {
        'docker-build': {
          executor: '@ventas/nx-docker:docker-build',
          options: {
            repository: `${prefix}-svc`,
            tags: ['latest'],
            port: 8000,
            labels: { 'ventas.test': '1' },
          },
        },
        'smoke-test': {
          executor: '@ventas/nx-docker:smoke-test',
          options: { port: 8000, endpoints: [{ path: '/health', bodyContans: 'ok' }] },
        },
      },
    }),
    'apps/svc/Dockerfile': DOCKERFILE,
    'apps/svc/app.txt': 'svc v1\n',
  };
}

async function build(...args: string[]) {
  const run = await nx(root, ['run', 'svc:docker-build', '--outputStyle=static', ...args]);
  const manifestPath = join(root, 'dist/images/svc/image.json');
  if (existsSync(manifestPath)) seenIds.add(readImageManifest(root, 'svc').imageId);
  return run;
}

async function stageLabel(): Promise<string> {
  const { imageId } = readImageManifest(root, 'svc');
  const result = await runDocker([
    'image',
    'inspect',
    '--format',
    '{{index .Config.Labels "ventas.stage"}}',
    imageId,
  ]);
  return result.stdout.trim();
}

/** The summary line of the build, from `· built: ` on. */
function why(output: string): string {
  return /· (built: [^\n]*)/.exec(output)?.[1] ?? `(no summary line in:\n${output})`;
}

beforeAll(async () => {
  await requireDockerEngine();
  root = makeGitWorkspace(workspace());
  await initRepository(root);
});

afterAll(async () => {
  await removeImages([`${prefix}-svc:latest`, ...seenIds]);
  if (root) rmSync(root, { recursive: true, force: true });
  const left = await runDocker(['image', 'ls', '--quiet', '--filter', `reference=${prefix}-*`], {
    reject: false,
  });
  expect(left.stdout.trim()).toBe('');
});

describe("misspelled options: Nx's validation refuses them and names the key", () => {
  it("smoke-test: an endpoint's bodyContans in project.json", async () => {
    const run = await nx(root, [
      'run',
      'svc:smoke-test',
      '--excludeTaskDependencies',
      '--outputStyle=static',
    ]);
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain("'bodyContans' is not found in schema");
    // Refused before the executor ran: it would have asked for image.json first.
    expect(run.output).not.toMatch(/No image manifest/);
  });

  it('docker-build: --stgae on the command line', async () => {
    const run = await build('--stgae=debug');
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain("'stgae' is not found in schema");
    expect(existsSync(join(root, 'dist/images/svc/image.json'))).toBe(false);
  });

  it('a generator: nx g @ventas/nx-docker:service --databse', async () => {
    const run = await nx(root, ['g', '@ventas/nx-docker:service', 'pagos-service', '--databse', '--dry-run']);
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain("'databse' is not found in schema");
  });
});

describe('docker-build --stage (the option was target, which nx run reads itself)', () => {
  it('a stage the Dockerfile lacks is refused before the build, naming the Dockerfile, its stages and the fix', async () => {
    const run = await build('--stage=nosuchstage');
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain(
      "ERROR [stage] apps/svc/Dockerfile has no stage named 'nosuchstage'. Its stages: base (line 1), debug (line 7), runtime (line 9).",
    );
    expect(run.output).toContain(
      'Fix: Set "stage" (or --stage on the command line) to one of base, debug, runtime',
    );
    expect(run.output).toMatch(/check\(s\) failed; docker did not run/);
    expect(existsSync(join(root, 'dist/images/svc/image.json'))).toBe(false);
  });

  it('--stage=debug builds that stage', async () => {
    const run = await build('--stage=debug');
    if (run.exitCode !== 0) throw new Error(run.output);
    expect(await stageLabel()).toBe('debug');
    expect(why(run.output)).toMatch(/^built: no earlier image\.json/);
  });

  it('without it, the last stage; the summary names the option that changed', async () => {
    const run = await build();
    if (run.exitCode !== 0) throw new Error(run.output);
    expect(await stageLabel()).toBe('runtime');
    expect(why(run.output)).toMatch(/^built: the options \(stage\) changed, replaces [0-9a-f]{12}/);
    expect(readImageManifest(root, 'svc').inputs?.nodes).toEqual(
      expect.objectContaining({ 'kit:libs/kit/**/*,!libs/kit/README.md': expect.any(String) }),
    );
  });
});

describe('the summary says why an image was rebuilt, from the input hashes in image.json', () => {
  it.each<[string, () => void, RegExp]>([
    [
      'a library',
      () => writeFiles(root, { 'libs/kit/src/index.ts': "export const kit = 'kit v2';\n" }),
      // kit's files are not in this image: Nx rebuilds it, and Docker's cache gives back the same image.
      /^built: library kit \(libs\/kit\) changed, image unchanged/,
    ],
    [
      "the project's sources",
      () => writeFiles(root, { 'apps/svc/app.txt': 'svc v2\n' }),
      /^built: the project's sources \(apps\/svc\) changed, replaces [0-9a-f]{12}/,
    ],
    [
      'the Dockerfile',
      () => writeFiles(root, { 'apps/svc/Dockerfile': `${DOCKERFILE}LABEL ventas.extra=1\n` }),
      /^built: the Dockerfile \(apps\/svc\/Dockerfile\), perhaps with other files of apps\/svc changed, replaces/,
    ],
    [
      'the plugin',
      () => appendFileSync(join(root, 'tools/nx-docker/src/lib/results/task-graph.ts'), '// edited\n'),
      /^built: the plugin \(tools\/nx-docker\) changed, image unchanged/,
    ],
  ])('%s', async (_name, change, reason) => {
    change();
    const run = await build();
    if (run.exitCode !== 0) throw new Error(run.output);
    expect(why(run.output)).toMatch(reason);
  });

  it('nothing changed: a cache hit, nothing rebuilt', async () => {
    const before = readFileSync(join(root, 'dist/images/svc/image.json'), 'utf8');
    const run = await build();
    expect(run.exitCode).toBe(0);
    expect(run.output).toMatch(
      /svc:docker-build.*\[(local cache|existing outputs match the cache, left as is)\]/,
    );
    expect(readFileSync(join(root, 'dist/images/svc/image.json'), 'utf8')).toBe(before);
  });
});
