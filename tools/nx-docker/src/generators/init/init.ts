import { formatFiles, logger, readNxJson, updateNxJson, type GeneratorCallback, type Tree } from '@nx/devkit';
import { mergeTargetDefaults } from '../lib/merge-target-defaults';
import { DOCKER_NAMED_INPUTS, DOCKER_TARGET_DEFAULTS } from '../lib/target-defaults';
import type { InitGeneratorSchema } from './schema';

/** Only written when a workspace has no `production` named input: its files minus tests and tool configs. */
export const FALLBACK_PRODUCTION_INPUT: string[] = [
  'default',
  '!{projectRoot}/**/?(*.)+(spec|test).[jt]s?(x)?(.snap)',
  '!{projectRoot}/jest.config.[cm]?[jt]s',
  '!{projectRoot}/eslint.config.[cm]?js',
];

/**
 * `nx g @ventas/nx-docker:init`: makes sure nx.json holds the target defaults of docker-build, smoke-test and
 * ecr-push (lib/target-defaults.ts says why each one is what it is). Adds what is missing, keeps what the
 * workspace set (with a warning when it differs), and writes nothing when everything is there: idempotent.
 */
export async function initGenerator(
  tree: Tree,
  options: InitGeneratorSchema = {},
): Promise<GeneratorCallback> {
  const nxJson = readNxJson(tree) ?? {};
  const merged = mergeTargetDefaults(nxJson.targetDefaults, DOCKER_TARGET_DEFAULTS);
  const added = merged.added.map((field) => `targetDefaults.${field}`);

  let namedInputs = nxJson.namedInputs;
  if (namedInputs?.['production'] === undefined) {
    // docker-build's inputs name `production`; Nx knows `default` on its own but not this one.
    namedInputs = { ...namedInputs, production: [...FALLBACK_PRODUCTION_INPUT] };
    added.push('namedInputs.production');
  }
  for (const [name, input] of Object.entries(DOCKER_NAMED_INPUTS)) {
    if (namedInputs?.[name] === undefined) {
      namedInputs = { ...namedInputs, [name]: [...input] };
      added.push(`namedInputs.${name}`);
    }
  }

  if (added.length > 0) {
    updateNxJson(tree, { ...nxJson, namedInputs, targetDefaults: merged.targetDefaults });
    logger.info(`@ventas/nx-docker:init added to nx.json: ${added.join(', ')}.`);
  }
  for (const field of merged.kept) {
    logger.warn(
      `@ventas/nx-docker:init kept your nx.json targetDefaults.${field}, which differs from the plugin's default.`,
    );
  }

  if (!options.skipFormat && added.length > 0) {
    await formatFiles(tree);
  }
  return () => undefined;
}

export default initGenerator;
