/**
 * A misspelled option is refused, not ignored: every object in the plugin's schemas closes its keys
 * (`additionalProperties: false`) unless it is a free-form map (env, labels, buildArgs, an endpoint's json).
 * The refusals are checked with Nx's own option handling, the functions `nx run` and `nx g` call
 * (nx/src/utils/params: combineOptionsForExecutor / combineOptionsForGenerator, schemas loaded with
 * getExecutorInformation / getGeneratorInformation), and so is every option this workspace and the
 * generators write. test/docker-build/options-cli.int.spec.ts does the same through the nx CLI itself.
 */
import {
  addProjectConfiguration,
  createProjectGraphAsync,
  logger,
  readProjectConfiguration,
  readProjectsConfigurationFromProjectGraph,
  type NxJsonConfiguration,
  type ProjectConfiguration,
  type TargetConfiguration,
} from '@nx/devkit';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  getExecutorInformation,
  getGeneratorInformation,
  mergeTargetConfigurations,
} from 'nx/src/devkit-internals';
import {
  combineOptionsForExecutor,
  combineOptionsForGenerator,
  type Options,
  type Schema,
} from 'nx/src/utils/params';
import { configurationGenerator } from '../../src/generators/configuration/configuration';
import { dockerTargets } from '../../src/generators/lib/docker-targets';
import { DOCKER_TARGET_DEFAULTS } from '../../src/generators/lib/target-defaults';
import { createTestTree } from '../../src/generators/lib/testing/test-tree';
import { serviceGenerator } from '../../src/generators/service/service';

jest.mock('@nx/devkit', () => ({ ...jest.requireActual('@nx/devkit'), formatFiles: jest.fn() }));
jest.setTimeout(60_000);

const WORKSPACE = join(__dirname, '../../../..');
const PLUGIN = '@ventas/nx-docker';
const SRC = join(__dirname, '../../src');
const EXECUTORS = ['docker-build', 'smoke-test', 'ecr-push'] as const;
const GENERATORS = ['init', 'service', 'configuration'] as const;

/** Objects whose keys are data, not option names: they stay open on purpose. */
const FREE_FORM = ['smoke-test: endpoints[].json'];

function executorSchema(name: string): Schema {
  return getExecutorInformation(PLUGIN, name, WORKSPACE, {}).schema as Schema;
}

/** What Nx does with a target's options before it runs the executor (nx run, the task orchestrator). */
function validateTarget(
  name: string,
  target: TargetConfiguration,
  configuration?: string,
  commandLine: Options = {},
) {
  return combineOptionsForExecutor(commandLine, configuration ?? '', target, executorSchema(name), 'svc', '');
}

/** What Nx does with a generator's options (nx g), prompts off. */
function validateGenerator(name: string, options: Options) {
  const { schema } = getGeneratorInformation(PLUGIN, name, WORKSPACE, {});
  return combineOptionsForGenerator(
    options,
    PLUGIN,
    name,
    { version: 2, projects: {} },
    {},
    schema as Schema,
    false,
    null,
    null,
  );
}

/** Nx throws a SchemaError, which is not an Error: its message is what the CLI prints. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as { message: string }).message;
  }
  throw new Error('Nx accepted the options.');
}

describe('every object of every schema closes its keys', () => {
  const schemaFiles = [
    ...EXECUTORS.map((n) => `executors/${n}`),
    ...GENERATORS.map((n) => `generators/${n}`),
  ].map((dir) => join(SRC, dir, 'schema.json'));

  /** Paths of objects that accept any key and are not declared maps or listed in FREE_FORM. */
  function openObjects(name: string, node: Record<string, unknown>, path: string): string[] {
    const found: string[] = [];
    const isObject = node['type'] === 'object' || node['properties'] !== undefined;
    const additional = node['additionalProperties'];
    if (isObject) {
      const map = typeof additional === 'object' && additional !== null;
      const declaredFreeForm = additional === true && FREE_FORM.includes(`${name}: ${path}`);
      if (additional !== false && !map && !declaredFreeForm) found.push(`${name}: ${path || '(options)'}`);
    }
    for (const [key, child] of Object.entries((node['properties'] ?? {}) as Record<string, object>)) {
      found.push(...openObjects(name, child as Record<string, unknown>, path ? `${path}.${key}` : key));
    }
    if (typeof node['items'] === 'object' && node['items'] !== null) {
      found.push(...openObjects(name, node['items'] as Record<string, unknown>, `${path}[]`));
    }
    return found;
  }

  it.each(schemaFiles.map((file) => [relative(SRC, file), file]))('%s', (_name, file) => {
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    const name = relative(SRC, file).split('/')[1];
    expect(openObjects(name, schema, '')).toEqual([]);
  });
});

