import { getProjects, type TargetConfiguration, type Tree } from '@nx/devkit';
import { pgIsReadyCommand } from '../../executors/smoke-test/lib/readiness';
import type { SmokeTestEndpoint, SmokeTestService } from '../../executors/smoke-test/schema';
import { baseImageInput, baseImagesToTrack } from '../../lib/dockerfile/base-image-input';
import { parseDockerfile } from '../../lib/dockerfile/parse-dockerfile';
import { DOCKER_TARGET_DEFAULTS } from './target-defaults';
import type { UpstreamService } from './upstream';

/** The PostgreSQL sidecar of a service that owns a database, in a workspace without SMOKE_POSTGRES_PROJECT. */
export const POSTGRES_IMAGE = 'postgres:15-bookworm';
export const DATABASE_ALIAS = 'db';
/**
 * A workspace project whose image is PostgreSQL with its cluster initialised at build time
 * (tools/smoke-postgres): a sidecar from it starts in about a second, without initdb. The four services use it.
 */
export const SMOKE_POSTGRES_PROJECT = 'smoke-postgres';
/** The throw-away credentials its Dockerfile initialises the cluster with. */
export const SMOKE_POSTGRES_CREDENTIALS = { user: 'smoke', password: 'smoke-only', db: 'smoke' };

/** SMOKE_POSTGRES_PROJECT when the workspace builds it (a docker-build target), else null. */
export function smokePostgresProject(tree: Tree): string | null {
  const project = getProjects(tree).get(SMOKE_POSTGRES_PROJECT);
  return project?.targets?.['docker-build'] ? SMOKE_POSTGRES_PROJECT : null;
}

export interface DockerTargetsInput {
  projectName: string;
  projectRoot: string;
  port: number;
  healthPath: string;
  /** Start a PostgreSQL sidecar and point DATABASE_URL at it. */
  database: boolean;
  /** The sidecar's image comes from this project (smokePostgresProject); null: the official image, initialised at start. */
  databaseProject: string | null;
  upstream: UpstreamService | null;
  endpoints: SmokeTestEndpoint[];
  /** The external images the Dockerfile starts from (dockerfileBaseImages). */
  baseImages: string[];
}

/** The base images of the project's Dockerfile as the tree holds it now; digest-pinned ones need no tracking. */
export function dockerfileBaseImages(tree: Tree, projectRoot: string): string[] {
  const text = tree.read(`${projectRoot}/Dockerfile`, 'utf8');
  if (text === null) return [];
  return baseImagesToTrack(parseDockerfile(text)).map((b) => b.ref);
}

/** Throw-away credentials of the smoke-test database: it lives for one run on a private network. */
export function databaseCredentials(projectName: string): { user: string; password: string; db: string } {
  const db = projectName.replace(/-service$/, '').replace(/-/g, '_');
  return { user: db, password: `${db}_smoke`, db };
}

function postgresSidecar(
  alias: string,
  projectName: string,
  databaseProject: string | null,
): SmokeTestService {
  if (databaseProject) return { alias, project: databaseProject };
  const { user, password, db } = databaseCredentials(projectName);
  return {
    alias,
    image: POSTGRES_IMAGE,
    // A throw-away database, through the official image's own knobs: data on tmpfs, no fsync, initdb without sync.
    env: {
      POSTGRES_USER: user,
      POSTGRES_PASSWORD: password,
      POSTGRES_DB: db,
      POSTGRES_INITDB_ARGS: '--no-sync',
    },
    command: ['postgres', '-c', 'fsync=off'],
    tmpfs: ['/var/lib/postgresql/data'],
    // The postgres image has no HEALTHCHECK. Over TCP, because first-start initialisation runs a server on the
    // Unix socket only: a socket probe would report ready before the database exists.
    healthCmd: pgIsReadyCommand(user, db),
  };
}

function databaseUrl(alias: string, projectName: string, databaseProject: string | null): string {
  const { user, password, db } = databaseProject
    ? SMOKE_POSTGRES_CREDENTIALS
    : databaseCredentials(projectName);
  return `postgresql://${user}:${password}@${alias}:5432/${db}`;
}

/**
 * Pure: the docker-build, smoke-test and ecr-push targets a service's project.json carries. Only what is
 * specific to the service is written here; cache, inputs, outputs and dependsOn come from nx.json
 * targetDefaults (lib/target-defaults.ts, ensured by init) so that one place decides them for every service —
 * except smoke-test's dependsOn when a sidecar's image is built here, explained below.
 */
export function dockerTargets(input: DockerTargetsInput): Record<string, TargetConfiguration> {
  const env: Record<string, string> = {};
  const services: SmokeTestService[] = [];
  if (input.database) {
    services.push(postgresSidecar(DATABASE_ALIAS, input.projectName, input.databaseProject));
    env['DATABASE_URL'] = databaseUrl(DATABASE_ALIAS, input.projectName, input.databaseProject);
  }
  if (input.upstream) {
    // The upstream's own sidecars first (its database), then the upstream itself, built from this workspace.
    services.push(...input.upstream.sidecars);
    services.push({
      alias: input.upstream.name,
      project: input.upstream.name,
      ...(Object.keys(input.upstream.env).length ? { env: input.upstream.env } : {}),
    });
    env[input.upstream.urlEnv] = `http://${input.upstream.name}:${input.upstream.port}`;
  }

  const smokeTest: TargetConfiguration = {
    executor: '@ventas/nx-docker:smoke-test',
    options: {
      port: input.port,
      healthPath: input.healthPath,
      ...(Object.keys(env).length ? { env } : {}),
      ...(services.length ? { services } : {}),
      ...(input.endpoints.length ? { endpoints: input.endpoints } : {}),
    },
  };
  // Images built here that run as sidecars (the database's, the upstream's and any beside it) must be built
  // first; their image.json then also becomes an input (dependentTasksOutputFiles), so a new sidecar image re-runs
  // this smoke test. A project-level dependsOn replaces the default's, hence docker-build is listed again.
  const images = services.flatMap((s) => (s.project ? [s.project] : []));
  if (images.length) {
    smokeTest.dependsOn = ['docker-build', { projects: [...new Set(images)], target: 'docker-build' }];
  }

  return {
    'docker-build': {
      executor: '@ventas/nx-docker:docker-build',
      // A project-level inputs list replaces the default's, so it repeats it and adds the base image's id.
      inputs: [
        ...(DOCKER_TARGET_DEFAULTS['docker-build'].inputs ?? []),
        ...(input.baseImages.length ? [baseImageInput(input.baseImages)] : []),
      ],
      options: { port: input.port, version: '0.1.0', tags: ['latest', 'v{version}'] },
    },
    'smoke-test': smokeTest,
    // Default: ECR of the caller's account and region; `-c local` comes from nx.json (target-defaults.ts).
    'ecr-push': { executor: '@ventas/nx-docker:ecr-push' },
  };
}
