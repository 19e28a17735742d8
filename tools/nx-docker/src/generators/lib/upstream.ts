import { getProjects, type Tree } from '@nx/devkit';
import { NxDockerError } from '../../lib/errors';
import { isPostgresImage, postgresHealthCmd } from '../../executors/smoke-test/lib/readiness';
import type { SmokeTestService } from '../../executors/smoke-test/schema';
import { constantCase } from './names';

/** What a new service needs to know about a service it calls, read from that service's project.json. */
export interface UpstreamService {
  /** Project name, e.g. `catalogo-service`; also its network alias in the smoke test. */
  name: string;
  /** Its project root, e.g. `apps/catalogo-service`: the new service's tests run its src/main.ts for real. */
  root: string;
  /** It has src/populate-db.ts: its tests need a database, populated first. */
  database: boolean;
  /** Other upstream URLs it requires at boot (an upstream that is itself a BFF), e.g. CATALOGO_SERVICE_URL. */
  upstreamUrlEnvs: string[];
  /** `CATALOGO_SERVICE_URL`. */
  urlEnv: string;
  /** Its container port (smoke-test `port`, default 8000). */
  port: number;
  /** Its health path (smoke-test `healthPath`, default /health). */
  healthPath: string;
  /** Its own smoke-test environment (e.g. DATABASE_URL), with sidecar hosts renamed as in `sidecars`. */
  env: Record<string, string>;
  /** Its own sidecars (e.g. its PostgreSQL), aliases prefixed with `<name>-` so they cannot collide with ours. */
  sidecars: SmokeTestService[];
}

/**
 * Reads an existing service as an upstream. Refuses a name that is no project, or a project without
 * docker-build: the new service's smoke test runs the upstream's image, so there must be one.
 */
export function readUpstream(tree: Tree, name: string): UpstreamService {
  const projects = getProjects(tree);
  const project = projects.get(name);
  if (!project) {
    const known = [...projects.values()]
      .filter((p) => p.targets?.['docker-build'])
      .map((p) => p.name)
      .sort();
    throw new NxDockerError(`--upstream ${name} is not a project of this workspace.`, {
      hint: known.length
        ? `Services with an image: ${known.join(', ')}.`
        : 'Create the upstream service first.',
    });
  }
  if (!project.targets?.['docker-build']) {
    throw new NxDockerError(
      `--upstream ${name} has no docker-build target, so its image cannot run beside the new service in the smoke test.`,
      { hint: `Add the image targets first: nx g @ventas/nx-docker:configuration --project ${name}` },
    );
  }
  const smoke = (project.targets['smoke-test']?.options ?? {}) as {
    port?: number;
    healthPath?: string;
    env?: Record<string, string>;
    services?: SmokeTestService[];
  };
  const renames = new Map((smoke.services ?? []).map((s) => [s.alias, `${name}-${s.alias}`]));
  const sidecars = (smoke.services ?? []).map((sidecar) =>
    withPostgresHealthCmd({
      ...structuredClone(sidecar),
      alias: renames.get(sidecar.alias) as string,
      ...(sidecar.env ? { env: renameHosts(sidecar.env, renames) } : {}),
    }),
  );
  const env = renameHosts(smoke.env ?? {}, renames);
  return {
    name,
    root: project.root,
    database: tree.exists(`${project.root}/src/populate-db.ts`),
    upstreamUrlEnvs: Object.keys(env).filter((key) => /_SERVICE_URL$/.test(key)),
    urlEnv: upstreamUrlEnv(name),
    port: smoke.port ?? 8000,
    healthPath: smoke.healthPath ?? '/health',
    env,
    sidecars,
  };
}

/**
 * Pure: a PostgreSQL sidecar copied from an upstream gets the TCP pg_isready healthCmd when it has none, or has
 * one that probes the Unix socket (no -h/--host): the image has no HEALTHCHECK, and during first-start
 * initialisation a socket probe passes before the database exists. Any other healthCmd is the upstream's choice.
 */
export function withPostgresHealthCmd(sidecar: SmokeTestService): SmokeTestService {
  if (!isPostgresImage(sidecar.image)) return sidecar;
  const probesSocket =
    sidecar.healthCmd !== undefined &&
    /^\s*pg_isready\b/.test(sidecar.healthCmd) &&
    !/\s(-h|--host)/.test(sidecar.healthCmd);
  if (sidecar.healthCmd !== undefined && !probesSocket) return sidecar;
  return { ...sidecar, healthCmd: postgresHealthCmd(sidecar.env) };
}

/** Pure: rewrites URL hosts (and bare values) that name a renamed sidecar alias. */
export function renameHosts(
  env: Record<string, string>,
  renames: Map<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => {
      const bare = renames.get(value);
      if (bare) return [key, bare];
      const renamed = value.replace(
        /^([a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?)([^:/?#]+)/i,
        (whole, prefix: string, host: string) => {
          const to = renames.get(host);
          return to ? `${prefix}${to}` : whole;
        },
      );
      return [key, renamed];
    }),
  );
}

/** `catalogo-service` → `CATALOGO_SERVICE_URL`; `pagos` → `PAGOS_SERVICE_URL` (the services' convention). */
export function upstreamUrlEnv(name: string): string {
  return name.endsWith('-service') ? `${constantCase(name)}_URL` : `${constantCase(name)}_SERVICE_URL`;
}