describe("Nx's own validation refuses a misspelled option and names it", () => {
  it.each<[string, string, TargetConfiguration, string]>([
    [
      "a smoke-test endpoint's bodyContans (its check would silently vanish)",
      'smoke-test',
      { options: { endpoints: [{ path: '/api/products', bodyContans: '"items"' }] } },
      'bodyContans',
    ],
    [
      "a smoke-test sidecar's healthcmd",
      'smoke-test',
      { options: { services: [{ alias: 'db', image: 'postgres:15-bookworm', healthcmd: 'pg_isready' }] } },
      'healthcmd',
    ],
    ['a top-level smoke-test option', 'smoke-test', { options: { endpoint: [] } }, 'endpoint'],
    [
      'a smoke-test option in a configuration',
      'smoke-test',
      { options: {}, configurations: { ci: { logLine: 5 } } },
      'logLine',
    ],
    [
      'docker-build: the old option name target (now stage)',
      'docker-build',
      { options: { target: 'debug' } },
      'target',
    ],
    ['docker-build: buildArg', 'docker-build', { options: { buildArg: { A: '1' } } }, 'buildArg'],
  ])('%s', (_name, executor, target, key) => {
    const configuration = Object.keys(target.configurations ?? {})[0];
    expect(refusal(() => validateTarget(executor, target, configuration))).toBe(
      `'${key}' is not found in schema`,
    );
  });

  it('docker-build: a misspelled option on the command line (--stgae=debug)', () => {
    expect(
      refusal(() => validateTarget('docker-build', { options: {} }, undefined, { stgae: 'debug' })),
    ).toBe("'stgae' is not found in schema");
    expect(validateTarget('docker-build', { options: {} }, undefined, { stage: 'debug' })).toMatchObject({
      stage: 'debug',
    });
  });

  it('keeps free-form maps free: env, labels, buildArgs, json', () => {
    expect(
      validateTarget('smoke-test', {
        options: {
          env: { ANY_NAME: 'x' },
          labels: { 'a.b': 'c' },
          endpoints: [{ path: '/', json: { any: { deep: 1 } } }],
        },
      }),
    ).toMatchObject({ endpoints: [{ path: '/', json: { any: { deep: 1 } }, method: 'GET', status: 200 }] });
    expect(
      validateTarget('docker-build', { options: { buildArgs: { ANY: '1' }, labels: { x: 'y' } } }),
    ).toMatchObject({
      buildArgs: { ANY: '1' },
    });
  });

  it.each<[string, Options, string]>([
    ['service', { name: 'pagos-service', databse: true }, 'databse'],
    ['configuration', { project: 'pagos-service', helthPath: '/health' }, 'helthPath'],
    ['init', { skipFormats: true }, 'skipFormats'],
  ])('generator %s: %j', async (generator, options, key) => {
    await expect(validateGenerator(generator, options)).rejects.toMatchObject({
      message: `'${key}' is not found in schema`,
    });
  });
});

