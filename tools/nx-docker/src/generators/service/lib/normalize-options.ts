import { getProjects, joinPathFragments, normalizePath, type Tree } from '@nx/devkit';
import { NxDockerError } from '../../../lib/errors';
import { KEBAB_CASE, resourceName } from '../../lib/names';
import { readUpstream, type UpstreamService } from '../../lib/upstream';
import { validatePort } from '../../lib/validate';
import type { ServiceGeneratorSchema } from '../schema';

export interface NormalizedServiceOptions {
  name: string;
  /** e.g. `apps/pagos-service`. */
  projectRoot: string;
  /** `../..` from projectRoot to the workspace root. */
  offsetFromRoot: string;
  port: number;
  database: boolean;
  upstream: UpstreamService | null;
  tags: string[];
  skipFormat: boolean;
}

/** Paths the generated app serves itself: a database resource must not take them. */
const RESERVED_RESOURCES = ['info', 'upstreams'];

/** The only reader of the raw options: validates every one and refuses with the fix in the hint. */
export function normalizeOptions(tree: Tree, raw: ServiceGeneratorSchema): NormalizedServiceOptions {
  const name = (raw.name ?? '').trim();
  if (!KEBAB_CASE.test(name)) {
    throw new NxDockerError(`Service name '${name}' is not kebab-case.`, {
      hint: 'Use lowercase letters and digits joined by single hyphens, starting with a letter, e.g. pagos-service.',
    });
  }

  const directory = normalizePath((raw.directory ?? 'apps').trim()).replace(/^\.\/|\/+$/g, '');
  if (directory === '' || directory.startsWith('/') || directory.split('/').includes('..')) {
    throw new NxDockerError(
      `--directory '${raw.directory}' must be a folder inside the workspace, e.g. apps.`,
    );
  }
  const projectRoot = joinPathFragments(directory, name);

  const projects = getProjects(tree);
  if (projects.has(name)) {
    throw new NxDockerError(`A project named '${name}' already exists (${projects.get(name)?.root}).`, {
      hint:
        'Choose another name, or add the image targets to it: nx g @ventas/nx-docker:configuration --project ' +
        name,
    });
  }
  if (tree.exists(projectRoot)) {
    throw new NxDockerError(
      `The folder ${projectRoot} already exists; the generator never writes over files.`,
      {
        hint: 'Choose another name or --directory, or remove the folder.',
      },
    );
  }

  const port = validatePort(raw.port ?? 8000);
  const database = raw.database === true;
  if (database && RESERVED_RESOURCES.includes(resourceName(name))) {
    throw new NxDockerError(
      `With --database, ${name} would serve /api/${resourceName(name)}, which the generated app already uses.`,
      { hint: 'Choose a name that says what the service stores, e.g. pagos-service.' },
    );
  }

  const upstreamName = (raw.upstream ?? '').trim();
  let upstream: UpstreamService | null = null;
  if (upstreamName !== '') {
    if (upstreamName === name) {
      throw new NxDockerError(
        `--upstream ${upstreamName} is the service being created; a service cannot call itself.`,
      );
    }
    upstream = readUpstream(tree, upstreamName);
  }

  const tags = ['type:app', 'scope:ventas', ...(raw.tags ?? '').split(',')]
    .map((tag) => tag.trim())
    .filter((tag, index, all) => tag !== '' && all.indexOf(tag) === index);

  return {
    name,
    projectRoot,
    offsetFromRoot: projectRoot
      .split('/')
      .map(() => '..')
      .join('/'),
    port,
    database,
    upstream,
    tags,
    skipFormat: raw.skipFormat === true,
  };
}
