import {
  formatFiles,
  logger,
  runTasksInSerial,
  updateProjectConfiguration,
  type GeneratorCallback,
  type TargetConfiguration,
  type Tree,
} from '@nx/devkit';
import { initGenerator } from '../init/init';
import { dockerfileBaseImages, dockerTargets, smokePostgresProject } from '../lib/docker-targets';
import { generateImageFiles } from '../lib/image-files/image-files';
import { sortObjectKeys } from '../lib/sort-object-keys';
import { DOCKER_TARGET_NAMES } from '../lib/target-defaults';
import { normalizeOptions } from './lib/normalize-options';
import type { ConfigurationGeneratorSchema } from './schema';

/**
 * `nx g @ventas/nx-docker:configuration --project <name>`: gives an existing Node application an image.
 * Additive only: a Dockerfile, .dockerignore or entrypoint.sh that exists is kept as it is, and a docker-build,
 * smoke-test or ecr-push target that exists is kept as it is; each kept item is reported, the rest is added.
 * Running it twice therefore changes nothing the second time.
 */
export async function configurationGenerator(
  tree: Tree,
  raw: ConfigurationGeneratorSchema,
): Promise<GeneratorCallback> {
  const options = normalizeOptions(tree, raw);
  const { project } = options;
  const tasks: GeneratorCallback[] = [];

  // The targets below leave cache/inputs/outputs/dependsOn to nx.json; init makes sure they are there.
  tasks.push(await initGenerator(tree, { skipFormat: true }));

  const files = generateImageFiles(tree, {
    projectName: project.name,
    projectRoot: project.root,
    port: options.port,
    healthPath: options.healthPath,
    bundleDir: options.bundleDir,
    mainFile: options.mainFile,
    populateDb: options.populateDb,
    description: `${project.name} of the sales platform`,
    bundleSummary: 'its bundle',
  });
  for (const path of files.kept) {
    logger.info(`Kept the existing ${path} unchanged.`);
  }
  if (files.kept.includes(`${project.root}/Dockerfile`)) {
    logger.info(
      `docker-build checks that it EXPOSEs ${options.port} and has a HEALTHCHECK on ${options.healthPath}.`,
    );
  }

  const wanted = dockerTargets({
    projectName: project.name,
    projectRoot: project.root,
    port: options.port,
    healthPath: options.healthPath,
    database: options.database,
    databaseProject: smokePostgresProject(tree),
    upstream: options.upstream,
    endpoints: [],
    // The Dockerfile just written, or the one that was kept.
    baseImages: dockerfileBaseImages(tree, project.root),
  });
  const targets: Record<string, TargetConfiguration> = { ...project.targets };
  const added: string[] = [];
  for (const name of DOCKER_TARGET_NAMES) {
    if (targets[name]) {
      logger.warn(`${project.name} already has a '${name}' target; it is kept unchanged.`);
    } else {
      targets[name] = wanted[name];
      added.push(name);
    }
  }
  if (added.length > 0) {
    updateProjectConfiguration(tree, project.name, { ...project, targets: sortObjectKeys(targets) });
  }

  if (!options.skipFormat) {
    await formatFiles(tree);
  }
  return runTasksInSerial(...tasks);
}

export default configurationGenerator;
