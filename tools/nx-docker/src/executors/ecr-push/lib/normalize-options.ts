import type { ExecutorContext } from '@nx/devkit';
import { isAbsolute, join } from 'node:path';
import { NxDockerError } from '../../../lib/errors';
import type { EcrPushExecutorSchema } from '../schema';

/** What both modes share. */
interface CommonPushOptions {
  projectName: string;
  projectRoot: string;
  workspaceRoot: string;
  repository: string;
  immutableTags: boolean;
  /** null = reuse the tags of image.json. */
  tagTemplates: string[] | null;
  version: string | null;
  platform: string;
  dryRun: boolean;
  retries: number;
  retryDelayMs: number;
  pushTimeoutMs: number;
  deployManifestPath: string;
  deployVariable: string;
  serviceName: string;
}

/** Amazon ECR: the account and region of the AWS SDK's default credential chain, or of the registry host. */
export interface EcrPushOptions extends CommonPushOptions {
  mode: 'ecr';
  /** host of the registry; null until resolved from the account and region. */
  registry: string | null;
  region: string;
  awsAccountId: string | null;
  endpoint: string | null;
  createRepository: boolean;
  scanOnPush: boolean;
  encryption: 'AES256' | 'KMS';
  kmsKey: string | null;
  /** Absolute path, or null. */
  lifecyclePolicyPath: string | null;
}

/** Any other registry, spoken to with the OCI distribution API. */
export interface OciPushOptions extends CommonPushOptions {
  mode: 'oci';
  /** host[:port] */
  registry: string;
  scheme: 'http' | 'https';
  credentials: OciCredentials;
}

/** `env`: read from the named env vars by normalizeOptions (the names are kept for messages). */
export type OciCredentials =
  | { kind: 'env'; usernameEnv: string; passwordEnv: string; username: string; password: string }
  | { kind: 'docker-config' };

export type NormalizedEcrPushOptions = EcrPushOptions | OciPushOptions;

const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
const LOCAL_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/;

/**
 * The only reader of the raw options and of the env they name (region, endpoint, registry credentials).
 * Everything after it is typed and defaulted: one union member per registry kind.
 */
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
  if (Boolean(raw.usernameEnv) !== Boolean(raw.passwordEnv)) {
    throw new NxDockerError(`ecr-push of ${projectName}: set both usernameEnv and passwordEnv, or neither.`);
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
  const common: CommonPushOptions = {
    projectName,
    projectRoot,
    workspaceRoot: context.root,
    repository,
    immutableTags: raw.immutableTags ?? false,
    tagTemplates: raw.tags && raw.tags.length > 0 ? [...raw.tags] : null,
    version: raw.version || null,
    platform,
    dryRun: raw.dryRun ?? false,
    retries,
    retryDelayMs: raw.retryDelayMs ?? 1000,
    pushTimeoutMs: raw.pushTimeoutMs ?? 900_000,
    deployManifestPath: fromRoot(raw.deployManifest || join('dist', 'deploy', 'images.auto.tfvars.json')),
    deployVariable: raw.deployVariable || 'service_images',
    serviceName: raw.serviceName || projectName,
  };

  if (mode === 'oci') {
    if (!registry) {
      throw new NxDockerError(
        `ecr-push of ${projectName} in OCI mode needs the "registry" option (host[:port]).`,
      );
    }
    return {
      ...common,
      mode,
      registry,
      scheme: (raw.insecure ?? LOCAL_HOST.test(registry)) ? 'http' : 'https',
      credentials:
        raw.usernameEnv && raw.passwordEnv
          ? credentialsFromEnv(projectName, raw.usernameEnv, raw.passwordEnv, env)
          : { kind: 'docker-config' },
    };
  }

  const region = raw.region || ecrHost?.[2] || env['AWS_REGION'] || env['AWS_DEFAULT_REGION'];
  if (!region) {
    throw new NxDockerError(`ecr-push of ${projectName} needs an AWS region.`, {
      hint: 'Set AWS_REGION, or the "region" option, or an ECR "registry" host.',
    });
  }
  if (raw.usernameEnv) {
    throw new NxDockerError(`ecr-push of ${projectName}: usernameEnv/passwordEnv are for OCI registries.`, {
      hint: 'ECR credentials come from the AWS SDK default chain (env, profile, SSO, task role).',
    });
  }
  return {
    ...common,
    mode,
    registry,
    region,
    awsAccountId: raw.awsAccountId || ecrHost?.[1] || null,
    endpoint: raw.endpoint || env['ECR_ENDPOINT_URL'] || null,
    createRepository: raw.createRepository ?? true,
    scanOnPush: raw.scanOnPush ?? true,
    encryption: raw.encryption ?? 'AES256',
    kmsKey: raw.kmsKey || null,
    lifecyclePolicyPath: raw.lifecyclePolicy ? fromRoot(raw.lifecyclePolicy) : null,
  };
}

/** The registry login named by usernameEnv/passwordEnv, read once, before anything runs. */
function credentialsFromEnv(
  projectName: string,
  usernameEnv: string,
  passwordEnv: string,
  env: NodeJS.ProcessEnv,
): OciCredentials {
  const username = env[usernameEnv];
  const password = env[passwordEnv];
  if (!username || !password) {
    const empty = [!username && usernameEnv, !password && passwordEnv].filter(Boolean);
    throw new NxDockerError(
      `ecr-push of ${projectName}: the registry credentials are not set: ${empty.join(' and ')} ${empty.length > 1 ? 'are' : 'is'} empty.`,
      { hint: `Export ${usernameEnv} and ${passwordEnv} (in CI: from the secret store).` },
    );
  }
  return { kind: 'env', usernameEnv, passwordEnv, username, password };
}
