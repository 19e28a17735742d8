import { DockerResult, runDocker } from '../../../lib/docker/docker';
import type { RemoteRegistry } from '../../../lib/registry/types';
import { applyPush, parsePushDigest } from './apply-push';
import type { PushStep } from './plan-push';

jest.mock('../../../lib/docker/docker');

const IMAGE_ID = `sha256:${'1'.repeat(64)}`;
const DIGEST = `sha256:${'d'.repeat(64)}`;
const REF = '127.0.0.1:55000/app:1.0.0';
const runDockerMock = jest.mocked(runDocker);

const ok = (stdout = ''): DockerResult => ({
  command: 'docker',
  exitCode: 0,
  stdout,
  stderr: '',
  durationMs: 1,
  failed: false,
});
const failed = (stderr: string, stdout = ''): DockerResult => ({
  command: 'docker push',
  exitCode: 1,
  stdout,
  stderr,
  durationMs: 1,
  failed: true,
});
/** What docker push prints on stdout before it fails: progress, layer sizes, its own retries. */
const PROGRESS = [
  'The push refers to repository [127.0.0.1:55000/app]',
  '5f70bf18a086: Preparing',
  '5f70bf18a086: Pushing [==================>  ]  502.1kB/528kB',
  '5f70bf18a086: Retrying in 5 seconds',
].join('\n');
const pushCalls = () => runDockerMock.mock.calls.filter(([a]) => a[0] === 'push');

function input(pushResults: DockerResult[]) {
  const pushes = [...pushResults];
  runDockerMock.mockImplementation(async (args: string[]) => {
    if (args[0] === 'image' && args[1] === 'inspect') return { ...ok(), failed: true, exitCode: 1 };
    if (args[0] === 'push') return pushes.shift() ?? ok();
    return ok();
  });
  const remote: RemoteRegistry = {
    kind: 'oci',
    describeTags: jest.fn().mockResolvedValue([
      {
        tag: '1.0.0',
        state: 'present',
        manifestDigest: DIGEST,
        configDigest: IMAGE_ID,
        indexPlatforms: [],
      },
    ]),
    readDigest: jest.fn().mockResolvedValue(DIGEST),
  };
  const session = {
    env: { DOCKER_CONFIG: '/tmp/c' },
    configDir: '/tmp/c',
    relogin: jest.fn().mockResolvedValue(undefined),
    dispose: jest.fn(),
  };
  const steps: PushStep[] = [{ action: 'push', tag: '1.0.0', ref: REF, replaces: null, reason: 'new' }];
  const onTag = jest.fn();
  return {
    imageId: IMAGE_ID,
    platform: 'linux/amd64',
    configDigest: IMAGE_ID,
    repository: 'app',
    steps,
    remote,
    session,
    retry: { retries: 2, minDelayMs: 1 },
    pushTimeoutMs: 1000,
    secrets: () => ['hunter2-secret'],
    log: jest.fn(),
    onTag,
  };
}

afterEach(() => jest.clearAllMocks());

it('pushes, reads the digest back and removes the local registry tag it made', async () => {
  const args = input([ok(`1.0.0: digest: ${DIGEST} size: 528`)]);
  await expect(applyPush(args)).resolves.toEqual({
    digest: DIGEST,
    pushed: [{ tag: '1.0.0', digest: DIGEST }],
    skipped: [],
  });
  expect(runDockerMock).toHaveBeenCalledWith(['tag', IMAGE_ID, REF]);
  expect(runDockerMock).toHaveBeenCalledWith(['image', 'rm', REF], { reject: false });
  expect(args.remote.readDigest).toHaveBeenCalledWith('app', '1.0.0');
  expect(args.onTag).toHaveBeenCalledWith(
    expect.objectContaining({ tag: '1.0.0', status: 'pushed', message: `${REF}@${DIGEST}` }),
  );
});

it.each([
  ['no basic auth credentials', 'no basic auth credentials'],
  ['an expired token', 'denied: Your authorization token has expired. Reauthenticate and try again.'],
])('logs in again and retries after %s', async (_name, stderr) => {
  const args = input([failed(stderr), ok(`1.0.0: digest: ${DIGEST} size: 528`)]);
  await expect(applyPush(args)).resolves.toEqual(expect.objectContaining({ digest: DIGEST }));
  expect(args.session.relogin).toHaveBeenCalledTimes(1);
});

it('5xx during push: bounded retries, then a clear error', async () => {
  const args = input([
    failed('received unexpected HTTP status: 502 Bad Gateway'),
    failed('received unexpected HTTP status: 502 Bad Gateway'),
    failed('received unexpected HTTP status: 502 Bad Gateway'),
  ]);
  await expect(applyPush(args)).rejects.toThrow(
    `docker push ${REF} failed after 3 attempts: received unexpected HTTP status: 502 Bad Gateway`,
  );
  expect(args.session.relogin).not.toHaveBeenCalled();
});

