import { readProjectConfiguration, type ProjectConfiguration, type Tree } from '@nx/devkit';
import { NxDockerError } from '../../../lib/errors';
import { readUpstream, type UpstreamService } from '../../lib/upstream';
import { validatePort } from '../../lib/validate';
import type { ConfigurationGeneratorSchema } from '../schema';

export interface NormalizedConfigurationOptions {
  project: ProjectConfiguration & { name: string };
  port: number;
  healthPath: string;
  /** Folder of the built bundle, relative to the project root (the Docker context): e.g. `dist`. */
  bundleDir: string;
  /** The bundle's entry file inside bundleDir, e.g. `main.js`. */
  mainFile: string;
  /** The project has a populate-db step, which the entrypoint then runs before the server. */
  populateDb: boolean;
  /** The smoke test starts a PostgreSQL sidecar. */
  database: boolean;
  upstream: UpstreamService | null;
  skipFormat: boolean;
}

/** The only reader of the raw options. Refuses what cannot become an image, saying what to do instead. */
export function normalizeOptions(
  tree: Tree,
  raw: ConfigurationGeneratorSchema,
): NormalizedConfigurationOptions {
  const name = (raw.project ?? '').trim();
  let project: ProjectConfiguration;
  try {
    project = readProjectConfiguration(tree, name);
  } catch (cause) {
    throw new NxDockerError(`Cannot find a project named '${name}'.`, {
      hint: "List them with 'nx show projects'; a new service is made with nx g @ventas/nx-docker:service <name>.",
      cause,
    });
  }
  if (project.projectType === 'library') {
    throw new NxDockerError(
      `${name} is a library; an image is built from an application that listens on a port.`,
      {
        hint: 'Run the generator on the application that bundles this library.',
      },
    );
  }
  if (project.root === '' || project.root === '.') {
    throw new NxDockerError(
      `${name} lives at the workspace root; its Docker context would be the whole workspace.`,
    );
  }

  const healthPath = (raw.healthPath ?? '/health').trim();
  if (!healthPath.startsWith('/')) {
    throw new NxDockerError(`--healthPath '${healthPath}' must start with '/', e.g. /health.`);
  }

  const { bundleDir, mainFile } = bundleLayout(project);
  const populateDb = tree.exists(`${project.root}/src/populate-db.ts`);
  const upstreamName = (raw.upstream ?? '').trim();
  if (upstreamName === name) {
    throw new NxDockerError(
      `--upstream ${upstreamName} is the project itself; a service cannot call itself.`,
    );
  }
  return {
    project: { ...project, name },
    port: validatePort(raw.port ?? 8000),
    healthPath,
    bundleDir,
    mainFile,
    populateDb,
    database: raw.database ?? populateDb,
    upstream: upstreamName ? readUpstream(tree, upstreamName) : null,
    skipFormat: raw.skipFormat === true,
  };
}

/**
 * Where the build puts the bundle. The Docker context is the project folder, so the bundle must be inside it;
 * without an explicit build target (e.g. an inferred one) the services' layout is assumed: dist/main.js.
 */
export function bundleLayout(project: ProjectConfiguration): { bundleDir: string; mainFile: string } {
  const options = (project.targets?.['build']?.options ?? {}) as { outputPath?: string; main?: string };
  const mainFile = options.main ? `${basename(options.main).replace(/\.[cm]?[jt]s$/, '')}.js` : 'main.js';
  if (!options.outputPath) return { bundleDir: 'dist', mainFile };
  const outputPath = options.outputPath.replace(/\{projectRoot\}/g, project.root).replace(/\/+$/, '');
  if (!outputPath.startsWith(`${project.root}/`)) {
    throw new NxDockerError(
      `${project.name}'s build writes to ${outputPath}, outside ${project.root}, the Docker context of its image.`,
      { hint: `Set the build target's outputPath to ${project.root}/dist (the services' layout).` },
    );
  }
  return { bundleDir: outputPath.slice(project.root.length + 1), mainFile };
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
