import { logger, type ExecutorContext } from '@nx/devkit';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDocker } from '../../lib/docker/docker';
import { createAwsClients, EcrClient } from '../../lib/ecr/ecr-client';
import { ensureImage } from '../../lib/results/ensure-image';
import { writeImageManifest } from '../../lib/results/image-manifest';
import { openDockerSession } from '../../lib/registry/docker-login';
import { SmokeManifest, writeSmokeManifest } from '../../lib/results/smoke-manifest';
import { gitRepo } from '../../../test/support/git-repo';
import { imageManifestFixture } from '../../../test/support/image-manifest-fixture';
import { parseJUnit } from '../../../test/support/junit';
import ecrPushExecutor from './ecr-push.impl';

jest.mock('../../lib/docker/docker');
jest.mock('../../lib/ecr/ecr-client');
jest.mock('../../lib/results/ensure-image');
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

/** image.json as docker-build writes it, and (unless `smoke: null`) a passing smoke.json for the same image. */
function writeManifest(
  platform: string,
  extra: { tags?: string[]; smoke?: Partial<SmokeManifest> | null } = {},
) {
  if (extra.smoke !== null) writeSmoke(extra.smoke);
  writeImageManifest(
    root,
    imageManifestFixture({
      project: 'catalogo-service',
      imageId: IMAGE_ID,
      tags: extra.tags ?? ['catalogo-service:1.0.0', 'catalogo-service:latest'],
      platform,
      builder: 'buildkit',
      baseImage: { ref: 'node:24-bookworm-slim', id: null },
      builtAt: '2026-01-01T00:00:00.000Z',
    }),
  );
}

function writeSmoke(extra: Partial<SmokeManifest> = {}) {
  writeSmokeManifest(root, {
    version: 1,
    project: 'catalogo-service',
    imageId: IMAGE_ID,
    image: 'catalogo-service:1.0.0',
    platform: 'linux/amd64',
    passed: true,
    healthy: true,
    testedAt: '2026-01-01T00:00:01.000Z',
    checks: [],
    timings: { structureMs: 1, timeToHealthyMs: 1, stopMs: 1, totalMs: 3 },
    failure: null,
    ...extra,
  });
}

/** Everything the executor printed: Nx's logger, and docker's streamed output. */
const printed = () =>
  [logger.info, logger.warn, logger.error, process.stdout.write]
    .flatMap((fn) => jest.mocked(fn).mock.calls.map(([chunk]) => String(chunk)))
    .join('\n');

function readJUnit() {
  const xml = readFileSync(join(root, 'dist', 'images', 'catalogo-service', 'push.junit.xml'), 'utf8');
  return parseJUnit(xml).testsuites;
}

/** Labels of the fake daemon's image (docker-build sets the revision one). */
let imageLabels: Record<string, string> = {};

function result(stdout = '') {
  return { command: 'docker', exitCode: 0, stdout, stderr: '', durationMs: 1, failed: false };
}

/** Tags the fake `docker push` pushed: the fake registry then reports them present. */
const pushedTags = new Set<string>();

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ecr-push-spec-'));
  process.env['AWS_REGION'] = 'us-east-1';
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  for (const level of ['info', 'warn', 'error'] as const)
    jest.spyOn(logger, level).mockImplementation(() => undefined);
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
  jest
    .mocked(ensureImage)
    .mockResolvedValue({ imageId: IMAGE_ID, source: 'daemon', retagged: [], inspect: null });
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
            Config: { Labels: imageLabels },
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
  imageLabels = {};
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
  // Through Nx's logger, prefixed with the project like docker-build's lines; nothing raw on stdout.
  expect(logger.error).toHaveBeenCalledWith(
    expect.stringMatching(
      /^\[catalogo-service\] Refusing to push catalogo-service: The image is linux\/arm64, but linux\/amd64 is expected\..*\n\[catalogo-service\] Hint: Build it for linux\/amd64/s,
    ),
  );
  expect(process.stdout.write).not.toHaveBeenCalled();
});

