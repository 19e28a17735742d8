import type { ExecutorContext } from '@nx/devkit';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDocker } from '../../lib/docker/docker';
import { createAwsClients, EcrClient } from '../../lib/ecr/ecr-client';
import { ensureImage } from '../../lib/image-manifest/ensure-image';
import { writeImageManifest } from '../../lib/image-manifest/image-manifest';
import { openDockerSession } from '../../lib/registry/docker-login';
import ecrPushExecutor from './ecr-push.impl';

jest.mock('../../lib/docker/docker');
jest.mock('../../lib/ecr/ecr-client');
jest.mock('../../lib/image-manifest/ensure-image');
jest.mock('../../lib/registry/docker-login');

const IMAGE_ID = `sha256:${'1'.repeat(64)}`;
const DIGEST = `sha256:${'d'.repeat(64)}`;
const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const TOKEN = 'ecr-token-do-not-print';

const runDockerMock = jest.mocked(runDocker);
const EcrClientMock = jest.mocked(EcrClient);
const openSessionMock = jest.mocked(openDockerSession);

let root: string;
const savedRegion = process.env['AWS_REGION'];
let ecr: {
  accountId: jest.Mock;
  authorization: jest.Mock;
  describeRepository: jest.Mock;
  createRepository: jest.Mock;
  putLifecyclePolicy: jest.Mock;
  describeTags: jest.Mock;
  readDigest: jest.Mock;
};

function fakeContext(): ExecutorContext {
  return {
    root,
    cwd: root,
    isVerbose: false,
    projectName: 'catalogo-service',
    projectsConfigurations: {
      version: 2,
      projects: { 'catalogo-service': { root: 'apps/catalogo-service' } },
    },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  } as unknown as ExecutorContext;
}

function writeManifest(platform: string) {
  writeImageManifest(root, {
    version: 2,
    project: 'catalogo-service',
    imageId: IMAGE_ID,
    store: 'classic',
    configDigest: IMAGE_ID,
    manifestDigest: null,
    provenance: false,
    sourceDateEpoch: null,
    tags: ['catalogo-service:1.0.0', 'catalogo-service:latest'],
    platform,
    sizeBytes: 1,
    builder: 'buildkit',
    baseImage: { ref: 'node:24-bookworm-slim', id: null },
    builtAt: '2026-01-01T00:00:00.000Z',
    buildSeconds: 1,
    archive: null,
  });
}

function result(stdout = '') {
  return { command: 'docker', exitCode: 0, stdout, stderr: '', durationMs: 1, failed: false };
}

/** Tags the fake `docker push` pushed: the fake registry then reports them present. */
const pushedTags = new Set<string>();

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ecr-push-spec-'));
  process.env['AWS_REGION'] = 'us-east-1';
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  ecr = {
    accountId: jest.fn().mockResolvedValue('123456789012'),
    authorization: jest
      .fn()
      .mockResolvedValue({ username: 'AWS', password: TOKEN, registryHost: HOST, expiresAt: null }),
    describeRepository: jest.fn().mockResolvedValue(null),
    createRepository: jest.fn().mockResolvedValue({
      name: 'catalogo-service',
      uri: `${HOST}/catalogo-service`,
      immutableTags: true,
      scanOnPush: true,
      encryption: 'AES256',
    }),
    putLifecyclePolicy: jest.fn().mockResolvedValue(undefined),
    describeTags: jest
      .fn()
      .mockImplementation(async (_repo: string, tags: string[]) =>
        tags.map((tag) =>
          pushedTags.has(tag)
            ? { tag, state: 'present', manifestDigest: DIGEST, configDigest: IMAGE_ID, indexPlatforms: [] }
            : { tag, state: 'absent' },
        ),
      ),
    readDigest: jest.fn().mockResolvedValue(DIGEST),
  };
  EcrClientMock.mockImplementation(() => ecr as unknown as EcrClient);
  jest.mocked(createAwsClients).mockReturnValue({} as ReturnType<typeof createAwsClients>);
  jest.mocked(ensureImage).mockResolvedValue({ imageId: IMAGE_ID, source: 'daemon', retagged: [] });
  openSessionMock.mockResolvedValue({
    env: { DOCKER_CONFIG: '/tmp/x' },
    configDir: '/tmp/x',
    relogin: jest.fn(),
    dispose: jest.fn(),
  });
  runDockerMock.mockImplementation(async (args: string[]) => {
    if (args[0] === 'image' && args[1] === 'inspect' && args.length === 3) {
      return result(
        JSON.stringify([
          {
            Id: IMAGE_ID,
            Os: 'linux',
            Architecture: 'amd64',
            RepoTags: ['catalogo-service:1.0.0'],
            RepoDigests: [],
          },
        ]),
      );
    }
    if (args[0] === 'image' && args[1] === 'inspect') return { ...result(), failed: true, exitCode: 1 };
    if (args[0] === 'push') {
      pushedTags.add(args[1].split(':').pop() as string);
      return result(`${args[1].split(':').pop()}: digest: ${DIGEST} size: 528`);
    }
    return result();
  });
});