describe("what this workspace and the generators write passes Nx's validation", () => {
  /** Every target of the plugin's executors, and each of its configurations, as Nx would run it. */
  function validateAll(targets: Record<string, TargetConfiguration>, where: string): string[] {
    const checked: string[] = [];
    for (const [targetName, target] of Object.entries(targets)) {
      const executor = target.executor?.startsWith(`${PLUGIN}:`)
        ? target.executor.slice(PLUGIN.length + 1)
        : null;
      if (!executor) continue;
      for (const configuration of [undefined, ...Object.keys(target.configurations ?? {})]) {
        const label = `${where}:${targetName}${configuration ? `:${configuration}` : ''}`;
        try {
          validateTarget(executor, target, configuration);
        } catch (error) {
          throw new Error(`${label}: ${(error as { message: string }).message}`);
        }
        checked.push(label);
      }
    }
    return checked;
  }

  it("every project's targets, as Nx merges them with nx.json's targetDefaults", async () => {
    process.env['NX_DAEMON'] = 'false';
    const graph = await createProjectGraphAsync({ exitOnError: false });
    const projects = readProjectsConfigurationFromProjectGraph(graph).projects;
    const checked = Object.entries(projects).flatMap(([name, project]) =>
      validateAll(project.targets ?? {}, name),
    );
    // The walk is not vacuous: every app under apps/ has the three image targets, ecr-push with -c local too.
    const apps = readdirSync(join(WORKSPACE, 'apps')).sort();
    expect(apps.length).toBeGreaterThanOrEqual(4);
    for (const app of apps) {
      expect(checked).toEqual(
        expect.arrayContaining([
          `${app}:docker-build`,
          `${app}:smoke-test`,
          `${app}:ecr-push`,
          `${app}:ecr-push:local`,
        ]),
      );
    }
  });

  it("nx.json's targetDefaults on their own, and each apps/*/project.json as written", () => {
    const nxJson = JSON.parse(readFileSync(join(WORKSPACE, 'nx.json'), 'utf8')) as NxJsonConfiguration;
    const defaults = Object.fromEntries(
      EXECUTORS.map((name) => [name, { executor: `${PLUGIN}:${name}`, ...nxJson.targetDefaults?.[name] }]),
    ) as Record<string, TargetConfiguration>;
    expect(validateAll(defaults, 'nx.json')).toEqual([
      'nx.json:docker-build',
      'nx.json:smoke-test',
      'nx.json:ecr-push',
      'nx.json:ecr-push:local',
    ]);
    for (const app of readdirSync(join(WORKSPACE, 'apps'))) {
      const project = JSON.parse(
        readFileSync(join(WORKSPACE, 'apps', app, 'project.json'), 'utf8'),
      ) as ProjectConfiguration;
      expect(validateAll(project.targets ?? {}, app)).toHaveLength(3);
    }
  });

  it('the service and configuration generators (database, upstream), merged with the defaults init writes', async () => {
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const tree = createTestTree();
    addProjectConfiguration(tree, 'catalogo-service', {
      root: 'apps/catalogo-service',
      targets: dockerTargets({
        projectName: 'catalogo-service',
        projectRoot: 'apps/catalogo-service',
        port: 8000,
        healthPath: '/health',
        database: true,
        // The official image's sidecar; matches-workspace.spec covers the smoke-postgres one.
        databaseProject: null,
        upstream: null,
        endpoints: [{ path: '/ready', json: { status: 'ok' } }],
        baseImages: ['node:24-bookworm-slim'],
      }),
    });
    await serviceGenerator(tree, {
      name: 'pagos-service',
      database: true,
      upstream: 'catalogo-service',
      skipFormat: true,
    });
    // An existing Node app, as configuration.spec.ts adds one.
    addProjectConfiguration(tree, 'legacy-app', {
      root: 'apps/legacy-app',
      sourceRoot: 'apps/legacy-app/src',
      projectType: 'application',
      targets: {
        build: {
          executor: '@nx/esbuild:esbuild',
          outputs: ['{options.outputPath}'],
          options: { main: 'apps/legacy-app/src/server.ts', outputPath: 'apps/legacy-app/build' },
        },
      },
    });
    tree.write('apps/legacy-app/src/server.ts', 'console.log(1);\n');
    await configurationGenerator(tree, {
      project: 'legacy-app',
      port: 8001,
      upstream: 'pagos-service',
      skipFormat: true,
    });

    const checked: string[] = [];
    for (const project of ['pagos-service', 'legacy-app']) {
      const targets = readProjectConfiguration(tree, project).targets ?? {};
      const merged = Object.fromEntries(
        Object.entries(targets).map(([name, target]) => [
          name,
          name in DOCKER_TARGET_DEFAULTS
            ? mergeTargetConfigurations(
                target,
                DOCKER_TARGET_DEFAULTS[name as keyof typeof DOCKER_TARGET_DEFAULTS],
              )
            : target,
        ]),
      );
      checked.push(...validateAll(merged, project));
    }
    expect(checked).toEqual(
      expect.arrayContaining([
        'pagos-service:docker-build',
        'pagos-service:smoke-test',
        'pagos-service:ecr-push:local',
        'legacy-app:docker-build',
        'legacy-app:smoke-test',
        'legacy-app:ecr-push:local',
      ]),
    );
  });
});
