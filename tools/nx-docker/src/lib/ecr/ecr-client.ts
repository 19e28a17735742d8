import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  PutLifecyclePolicyCommand,
  Repository,
} from '@aws-sdk/client-ecr';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { NxDockerError } from '../errors';
import { MANIFEST_ACCEPT, parseManifest, pickPlatform } from '../registry/manifest';
import { classifyHttpStatus, TransientError } from '../registry/retry';
import { RegistryCredentials, RemoteRegistry, RemoteTag } from '../registry/types';

/**
 * THE one ECR client: thin over @aws-sdk/client-ecr (+ client-sts for the account id). The SDK
 * clients are injected, so tests use aws-sdk-client-mock and the executor builds real ones with
 * `createAwsClients`. Credentials come from the SDK's default chain (env, profile, SSO, task role).
 * Every AWS error is mapped by `ecrError` to one sentence with a hint; credential errors are never
 * TransientError, so nothing retries them.
 */
export interface AwsClientOptions {
  region: string;
  /** Control-plane endpoint override (moto in tests, `ECR_ENDPOINT_URL`). */
  endpoint?: string | null;
  /** Attempts per call by the SDK's own retry strategy (throttling, 5xx, network). */
  maxAttempts?: number;
}

export function createAwsClients(options: AwsClientOptions): { ecr: ECRClient; sts: STSClient } {
  const common = {
    region: options.region,
    maxAttempts: options.maxAttempts ?? 3,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  };
  return { ecr: new ECRClient(common), sts: new STSClient(common) };
}

export interface RepositorySettings {
  immutableTags: boolean;
  scanOnPush: boolean;
  encryption: 'AES256' | 'KMS';
  kmsKey?: string | null;
}

export interface RepositoryState {
  name: string;
  uri: string;
  immutableTags: boolean;
  scanOnPush: boolean;
  encryption: string | null;
}

export interface EcrAuthorization extends RegistryCredentials {
  /** host of the registry, from proxyEndpoint (`123.dkr.ecr.eu-west-1.amazonaws.com`). */
  registryHost: string;
  expiresAt: Date | null;
}

export class EcrClient implements RemoteRegistry {
  readonly kind = 'ecr' as const;

  constructor(
    private readonly ecr: ECRClient,
    private readonly sts?: STSClient,
    private readonly platform = 'linux/amd64',
  ) {}

  /** The caller's account, for the registry host when `awsAccountId` is not given. */
  async accountId(): Promise<string> {
    const sts = this.sts;
    if (!sts)
      throw new NxDockerError('No STS client to find the AWS account id.', { hint: 'Set awsAccountId.' });
    const identity = await call('sts:GetCallerIdentity', () => sts.send(new GetCallerIdentityCommand({})));
    if (!identity.Account)
      throw new NxDockerError('sts:GetCallerIdentity returned no account id.', { hint: 'Set awsAccountId.' });
    return identity.Account;
  }

  /** A fresh registry password (valid 12 hours). The token is decoded here and goes nowhere but stdin. */
  async authorization(registryId?: string): Promise<EcrAuthorization> {
    const output = await call('ecr:GetAuthorizationToken', () =>
      this.ecr.send(new GetAuthorizationTokenCommand(registryId ? { registryIds: [registryId] } : {})),
    );
    const data = output.authorizationData?.[0];
    if (!data?.authorizationToken || !data.proxyEndpoint) {
      throw new NxDockerError('ecr:GetAuthorizationToken returned no token.');
    }
    const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
    const at = decoded.indexOf(':');
    if (at === -1)
      throw new NxDockerError('ecr:GetAuthorizationToken returned a token in an unknown format.');
    return {
      username: decoded.slice(0, at),
      password: decoded.slice(at + 1),
      registryHost: data.proxyEndpoint.replace(/^https?:\/\//, '').replace(/\/+$/, ''),
      expiresAt: data.expiresAt ?? null,
    };
  }

  async describeRepository(name: string): Promise<RepositoryState | null> {
    try {
      const output = await call('ecr:DescribeRepositories', () =>
        this.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] })),
      );
      const repository = output.repositories?.[0];
      return repository ? toRepositoryState(repository) : null;
    } catch (error) {
      if (awsName(error) === 'RepositoryNotFoundException') return null;
      throw error;
    }
  }

  async createRepository(name: string, settings: RepositorySettings): Promise<RepositoryState> {
    const output = await call('ecr:CreateRepository', () =>
      this.ecr.send(
        new CreateRepositoryCommand({
          repositoryName: name,
          imageTagMutability: settings.immutableTags ? 'IMMUTABLE' : 'MUTABLE',
          imageScanningConfiguration: { scanOnPush: settings.scanOnPush },
          encryptionConfiguration:
            settings.encryption === 'KMS'
              ? { encryptionType: 'KMS', ...(settings.kmsKey ? { kmsKey: settings.kmsKey } : {}) }
              : { encryptionType: 'AES256' },
          tags: [{ Key: 'managed-by', Value: '@ventas/nx-docker' }],
        }),
      ),
    );
    if (!output.repository)
      throw new NxDockerError(`ecr:CreateRepository returned no repository for ${name}.`);
    return toRepositoryState(output.repository);
  }

  async putLifecyclePolicy(name: string, policyText: string): Promise<void> {
    await call('ecr:PutLifecyclePolicy', () =>
      this.ecr.send(new PutLifecyclePolicyCommand({ repositoryName: name, lifecyclePolicyText: policyText })),
    );
  }

  /**
   * Tag states from BatchGetImage (manifests included, so we can compare config digests). One call
   * per tag: the answer names an image by one of its tags, not necessarily the one asked for.
   */
  async describeTags(repository: string, tags: string[]): Promise<RemoteTag[]> {
    const states: RemoteTag[] = [];
    for (const tag of tags) {
      let output;
      try {
        output = await call('ecr:BatchGetImage', () =>
          this.ecr.send(
            new BatchGetImageCommand({
              repositoryName: repository,
              imageIds: [{ imageTag: tag }],
              acceptedMediaTypes: MANIFEST_ACCEPT,
            }),
          ),
        );
      } catch (error) {
        if (awsName(error) === 'RepositoryNotFoundException')
          return tags.map((name) => ({ tag: name, state: 'absent' }));
        throw error;
      }
      const image = output.images?.[0];
      if (!image?.imageId?.imageDigest || (output.failures ?? []).length > 0) {
        states.push({ tag, state: 'absent' });
        continue;
      }
      const parsed = image.imageManifest ? safeParse(image.imageManifest) : null;
      states.push({
        tag,
        state: 'present',
        manifestDigest: image.imageId.imageDigest,
        configDigest: image.imageManifest ? await this.configDigest(repository, image.imageManifest) : null,
        indexPlatforms: parsed?.kind === 'index' ? parsed.manifests.map((entry) => entry.platform) : [],
      });
    }
    return states;
  }

  /** The digest ECR stores for a tag (DescribeImages), for the read-back after a push. */
  async readDigest(repository: string, tag: string): Promise<string | null> {
    try {
      const output = await call('ecr:DescribeImages', () =>
        this.ecr.send(
          new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }),
        ),
      );
      return output.imageDetails?.[0]?.imageDigest ?? null;
    } catch (error) {
      if (awsName(error) === 'ImageNotFoundException' || awsName(error) === 'RepositoryNotFoundException')
        return null;
      throw error;
    }
  }

  private async configDigest(repository: string, manifestText: string): Promise<string | null> {
    const parsed = safeParse(manifestText);
    if (!parsed) return null;
    if (parsed.kind === 'image') return parsed.configDigest;
    const child = pickPlatform(parsed.manifests, this.platform);
    if (!child) return null;
    const output = await call('ecr:BatchGetImage', () =>
      this.ecr.send(
        new BatchGetImageCommand({
          repositoryName: repository,
          imageIds: [{ imageDigest: child }],
          acceptedMediaTypes: MANIFEST_ACCEPT,
        }),
      ),
    );
    const childManifest = output.images?.[0]?.imageManifest;
    const childParsed = childManifest ? safeParse(childManifest) : null;
    return childParsed?.kind === 'image' ? childParsed.configDigest : null;
  }
}

