import type { ExecutorContext } from '@nx/devkit';
import {
  BuildFacts,
  cacheRegistryTarget,
  cacheTracking,
  defaultRepository,
  normalizeOptions,
} from './normalize-options';

function fakeContext(projectName = 'orders', root = 'apps/orders'): ExecutorContext {
  return {
    root: '/ws',
    cwd: '/ws',
    isVerbose: false,
    projectName,
    projectsConfigurations: { version: 2, projects: { [projectName]: { root } } },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  } as ExecutorContext;
}

const facts: BuildFacts = {
  packageVersion: '1.0.0',
  gitSha: '0123456789abcdef0123456789abcdef01234567',
  gitRemote: 'git@github.com:ventas/monorepo.git',
  created: '2026-11-29T10:00:00+00:00',
  commitEpoch: '1764547200',
  envBinary: null,
};

describe('normalizeOptions', () => {
  it('fills every default', () => {
    expect(normalizeOptions({}, fakeContext(), facts)).toEqual({
      projectName: 'orders',
      projectRoot: 'apps/orders',
      workspaceRoot: '/ws',
      dockerfile: '/ws/apps/orders/Dockerfile',
      dockerfileDisplay: 'apps/orders/Dockerfile',
      context: '/ws/apps/orders',
      contextDisplay: 'apps/orders',
      platform: 'linux/amd64',
      tags: ['orders:latest'],
      version: '1.0.0',
      gitSha: facts.gitSha,
      buildArgs: {},
      stage: null,
      labels: {
        'org.opencontainers.image.title': 'orders',
        'org.opencontainers.image.version': '1.0.0',
        'org.opencontainers.image.revision': facts.gitSha,
        'org.opencontainers.image.created': '2026-11-29T10:00:00+00:00',
        'org.opencontainers.image.source': 'git@github.com:ventas/monorepo.git',
      },
      cacheFrom: [],
      cacheTo: null,
      archive: false,
      cacheRegistry: null,
      pull: false,
      provenance: false,
      reproducible: false,
      sourceDateEpoch: '1764547200',
      port: null,
      skipChecks: [],
      tracking: null,
      dockerBinary: null,
      outputDir: '/ws/dist/images/orders',
      manifestPath: '/ws/dist/images/orders/image.json',
      archivePath: '/ws/dist/images/orders/image.tar.gz',
      streamPrefix: '[orders]',
    });
  });

  it.each<[string, Parameters<typeof normalizeOptions>[0], Partial<BuildFacts>, string[]]>([
    ['the tags the apps use', { tags: ['latest', 'v{version}'] }, {}, ['orders:latest', 'orders:v1.0.0']],
    ['version option wins', { tags: ['{version}'], version: '2.1.0' }, {}, ['orders:2.1.0']],
    [
      'git placeholders',
      { tags: ['{gitShortSha}', 'sha-{gitSha}'] },
      {},
      ['orders:0123456', `orders:sha-${facts.gitSha}`],
    ],
    [
      'full reference',
      { tags: ['registry:5000/team/{projectName}:{gitShortSha}'] },
      {},
      ['registry:5000/team/orders:0123456'],
    ],
    ['repository option', { tags: ['latest'], repository: 'ventas/orders' }, {}, ['ventas/orders:latest']],
    ['duplicates collapse', { tags: ['latest', 'latest'] }, {}, ['orders:latest']],
    ['no version, not used', { tags: ['latest'] }, { packageVersion: null }, ['orders:latest']],
  ])('tags: %s', (_name, raw, factOverrides, tags) => {
    expect(normalizeOptions(raw, fakeContext(), { ...facts, ...factOverrides }).tags).toEqual(tags);
  });

  it.each<[string, Parameters<typeof normalizeOptions>[0], Partial<BuildFacts>, RegExp]>([
    [
      '{version} without a version',
      { tags: ['v{version}'] },
      { packageVersion: null },
      /needs \{version\}.*Add a "version"/s,
    ],
    ['{gitSha} outside git', { tags: ['{gitSha}'] }, { gitSha: null }, /needs \{gitSha\}/],
    ['unknown placeholder', { tags: ['{branch}'] }, {}, /Unknown placeholder \{branch\}/],
    ['invalid tag characters', { tags: ['v1+build'] }, {}, /Invalid image tag 'orders:v1\+build'/],
    ['uppercase repository', { tags: ['Orders:latest'] }, {}, /repository 'Orders' must be lowercase/],
    [
      'secret-looking build arg',
      { buildArgs: { NPM_TOKEN: 'x' } },
      {},
      /buildArgs.NPM_TOKEN .* looks like a secret/,
    ],
  ])('rejects %s before Docker runs', (_name, raw, factOverrides, message) => {
    expect(() => normalizeOptions(raw, fakeContext(), { ...facts, ...factOverrides })).toThrow(message);
  });

  it('lets labels override the OCI defaults and can turn them off', () => {
    const labels = normalizeOptions(
      { labels: { 'org.opencontainers.image.title': 'Orders API', team: 'ventas' } },
      fakeContext(),
      facts,
    ).labels;
    expect(labels['org.opencontainers.image.title']).toBe('Orders API');
    expect(labels['team']).toBe('ventas');
    expect(normalizeOptions({ ociLabels: false }, fakeContext(), facts).labels).toEqual({});
  });

  it('drops OCI labels that have no value', () => {
    const labels = normalizeOptions({}, fakeContext(), {
      ...facts,
      gitSha: null,
      gitRemote: null,
      packageVersion: null,
    }).labels;
    expect(Object.keys(labels)).toEqual([
      'org.opencontainers.image.title',
      'org.opencontainers.image.created',
    ]);
  });

  it('takes the binary from the option, else NX_DOCKER_BINARY', () => {
    expect(
      normalizeOptions({ dockerBinary: '/opt/docker' }, fakeContext(), {
        ...facts,
        envBinary: '/usr/bin/docker',
      }).dockerBinary,
    ).toBe('/opt/docker');
    expect(normalizeOptions({}, fakeContext(), { ...facts, envBinary: '/usr/bin/docker' }).dockerBinary).toBe(
      '/usr/bin/docker',
    );
  });

  it('resolves dockerfile and context against the workspace root', () => {
    const options = normalizeOptions(
      { dockerfile: 'docker/orders.Dockerfile', context: '.' },
      fakeContext(),
      facts,
    );
    expect([options.dockerfile, options.context, options.contextDisplay]).toEqual([
      '/ws/docker/orders.Dockerfile',
      '/ws',
      '.',
    ]);
  });

  it('fails clearly without a project', () => {
    expect(() => normalizeOptions({}, { ...fakeContext(), projectName: undefined }, facts)).toThrow(
      /must run for a project/,
    );
  });
});

