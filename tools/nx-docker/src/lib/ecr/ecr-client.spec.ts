import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  ECRServiceException,
  GetAuthorizationTokenCommand,
  PutLifecyclePolicyCommand,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { NxDockerError } from '../errors';
import { TransientError } from '../registry/retry';
import { EcrClient, ecrError } from './ecr-client';

const ecrMock = mockClient(ECRClient);
const stsMock = mockClient(STSClient);
const IMAGE_ID = `sha256:${'a'.repeat(64)}`;
const DIGEST = `sha256:${'d'.repeat(64)}`;
const REPO = {
  repositoryName: 'catalogo-service',
  repositoryUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/catalogo-service',
  imageTagMutability: 'IMMUTABLE' as const,
  imageScanningConfiguration: { scanOnPush: true },
  encryptionConfiguration: { encryptionType: 'AES256' as const },
};

function awsError(name: string, status = 400): Error {
  return new ECRServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: `${name} message`,
  });
}

function client() {
  return new EcrClient(new ECRClient({ region: 'us-east-1' }), new STSClient({ region: 'us-east-1' }));
}

beforeEach(() => {
  ecrMock.reset();
  stsMock.reset();
});

describe('authorization', () => {
  it('decodes the token into username and password and the registry host', async () => {
    ecrMock.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [
        {
          authorizationToken: Buffer.from('AWS:s3cr3t-token').toString('base64'),
          proxyEndpoint: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com',
          expiresAt: new Date('2030-01-01T00:00:00Z'),
        },
      ],
    });
    await expect(client().authorization('123456789012')).resolves.toEqual({
      username: 'AWS',
      password: 's3cr3t-token',
      registryHost: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
      expiresAt: new Date('2030-01-01T00:00:00Z'),
    });
    expect(ecrMock.commandCalls(GetAuthorizationTokenCommand)[0].args[0].input).toEqual({
      registryIds: ['123456789012'],
    });
  });

  it.each([
    ['ExpiredTokenException', /the AWS credentials have expired[\s\S]*Hint: Refresh them/],
    ['UnrecognizedClientException', /the AWS credentials were refused \(UnrecognizedClientException\)/],
    ['InvalidSignatureException', /the AWS credentials were refused/],
    ['AccessDeniedException', /lacks permission for ecr:GetAuthorizationToken/],
  ])('%s is a clear credentials error, not retried', async (name, message) => {
    ecrMock.on(GetAuthorizationTokenCommand).rejects(awsError(name, 403));
    const error = await client()
      .authorization()
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(NxDockerError);
    expect(error).not.toBeInstanceOf(TransientError);
    expect(error.message).toMatch(message);
    expect(ecrMock.commandCalls(GetAuthorizationTokenCommand)).toHaveLength(1);
  });

  it('says so when no credentials exist at all', async () => {
    const missing = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    ecrMock.on(GetAuthorizationTokenCommand).rejects(missing);
    await expect(client().authorization()).rejects.toThrow(/no AWS credentials were found/);
  });
});

it('finds the account id with sts:GetCallerIdentity', async () => {
  stsMock.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
  await expect(client().accountId()).resolves.toBe('123456789012');
});

describe('repositories', () => {
  it('describeRepository returns null for a missing repository', async () => {
    ecrMock
      .on(DescribeRepositoriesCommand)
      .rejects(new RepositoryNotFoundException({ message: 'nope', $metadata: {} }));
    await expect(client().describeRepository('catalogo-service')).resolves.toBeNull();
  });

  it('describeRepository reads immutability, scanning and encryption back', async () => {
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [REPO] });
    await expect(client().describeRepository('catalogo-service')).resolves.toEqual({
      name: 'catalogo-service',
      uri: REPO.repositoryUri,
      immutableTags: true,
      scanOnPush: true,
      encryption: 'AES256',
    });
  });

  it.each([
    [true, 'IMMUTABLE'],
    [false, 'MUTABLE'],
  ])(
    'createRepository(immutableTags %s) asks for %s, scan on push and AES256',
    async (immutableTags, mutability) => {
      ecrMock.on(CreateRepositoryCommand).resolves({ repository: REPO });
      await client().createRepository('catalogo-service', {
        immutableTags,
        scanOnPush: true,
        encryption: 'AES256',
      });
      expect(ecrMock.commandCalls(CreateRepositoryCommand)[0].args[0].input).toEqual({
        repositoryName: 'catalogo-service',
        imageTagMutability: mutability,
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: { encryptionType: 'AES256' },
        tags: [{ Key: 'managed-by', Value: '@ventas/nx-docker' }],
      });
    },
  );

  it('createRepository with KMS passes the key', async () => {
    ecrMock.on(CreateRepositoryCommand).resolves({ repository: REPO });
    await client().createRepository('r', {
      immutableTags: false,
      scanOnPush: false,
      encryption: 'KMS',
      kmsKey: 'arn:key',
    });
    expect(ecrMock.commandCalls(CreateRepositoryCommand)[0].args[0].input.encryptionConfiguration).toEqual({
      encryptionType: 'KMS',
      kmsKey: 'arn:key',
    });
  });

  it('putLifecyclePolicy sends the policy text unchanged', async () => {
    ecrMock.on(PutLifecyclePolicyCommand).resolves({});
    const policy =
      '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}}]}';
    await client().putLifecyclePolicy('catalogo-service', policy);
    expect(ecrMock.commandCalls(PutLifecyclePolicyCommand)[0].args[0].input).toEqual({
      repositoryName: 'catalogo-service',
      lifecyclePolicyText: policy,
    });
  });
});

