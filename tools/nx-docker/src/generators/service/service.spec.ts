import {
  addProjectConfiguration,
  formatFiles,
  logger,
  readProjectConfiguration,
  type Tree,
  updateProjectConfiguration,
} from '@nx/devkit';
import { createTestTree, targetsOf, targetDefaultsOf } from '../lib/testing/test-tree';
import { serviceGenerator } from './service';
import defaultExport from './service';

// Prettier is loaded by a dynamic import() that Jest's CommonJS runtime refuses; the end-to-end test formats.
jest.mock('@nx/devkit', () => ({ ...jest.requireActual('@nx/devkit'), formatFiles: jest.fn() }));

const ROOT = 'apps/pagos-service';

/** An upstream as the four services configure theirs: an image, a smoke test with its own database. */
function addCatalogo(tree: Tree) {
  addProjectConfiguration(tree, 'catalogo-service', {
    root: 'apps/catalogo-service',
    projectType: 'application',
    targets: {
      'docker-build': { executor: '@ventas/nx-docker:docker-build', options: { port: 8000 } },
      'smoke-test': {
        executor: '@ventas/nx-docker:smoke-test',
        options: {
          port: 8000,
          healthPath: '/health',
          env: { DATABASE_URL: 'postgresql+asyncpg://catalogo:secret@db:5432/catalogo', LOG_LEVEL: 'warn' },
          services: [
            {
              alias: 'db',
              image: 'postgres:15-bookworm',
              env: { POSTGRES_USER: 'catalogo', POSTGRES_PASSWORD: 'secret', POSTGRES_DB: 'catalogo' },
              healthCmd: 'pg_isready -h 127.0.0.1 -p 5432 -U catalogo -d catalogo',
            },
          ],
        },
      },
    },
  });
}

/** Every pending change of the tree, as text: equal before and after a refusal. */
function snapshot(tree: Tree): string[] {
  return tree
    .listChanges()
    .map((change) => `${change.type} ${change.path} ${change.content?.toString() ?? ''}`);
}

function files(tree: Tree): string[] {
  return tree
    .listChanges()
    .map((change) => change.path)
    .filter((path) => path.startsWith(`${ROOT}/`))
    .map((path) => path.slice(ROOT.length + 1))
    .sort();
}