function safeParse(text: string) {
  try {
    return parseManifest(text);
  } catch {
    return null;
  }
}

function toRepositoryState(repository: Repository): RepositoryState {
  return {
    name: repository.repositoryName ?? '',
    uri: repository.repositoryUri ?? '',
    immutableTags: (repository.imageTagMutability ?? 'MUTABLE').startsWith('IMMUTABLE'),
    scanOnPush: repository.imageScanningConfiguration?.scanOnPush ?? false,
    encryption: repository.encryptionConfiguration?.encryptionType ?? null,
  };
}

const CREDENTIAL_ERRORS = new Set([
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'CredentialsProviderError',
  'AccessDeniedException',
  'AccessDenied',
]);

function awsName(error: unknown): string {
  return (error as { name?: string })?.name ?? '';
}

/** Runs one AWS call and maps its failure to a clear NxDockerError (or TransientError). */
async function call<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw ecrError(operation, error);
  }
}

export function ecrError(operation: string, error: unknown): Error {
  const name = awsName(error);
  const message = (error as Error)?.message ?? String(error);
  if (name === 'RepositoryNotFoundException' || name === 'ImageNotFoundException') return error as Error;
  if (name === 'ExpiredTokenException' || name === 'ExpiredToken') {
    return new NxDockerError(`${operation} failed: the AWS credentials have expired.`, {
      hint: 'Refresh them (aws sso login, or new temporary credentials) and run again.',
      cause: error,
    });
  }
  if (name === 'CredentialsProviderError') {
    return new NxDockerError(`${operation} failed: no AWS credentials were found.`, {
      hint: 'Set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where a role is available.',
      cause: error,
    });
  }
  if (CREDENTIAL_ERRORS.has(name)) {
    return new NxDockerError(`${operation} failed: the AWS credentials were refused (${name}).`, {
      hint: name.startsWith('AccessDenied')
        ? `The identity lacks permission for ${operation}: check its IAM policy.`
        : 'Check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the profile: they are wrong or for another account.',
      cause: error,
    });
  }
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  const code = (error as { code?: string })?.code ?? '';
  // A host name that does not exist (a typo in endpoint or region) never resolves by waiting: not retried.
  if (code === 'ENOTFOUND' || /\bENOTFOUND\b/.test(message)) {
    return new NxDockerError(`${operation} failed: the endpoint's host name does not resolve (${message}).`, {
      hint: 'Check the region and the endpoint (ECR_ENDPOINT_URL / endpoint). A name that does not resolve is not retried.',
      cause: error,
    });
  }
  if (
    (status !== undefined && classifyHttpStatus(status) === 'transient') ||
    name === 'ThrottlingException' ||
    name === 'TimeoutError' ||
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EAI_AGAIN/.test(`${code} ${message}`)
  ) {
    return new TransientError(`${operation} failed: ${name || 'network error'}: ${message}`, {
      hint: 'Check that the ECR endpoint is reachable (ECR_ENDPOINT_URL / endpoint), then run again.',
      cause: error,
    });
  }
  return new NxDockerError(`${operation} failed: ${name ? `${name}: ` : ''}${message}`, { cause: error });
}
