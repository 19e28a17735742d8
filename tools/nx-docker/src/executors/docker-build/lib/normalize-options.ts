import type { ExecutorContext } from '@nx/devkit';
import { isAbsolute, join, relative } from 'node:path';
import { NxDockerError } from '../../../lib/errors';
import { imageManifestPath } from '../../../lib/results/image-manifest';
import { imageOutputDir } from '../../../lib/results/result-file';
import { renderTags } from '../../../lib/tags/tags';
import { runtimeCommands } from '../../../lib/dockerfile/base-image-input';
import { CacheTracking, SECRET_NAME } from '../../../lib/dockerfile/checks';
import type { CacheRegistryTarget } from '../../../lib/registry/registry-copy';
import type { DockerBuildCheck, DockerBuildExecutorSchema } from '../schema';

/** Facts from outside the options, gathered by the executor so that this function stays pure. */
export interface BuildFacts {
  /** `version` of the project's package.json, if it has one. */
  packageVersion: string | null;
  gitSha: string | null;
  /** `git remote get-url origin`, for the OCI source label. */
  gitRemote: string | null;
  /** OCI created label: the commit time of HEAD when there is one (reproducible), else the clock. */
  created: string;
  /** The commit time of HEAD in seconds since the epoch: SOURCE_DATE_EPOCH of reproducible builds. */
  commitEpoch: string | null;
  /** NX_DOCKER_BINARY. */
  envBinary: string | null;
}

export interface NormalizedDockerBuildOptions {
  projectName: string;
  projectRoot: string;
  workspaceRoot: string;
  /** Absolute, and workspace-relative for messages. */
  dockerfile: string;
  dockerfileDisplay: string;
  context: string;
  contextDisplay: string;
  platform: string;
  /** Full image references, validated. The first one names the image in messages. */
  tags: string[];
  version: string | null;
  gitSha: string | null;
  buildArgs: Record<string, string>;
  /** The Dockerfile stage to stop at (docker build --target), or null for the last stage. */
  stage: string | null;
  labels: Record<string, string>;
  cacheFrom: string[];
  cacheTo: string | null;
  archive: boolean;
  /** Where each built image is also pushed, so that other runners' cache hits can pull it; null: nowhere. */
  cacheRegistry: CacheRegistryTarget | null;
  pull: boolean;
  /** buildx: attach a provenance attestation (the image becomes an index with an attestation entry). */
  provenance: boolean;
  /** buildx on BuildKit 0.13+: SOURCE_DATE_EPOCH = the commit time, timestamps rewritten. */
  reproducible: boolean;
  /** SOURCE_DATE_EPOCH for reproducible builds: the commit time, else null (then the build is refused). */
  sourceDateEpoch: string | null;
  port: number | null;
  skipChecks: DockerBuildCheck[];
  /** The target's cache settings from the project graph, for the base-image-input check. */
  tracking: CacheTracking | null;
  /** Option, else NX_DOCKER_BINARY; null means "detect". */
  dockerBinary: string | null;
  outputDir: string;
  manifestPath: string;
  archivePath: string;
  streamPrefix: string;
}

export const ARCHIVE_FILE = 'image.tar.gz';

export function normalizeOptions(
  raw: DockerBuildExecutorSchema,
  context: ExecutorContext,
  facts: BuildFacts,
): NormalizedDockerBuildOptions {
  const projectName = context.projectName;
  if (!projectName)
    throw new NxDockerError('docker-build must run for a project (no projectName in the context).');
  const project = context.projectsConfigurations?.projects[projectName];
  if (!project)
    throw new NxDockerError(`Project ${projectName} is not in the workspace's project configurations.`);
  const workspaceRoot = context.root;
  const projectRoot = project.root;
  const resolve = (path: string) => (isAbsolute(path) ? path : join(workspaceRoot, path));
  const display = (path: string) => relative(workspaceRoot, path) || '.';

  const contextDir = resolve(raw.context ?? projectRoot);
  const dockerfile = resolve(raw.dockerfile ?? join(projectRoot, 'Dockerfile'));
  const version = raw.version ?? facts.packageVersion;
  const tags = renderTags(
    raw.tags ?? ['latest'],
    { projectName, version, gitSha: facts.gitSha },
    raw.repository ?? defaultRepository(projectName),
  );

  const buildArgs = { ...(raw.buildArgs ?? {}) };
  const secretArg = Object.keys(buildArgs).find((name) => SECRET_NAME.test(name));
  if (secretArg) {
    throw new NxDockerError(
      `buildArgs.${secretArg} of ${projectName}:docker-build looks like a secret; build args are stored in the image history.`,
      { hint: `Remove it and give the secret to the container at run time, or use RUN --mount=type=secret.` },
    );
  }

  const ociLabels: Record<string, string> =
    raw.ociLabels === false
      ? {}
      : dropNulls({
          'org.opencontainers.image.title': projectName,
          'org.opencontainers.image.version': version,
          'org.opencontainers.image.revision': facts.gitSha,
          'org.opencontainers.image.created': facts.created,
          'org.opencontainers.image.source': facts.gitRemote,
        });

  const outputDir = imageOutputDir(workspaceRoot, projectName);
  return {
    projectName,
    projectRoot,
    workspaceRoot,
    dockerfile,
    dockerfileDisplay: display(dockerfile),
    context: contextDir,
    contextDisplay: display(contextDir),
    platform: raw.platform ?? 'linux/amd64',
    tags,
    version,
    gitSha: facts.gitSha,
    buildArgs,
    stage: raw.stage ?? null,
    labels: { ...ociLabels, ...(raw.labels ?? {}) },
    cacheFrom: [...(raw.cacheFrom ?? [])],
    cacheTo: raw.cacheTo ?? null,
    archive: raw.archive ?? false,
    cacheRegistry: cacheRegistryTarget(raw, projectName, tags[0]),
    pull: raw.pull ?? false,
    provenance: raw.provenance ?? false,
    reproducible: raw.reproducible ?? false,
    sourceDateEpoch: facts.commitEpoch,
    port: raw.port ?? null,
    skipChecks: [...(raw.skipChecks ?? [])],
    tracking: cacheTracking(context, projectName, projectRoot),
    dockerBinary: raw.dockerBinary ?? facts.envBinary ?? null,
    outputDir,
    manifestPath: imageManifestPath(workspaceRoot, projectName),
    archivePath: join(outputDir, ARCHIVE_FILE),
    streamPrefix: `[${projectName}]`,
  };
}

