import { readFileSync } from 'node:fs';
import { createAwsClients, EcrClient, RepositoryState } from '../../../lib/ecr/ecr-client';
import { NxDockerError } from '../../../lib/errors';
import { withRetry } from '../../../lib/registry/retry';
import type { EcrPushOptions } from './normalize-options';
import type { PushTarget, TargetDeps } from './push-target';

/**
 * Amazon ECR: the account (STS) and the repository (created on `prepare` when missing and allowed), logged in
 * with a GetAuthorizationToken password. Every AWS call goes through withRetry, the one bounded retry loop.
 */
export async function ecrTarget(options: EcrPushOptions, deps: TargetDeps): Promise<PushTarget> {
  const { retry, log, secrets } = deps;
  // maxAttempts 1: withRetry is the one bounded retry loop, so attempts never multiply.
  const clients = createAwsClients({ region: options.region, endpoint: options.endpoint, maxAttempts: 1 });
  const ecr = new EcrClient(clients.ecr, clients.sts, options.platform);
  const accountId =
    options.awsAccountId ?? (await withRetry('sts:GetCallerIdentity', () => ecr.accountId(), retry));
  const registryHost = options.registry ?? `${accountId}.dkr.ecr.${options.region}.amazonaws.com`;
  const settings = {
    immutableTags: options.immutableTags,
    scanOnPush: options.scanOnPush,
    encryption: options.encryption,
    kmsKey: options.kmsKey,
  };
  let repository: RepositoryState | null = await withRetry(
    `ecr:DescribeRepositories ${options.repository}`,
    () => ecr.describeRepository(options.repository),
    retry,
  );
  if (!repository && !options.createRepository) {
    throw new NxDockerError(`The ECR repository ${options.repository} does not exist in ${registryHost}.`, {
      hint: 'Create it (Terraform), or set "createRepository": true.',
    });
  }
  if (!repository) {
    log.info(
      `repository ${options.repository} does not exist: ${options.dryRun ? 'would create' : 'will create'} it (${describeSettings(settings)})`,
    );
  }
  if (repository && options.immutableTags && !repository.immutableTags) {
    log.info(
      `note: repository ${options.repository} is MUTABLE in ECR; immutableTags is enforced here (no tag moves)`,
    );
  }
  const policy = options.lifecyclePolicyPath ? readPolicy(options.lifecyclePolicyPath) : null;
  if (policy && options.dryRun) log.info(`would apply the lifecycle policy ${options.lifecyclePolicyPath}`);
  return {
    registryHost,
    repositoryUri: repository?.uri || `${registryHost}/${options.repository}`,
    remote: ecr,
    immutable: options.immutableTags || (repository?.immutableTags ?? false),
    credentials: async () => {
      const authorization = await withRetry(
        'ecr:GetAuthorizationToken',
        () => ecr.authorization(accountId),
        retry,
      );
      secrets.push(authorization.password);
      return authorization;
    },
    prepare: async () => {
      if (!repository) {
        repository = await withRetry(
          `ecr:CreateRepository ${options.repository}`,
          () => ecr.createRepository(options.repository, settings),
          retry,
        );
        log.info(`created repository ${repository.uri} (${describeSettings(settings)})`);
      }
      if (policy) {
        await withRetry(
          'ecr:PutLifecyclePolicy',
          () => ecr.putLifecyclePolicy(options.repository, policy),
          retry,
        );
        log.info(`applied lifecycle policy ${options.lifecyclePolicyPath}`);
      }
    },
  };
}

function readPolicy(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
    JSON.parse(text);
  } catch (cause) {
    throw new NxDockerError(`The lifecycle policy ${path} is missing or not valid JSON.`, { cause });
  }
  return text;
}

function describeSettings(settings: {
  immutableTags: boolean;
  scanOnPush: boolean;
  encryption: string;
}): string {
  return `tags ${settings.immutableTags ? 'IMMUTABLE' : 'MUTABLE'}, scan on push ${settings.scanOnPush ? 'on' : 'off'}, encryption ${settings.encryption}`;
}