describe('cacheTracking', () => {
  const context = (target: Record<string, unknown>, namedInputs?: Record<string, unknown[]>) =>
    ({
      ...fakeContext(),
      targetName: 'docker-build',
      projectsConfigurations: {
        version: 2,
        projects: { orders: { root: 'apps/orders', targets: { 'docker-build': target } } },
      },
      nxJsonConfiguration: { namedInputs },
    }) as ExecutorContext;

  it('reads the merged target: cached, and the runtime commands among its inputs', () => {
    expect(
      cacheTracking(
        context({ cache: true, inputs: ['production', { runtime: 'docker image inspect node:24' }] }),
        'orders',
        'apps/orders',
      ),
    ).toEqual({
      projectName: 'orders',
      projectFile: 'apps/orders/project.json',
      targetName: 'docker-build',
      cached: true,
      runtimeCommands: ['docker image inspect node:24'],
    });
  });

  it("without inputs, Nx hashes 'default' (and so does the check)", () => {
    const tracking = cacheTracking(
      context({ cache: true }, { default: ['{projectRoot}/**/*', { runtime: 'echo base' }] }),
      'orders',
      'apps/orders',
    );
    expect(tracking?.runtimeCommands).toEqual(['echo base']);
  });

  it('is null when the executor runs outside a target (nothing to compare)', () => {
    expect(cacheTracking(fakeContext(), 'orders', 'apps/orders')).toBeNull();
  });
});

describe('defaultRepository', () => {
  it.each([
    ['orders', 'orders'],
    ['@ventas/Orders', 'ventas/orders'],
    ['bff venta', 'bff-venta'],
  ])('%s → %s', (name, repository) => {
    expect(defaultRepository(name)).toBe(repository);
  });
});

describe('cacheRegistryTarget', () => {
  it.each([
    ['127.0.0.1:55000/ventas', 'orders:latest', '127.0.0.1:55000/ventas/orders'],
    ['http://127.0.0.1:55000/', 'orders:latest', '127.0.0.1:55000/orders'],
    [
      'registry.example.com/cache',
      '123.dkr.ecr.eu-west-1.amazonaws.com/orders:v1',
      'registry.example.com/cache/orders',
    ],
    ['localhost:5000', 'team/orders@sha256:abc', 'localhost:5000/team/orders'],
  ])('%s with the tag %s → %s', (registry, tag, repositoryUri) => {
    expect(cacheRegistryTarget({ cacheRegistry: registry }, 'orders', tag)).toEqual({
      repositoryUri,
      credentials: null,
    });
  });

  it('names the env vars of the credentials, never their values', () => {
    expect(
      cacheRegistryTarget(
        {
          cacheRegistry: '127.0.0.1:55000/ventas',
          cacheRegistryUsernameEnv: 'REGISTRY_USER',
          cacheRegistryPasswordEnv: 'REGISTRY_PASSWORD',
        },
        'orders',
        'orders:latest',
      ),
    ).toEqual({
      repositoryUri: '127.0.0.1:55000/ventas/orders',
      credentials: { usernameEnv: 'REGISTRY_USER', passwordEnv: 'REGISTRY_PASSWORD' },
    });
  });

  it.each([
    [{ cacheRegistry: 'Registry.Example.com' }, /is not host\[:port\]\[\/namespace\] in lowercase/],
    [{ cacheRegistry: 'r.example.com', cacheRegistryUsernameEnv: 'U' }, /set both cacheRegistryUsernameEnv/],
    [{ cacheRegistryUsernameEnv: 'U', cacheRegistryPasswordEnv: 'P' }, /set without cacheRegistry/],
  ])('refuses %j', (raw, message) => {
    expect(() => cacheRegistryTarget(raw, 'orders', 'orders:latest')).toThrow(message);
  });

  it('is null without cacheRegistry', () => {
    expect(cacheRegistryTarget({}, 'orders', 'orders:latest')).toBeNull();
  });
});
