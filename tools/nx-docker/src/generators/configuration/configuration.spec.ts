import {
  addProjectConfiguration,
  formatFiles,
  logger,
  readProjectConfiguration,
  type Tree,
} from '@nx/devkit';
import { createTestTree, targetsOf, targetDefaultsOf } from '../lib/testing/test-tree';
import { configurationGenerator } from './configuration';
import defaultExport from './configuration';

// Prettier is loaded by a dynamic import() that Jest's CommonJS runtime refuses; the end-to-end test formats.
jest.mock('@nx/devkit', () => ({ ...jest.requireActual('@nx/devkit'), formatFiles: jest.fn() }));

const ROOT = 'apps/pagos';

function addNodeApp(tree: Tree, targets: Record<string, object> = {}, extra: object = {}) {
  addProjectConfiguration(tree, 'pagos', {
    root: ROOT,
    sourceRoot: `${ROOT}/src`,
    projectType: 'application',
    targets: {
      build: {
        executor: '@nx/esbuild:esbuild',
        outputs: ['{options.outputPath}'],
        options: { main: `${ROOT}/src/server.ts`, outputPath: `${ROOT}/build` },
      },
      ...targets,
    },
    ...extra,
  });
  tree.write(`${ROOT}/src/server.ts`, 'console.log(1);\n');
}

