import { buildArgs, BuildOutputs, imageRefOf } from './build-args';
import type { NormalizedDockerBuildOptions } from './normalize-options';

const base: NormalizedDockerBuildOptions = {
  projectName: 'orders',
  projectRoot: 'apps/orders',
  workspaceRoot: '/ws',
  dockerfile: '/ws/apps/orders/Dockerfile',
  dockerfileDisplay: 'apps/orders/Dockerfile',
  context: '/ws/apps/orders',
  contextDisplay: 'apps/orders',
  platform: 'linux/amd64',
  tags: ['orders:latest', 'orders:v1.0.0'],
  version: '1.0.0',
  gitSha: null,
  buildArgs: {},
  stage: null,
  labels: {},
  cacheFrom: [],
  cacheTo: null,
  archive: false,
  cacheRegistry: null,
  pull: false,
  provenance: false,
  reproducible: false,
  sourceDateEpoch: null,
  port: null,
  skipChecks: [],
  tracking: null,
  dockerBinary: null,
  outputDir: '/ws/dist/images/orders',
  manifestPath: '/ws/dist/images/orders/image.json',
  archivePath: '/ws/dist/images/orders/image.tar.gz',
  streamPrefix: '[orders]',
};
const COMMON = [
  '--file',
  '/ws/apps/orders/Dockerfile',
  '--platform',
  'linux/amd64',
  '--iidfile',
  '/tmp/iid',
  '--tag',
  'orders:latest',
  '--tag',
  'orders:v1.0.0',
];

const OUT: BuildOutputs = { iidFile: '/tmp/iid', metadataFile: null, exportTar: null, sourceDateEpoch: null };
const BUILDX = ['buildx', 'build', '--provenance=false', '--sbom=false', '--load', '--progress=plain'];

describe('buildArgs', () => {
  it.each([
    ['buildx', [...BUILDX, ...COMMON, '/ws/apps/orders'], { BUILDX_GIT_INFO: '0' }],
    ['buildkit', ['build', '--progress=plain', ...COMMON, '/ws/apps/orders'], { DOCKER_BUILDKIT: '1' }],
    ['legacy', ['build', ...COMMON, '/ws/apps/orders'], { DOCKER_BUILDKIT: '0' }],
  ] as const)('%s', (builder, args, env) => {
    expect(buildArgs(base, builder, OUT)).toEqual({ args, env });
  });

  it('passes build args and labels sorted, the stage as --target, cache sources and --pull', () => {
    const { args } = buildArgs(
      {
        ...base,
        buildArgs: { NODE_VERSION: '24', APP: 'orders' },
        labels: { 'org.opencontainers.image.title': 'orders', 'a.b': 'c d' },
        stage: 'runtime',
        cacheFrom: ['orders:latest', 'type=registry,ref=ecr/orders:buildcache'],
        pull: true,
      },
      'buildx',
      OUT,
    );
    expect(args.slice(COMMON.length + BUILDX.length)).toEqual([
      '--build-arg',
      'APP=orders',
      '--build-arg',
      'NODE_VERSION=24',
      '--target',
      'runtime',
      '--label',
      'a.b=c d',
      '--label',
      'org.opencontainers.image.title=orders',
      '--cache-from',
      'orders:latest',
      '--cache-from',
      'type=registry,ref=ecr/orders:buildcache',
      '--pull',
      '/ws/apps/orders',
    ]);
  });

  it('gives BuildKit without buildx the image ref of a registry cache', () => {
    const { args } = buildArgs(
      { ...base, cacheFrom: ['type=registry,ref=ecr/orders:buildcache'] },
      'buildkit',
      OUT,
    );
    expect(args).toContain('ecr/orders:buildcache');
  });

  it.each([
    [
      'buildx',
      'type=registry,ref=ecr/orders:buildcache,mode=max',
      ['--cache-to', 'type=registry,ref=ecr/orders:buildcache,mode=max'],
    ],
    ['buildx', 'type=inline', ['--cache-to', 'type=inline']],
    ['buildkit', 'type=inline', ['--build-arg', 'BUILDKIT_INLINE_CACHE=1']],
  ] as const)('cacheTo with %s: %s', (builder, cacheTo, expected) => {
    const { args } = buildArgs({ ...base, cacheTo }, builder, OUT);
    expect(args.slice(-3, -1)).toEqual(expected);
  });

  it('buildx keeps its Git details only for a provenance attestation, the one place they go', () => {
    expect(buildArgs(base, 'buildx', OUT).env).toEqual({ BUILDX_GIT_INFO: '0' });
    expect(buildArgs({ ...base, provenance: true }, 'buildx', OUT).env).toEqual({});
  });

  it('buildx: metadata file, provenance when asked, and a reproducible export instead of --load', () => {
    const { args } = buildArgs({ ...base, provenance: true }, 'buildx', {
      iidFile: '/tmp/iid',
      metadataFile: '/tmp/meta.json',
      exportTar: '/tmp/image.tar',
      sourceDateEpoch: '1764547200',
    });
    expect(args.slice(0, 8)).toEqual([
      'buildx',
      'build',
      '--provenance=mode=min',
      '--sbom=false',
      '--metadata-file',
      '/tmp/meta.json',
      '--output',
      'type=docker,rewrite-timestamp=true,dest=/tmp/image.tar',
    ]);
    expect(args).not.toContain('--load');
    expect(args).toContain('SOURCE_DATE_EPOCH=1764547200');
  });
});

describe('imageRefOf', () => {
  it.each([
    ['orders:latest', 'orders:latest'],
    ['type=registry,ref=ecr/orders:cache', 'ecr/orders:cache'],
    ['type=local,src=/tmp/c', 'type=local,src=/tmp/c'],
  ])('%s → %s', (source, ref) => {
    expect(imageRefOf(source)).toBe(ref);
  });
});