it('a refused push is not retried and its output is scrubbed of secrets', async () => {
  const args = input([failed('denied: requested access to the resource is denied (token hunter2-secret)')]);
  const error = (await applyPush(args).catch((caught: Error) => caught)) as Error;
  expect(error.message).toMatch(
    /was refused: denied: requested access to the resource is denied \(token \*\*\*\)/,
  );
  expect(runDockerMock.mock.calls.filter(([a]) => a[0] === 'push')).toHaveLength(1);
  // The local tag is removed on failure too.
  expect(runDockerMock).toHaveBeenCalledWith(['image', 'rm', REF], { reject: false });
});

it('a failed push is reported from stderr, not from the last line of the progress output', async () => {
  const args = input([failed('unknown: blob upload invalid', PROGRESS)]);
  const error = (await applyPush(args).catch((caught: Error) => caught)) as Error;
  expect(error.message).toBe(`docker push ${REF} failed with exit code 1: unknown: blob upload invalid`);
  expect(error.message).not.toContain('Retrying in 5 seconds');
  // The progress output decides nothing either: "502.1kB" is no 502 answer, so there is one attempt.
  expect(pushCalls()).toHaveLength(1);
});

it('refused credentials: one fresh login, then the retry succeeds', async () => {
  const args = input([
    failed('unauthorized: authentication required', PROGRESS),
    ok(`1.0.0: digest: ${DIGEST} size: 528`),
  ]);
  await expect(applyPush(args)).resolves.toEqual(expect.objectContaining({ digest: DIGEST }));
  expect(args.session.relogin).toHaveBeenCalledTimes(1);
  expect(pushCalls()).toHaveLength(2);
});

it('refused again after the fresh login: stops with a clear error', async () => {
  const args = input([
    failed('unauthorized: authentication required'),
    failed('unauthorized: authentication required'),
    ok(`1.0.0: digest: ${DIGEST} size: 528`),
  ]);
  await expect(applyPush(args)).rejects.toThrow(
    `docker push ${REF} was refused again after a fresh login: unauthorized: authentication required`,
  );
  expect(args.session.relogin).toHaveBeenCalledTimes(1);
  expect(pushCalls()).toHaveLength(2);
});

it('refused, and the fresh login is refused too: stops, saying both', async () => {
  const args = input([failed('unauthorized: authentication required')]);
  args.session.relogin.mockRejectedValue(
    new Error(`docker login to 127.0.0.1:55000 was refused: wrong username or password for 'u'.`),
  );
  await expect(applyPush(args)).rejects.toThrow(
    `docker push ${REF} was refused (unauthorized: authentication required), and logging in again failed: docker login to 127.0.0.1:55000 was refused`,
  );
  expect(pushCalls()).toHaveLength(1);
});

it("refused credentials with the user's own docker config (nothing to log in with): stops at once", async () => {
  const args = input([failed('unauthorized: authentication required')]);
  const session = { ...args.session, env: {}, configDir: null };
  await expect(applyPush({ ...args, session })).rejects.toThrow(
    `docker push ${REF} was refused: unauthorized: authentication required`,
  );
  expect(pushCalls()).toHaveLength(1);
});

it.each([
  [
    'an unknown host',
    'dial tcp: lookup registry.invalid on 10.0.0.53:53: no such host',
    /the registry host does not resolve/,
  ],
  [
    'a 4xx answer',
    'received unexpected HTTP status: 400 Bad Request',
    /failed with exit code 1: received unexpected HTTP status: 400/,
  ],
  [
    "no credentials in the user's own config",
    'no basic auth credentials',
    /was refused: no basic auth credentials\nHint: Log in first/,
  ],
])('%s fails on the first attempt, with the cause', async (_name, stderr, message) => {
  const args = input([failed(stderr, PROGRESS), ok(`1.0.0: digest: ${DIGEST} size: 528`)]);
  const session = stderr.startsWith('no basic')
    ? { ...args.session, env: {}, configDir: null }
    : args.session;
  await expect(applyPush({ ...args, session, retry: { ...args.retry, log: args.log } })).rejects.toThrow(
    message,
  );
  expect(pushCalls()).toHaveLength(1);
  expect(args.log).toHaveBeenCalledWith(expect.stringMatching(/attempt 1 of 3 failed, not retried/));
});

it('parsePushDigest takes the last digest docker printed', () => {
  expect(parsePushDigest(`a\nlatest: digest: ${DIGEST} size: 528\n`)).toBe(DIGEST);
  expect(parsePushDigest('no digest here')).toBeNull();
});