describe('configuration generator', () => {
  let tree: Tree;
  let warn: jest.SpyInstance;
  let info: jest.SpyInstance;
  beforeEach(() => {
    tree = createTestTree();
    warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    jest.mocked(formatFiles).mockClear();
  });

  it('is exported as default and by name', () => {
    expect(defaultExport).toBe(configurationGenerator);
  });

  it('adds the three targets, sorted, leaving cache/inputs/outputs/dependsOn to nx.json', async () => {
    addNodeApp(tree);
    await configurationGenerator(tree, { project: 'pagos', skipFormat: true });
    const config = readProjectConfiguration(tree, 'pagos');
    expect(Object.keys(config.targets ?? {})).toEqual(['build', 'docker-build', 'ecr-push', 'smoke-test']);
    expect((config.targets ?? {})['docker-build']).toEqual({
      executor: '@ventas/nx-docker:docker-build',
      inputs: [
        'production',
        '^production',
        'nxDockerBuild',
        {
          runtime:
            '${NX_DOCKER_BINARY:-docker} image inspect --format {{.Id}} node:24-bookworm-slim 2>/dev/null || echo absent',
        },
      ],
      options: { port: 8000, version: '0.1.0', tags: ['latest', 'v{version}'] },
    });
    expect((config.targets ?? {})['smoke-test']).toEqual({
      executor: '@ventas/nx-docker:smoke-test',
      options: { port: 8000, healthPath: '/health' },
    });
    expect((config.targets ?? {})['ecr-push']).toEqual({ executor: '@ventas/nx-docker:ecr-push' });
    // init ran: the chain is in nx.json.
    expect(targetDefaultsOf(tree)['smoke-test']).toMatchObject({ dependsOn: ['docker-build'] });
  });

  it('writes Dockerfile, .dockerignore and an executable entrypoint.sh that fit the build output', async () => {
    addNodeApp(tree);
    await configurationGenerator(tree, {
      project: 'pagos',
      port: 8100,
      healthPath: '/api/health',
      skipFormat: true,
    });
    const dockerfile = tree.read(`${ROOT}/Dockerfile`, 'utf8') ?? '';
    expect(dockerfile).toContain('FROM node:24-bookworm-slim');
    expect(dockerfile).toContain('COPY build/ ./');
    expect(dockerfile).toContain('EXPOSE 8100');
    expect(dockerfile).toContain("'/api/health'");
    expect(dockerfile).toContain('USER node');
    expect(dockerfile).toContain('CMD ["node", "server.js"]');
    expect(tree.read(`${ROOT}/.dockerignore`, 'utf8')).toContain('!build/');
    const entrypoint = tree.read(`${ROOT}/entrypoint.sh`, 'utf8') ?? '';
    expect(entrypoint).toMatch(/^#!\/bin\/sh\n/);
    expect(entrypoint).toContain('\nexec "$@"\n');
    expect(entrypoint).not.toContain('populate-db');
    const change = tree.listChanges().find((c) => c.path === `${ROOT}/entrypoint.sh`);
    expect(change?.options?.mode).toBe('755');
    const smoke = targetsOf(tree, 'pagos')['smoke-test'];
    expect(smoke.options).toEqual({ port: 8100, healthPath: '/api/health' });
  });

  it('runs populate-db from the entrypoint when the project has one', async () => {
    addNodeApp(tree);
    tree.write(`${ROOT}/src/populate-db.ts`, 'export {};\n');
    await configurationGenerator(tree, { project: 'pagos', skipFormat: true });
    expect(tree.read(`${ROOT}/entrypoint.sh`, 'utf8')).toContain('\nnode /app/populate-db.js\n');
  });

  it('with a populate-db step (or --database), smoke-tests beside a PostgreSQL sidecar', async () => {
    addNodeApp(tree);
    tree.write(`${ROOT}/src/populate-db.ts`, 'export {};\n');
    await configurationGenerator(tree, { project: 'pagos', skipFormat: true });
    expect(targetsOf(tree, 'pagos')['smoke-test'].options).toEqual({
      port: 8000,
      healthPath: '/health',
      env: { DATABASE_URL: 'postgresql://pagos:pagos_smoke@db:5432/pagos' },
      services: [
        {
          alias: 'db',
          image: 'postgres:15-bookworm',
          env: {
            POSTGRES_USER: 'pagos',
            POSTGRES_PASSWORD: 'pagos_smoke',
            POSTGRES_DB: 'pagos',
            POSTGRES_INITDB_ARGS: '--no-sync',
          },
          command: ['postgres', '-c', 'fsync=off'],
          tmpfs: ['/var/lib/postgresql/data'],
          healthCmd: 'pg_isready -h 127.0.0.1 -p 5432 -U pagos -d pagos',
        },
      ],
    });
  });

  it('--database false overrides the detection', async () => {
    addNodeApp(tree);
    tree.write(`${ROOT}/src/populate-db.ts`, 'export {};\n');
    await configurationGenerator(tree, { project: 'pagos', database: false, skipFormat: true });
    expect(targetsOf(tree, 'pagos')['smoke-test'].options).toEqual({ port: 8000, healthPath: '/health' });
  });

  it('--upstream runs the upstream image beside the app and builds it first', async () => {
    addNodeApp(tree);
    addProjectConfiguration(tree, 'cliente-service', {
      root: 'apps/cliente-service',
      targets: { 'docker-build': {}, 'smoke-test': { options: { healthPath: '/api/health' } } },
    });
    await configurationGenerator(tree, {
      project: 'pagos',
      upstream: 'cliente-service',
      port: 8001,
      skipFormat: true,
    });
    const smoke = targetsOf(tree, 'pagos')['smoke-test'];
    expect(smoke.options).toEqual({
      port: 8001,
      healthPath: '/health',
      env: { CLIENTE_SERVICE_URL: 'http://cliente-service:8000' },
      services: [{ alias: 'cliente-service', project: 'cliente-service' }],
    });
    expect(smoke.dependsOn).toEqual([
      'docker-build',
      { projects: ['cliente-service'], target: 'docker-build' },
    ]);
  });

  it('defaults to the services layout (dist/main.js) without an explicit build target', async () => {
    addProjectConfiguration(tree, 'pagos', { root: ROOT, projectType: 'application', targets: {} });
    await configurationGenerator(tree, { project: 'pagos', skipFormat: true });
    const dockerfile = tree.read(`${ROOT}/Dockerfile`, 'utf8') ?? '';
    expect(dockerfile).toContain('COPY dist/ ./');
    expect(dockerfile).toContain('CMD ["node", "main.js"]');
  });

  it('keeps an existing Dockerfile and target untouched, adds the rest, and says what it kept', async () => {
    addNodeApp(tree, { 'smoke-test': { executor: 'nx:run-commands', options: { command: 'my-smoke' } } });
    tree.write(`${ROOT}/Dockerfile`, 'FROM mine:1 AS build\nFROM scratch\n');
    await configurationGenerator(tree, { project: 'pagos', skipFormat: true });
    expect(tree.read(`${ROOT}/Dockerfile`, 'utf8')).toBe('FROM mine:1 AS build\nFROM scratch\n');
    expect(tree.exists(`${ROOT}/.dockerignore`)).toBe(true);
    const targets = targetsOf(tree, 'pagos');
    expect(targets['smoke-test']).toEqual({ executor: 'nx:run-commands', options: { command: 'my-smoke' } });
    expect(targets['docker-build'].executor).toBe('@ventas/nx-docker:docker-build');
    // The base image tracked is the kept Dockerfile's own, not the template's.
    expect(targets['docker-build'].inputs?.at(-1)).toEqual({
      runtime: '${NX_DOCKER_BINARY:-docker} image inspect --format {{.Id}} mine:1 2>/dev/null || echo absent',
    });
    expect(warn).toHaveBeenCalledWith("pagos already has a 'smoke-test' target; it is kept unchanged.");
    expect(info).toHaveBeenCalledWith(`Kept the existing ${ROOT}/Dockerfile unchanged.`);
    expect(info).toHaveBeenCalledWith(
      'docker-build checks that it EXPOSEs 8000 and has a HEALTHCHECK on /health.',
    );
  });

  it('is idempotent: a second run changes no file', async () => {
    addNodeApp(tree);
    await configurationGenerator(tree, { project: 'pagos', skipFormat: true });
    const snapshot = tree.listChanges().map((c) => [c.path, c.content?.toString()]);
    await configurationGenerator(tree, { project: 'pagos', skipFormat: true });
    expect(tree.listChanges().map((c) => [c.path, c.content?.toString()])).toEqual(snapshot);
  });

  it('formats unless skipFormat', async () => {
    addNodeApp(tree);
    await configurationGenerator(tree, { project: 'pagos' });
    expect(formatFiles).toHaveBeenCalledTimes(1);
  });

  it.each([
    [{ project: 'nope' }, "Cannot find a project named 'nope'."],
    [{ project: 'pagos', port: 80 }, '--port 80 is a privileged port'],
    [{ project: 'pagos', port: 70000 }, '--port must be an integer from 1 to 65535; got 70000.'],
    [{ project: 'pagos', port: 8000.5 }, '--port must be an integer from 1 to 65535; got 8000.5.'],
    [{ project: 'pagos', healthPath: 'health' }, "--healthPath 'health' must start with '/'"],
    [{ project: 'pagos', upstream: 'pagos' }, '--upstream pagos is the project itself'],
    [{ project: 'pagos', upstream: 'nope' }, '--upstream nope is not a project of this workspace.'],
  ])('refuses %j', async (options, message) => {
    addNodeApp(tree);
    await expect(configurationGenerator(tree, options)).rejects.toThrow(message);
    expect(tree.exists(`${ROOT}/Dockerfile`)).toBe(false);
  });

  it('refuses a library', async () => {
    addProjectConfiguration(tree, 'kit', { root: 'libs/kit', projectType: 'library', targets: {} });
    await expect(configurationGenerator(tree, { project: 'kit' })).rejects.toThrow(
      'kit is a library; an image is built from an application',
    );
  });

  it('refuses a build that writes outside the project folder (the Docker context)', async () => {
    addProjectConfiguration(tree, 'pagos', {
      root: ROOT,
      projectType: 'application',
      targets: { build: { executor: '@nx/esbuild:esbuild', options: { outputPath: 'dist/apps/pagos' } } },
    });
    await expect(configurationGenerator(tree, { project: 'pagos' })).rejects.toThrow(
      "pagos's build writes to dist/apps/pagos, outside apps/pagos",
    );
  });
});
