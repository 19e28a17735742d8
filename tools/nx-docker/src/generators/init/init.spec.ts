import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatFiles, logger, readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { createTestTree, targetDefaultsOf } from '../lib/testing/test-tree';
import { DOCKER_NAMED_INPUTS, DOCKER_TARGET_DEFAULTS } from '../lib/target-defaults';
import { FALLBACK_PRODUCTION_INPUT, initGenerator } from './init';
import defaultExport from './init';

// Prettier is loaded by a dynamic import() that Jest's CommonJS runtime refuses; formatting itself is
// exercised by the end-to-end test. Here we only check that it is asked for.
jest.mock('@nx/devkit', () => ({ ...jest.requireActual('@nx/devkit'), formatFiles: jest.fn() }));

const WORKSPACE_NX_JSON = join(__dirname, '../../../../../nx.json');

const EXPECTED = {
  'docker-build': {
    continuous: false,
    cache: true,
    dependsOn: ['build'],
    inputs: ['production', '^production', 'nxDockerBuild'],
    outputs: [
      '{workspaceRoot}/dist/images/{projectName}/image.json',
      '{workspaceRoot}/dist/images/{projectName}/image.tar.gz',
    ],
    options: { platform: 'linux/amd64' },
  },
  'smoke-test': {
    continuous: false,
    cache: true,
    dependsOn: ['docker-build'],
    inputs: [{ dependentTasksOutputFiles: '**/image.json' }, 'nxDockerSmokeTest'],
    outputs: [
      '{workspaceRoot}/dist/images/{projectName}/smoke.json',
      '{workspaceRoot}/dist/images/{projectName}/smoke.junit.xml',
    ],
  },
  'ecr-push': {
    continuous: false,
    cache: false,
    dependsOn: ['smoke-test'],
    configurations: {
      local: { registry: '127.0.0.1:55000', usernameEnv: 'REGISTRY_USER', passwordEnv: 'REGISTRY_PASSWORD' },
    },
  },
};

describe('init generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTestTree();
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    jest.mocked(formatFiles).mockClear();
  });

  it('is exported as default and by name', () => {
    expect(defaultExport).toBe(initGenerator);
  });

  it('adds the three target defaults with the exact chain, keeping the existing ones', async () => {
    await initGenerator(tree, { skipFormat: true });
    const nxJson = readNxJson(tree) ?? {};
    expect(nxJson.targetDefaults).toEqual({ build: { cache: true }, lint: { cache: true }, ...EXPECTED });
  });

  it('adds a production named input only when the workspace has none', async () => {
    await initGenerator(tree, { skipFormat: true });
    expect((readNxJson(tree) ?? {}).namedInputs).toEqual({
      production: FALLBACK_PRODUCTION_INPUT,
      ...DOCKER_NAMED_INPUTS,
    });

    const other = createTestTree();
    updateNxJson(other, {
      ...readNxJson(other),
      namedInputs: { production: ['default', '!{projectRoot}/x'] },
    });
    await initGenerator(other, { skipFormat: true });
    expect((readNxJson(other) ?? {}).namedInputs).toEqual({
      production: ['default', '!{projectRoot}/x'],
      ...DOCKER_NAMED_INPUTS,
    });
  });

  it('is idempotent: a second run records no change at all', async () => {
    await initGenerator(tree, {});
    const after = tree.read('nx.json', 'utf8') ?? '';
    const second = createTestTree();
    second.write('nx.json', after);
    const changesBefore = second.listChanges().length;
    (logger.info as jest.Mock).mockClear();
    await initGenerator(second, {});
    expect(second.listChanges()).toHaveLength(changesBefore);
    expect(second.read('nx.json', 'utf8')).toBe(after);
    expect(logger.info).not.toHaveBeenCalled();
  });

  it('never clobbers a user setting: keeps it, fills the gaps, and warns about the difference', async () => {
    updateNxJson(tree, {
      ...readNxJson(tree),
      targetDefaults: {
        'docker-build': { cache: false, options: { platform: 'linux/arm64', archive: true } },
        'ecr-push': { dependsOn: ['docker-build'], options: { region: 'eu-west-1' } },
      },
    });
    await initGenerator(tree, { skipFormat: true });
    const td = targetDefaultsOf(tree);
    expect(td['docker-build']).toEqual({
      cache: false,
      options: { platform: 'linux/arm64', archive: true },
      continuous: false,
      dependsOn: ['build'],
      inputs: ['production', '^production', 'nxDockerBuild'],
      outputs: EXPECTED['docker-build'].outputs,
    });
    expect(td['ecr-push']).toEqual({
      continuous: false,
      cache: false,
      dependsOn: ['docker-build'],
      options: { region: 'eu-west-1' },
      configurations: EXPECTED['ecr-push'].configurations,
    });
    expect(td['smoke-test']).toEqual(EXPECTED['smoke-test']);
    expect((logger.warn as jest.Mock).mock.calls.map(([m]) => m)).toEqual([
      expect.stringContaining('targetDefaults.docker-build.cache'),
      expect.stringContaining('targetDefaults.docker-build.options.platform'),
      expect.stringContaining('targetDefaults.ecr-push.dependsOn'),
    ]);
  });

  it('merges into the unfiltered entry of an array-form default (Nx 23), or prepends one', async () => {
    updateNxJson(tree, {
      ...readNxJson(tree),
      targetDefaults: {
        'docker-build': [{ filter: { projects: ['legacy-*'] }, cache: false }, { inputs: ['default'] }],
        'smoke-test': [{ filter: { projects: ['legacy-*'] }, cache: false }],
      },
    });
    await initGenerator(tree, { skipFormat: true });
    const td = targetDefaultsOf(tree);
    expect(td['docker-build']).toEqual([
      { filter: { projects: ['legacy-*'] }, cache: false },
      { ...EXPECTED['docker-build'], inputs: ['default'] },
    ]);
    expect(td['smoke-test']).toEqual([
      EXPECTED['smoke-test'],
      { filter: { projects: ['legacy-*'] }, cache: false },
    ]);
  });

  it('formats unless skipFormat', async () => {
    await initGenerator(tree, { skipFormat: true });
    expect(formatFiles).not.toHaveBeenCalled();
    await initGenerator(createTestTree(), {});
    expect(formatFiles).toHaveBeenCalledTimes(1);
  });
});

describe('the plugin defaults and this workspace nx.json', () => {
  it('are the same: init writes exactly what the workspace runs with', () => {
    const nxJson = JSON.parse(readFileSync(WORKSPACE_NX_JSON, 'utf8'));
    for (const target of Object.keys(DOCKER_TARGET_DEFAULTS)) {
      expect({ target, value: nxJson.targetDefaults[target] }).toEqual({
        target,
        value: DOCKER_TARGET_DEFAULTS[target as keyof typeof DOCKER_TARGET_DEFAULTS],
      });
    }
  });

  it('running init on this workspace nx.json changes nothing', async () => {
    const tree = createTestTree();
    const original = readFileSync(WORKSPACE_NX_JSON, 'utf8');
    tree.write('nx.json', original);
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    await initGenerator(tree, {});
    expect(tree.read('nx.json', 'utf8')).toBe(original);
    jest.restoreAllMocks();
  });
});