/** The running target as Nx resolved it (target defaults merged), or null when run without one. */
export function cacheTracking(
  context: ExecutorContext,
  projectName: string,
  projectRoot: string,
): CacheTracking | null {
  const targetName = context.targetName;
  const project = context.projectsConfigurations?.projects[projectName];
  const target = targetName ? project?.targets?.[targetName] : undefined;
  if (!targetName || !project || !target) return null;
  const namedInputs = { ...(context.nxJsonConfiguration?.namedInputs ?? {}), ...(project.namedInputs ?? {}) };
  return {
    projectName,
    projectFile: join(projectRoot, 'project.json'),
    targetName,
    cached: target.cache === true,
    runtimeCommands: runtimeCommands(target.inputs ?? ['default', '^default'], namedInputs),
  };
}

/**
 * `cacheRegistry` + the repository of the first tag, without a registry host of its own:
 * `127.0.0.1:55000/ventas` and `orders:latest` → `127.0.0.1:55000/ventas/orders`.
 */
export function cacheRegistryTarget(
  raw: Pick<
    DockerBuildExecutorSchema,
    'cacheRegistry' | 'cacheRegistryUsernameEnv' | 'cacheRegistryPasswordEnv'
  >,
  projectName: string,
  firstTag: string,
): CacheRegistryTarget | null {
  const usernameEnv = raw.cacheRegistryUsernameEnv?.trim() || null;
  const passwordEnv = raw.cacheRegistryPasswordEnv?.trim() || null;
  if (Boolean(usernameEnv) !== Boolean(passwordEnv)) {
    throw new NxDockerError(
      `${projectName}:docker-build: set both cacheRegistryUsernameEnv and cacheRegistryPasswordEnv, or neither.`,
    );
  }
  const registry = raw.cacheRegistry
    ?.trim()
    .replace(/^https?:\/\//, '')
    .replace(/\/+$/, '');
  if (!registry) {
    if (usernameEnv) {
      throw new NxDockerError(
        `${projectName}:docker-build: cacheRegistryUsernameEnv is set without cacheRegistry.`,
      );
    }
    return null;
  }
  if (!/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(registry)) {
    throw new NxDockerError(
      `${projectName}:docker-build: cacheRegistry '${raw.cacheRegistry}' is not host[:port][/namespace] in lowercase.`,
      { hint: 'For example "127.0.0.1:55000/ventas" or "<account>.dkr.ecr.<region>.amazonaws.com/cache".' },
    );
  }
  const repository = firstTag.replace(/[:@][^/]*$/, '').split('/');
  // A host of its own (a dot, a port or localhost) is dropped: the copy lives under cacheRegistry.
  if (repository.length > 1 && /[.:]|^localhost$/.test(repository[0])) repository.shift();
  return {
    repositoryUri: `${registry}/${repository.join('/')}`,
    credentials: usernameEnv && passwordEnv ? { usernameEnv, passwordEnv } : null,
  };
}

/** Project names may hold characters a repository may not (`@scope/name`, capitals). */
export function defaultRepository(projectName: string): string {
  return (
    projectName
      .toLowerCase()
      .replace(/^@/, '')
      .replace(/[^a-z0-9._/-]+/g, '-')
      .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'image'
  );
}

function dropNulls(record: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).filter((entry): entry is [string, string] => entry[1] !== null),
  );
}