it('ECR: creates the repository, applies the lifecycle policy, logs in with the token, pushes, writes push.json and the deploy manifest', async () => {
  writeManifest('linux/amd64');
  writeFileSync(join(root, 'lifecycle.json'), '{"rules":[]}');
  await expect(
    ecrPushExecutor({ immutableTags: true, lifecyclePolicy: 'lifecycle.json' }, fakeContext()),
  ).resolves.toEqual({
    success: true,
  });
  // image.json is older than this run (no docker-build task in it): the image shipped is a cached one, and it says so.
  expect(printed()).toMatch(
    /\[catalogo-service\] Using the cached image catalogo-service:1\.0\.0 \(\w{12}\), not rebuilt in this run: built 2026-01-01 00:00 UTC/,
  );
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

it('writes push.junit.xml: one passing case per tag', async () => {
  writeManifest('linux/amd64');
  await expect(ecrPushExecutor({}, fakeContext())).resolves.toEqual({ success: true });
  const junit = readJUnit();
  expect(junit).toEqual(expect.objectContaining({ name: 'ecr-push', tests: '2', failures: '0' }));
  expect(junit.testsuite[0].testcase.map((entry: { name: string }) => entry.name)).toEqual([
    'catalogo-service:1.0.0',
    'catalogo-service:latest',
  ]);
});

it('a failed push: push.junit.xml names the failure, and the error still reaches Nx', async () => {
  writeManifest('linux/amd64');
  ecr.readDigest.mockResolvedValue(`sha256:${'e'.repeat(64)}`);
  await expect(ecrPushExecutor({ retries: 0 }, fakeContext())).rejects.toThrow(/the registry stores/);
  const junit = readJUnit();
  expect(junit).toEqual(expect.objectContaining({ tests: '2', failures: '2' }));
  expect(junit.testsuite[0].testcase[0].failure.message).toMatch(
    /^After pushing .*:1\.0\.0 the registry stores sha256:e+/,
  );
  expect(junit.testsuite[0].testcase[1].failure.message).toMatch(/^not pushed: the push stopped at 1\.0\.0/);
});

describe('nothing untested ships', () => {
  const shortId = '111111111111';

  it.each<[string, Partial<SmokeManifest> | null, RegExp, string]>([
    [
      'no smoke.json',
      null,
      /it has not been smoke-tested \(no dist\/images\/catalogo-service\/smoke\.json\)/,
      'nx run catalogo-service:smoke-test',
    ],
    [
      'a failed smoke test',
      { passed: false, failure: { check: 'healthy', message: 'not healthy after 60 s' } },
      /its smoke test failed \(healthy: not healthy after 60 s\)/,
      'nx run catalogo-service:smoke-test',
    ],
    [
      'a smoke test of another image',
      { imageId: `sha256:${'9'.repeat(64)}` },
      /smoke\.json is the smoke test of another image \(999999999999, tested 2026-01-01T00:00:01\.000Z\)/,
      'nx run catalogo-service:smoke-test --skip-nx-cache',
    ],
  ])(
    '%s: refused before any network call, naming the project, the image and the fix',
    async (_name, smoke, reason, command) => {
      writeManifest('linux/amd64', { smoke });
      await expect(ecrPushExecutor({}, fakeContext())).resolves.toEqual({ success: false });
      expect(printed()).toContain(
        `[catalogo-service] Refusing to push catalogo-service (catalogo-service:1.0.0, ${shortId}): `,
      );
      expect(printed()).toMatch(reason);
      expect(printed()).toContain(`Hint: run '${command}', then push again.`);
      expect(EcrClientMock).not.toHaveBeenCalled();
      expect(runDockerMock).not.toHaveBeenCalled();
      const junit = readJUnit();
      expect(junit).toEqual(expect.objectContaining({ tests: '2', failures: '2' }));
      for (const entry of junit.testsuite[0].testcase) {
        expect(entry.failure.message).toMatch(reason);
        expect(entry.failure.message).toContain(`Run '${command}'.`);
      }
    },
  );

  it('dryRun still plans, and says the push would be refused', async () => {
    writeManifest('linux/amd64', { smoke: null });
    await expect(ecrPushExecutor({ dryRun: true }, fakeContext())).resolves.toEqual({ success: false });
    expect(printed()).toMatch(/plan \(dry run, nothing is pushed\)/);
    expect(printed()).toMatch(/push +\S+:1\.0\.0 +not in the registry yet/);
    expect(printed()).toMatch(
      /\[catalogo-service\] the push would be refused: Refusing to push catalogo-service \(catalogo-service:1\.0\.0, 111111111111\): it has not been smoke-tested/,
    );
    expect(runDockerMock.mock.calls.some(([args]) => args[0] === 'push' || args[0] === 'tag')).toBe(false);
    expect(existsSync(join(root, 'dist', 'images', 'catalogo-service', 'push.junit.xml'))).toBe(false);
  });
});

describe('git tags name the commit being shipped (HEAD), not the one a cached build ran at', () => {
  /** A temp git repository as the workspace: commit A, then commit B. */
  const gitCommit = (message: string) => gitRepo(root).commit(message);

  it('image.json written at commit A (a cache hit at B): the pushed tags carry B, and one line says so', async () => {
    const a = gitCommit('A');
    // docker-build at A rendered `sha-{gitShortSha}` and labelled the image with A.
    writeManifest('linux/amd64', {
      tags: [`catalogo-service:sha-${a.slice(0, 7)}`, 'catalogo-service:1.0.0'],
    });
    imageLabels = { 'org.opencontainers.image.revision': a };
    const b = gitCommit('B: a README change, no input of the image');

    await expect(ecrPushExecutor({}, fakeContext())).resolves.toEqual({ success: true });
    const pushes = runDockerMock.mock.calls.filter(([args]) => args[0] === 'push').map(([args]) => args[1]);
    expect(pushes).toEqual([
      `${HOST}/catalogo-service:sha-${b.slice(0, 7)}`,
      `${HOST}/catalogo-service:1.0.0`,
    ]);
    expect(printed()).toContain(
      `note: the image was built at commit ${a.slice(0, 7)} and HEAD is ${b.slice(0, 7)}: its inputs did not change since`,
    );
  });

  it('the tags option renders {gitShortSha} from HEAD at push time', async () => {
    gitCommit('A');
    writeManifest('linux/amd64');
    const b = gitCommit('B');
    await expect(ecrPushExecutor({ tags: ['{gitShortSha}', '{gitSha}'] }, fakeContext())).resolves.toEqual({
      success: true,
    });
    const pushes = runDockerMock.mock.calls.filter(([args]) => args[0] === 'push').map(([args]) => args[1]);
    expect(pushes).toEqual([`${HOST}/catalogo-service:${b.slice(0, 7)}`, `${HOST}/catalogo-service:${b}`]);
  });
});
