export type DockerBuildCheck =
  'platform' | 'exec-bit' | 'expose' | 'healthcheck' | 'secrets' | 'base-image-input';

/** Raw options as written in project.json / nx.json; only normalizeOptions reads them. */
export interface DockerBuildExecutorSchema {
  dockerfile?: string;
  context?: string;
  platform?: string;
  tags?: string[];
  repository?: string;
  version?: string;
  buildArgs?: Record<string, string>;
  /** Build stage to stop at (docker build --target). Not `target`: on the nx command line that is Nx's own. */
  stage?: string;
  labels?: Record<string, string>;
  ociLabels?: boolean;
  cacheFrom?: string[];
  cacheTo?: string;
  archive?: boolean;
  /** host[:port][/namespace] of a registry kept as a cache; image.json records the copy by digest. */
  cacheRegistry?: string;
  cacheRegistryUsernameEnv?: string;
  cacheRegistryPasswordEnv?: string;
  pull?: boolean;
  provenance?: boolean;
  reproducible?: boolean;
  port?: number;
  skipChecks?: DockerBuildCheck[];
  dockerBinary?: string;
}
