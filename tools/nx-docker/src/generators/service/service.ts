import {
  addProjectConfiguration,
  formatFiles,
  generateFiles,
  OverwriteStrategy,
  runTasksInSerial,
  type GeneratorCallback,
  type Tree,
} from '@nx/devkit';
import { join } from 'node:path';
import { initGenerator } from '../init/init';
import { buildTarget } from '../lib/build-target';
import { dockerfileBaseImages, dockerTargets, smokePostgresProject } from '../lib/docker-targets';
import { generateImageFiles } from '../lib/image-files/image-files';
import { sortObjectKeys } from '../lib/sort-object-keys';
import { normalizeOptions } from './lib/normalize-options';
import { smokeEndpoints, templateVariables } from './lib/template-variables';
import type { ServiceGeneratorSchema } from './schema';

/**
 * `nx g @ventas/nx-docker:service <name> [--port 8000] [--database] [--upstream <service>]`: a complete service
 * on libs/service-kit — app, tests, Dockerfile, .dockerignore, entrypoint.sh (exec bit), data initialisation
 * with --database — and a project.json whose build, typecheck, docker-build, smoke-test and ecr-push targets
 * are ready to run. The name and folder must be free: nothing that exists is ever written over.
 */
export async function serviceGenerator(tree: Tree, raw: ServiceGeneratorSchema): Promise<GeneratorCallback> {
  const options = normalizeOptions(tree, raw);
  const tasks: GeneratorCallback[] = [];

  // The image targets leave cache/inputs/outputs/dependsOn to nx.json; init makes sure they are there.
  tasks.push(await initGenerator(tree, { skipFormat: true }));

  const variables = templateVariables(options);
  const flavours = ['app', options.database ? 'database' : null, options.upstream ? 'upstream' : null];
  if (!options.database && !options.upstream) flavours.push('plain');
  for (const flavour of flavours.filter((f): f is string => f !== null)) {
    generateFiles(tree, join(__dirname, 'files', flavour), options.projectRoot, variables, {
      overwriteStrategy: OverwriteStrategy.ThrowIfExisting,
    });
  }
  generateImageFiles(tree, {
    projectName: options.name,
    projectRoot: options.projectRoot,
    port: options.port,
    healthPath: '/health',
    bundleDir: 'dist',
    mainFile: 'main.js',
    populateDb: options.database,
    description: `${options.name} of the sales platform`,
    bundleSummary: options.database ? 'two JavaScript files' : 'one JavaScript file',
  });

  addProjectConfiguration(tree, options.name, {
    root: options.projectRoot,
    sourceRoot: `${options.projectRoot}/src`,
    projectType: 'application',
    tags: options.tags,
    targets: sortObjectKeys({
      build: buildTarget(options.database ? ['src/main.ts', 'src/populate-db.ts'] : ['src/main.ts']),
      // The commands, cache and inputs come from nx.json targetDefaults, as for every project here.
      lint: {},
      test: {},
      typecheck: {},
      ...dockerTargets({
        projectName: options.name,
        projectRoot: options.projectRoot,
        port: options.port,
        healthPath: '/health',
        database: options.database,
        databaseProject: smokePostgresProject(tree),
        upstream: options.upstream,
        endpoints: smokeEndpoints(options),
        baseImages: dockerfileBaseImages(tree, options.projectRoot),
      }),
    }),
  });

  if (!options.skipFormat) {
    await formatFiles(tree);
  }
  return runTasksInSerial(...tasks);
}

export default serviceGenerator;
