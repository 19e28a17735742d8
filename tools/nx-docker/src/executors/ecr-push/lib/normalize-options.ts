import type { ExecutorContext } from '@nx/devkit';
import { isAbsolute, join } from 'node:path';
import { NxDockerError } from '../../../lib/errors';
import type { EcrPushExecutorSchema } from '../schema';

export interface NormalizedEcrPushOptions {
  projectName: string;
  projectRoot: string;
  workspaceRoot: string;
  mode: 'ecr' | 'oci';
  /** host[:port]; for ECR null until resolved from the account and region. */
  registry: string | null;
  repository: string;
  region: string | null;
  awsAccountId: string | null;
  endpoint: string | null;
  createRepository: boolean;
  immutableTags: boolean;
  scanOnPush: boolean;
  encryption: 'AES256' | 'KMS';
  kmsKey: string | null;
  /** Absolute path, or null. */
  lifecyclePolicyPath: string | null;
  /** null = reuse the tags of image.json. */
  tagTemplates: string[] | null;
  version: string | null;
  platform: string;
  /** OCI mode: where the credentials come from. */
  credentials:
    { kind: 'env'; usernameEnv: string; passwordEnv: string } | { kind: 'docker-config' } | { kind: 'ecr' };
  scheme: 'http' | 'https';
  dryRun: boolean;
  retries: number;
  retryDelayMs: number;
  pushTimeoutMs: number;
  deployManifestPath: string;
  deployVariable: string;
  serviceName: string;
}

const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
const LOCAL_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/;

/** The only reader of the raw options (and of the env they name). Everything after it is typed and defaulted. */
export function normalizeOptions(
  raw: EcrPushExecutorSchema,
  context: Pick<ExecutorContext, 'root' | 'projectName' | 'projectsConfigurations'>,
  env: NodeJS.ProcessEnv = process.env,
): NormalizedEcrPushOptions {
  const projectName = context.projectName;
  if (!projectName) throw new NxDockerError('ecr-push needs a project: run it as nx run <project>:ecr-push.');
  const projectRoot = context.projectsConfigurations?.projects[projectName]?.root ?? '.';
  const registry =
    raw.registry
      ?.trim()
      .replace(/^https?:\/\//, '')
      .replace(/\/+$/, '') || null;
  const ecrHost = registry ? ECR_HOST.exec(registry) : null;
  const mode = raw.registryType ?? (registry && !ecrHost ? 'oci' : 'ecr');
  const region = raw.region || ecrHost?.[2] || env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] || null;
  if (mode === 'ecr' && !region) {
    throw new NxDockerError(`ecr-push of ${projectName} needs an AWS region.`, {
      hint: 'Set AWS_REGION, or the "region" option, or an ECR "registry" host.',
    });
  }
  if (mode === 'oci' && !registry) {
    throw new NxDockerError(
      `ecr-push of ${projectName} in OCI mode needs the "registry" option (host[:port]).`,
    );
  }
  if (Boolean(raw.usernameEnv) !== Boolean(raw.passwordEnv)) {
    throw new NxDockerError(`ecr-push of ${projectName}: set both usernameEnv and passwordEnv, or neither.`);
  }
  if (mode === 'ecr' && raw.usernameEnv) {
    throw new NxDockerError(`ecr-push of ${projectName}: usernameEnv/passwordEnv are for OCI registries.`, {
      hint: 'ECR credentials come from the AWS SDK default chain (env, profile, SSO, task role).',
    });
  }
  const retries = raw.retries ?? 4;
  if (!Number.isInteger(retries) || retries < 0 || retries > 20) {
    throw new NxDockerError(
      `ecr-push of ${projectName}: retries must be an integer from 0 to 20, got ${raw.retries}.`,
    );
  }
  const platform = raw.platform?.trim() || 'linux/amd64';
  if (!/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(platform)) {
    throw new NxDockerError(`ecr-push of ${projectName}: platform '${platform}' is not os/arch[/variant].`);
  }
  const repository = raw.repository?.trim() || projectName;
  if (!/^[a-z0-9]+(?:[._/-][a-z0-9]+)*$/.test(repository.replace(/__|-+/g, '-'))) {
    throw new NxDockerError(
      `ecr-push of ${projectName}: repository '${repository}' must be lowercase letters, digits and separators.`,
    );
  }
  const fromRoot = (path: string) => (isAbsolute(path) ? path : join(context.root, path));
  return {
    projectName,
    projectRoot,
    workspaceRoot: context.root,
    mode,
    registry,
    repository,
    region,
    awsAccountId: raw.awsAccountId || ecrHost?.[1] || null,
    endpoint: raw.endpoint || env['ECR_ENDPOINT_URL'] || null,
    createRepository: raw.createRepository ?? true,
    immutableTags: raw.immutableTags ?? false,
    scanOnPush: raw.scanOnPush ?? true,
    encryption: raw.encryption ?? 'AES256',
    kmsKey: raw.kmsKey || null,
    lifecyclePolicyPath: raw.lifecyclePolicy ? fromRoot(raw.lifecyclePolicy) : null,
    tagTemplates: raw.tags && raw.tags.length > 0 ? [...raw.tags] : null,
    version: raw.version || null,
    platform,
    credentials:
      mode === 'ecr'
        ? { kind: 'ecr' }
        : raw.usernameEnv && raw.passwordEnv
          ? { kind: 'env', usernameEnv: raw.usernameEnv, passwordEnv: raw.passwordEnv }
          : { kind: 'docker-config' },
    scheme: (raw.insecure ?? (registry !== null && LOCAL_HOST.test(registry))) ? 'http' : 'https',
    dryRun: raw.dryRun ?? false,
    retries,
    retryDelayMs: raw.retryDelayMs ?? 1000,
    pushTimeoutMs: raw.pushTimeoutMs ?? 900_000,
    deployManifestPath: fromRoot(raw.deployManifest || join('dist', 'deploy', 'images.auto.tfvars.json')),
    deployVariable: raw.deployVariable || 'service_images',
    serviceName: raw.serviceName || projectName,
  };
}