describe('service generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTestTree();
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    jest.mocked(formatFiles).mockClear();
  });

  it('is exported as default and by name', () => {
    expect(defaultExport).toBe(serviceGenerator);
  });

  describe('a plain service (no options)', () => {
    beforeEach(() => serviceGenerator(tree, { name: 'pagos-service', skipFormat: true }));

    it('scaffolds the app, its tests and the image files', () => {
      expect(files(tree)).toEqual([
        '.dockerignore',
        'Dockerfile',
        'README.md',
        'entrypoint.sh',
        'eslint.config.mjs',
        'jest.config.cjs',
        'project.json',
        'src/app.spec.ts',
        'src/app.ts',
        'src/config.spec.ts',
        'src/config.ts',
        'src/main.ts',
        'src/routes/info.routes.spec.ts',
        'src/routes/info.routes.ts',
        'src/test-config.ts',
        'tsconfig.json',
      ]);
    });

    it('writes project.json with sorted targets: build, typecheck and the three image targets', () => {
      const config = readProjectConfiguration(tree, 'pagos-service');
      expect(config).toMatchObject({
        root: ROOT,
        sourceRoot: `${ROOT}/src`,
        projectType: 'application',
        tags: ['type:app', 'scope:ventas'],
      });
      expect(Object.keys(config.targets ?? {})).toEqual([
        'build',
        'docker-build',
        'ecr-push',
        'lint',
        'smoke-test',
        'test',
        'typecheck',
      ]);
      expect((config.targets ?? {})['build']).toEqual({
        executor: 'nx:run-commands',
        outputs: ['{projectRoot}/dist'],
        inputs: ['production', '^production', { externalDependencies: ['esbuild'] }],
        options: {
          cwd: '{projectRoot}',
          commands: [
            'rm -rf dist',
            expect.stringMatching(
              /^esbuild src\/main\.ts --bundle --platform=node --target=node24 --format=cjs --outdir=dist /,
            ),
          ],
          parallel: false,
        },
      });
      expect((config.targets ?? {})['typecheck']).toEqual({});
      expect((config.targets ?? {})['lint']).toEqual({});
      expect((config.targets ?? {})['test']).toEqual({});
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
        options: {
          port: 8000,
          healthPath: '/health',
          endpoints: [{ path: '/api/info', json: { service: 'pagos-service' } }],
        },
      });
      expect((config.targets ?? {})['ecr-push']).toEqual({ executor: '@ventas/nx-docker:ecr-push' });
    });

    it('runs init: nx.json has the docker-build → smoke-test → ecr-push chain', () => {
      const defaults = targetDefaultsOf(tree);
      expect(defaults['docker-build']).toMatchObject({ dependsOn: ['build'], cache: true });
      expect(defaults['smoke-test']).toMatchObject({ dependsOn: ['docker-build'], cache: true });
      expect(defaults['ecr-push']).toMatchObject({ dependsOn: ['smoke-test'], cache: false });
    });

    it('gives entrypoint.sh its exec bit and no data step', () => {
      const change = tree.listChanges().find((c) => c.path === `${ROOT}/entrypoint.sh`);
      expect(change?.options?.mode).toBe('755');
      expect(change?.content?.toString()).toBe(
        '#!/bin/sh\n# No database to prepare: replace this shell with the server so SIGTERM from `docker stop` / ECS reaches Node.\nset -eu\n\nexec "$@"\n',
      );
    });

    it('writes a Dockerfile that the image checks accept: port, healthcheck, non-root user, entrypoint', () => {
      const dockerfile = tree.read(`${ROOT}/Dockerfile`, 'utf8') ?? '';
      expect(dockerfile).toContain('FROM node:24-bookworm-slim\n');
      expect(dockerfile).toContain('\nENV PORT=8000\n');
      // No RUN: the build needs no shell and no network; COPY keeps entrypoint.sh's exec bit.
      expect(dockerfile).not.toMatch(/^RUN /m);
      expect(dockerfile).toContain('\nEXPOSE 8000\n');
      expect(dockerfile).toContain("(process.env.PORT || 8000) + '/health'");
      expect(dockerfile).toContain('\nUSER node\n');
      expect(dockerfile).toContain('ENTRYPOINT ["/app/entrypoint.sh"]\nCMD ["node", "main.js"]\n');
      expect(tree.read(`${ROOT}/.dockerignore`, 'utf8')).toBe(
        '# The build context is this folder; the image needs only the bundle and the entrypoint.\n*\n!dist/\n!dist/**\n!entrypoint.sh\n',
      );
    });

    it('writes a config with no required keys and the default port', () => {
      const config = tree.read(`${ROOT}/src/config.ts`, 'utf8') ?? '';
      expect(config).toContain('PORT: { ...baseConfigProperties.PORT, default: 8000 },');
      expect(config).toContain(
        "SERVICE_NAME: { ...baseConfigProperties.SERVICE_NAME, default: 'pagos-service' },",
      );
      expect(config).toContain('export type Config = BaseConfig;');
      expect(config).toContain('  [],\n);');
      expect(config).not.toContain('DATABASE_URL');
    });

    it('formats nothing when skipFormat is set', () => {
      expect(formatFiles).not.toHaveBeenCalled();
    });
  });

  it('--port sets PORT, EXPOSE, HEALTHCHECK and both image targets', async () => {
    await serviceGenerator(tree, { name: 'pagos-service', port: 8001, skipFormat: true });
    expect(tree.read(`${ROOT}/Dockerfile`, 'utf8')).toContain('\nEXPOSE 8001\n');
    expect(tree.read(`${ROOT}/src/config.ts`, 'utf8')).toContain('default: 8001 }');
    const targets = targetsOf(tree, 'pagos-service');
    expect(targets['docker-build'].options).toEqual({
      port: 8001,
      version: '0.1.0',
      tags: ['latest', 'v{version}'],
    });
    expect(targets['smoke-test'].options.port).toBe(8001);
  });

  it('--directory and --tags place and tag the project', async () => {
    await serviceGenerator(tree, {
      name: 'pagos-service',
      directory: 'services/',
      tags: 'team:pagos, scope:ventas',
      skipFormat: true,
    });
    const config = readProjectConfiguration(tree, 'pagos-service');
    expect(config.root).toBe('services/pagos-service');
    expect(config.tags).toEqual(['type:app', 'scope:ventas', 'team:pagos']);
    expect(tree.read('services/pagos-service/tsconfig.json', 'utf8')).toContain(
      '"extends": "../../tsconfig.base.json"',
    );
  });

  it('a nested --directory gets the right relative paths', async () => {
    await serviceGenerator(tree, { name: 'pagos-service', directory: 'apps/pagos', skipFormat: true });
    expect(tree.read('apps/pagos/pagos-service/tsconfig.json', 'utf8')).toContain(
      '"../../../tsconfig.base.json"',
    );
    expect(tree.read('apps/pagos/pagos-service/jest.config.cjs', 'utf8')).toContain(
      "preset: '../../../jest.preset.js'",
    );
  });

  describe('--database', () => {
    beforeEach(() => serviceGenerator(tree, { name: 'pagos-service', database: true, skipFormat: true }));

    it('adds a DB-backed resource, populate-db and their tests', () => {
      expect(files(tree)).toEqual(
        expect.arrayContaining([
          'src/db/pagos.repository.ts',
          'src/db/populate.spec.ts',
          'src/db/populate.ts',
          'src/db/schema.ts',
          'src/db/seed-data.ts',
          'src/populate-db.ts',
          'src/routes/pagos.routes.spec.ts',
          'src/routes/pagos.routes.ts',
        ]),
      );
      expect(files(tree)).not.toContain('src/app.spec.ts');
      expect(tree.read(`${ROOT}/src/db/schema.ts`, 'utf8')).toContain('CREATE TABLE IF NOT EXISTS "pagos" (');
      expect(tree.read(`${ROOT}/src/app.ts`, 'utf8')).toContain('app.register(databasePlugin, config);');
      expect(tree.read(`${ROOT}/src/config.ts`, 'utf8')).toContain("['DATABASE_URL'],");
    });

    it('bundles populate-db beside main and runs it from the entrypoint before the server', () => {
      const build = targetsOf(tree, 'pagos-service')['build'];
      expect(build.options.commands[1]).toMatch(/^esbuild src\/main\.ts src\/populate-db\.ts --bundle /);
      expect(tree.read(`${ROOT}/entrypoint.sh`, 'utf8')).toMatch(
        /\nnode \/app\/populate-db\.js\n\nexec "\$@"\n$/,
      );
    });

    it('smoke-tests beside a postgres:15-bookworm sidecar, with readiness and the resource as endpoints', () => {
      expect(targetsOf(tree, 'pagos-service')['smoke-test']).toEqual({
        executor: '@ventas/nx-docker:smoke-test',
        options: {
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
          endpoints: [
            { path: '/api/info', json: { service: 'pagos-service' } },
            { path: '/ready', json: { status: 'ok' } },
            { path: '/api/pagos?limit=1', status: 200 },
          ],
        },
      });
    });
  });

  it('--database in a workspace that builds smoke-postgres: its image as the sidecar, built first', async () => {
    addProjectConfiguration(tree, 'smoke-postgres', {
      root: 'tools/smoke-postgres',
      targets: { 'docker-build': { executor: '@ventas/nx-docker:docker-build', options: { port: 5432 } } },
    });
    await serviceGenerator(tree, { name: 'pagos-service', database: true, skipFormat: true });
    const smokeTest = targetsOf(tree, 'pagos-service')['smoke-test'];
    // The credentials tools/smoke-postgres/Dockerfile initialises the cluster with.
    expect(smokeTest.options.env).toEqual({ DATABASE_URL: 'postgresql://smoke:smoke-only@db:5432/smoke' });
    expect(smokeTest.options.services).toEqual([{ alias: 'db', project: 'smoke-postgres' }]);
    expect(smokeTest.dependsOn).toEqual([
      'docker-build',
      { projects: ['smoke-postgres'], target: 'docker-build' },
    ]);
  });

  describe('--upstream', () => {
    beforeEach(async () => {
      addCatalogo(tree);
      await serviceGenerator(tree, { name: 'pagos-service', upstream: 'catalogo-service', skipFormat: true });
    });

    it('adds <UPSTREAM>_SERVICE_URL to the config, an upstream client and a composed route with its tests', () => {
      expect(files(tree)).toEqual(
        expect.arrayContaining([
          'src/upstreams/catalogo-service.routes.ts',
          'src/upstreams/catalogo-service.routes.spec.ts',
        ]),
      );
      const config = tree.read(`${ROOT}/src/config.ts`, 'utf8') ?? '';
      expect(config).toContain("...upstreamConfigProperties('CATALOGO_SERVICE_URL'),");
      expect(config).toContain("UpstreamConfig<'CATALOGO_SERVICE_URL'>");
      expect(config).toContain("['CATALOGO_SERVICE_URL'],");
      const app = tree.read(`${ROOT}/src/app.ts`, 'utf8') ?? '';
      expect(app).toContain('baseUrl: config.CATALOGO_SERVICE_URL,');
      expect(app).toMatch(
        /upstreamHealthCheck\(\{\s*name: 'catalogo-service',\s*baseUrl: config\.CATALOGO_SERVICE_URL,\s*path: '\/health',\s*\}\)/,
      );
      expect(tree.read(`${ROOT}/src/upstreams/catalogo-service.routes.ts`, 'utf8')).toContain(
        "app.get('/api/upstreams/catalogo-service'",
      );
    });

    it("smoke-tests beside the upstream's image and the upstream's own database, renamed so nothing collides", () => {
      const smoke = targetsOf(tree, 'pagos-service')['smoke-test'];
      expect(smoke.options.env).toEqual({ CATALOGO_SERVICE_URL: 'http://catalogo-service:8000' });
      expect(smoke.options.services).toEqual([
        {
          alias: 'catalogo-service-db',
          image: 'postgres:15-bookworm',
          env: { POSTGRES_USER: 'catalogo', POSTGRES_PASSWORD: 'secret', POSTGRES_DB: 'catalogo' },
          healthCmd: 'pg_isready -h 127.0.0.1 -p 5432 -U catalogo -d catalogo',
        },
        {
          alias: 'catalogo-service',
          project: 'catalogo-service',
          env: {
            DATABASE_URL: 'postgresql+asyncpg://catalogo:secret@catalogo-service-db:5432/catalogo',
            LOG_LEVEL: 'warn',
          },
        },
      ]);
      expect(smoke.options.endpoints).toEqual([
        { path: '/api/info', json: { service: 'pagos-service' } },
        { path: '/ready', json: { status: 'ok' } },
        { path: '/api/upstreams/catalogo-service', json: { upstream: { status: 'up' } } },
      ]);
      // The upstream image must be built before this smoke test runs it.
      expect(smoke.dependsOn).toEqual([
        'docker-build',
        { projects: ['catalogo-service'], target: 'docker-build' },
      ]);
    });

    it('gives an upstream PostgreSQL sidecar without a healthCmd the TCP pg_isready', async () => {
      const other = createTestTree();
      addCatalogo(other);
      const catalogo = readProjectConfiguration(other, 'catalogo-service');
      delete catalogo.targets?.['smoke-test']?.options.services[0].healthCmd;
      updateProjectConfiguration(other, 'catalogo-service', catalogo);
      await serviceGenerator(other, {
        name: 'pagos-service',
        upstream: 'catalogo-service',
        skipFormat: true,
      });
      expect(targetsOf(other, 'pagos-service')['smoke-test'].options.services[0]).toEqual({
        alias: 'catalogo-service-db',
        image: 'postgres:15-bookworm',
        env: { POSTGRES_USER: 'catalogo', POSTGRES_PASSWORD: 'secret', POSTGRES_DB: 'catalogo' },
        healthCmd: 'pg_isready -h 127.0.0.1 -p 5432 -U catalogo -d catalogo',
      });
    });

    it('combines with --database: two databases, ours as db', async () => {
      const other = createTestTree();
      addCatalogo(other);
      await serviceGenerator(other, {
        name: 'pagos-service',
        database: true,
        upstream: 'catalogo-service',
        skipFormat: true,
      });
      const smoke = targetsOf(other, 'pagos-service')['smoke-test'];
      expect(smoke.options.services.map((s: { alias: string }) => s.alias)).toEqual([
        'db',
        'catalogo-service-db',
        'catalogo-service',
      ]);
      expect(Object.keys(smoke.options.env)).toEqual(['DATABASE_URL', 'CATALOGO_SERVICE_URL']);
      expect(other.read(`${ROOT}/src/upstreams/catalogo-service.routes.spec.ts`, 'utf8')).toContain(
        "createTestDatabase('pagos_upstream')",
      );
    });
  });

  it('runs the real upstream in the generated tests, populating its database first when it has one', async () => {
    addCatalogo(tree);
    tree.write('apps/catalogo-service/src/populate-db.ts', 'export {};\n');
    await serviceGenerator(tree, { name: 'pagos-service', upstream: 'catalogo-service', skipFormat: true });
    const spec = tree.read(`${ROOT}/src/upstreams/catalogo-service.routes.spec.ts`, 'utf8') ?? '';
    expect(spec).toContain("const UPSTREAM = join(__dirname, '../../../catalogo-service/src');");
    expect(spec).toContain("spawnService({ entry: join(UPSTREAM, 'populate-db.ts'), env })");
    expect(spec).toContain("spawnService({ entry: join(UPSTREAM, 'main.ts'), env, healthPath: '/health' })");
    expect(spec).toContain('DATABASE_URL: database.url,');
  });

  it('builds every image an upstream runs beside before the smoke test (an upstream that is a BFF)', async () => {
    addCatalogo(tree);
    addProjectConfiguration(tree, 'bff-venta', {
      root: 'apps/bff-venta',
      targets: {
        'docker-build': {},
        'smoke-test': {
          options: {
            env: { CATALOGO_SERVICE_URL: 'http://catalogo:8000' },
            services: [{ alias: 'catalogo', project: 'catalogo-service' }],
          },
        },
      },
    });
    await serviceGenerator(tree, { name: 'caja-service', upstream: 'bff-venta', skipFormat: true });
    const smoke = readProjectConfiguration(tree, 'caja-service').targets?.['smoke-test'];
    // In the order the sidecars start.
    expect(smoke?.dependsOn).toEqual([
      'docker-build',
      { projects: ['catalogo-service', 'bff-venta'], target: 'docker-build' },
    ]);
    expect(smoke?.options.services).toEqual([
      { alias: 'bff-venta-catalogo', project: 'catalogo-service' },
      {
        alias: 'bff-venta',
        project: 'bff-venta',
        env: { CATALOGO_SERVICE_URL: 'http://bff-venta-catalogo:8000' },
      },
    ]);
    const spec = tree.read('apps/caja-service/src/upstreams/bff-venta.routes.spec.ts', 'utf8') ?? '';
    expect(spec).toContain("CATALOGO_SERVICE_URL: 'http://127.0.0.1:9',");
  });

  it('names the URL variable <NAME>_SERVICE_URL for an upstream whose name does not end in -service', async () => {
    addProjectConfiguration(tree, 'pagos', {
      root: 'apps/pagos',
      targets: { 'docker-build': {}, 'smoke-test': { options: { port: 8001, healthPath: '/api/health' } } },
    });
    await serviceGenerator(tree, { name: 'bff-pagos', upstream: 'pagos', skipFormat: true });
    const smoke = targetsOf(tree, 'bff-pagos')['smoke-test'];
    expect(smoke.options.env).toEqual({ PAGOS_SERVICE_URL: 'http://pagos:8001' });
    expect(smoke.options.services).toEqual([{ alias: 'pagos', project: 'pagos' }]);
    expect(tree.read('apps/bff-pagos/src/app.ts', 'utf8')).toMatch(
      /upstreamHealthCheck\(\{\s*name: 'pagos',\s*baseUrl: config\.PAGOS_SERVICE_URL,\s*path: '\/api\/health',\s*\}\)/,
    );
  });

  it('treats an empty --upstream (the prompt left blank) as none', async () => {
    await serviceGenerator(tree, { name: 'pagos-service', upstream: '', skipFormat: true });
    expect(targetsOf(tree, 'pagos-service')['smoke-test'].dependsOn).toBeUndefined();
  });

  it('formats the files unless skipFormat', async () => {
    await serviceGenerator(tree, { name: 'pagos-service' });
    expect(formatFiles).toHaveBeenCalledTimes(1);
  });

  describe('refusals (nothing is written)', () => {
    it.each([
      ['PagosService', "Service name 'PagosService' is not kebab-case."],
      ['pagos_service', "Service name 'pagos_service' is not kebab-case."],
      ['pagos--service', "Service name 'pagos--service' is not kebab-case."],
      ['-pagos', "Service name '-pagos' is not kebab-case."],
      ['1pagos', "Service name '1pagos' is not kebab-case."],
      ['', "Service name '' is not kebab-case."],
    ])('the name %j', async (name, message) => {
      const before = snapshot(tree);
      await expect(serviceGenerator(tree, { name })).rejects.toThrow(message);
      expect(snapshot(tree)).toEqual(before);
    });

    it.each([
      [0, '--port must be an integer from 1 to 65535; got 0.'],
      [65536, '--port must be an integer from 1 to 65535; got 65536.'],
      [80.5, '--port must be an integer from 1 to 65535; got 80.5.'],
      [Number.NaN, '--port must be an integer from 1 to 65535; got NaN.'],
      [443, '--port 443 is a privileged port: the image runs as the non-root user'],
      [1023, '--port 1023 is a privileged port'],
    ])('the port %p', async (port, message) => {
      const before = snapshot(tree);
      await expect(serviceGenerator(tree, { name: 'pagos-service', port })).rejects.toThrow(message);
      expect(snapshot(tree)).toEqual(before);
    });

    it('accepts the edges 1024 and 65535', async () => {
      await serviceGenerator(tree, { name: 'a-service', port: 1024, skipFormat: true });
      await serviceGenerator(tree, { name: 'b-service', port: 65535, skipFormat: true });
      expect(targetsOf(tree, 'b-service')['docker-build'].options.port).toBe(65535);
    });

    it('a name taken by a project', async () => {
      addCatalogo(tree);
      const before = snapshot(tree);
      await expect(serviceGenerator(tree, { name: 'catalogo-service' })).rejects.toThrow(
        "A project named 'catalogo-service' already exists (apps/catalogo-service).",
      );
      expect(snapshot(tree)).toEqual(before);
    });

    it('a name whose folder exists', async () => {
      tree.write(`${ROOT}/notes.txt`, 'mine');
      await expect(serviceGenerator(tree, { name: 'pagos-service' })).rejects.toThrow(
        'The folder apps/pagos-service already exists; the generator never writes over files.',
      );
      expect(tree.read(`${ROOT}/notes.txt`, 'utf8')).toBe('mine');
      expect(tree.exists(`${ROOT}/project.json`)).toBe(false);
    });

    it('an upstream that is no project, naming the services that have an image', async () => {
      addCatalogo(tree);
      await expect(
        serviceGenerator(tree, { name: 'pagos-service', upstream: 'ventas-service' }),
      ).rejects.toThrow(
        '--upstream ventas-service is not a project of this workspace.\nHint: Services with an image: catalogo-service.',
      );
    });

    it('an upstream without an image', async () => {
      addProjectConfiguration(tree, 'legacy', { root: 'apps/legacy', targets: {} });
      await expect(serviceGenerator(tree, { name: 'pagos-service', upstream: 'legacy' })).rejects.toThrow(
        '--upstream legacy has no docker-build target',
      );
    });

    it.each(['info-service', 'upstreams'])(
      '%s with --database (its resource path is taken)',
      async (name) => {
        await expect(serviceGenerator(tree, { name, database: true })).rejects.toThrow(
          'which the generated app already uses',
        );
      },
    );

    it('the service itself as its upstream', async () => {
      await expect(
        serviceGenerator(tree, { name: 'pagos-service', upstream: 'pagos-service' }),
      ).rejects.toThrow('--upstream pagos-service is the service being created');
    });

    it.each(['../outside', '/abs', ''])('the directory %j', async (directory) => {
      await expect(serviceGenerator(tree, { name: 'pagos-service', directory })).rejects.toThrow(
        'must be a folder inside the workspace',
      );
    });
  });
});
