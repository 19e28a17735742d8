import {
  BatchDeleteImageCommand,
  DeleteRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import { execa, ResultPromise } from 'execa';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ecrPushExecutor from '../../src/executors/ecr-push/ecr-push.impl';
import type { EcrPushExecutorSchema } from '../../src/executors/ecr-push/schema';
import { createAwsClients, EcrClient } from '../../src/lib/ecr/ecr-client';
import {
  buildTestImage,
  captureOutput,
  closedPort,
  fakeContext,
  removeTestImage,
  TestImage,
  tempWorkspace,
  uniqueName,
} from './helpers';

/**
 * The ECR path of ecr-push against moto (a local AWS control-plane fake): repository creation with
 * its settings, immutability and the lifecycle policy read back, the authorization token, and the
 * digest comparison through BatchGetImage. moto has NO data plane (no /v2/ registry to docker push
 * to) and its digests are FAKE (every PutImage gets sha256 of the empty string), so here a push
 * either skips (the "remote" manifest is seeded with PutImage) or stops at docker login; the real
 * push protocol is covered by registry-push.spec.ts. Uses ECR_ENDPOINT_URL (tools/scripts/moto.sh),
 * else starts `moto_server` on a free port for this file and stops it.
 */
jest.setTimeout(120_000);

const AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_SESSION_TOKEN: 'testing',
  AWS_REGION: 'us-east-1',
};
const MOTO_TOKEN = '123456789012-auth-token'; // what moto hands out as the registry password
const EMPTY_SHA = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('ecr-push against moto (ECR control plane)', () => {
  let endpoint = process.env['ECR_ENDPOINT_URL'] ?? '';
  let moto: ResultPromise | null = null;
  const savedEnv: Record<string, string | undefined> = {};
  const root = tempWorkspace();
  const project = uniqueName('itecr');
  const repository = `${uniqueName('ecr-push-it')}/${project}`;
  const created: string[] = [];
  let image: TestImage;
  let ecr: ECRClient;
  let output: ReturnType<typeof captureOutput>;

  const options = (extra: Partial<EcrPushExecutorSchema> = {}): EcrPushExecutorSchema => ({
    repository,
    endpoint,
    tags: ['{version}', 'latest'],
    version: '1.0.0',
    immutableTags: true,
    lifecyclePolicy: 'ecr-lifecycle.json',
    retries: 0,
    retryDelayMs: 10,
    ...extra,
  });
  /** A manifest "in the registry" (moto keeps it; there are no blobs behind it). */
  const seed = (tag: string, configDigest: string, repositoryName = repository) =>
    ecr.send(
      new PutImageCommand({
        repositoryName,
        imageTag: tag,
        imageManifest: JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          config: {
            mediaType: 'application/vnd.docker.container.image.v1+json',
            size: 1,
            digest: configDigest,
          },
          layers: [],
        }),
      }),
    );

  beforeAll(async () => {
    for (const [key, value] of Object.entries(AWS_ENV)) {
      savedEnv[key] = process.env[key];
      process.env[key] = value;
    }
    if (!endpoint) {
      const port = await closedPort();
      endpoint = `http://127.0.0.1:${port}`;
      moto = execa('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { reject: false });
      const deadline = Date.now() + 30_000;
      for (;;) {
        const ok = await fetch(`${endpoint}/moto-api/`).then(
          (response) => response.ok,
          () => false,
        );
        if (ok) break;
        if (Date.now() > deadline) {
          throw new Error(
            'moto_server did not start in 30 s. Run `bash tools/scripts/moto.sh start` or check python moto.',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    ecr = createAwsClients({ region: 'us-east-1', endpoint }).ecr;
    writeFileSync(
      join(root, 'ecr-lifecycle.json'),
      JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: 'keep 10 untagged',
            selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 10 },
            action: { type: 'expire' },
          },
        ],
      }),
    );
    image = await buildTestImage(root, project, `ecr ${project}`);
  });
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(() => output.restore());
  afterAll(async () => {
    await removeTestImage(image);
    for (const name of [repository, ...created]) {
      await ecr
        ?.send(new DeleteRepositoryCommand({ repositoryName: name, force: true }))
        .catch(() => undefined);
    }
    moto?.kill();
    await moto;
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('EcrClient: account from STS, token for the registry host', async () => {
    const clients = createAwsClients({ region: 'us-east-1', endpoint });
    const client = new EcrClient(clients.ecr, clients.sts);
    await expect(client.accountId()).resolves.toBe('123456789012');
    await expect(client.authorization()).resolves.toEqual(
      expect.objectContaining({
        username: 'AWS',
        password: MOTO_TOKEN,
        registryHost: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
      }),
    );
  });

  it('dryRun: plans the repository and the pushes, creates nothing', async () => {
    await expect(ecrPushExecutor(options({ dryRun: true }), fakeContext(root, project))).resolves.toEqual({
      success: true,
    });
    expect(output.text()).toMatch(
      /repository .* does not exist: would create it \(tags IMMUTABLE, scan on push on, encryption AES256\)/,
    );
    expect(output.text()).toMatch(
      /push +123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/\S+:1\.0\.0 +not in the registry yet/,
    );
    const client = new EcrClient(ecr);
    await expect(client.describeRepository(repository)).resolves.toBeNull();
  });

  it('creates the repository with scan on push, AES256, immutable tags and the lifecycle policy; stops at docker login (moto has no registry)', async () => {
    const error = await ecrPushExecutor(options(), fakeContext(root, project)).catch(
      (caught: Error) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    // The fake account's registry host: without DNS for it, an unknown host (not retried); with it, AWS refuses.
    expect((error as Error).message).toMatch(
      /docker login (to )?123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com (failed: the host name does not resolve|failed after 1 attempts|was refused)/,
    );
    expect((error as Error).message).not.toContain(MOTO_TOKEN);
    expect(output.text()).not.toContain(MOTO_TOKEN);

    const described = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repository] }));
    expect(described.repositories?.[0]).toEqual(
      expect.objectContaining({
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: { encryptionType: 'AES256' },
      }),
    );
    const policy = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: repository }));
    expect(JSON.parse(policy.lifecyclePolicyText ?? '{}').rules[0].selection.countNumber).toBe(10);
  });

  it('tags already holding this image (the same config digest) are skipped: push.json and the deploy manifest pin it', async () => {
    await seed('1.0.0', image.configDigest as string);
    await seed('latest', image.configDigest as string);
    await expect(ecrPushExecutor(options(), fakeContext(root, project))).resolves.toEqual({ success: true });
    const record = JSON.parse(readFileSync(join(root, 'dist', 'images', project, 'push.json'), 'utf8'));
    const uri = `123456789012.dkr.ecr.us-east-1.amazonaws.com/${repository}`;
    expect(record).toEqual(
      expect.objectContaining({
        repositoryUri: uri,
        skipped: ['1.0.0', 'latest'],
        pushed: [],
        digest: EMPTY_SHA,
      }),
    );
    const deploy = JSON.parse(readFileSync(join(root, 'dist', 'deploy', 'images.auto.tfvars.json'), 'utf8'));
    expect(deploy.service_images[project]).toBe(`${uri}@${EMPTY_SHA}`);
    expect(output.text()).not.toMatch(/docker login|Login Succeeded/);
  });

  it('an immutable tag holding another image is a conflict, reported before any push', async () => {
    await seed('other', `sha256:${'9'.repeat(64)}`);
    await expect(
      ecrPushExecutor(options({ tags: ['other', 'new'] }), fakeContext(root, project)),
    ).resolves.toEqual({ success: false });
    expect(output.text()).toMatch(/\] \S+:other: immutable tag already holds another image/);
    await ecr.send(
      new BatchDeleteImageCommand({ repositoryName: repository, imageIds: [{ imageTag: 'other' }] }),
    );
  });

  it('an existing MUTABLE repository with immutableTags: the immutability is enforced here', async () => {
    const mutable = `${uniqueName('ecr-push-it')}/mutable`;
    created.push(mutable);
    const client = new EcrClient(ecr);
    await client.createRepository(mutable, { immutableTags: false, scanOnPush: false, encryption: 'AES256' });
    await expect(client.describeRepository(mutable)).resolves.toEqual(
      expect.objectContaining({ immutableTags: false }),
    );
    const mutableOptions = options({ repository: mutable, dryRun: true, lifecyclePolicy: undefined });
    await seed('1.0.0', `sha256:${'8'.repeat(64)}`, mutable);
    await expect(ecrPushExecutor(mutableOptions, fakeContext(root, project))).resolves.toEqual({
      success: false,
    });
    expect(output.text()).toMatch(/is MUTABLE in ECR; immutableTags is enforced here/);
    expect(output.text()).toMatch(/\] \S+:1\.0\.0: immutable tag already holds another image/);
  });
});
