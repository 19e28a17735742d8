import type { ImageInputs } from '../../../lib/results/image-manifest';
import { baseImageInput } from '../../../lib/dockerfile/base-image-input';
import { describeInputChanges, joinPhrases, splitGlobs, WhyContext } from './why';

// Node keys as Nx 23 names them for catalogo-service:docker-build in this workspace (read from a real image.json).
const OWN =
  'catalogo-service:apps/catalogo-service/**/*,!apps/catalogo-service/**/?(*.)+(spec|test).[jt]s?(x)?(.snap),!apps/catalogo-service/README.md';
const LIB = 'service-kit:libs/service-kit/**/*,!libs/service-kit/**/?(*.)+(spec|test).[jt]s?(x)?(.snap)';
const PLUGIN_AND_SHARED =
  'workspace:[{workspaceRoot}/tsconfig.base.json,{workspaceRoot}/package-lock.json,{workspaceRoot}/tools/nx-docker/src/executors/docker-build/**/*,{workspaceRoot}/tools/nx-docker/src/lib/{docker,dockerfile,builder,tags,image-manifest}/**/*,!{workspaceRoot}/tools/nx-docker/src/**/*.spec.ts]';
const SHARED = 'workspace:[{workspaceRoot}/tsconfig.base.json,{workspaceRoot}/package-lock.json]';
const NX_JSON = 'workspace:[{workspaceRoot}/nx.json,{workspaceRoot}/.gitignore,{workspaceRoot}/.nxignore]';
const BASE = `runtime:${baseImageInput(['node:24-bookworm-slim']).runtime}`;
const CONFIG = 'catalogo-service:ProjectConfiguration';
const LIB_CONFIG = 'service-kit:ProjectConfiguration';

const NODES: Record<string, string> = {
  AllExternalDependencies: '1',
  [CONFIG]: '2',
  'catalogo-service:TsConfig': '3',
  [OWN]: '4',
  'env:NX_CLOUD_ENCRYPTION_KEY': '5',
  'npm:fastify': '6',
  'npm:pg': '7',
  [BASE]: '8',
  [LIB_CONFIG]: '9',
  'service-kit:TsConfig': '3',
  [LIB]: '10',
  [NX_JSON]: '11',
  [PLUGIN_AND_SHARED]: '12',
  [SHARED]: '13',
};

const before: ImageInputs = {
  taskHash: 't1',
  command: 'c1',
  nodes: NODES,
  dockerfile: { path: 'apps/catalogo-service/Dockerfile', sha256: 'd1' },
  options: { port: 'p', tags: 't', platform: 'a' },
};

const context: WhyContext = {
  projectName: 'catalogo-service',
  projectRoot: 'apps/catalogo-service',
  projects: {
    'catalogo-service': { root: 'apps/catalogo-service', projectType: 'application' },
    'cliente-service': { root: 'apps/cliente-service', projectType: 'application' },
    'service-kit': { root: 'libs/service-kit', projectType: 'library' },
  },
};

/** `before`, with these nodes re-hashed (a value of null removes the node) and other fields replaced. */
function after(nodes: Record<string, string | null>, rest: Partial<ImageInputs> = {}): ImageInputs {
  const merged = { ...NODES, ...nodes };
  return {
    ...before,
    taskHash: 't2',
    ...rest,
    nodes: Object.fromEntries(
      Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== null),
    ),
  };
}