afterEach(() => {
  pushedTags.clear();
  rmSync(root, { recursive: true, force: true });
  if (savedRegion === undefined) delete process.env['AWS_REGION'];
  else process.env['AWS_REGION'] = savedRegion;
  jest.restoreAllMocks();
  jest.clearAllMocks();
});

it('refuses an arm64 image before any network call or docker command', async () => {
  writeManifest('linux/arm64');
  await expect(ecrPushExecutor({}, fakeContext())).resolves.toEqual({ success: false });
  expect(EcrClientMock).not.toHaveBeenCalled();
  expect(ensureImage).not.toHaveBeenCalled();
  expect(runDockerMock).not.toHaveBeenCalled();
});

it('ECR: creates the repository, applies the lifecycle policy, logs in with the token, pushes, writes push.json and the deploy manifest', async () => {
  writeManifest('linux/amd64');
  writeFileSync(join(root, 'lifecycle.json'), '{"rules":[]}');
  await expect(
    ecrPushExecutor({ immutableTags: true, lifecyclePolicy: 'lifecycle.json' }, fakeContext()),
  ).resolves.toEqual({
    success: true,
  });
  expect(ecr.createRepository).toHaveBeenCalledWith('catalogo-service', {
    immutableTags: true,
    scanOnPush: true,
    encryption: 'AES256',
    kmsKey: null,
  });
  expect(ecr.putLifecyclePolicy).toHaveBeenCalledWith('catalogo-service', '{"rules":[]}');
  const login = openSessionMock.mock.calls[0][0];
  expect(login.host).toBe(HOST);
  await expect(login.credentials?.()).resolves.toEqual(
    expect.objectContaining({ username: 'AWS', password: TOKEN }),
  );

  const pushes = runDockerMock.mock.calls.filter(([args]) => args[0] === 'push');
  expect(pushes.map(([args]) => args)).toEqual([
    ['push', `${HOST}/catalogo-service:1.0.0`],
    ['push', `${HOST}/catalogo-service:latest`],
  ]);
  expect(pushes[0][1]).toEqual(expect.objectContaining({ env: { DOCKER_CONFIG: '/tmp/x' } }));
  for (const [args] of runDockerMock.mock.calls) expect(args.join(' ')).not.toContain(TOKEN);

  const record = JSON.parse(
    readFileSync(join(root, 'dist', 'images', 'catalogo-service', 'push.json'), 'utf8'),
  );
  expect(record).toEqual(
    expect.objectContaining({
      version: 1,
      digest: DIGEST,
      imageUri: `${HOST}/catalogo-service@${DIGEST}`,
      pushed: ['1.0.0', 'latest'],
    }),
  );
  const deploy = JSON.parse(readFileSync(join(root, 'dist', 'deploy', 'images.auto.tfvars.json'), 'utf8'));
  expect(deploy).toEqual({ service_images: { 'catalogo-service': `${HOST}/catalogo-service@${DIGEST}` } });
  // The local registry tags made for the push are removed again.
  expect(runDockerMock).toHaveBeenCalledWith(['image', 'rm', `${HOST}/catalogo-service:1.0.0`], {
    reject: false,
  });
});

it('an immutable tag holding another image: no login, no push, success false', async () => {
  writeManifest('linux/amd64');
  ecr.describeRepository.mockResolvedValue({
    name: 'catalogo-service',
    uri: `${HOST}/catalogo-service`,
    immutableTags: true,
    scanOnPush: true,
    encryption: 'AES256',
  });
  ecr.describeTags.mockResolvedValue([
    { tag: '1.0.0', state: 'present', manifestDigest: DIGEST, configDigest: `sha256:${'2'.repeat(64)}` },
    { tag: 'latest', state: 'absent' },
  ]);
  await expect(ecrPushExecutor({}, fakeContext())).resolves.toEqual({ success: false });
  expect(openSessionMock).not.toHaveBeenCalled();
  expect(runDockerMock.mock.calls.some(([args]) => args[0] === 'push')).toBe(false);
  expect(existsSync(join(root, 'dist', 'images', 'catalogo-service', 'push.json'))).toBe(false);
});

it('dryRun: plans, creates nothing, logs in nowhere, writes nothing', async () => {
  writeManifest('linux/amd64');
  await expect(ecrPushExecutor({ dryRun: true }, fakeContext())).resolves.toEqual({ success: true });
  expect(ecr.createRepository).not.toHaveBeenCalled();
  expect(openSessionMock).not.toHaveBeenCalled();
  expect(runDockerMock.mock.calls.some(([args]) => args[0] === 'push' || args[0] === 'tag')).toBe(false);
  expect(existsSync(join(root, 'dist', 'deploy'))).toBe(false);
});

it('a digest read back that differs from the pushed one is an error', async () => {
  writeManifest('linux/amd64');
  ecr.readDigest.mockResolvedValue(`sha256:${'e'.repeat(64)}`);
  await expect(ecrPushExecutor({ retries: 0 }, fakeContext())).rejects.toThrow(
    /the registry stores sha256:e+ for the tag, but docker pushed sha256:d+/,
  );
});