describe('describeTags and readDigest', () => {
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { digest: IMAGE_ID },
    layers: [],
  });

  it('reports present tags with manifest and config digests, absent ones as absent', async () => {
    ecrMock
      .on(BatchGetImageCommand, { imageIds: [{ imageTag: '1.0.0' }] })
      // ECR may name the image by another of its tags: the answer to a one-tag request is that tag's.
      .resolves({
        images: [{ imageId: { imageTag: 'other', imageDigest: DIGEST }, imageManifest: manifest }],
      })
      .on(BatchGetImageCommand, { imageIds: [{ imageTag: 'latest' }] })
      .resolves({
        images: [],
        failures: [{ imageId: { imageTag: 'latest' }, failureCode: 'ImageNotFound' }],
      });
    await expect(client().describeTags('catalogo-service', ['1.0.0', 'latest'])).resolves.toEqual([
      { tag: '1.0.0', state: 'present', manifestDigest: DIGEST, configDigest: IMAGE_ID, indexPlatforms: [] },
      { tag: 'latest', state: 'absent' },
    ]);
    expect(ecrMock.commandCalls(BatchGetImageCommand)[0].args[0].input.acceptedMediaTypes).toContain(
      'application/vnd.oci.image.manifest.v1+json',
    );
  });

  it('follows an image index to the manifest of the target platform', async () => {
    const child = `sha256:${'c'.repeat(64)}`;
    const index = JSON.stringify({
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { digest: `sha256:${'e'.repeat(64)}`, platform: { os: 'linux', architecture: 'arm64' } },
        { digest: child, platform: { os: 'linux', architecture: 'amd64' } },
      ],
    });
    ecrMock
      .on(BatchGetImageCommand, { imageIds: [{ imageTag: '1.0.0' }] })
      .resolves({ images: [{ imageId: { imageTag: '1.0.0', imageDigest: DIGEST }, imageManifest: index }] })
      .on(BatchGetImageCommand, { imageIds: [{ imageDigest: child }] })
      .resolves({ images: [{ imageId: { imageDigest: child }, imageManifest: manifest }] });
    const [state] = await client().describeTags('catalogo-service', ['1.0.0']);
    expect(state).toEqual({
      tag: '1.0.0',
      state: 'present',
      manifestDigest: DIGEST,
      configDigest: IMAGE_ID,
      indexPlatforms: ['linux/arm64', 'linux/amd64'],
    });
  });

  it('a missing repository means every tag is absent', async () => {
    ecrMock
      .on(BatchGetImageCommand)
      .rejects(new RepositoryNotFoundException({ message: 'nope', $metadata: {} }));
    await expect(client().describeTags('new-repo', ['1.0.0'])).resolves.toEqual([
      { tag: '1.0.0', state: 'absent' },
    ]);
  });

  it('readDigest answers the digest DescribeImages stores, null for a missing tag', async () => {
    ecrMock
      .on(DescribeImagesCommand, { imageIds: [{ imageTag: '1.0.0' }] })
      .resolves({ imageDetails: [{ imageDigest: DIGEST, imageTags: ['1.0.0'] }] })
      .on(DescribeImagesCommand, { imageIds: [{ imageTag: 'gone' }] })
      .rejects(awsError('ImageNotFoundException'));
    await expect(client().readDigest('catalogo-service', '1.0.0')).resolves.toBe(DIGEST);
    await expect(client().readDigest('catalogo-service', 'gone')).resolves.toBeNull();
  });
});

describe('ecrError', () => {
  it.each([
    ['InternalServerError', 500, true],
    ['ServiceUnavailable', 503, true],
    ['ThrottlingException', 400, true],
    ['ExpiredTokenException', 400, false],
    ['InvalidParameterException', 400, false],
  ])('%s (%i) is transient: %s', (name, status, transient) => {
    expect(ecrError('ecr:X', awsError(name, status)) instanceof TransientError).toBe(transient);
  });

  it('a refused connection is transient', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(ecrError('ecr:X', refused)).toBeInstanceOf(TransientError);
  });

  it('an endpoint whose host does not resolve is not transient, and says so', () => {
    const unknown = Object.assign(new Error('getaddrinfo ENOTFOUND ecr.invalid'), { code: 'ENOTFOUND' });
    const error = ecrError('ecr:DescribeRepositories', unknown);
    expect(error).not.toBeInstanceOf(TransientError);
    expect(error.message).toMatch(
      /^ecr:DescribeRepositories failed: the endpoint's host name does not resolve/,
    );
  });

  it('a 429 answer is transient, another 4xx is not', () => {
    expect(ecrError('ecr:X', awsError('TooManyRequestsException', 429))).toBeInstanceOf(TransientError);
    expect(ecrError('ecr:X', awsError('SomethingInvalid', 404))).not.toBeInstanceOf(TransientError);
  });
});