describe('describeInputChanges', () => {
  it.each<[string, ImageInputs, string[]]>([
    [
      'a source file of the project',
      after({ [OWN]: 'x' }),
      ["the project's sources (apps/catalogo-service)"],
    ],
    [
      'the Dockerfile (Nx hashes it with the sources; its own digest tells it apart)',
      after({ [OWN]: 'x' }, { dockerfile: { path: 'apps/catalogo-service/Dockerfile', sha256: 'd2' } }),
      [
        'the Dockerfile (apps/catalogo-service/Dockerfile), perhaps with other files of apps/catalogo-service',
      ],
    ],
    [
      'a library it imports, by name and folder',
      after({ [LIB]: 'x' }),
      ['library service-kit (libs/service-kit)'],
    ],
    [
      'the base image (its runtime input)',
      after({ [BASE]: 'x' }),
      ['the base image (node:24-bookworm-slim)'],
    ],
    [
      'an option in project.json: which one',
      after({ [CONFIG]: 'x' }, { options: { ...before.options, port: 'q' } }),
      ['the options (port)'],
    ],
    [
      'an option given on the command line (--stage=debug)',
      after({}, { command: 'c2', options: { ...before.options, stage: 's' } }),
      ['the options (stage)'],
    ],
    [
      'another target of the same project.json (Nx hashes the whole project configuration)',
      after({ [CONFIG]: 'x' }),
      ['the configuration of catalogo-service (its project.json)'],
    ],
    [
      "the plugin: the shared files' own node did not change, so the plugin's globs did",
      after({ [PLUGIN_AND_SHARED]: 'x' }),
      ['the plugin (tools/nx-docker)'],
    ],
    [
      'package-lock.json: both workspace nodes that hash it changed',
      after({ [PLUGIN_AND_SHARED]: 'x', [SHARED]: 'y' }),
      ['tsconfig.base.json or package-lock.json', 'perhaps the plugin (tools/nx-docker)'],
    ],
    ['nx.json', after({ [NX_JSON]: 'x' }), ['the workspace settings (nx.json, .gitignore, .nxignore)']],
    ['an npm package the project uses', after({ 'npm:pg': 'x' }), ['the npm package pg']],
    [
      'several at once, in the order a person reads them',
      after(
        { [BASE]: 'x', [LIB]: 'y', [OWN]: 'z', [PLUGIN_AND_SHARED]: 'w', [CONFIG]: 'v' },
        { options: { ...before.options, tags: 'u' } },
      ),
      [
        "the project's sources (apps/catalogo-service)",
        'library service-kit (libs/service-kit)',
        'the base image (node:24-bookworm-slim)',
        'the options (tags)',
        'the plugin (tools/nx-docker)',
      ],
    ],
    [
      'an input added to the target',
      after({ 'env:APP_FLAVOUR': 'x' }),
      ["the target's inputs (added the environment variable APP_FLAVOUR)"],
    ],
    [
      'an input removed from the target',
      after({ [BASE]: null }),
      ["the target's inputs (removed the base image (node:24-bookworm-slim))"],
    ],
    ['nothing (a forced run)', after({}), []],
  ])('%s', (_name, current, expected) => {
    expect(describeInputChanges(before, current, context)).toEqual(expected);
  });

  it('names a Dockerfile outside the project root on its own', () => {
    const outside = { ...before, dockerfile: { path: 'docker/catalogo.Dockerfile', sha256: 'd1' } };
    expect(
      describeInputChanges(
        outside,
        { ...outside, dockerfile: { ...outside.dockerfile, sha256: 'd2' } },
        context,
      ),
    ).toEqual(['the Dockerfile (docker/catalogo.Dockerfile)']);
  });

  it('names a new base image id under the same tag even without a runtime input', () => {
    expect(
      describeInputChanges(before, after({}), {
        ...context,
        baseImage: {
          previous: { ref: 'node:24-bookworm-slim', id: 'sha256:old' },
          current: { ref: 'node:24-bookworm-slim', id: 'sha256:new' },
        },
      }),
    ).toEqual(['the base image (node:24-bookworm-slim)']);
  });

  it('names the outputs of a dependency task (dependentTasksOutputFiles)', () => {
    const withOutputs = { ...before, nodes: { ...NODES, '**/*:dist/apps/alpha/main.js': '1' } };
    const changed = { ...withOutputs, nodes: { ...withOutputs.nodes, '**/*:dist/apps/alpha/main.js': '2' } };
    expect(describeInputChanges(withOutputs, changed, context)).toEqual([
      'the outputs of the tasks it depends on (dist/apps/alpha/main.js)',
    ]);
  });
});

it('splitGlobs keeps brace alternatives together', () => {
  expect(splitGlobs('a/**/*,{x}/lib/{docker,tags}/**/*,!b/*.ts')).toEqual([
    'a/**/*',
    '{x}/lib/{docker,tags}/**/*',
    '!b/*.ts',
  ]);
});

it.each([
  [[], ''],
  [['a'], 'a'],
  [['a', 'b'], 'a and b'],
  [['a', 'b', 'c'], 'a, b and c'],
])('joinPhrases(%j) = %s', (phrases, text) => {
  expect(joinPhrases(phrases)).toBe(text);
});
