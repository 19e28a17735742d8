import { DockerResult, runDocker } from '../../../lib/docker/docker';
import { imageIdOf } from '../../../lib/docker/image-id';
import { NxDockerError } from '../../../lib/errors';
import type { DockerSession } from '../../../lib/registry/docker-login';
import {
  classifyDockerFailure,
  FailureKind,
  lastLine,
  redact,
  RetryOptions,
  TransientError,
  withRetry,
} from '../../../lib/registry/retry';
import type { RemoteRegistry } from '../../../lib/registry/types';
import { checkPushedTag, describePushedTag, PushStep } from './plan-push';

/**
 * The effectful half of the push: tag, `docker push` each planned tag (bounded retries; a fresh login
 * when the registry forgot us), then read back the digest the registry stores and check it is the one
 * docker pushed. Local `<registry>/<repo>:<tag>` tags made for the push are removed afterwards.
 */
export interface ApplyPushInput {
  imageId: string;
  /** The platform and config digest (when known) every pushed tag must hold: checked by reading it back. */
  platform: string;
  configDigest: string | null;
  repository: string;
  steps: PushStep[];
  remote: RemoteRegistry;
  session: DockerSession;
  retry: RetryOptions;
  pushTimeoutMs: number;
  /** Secrets to scrub from any output that reaches an error. */
  secrets: () => string[];
  log: (line: string) => void;
  streamPrefix?: string;
  /** Told about each tag as soon as it is done (for the JUnit report: what passed before a failure). */
  onTag?: (done: TagDone) => void;
}

export interface TagDone {
  tag: string;
  status: 'pushed' | 'skipped';
  message: string;
  seconds: number;
}

export interface PushOutcome {
  /** The manifest digest the registry stores (all tags, normally one). */
  digest: string;
  pushed: { tag: string; digest: string }[];
  skipped: { tag: string; digest: string }[];
}

export async function applyPush(input: ApplyPushInput): Promise<PushOutcome> {
  const pushed: PushOutcome['pushed'] = [];
  const skipped: PushOutcome['skipped'] = [];
  const createdRefs: string[] = [];
  try {
    for (const step of input.steps) {
      const started = performance.now();
      if (step.action === 'conflict') {
        throw new NxDockerError(`Refusing to push ${step.ref}: ${step.reason}.`);
      }
      if (step.action === 'skip') {
        input.log(`skipped  ${step.ref}: ${step.reason}`);
        skipped.push({ tag: step.tag, digest: step.digest });
        input.onTag?.({ tag: step.tag, status: 'skipped', message: step.reason, seconds: 0 });
        continue;
      }
      if (await tagLocally(input.imageId, step.ref)) createdRefs.push(step.ref);
      const digest = await pushWithRetry(step.ref, input);
      const stored = await withRetry(
        `reading back the digest of ${step.ref}`,
        () => input.remote.readDigest(input.repository, step.tag),
        input.retry,
      );
      if (stored !== digest) {
        throw new NxDockerError(
          `After pushing ${step.ref} the registry stores ${stored ?? 'no image'} for the tag, but docker pushed ${digest}.`,
          {
            hint: 'Another push may have moved the tag at the same time; run again to see the current state.',
          },
        );
      }
      const [held] = await withRetry(
        `reading back what ${step.ref} holds`,
        () => input.remote.describeTags(input.repository, [step.tag]),
        input.retry,
      );
      const wrong = checkPushedTag(held, {
        ref: step.ref,
        platform: input.platform,
        configDigest: input.configDigest,
      });
      if (wrong || held.state === 'absent') {
        throw new NxDockerError(`After pushing: ${wrong}`, {
          hint: 'A Fargate task runs one linux/amd64 image: build with one --platform and without extra attestations ("provenance": false).',
        });
      }
      input.log(`pushed   ${step.ref}@${digest} (read back: equal; ${describePushedTag(held)})`);
      pushed.push({ tag: step.tag, digest });
      input.onTag?.({
        tag: step.tag,
        status: 'pushed',
        message: `${step.ref}@${digest}`,
        seconds: (performance.now() - started) / 1000,
      });
    }
  } finally {
    for (const ref of createdRefs) await runDocker(['image', 'rm', ref], { reject: false });
  }
  const digests = [...new Set([...pushed, ...skipped].map((entry) => entry.digest))];
  if (digests.length === 0) throw new NxDockerError('Nothing was pushed or skipped: the plan had no tags.');
  if (digests.length > 1) {
    input.log(
      `note: the tags hold ${digests.length} manifest digests of the same image (${digests.join(', ')})`,
    );
  }
  return { digest: pushed[0]?.digest ?? digests[0], pushed, skipped };
}

/** Points `ref` at the image; true when the tag was made here (and so is removed afterwards). */
async function tagLocally(imageId: string, ref: string): Promise<boolean> {
  const current = await imageIdOf(ref);
  if (current === imageId) return false;
  await runDocker(['tag', imageId, ref]);
  return current === null;
}

async function pushWithRetry(ref: string, input: ApplyPushInput): Promise<string> {
  // Only a session that logged in (a temporary DOCKER_CONFIG) can log in again; the user's own config cannot.
  const canLogin = input.session.configDir !== null;
  let refusedBefore = false;
  return withRetry(
    `docker push ${ref}`,
    async () => {
      const result = await runDocker(['push', ref], {
        env: input.session.env,
        reject: false,
        timeoutMs: input.pushTimeoutMs,
        streamPrefix: input.streamPrefix,
      });
      if (!result.failed) {
        const digest = parsePushDigest(result.stdout);
        if (!digest) {
          const output = redact(`${result.stderr}\n${result.stdout}`.trim(), input.secrets());
          throw new NxDockerError(`docker push ${ref} succeeded but printed no digest:\n${output}`);
        }
        return digest;
      }
      const failure = describePushFailure(result, input.secrets());
      const error = pushError(ref, failure, { canLogin, refusedBefore });
      if (failure.kind === 'credentials') refusedBefore = true;
      throw error;
    },
    {
      ...input.retry,
      beforeRetry: async (error) => {
        if (!(error instanceof TransientError) || !error.relogin) return;
        input.log('logging in again before the next attempt');
        try {
          await input.session.relogin();
        } catch (cause) {
          throw new NxDockerError(
            `docker push ${ref} was refused (${error.message.split('\n')[0]}), and logging in again failed: ${(cause as Error).message.split('\n')[0]}`,
            {
              hint: 'The credentials changed and the new ones are not where the options say (usernameEnv/passwordEnv, the docker config, or the AWS identity).',
              cause,
            },
          );
        }
      },
    },
  );
}

export interface PushFailure {
  exitCode: number;
  kind: FailureKind;
  /** What docker said on stderr (its last line), or, when stderr is empty, the last line of stdout. */
  cause: string;
  /** stderr, when it holds more than the cause line. */
  details: string | null;
}

/**
 * Pure: a failed `docker push` read from its stderr, where docker writes the error. stdout is the progress
 * output ("Preparing", "Retrying in 5 seconds", layer sizes): never the cause, never classified.
 */
export function describePushFailure(
  result: Pick<DockerResult, 'exitCode' | 'stdout' | 'stderr'>,
  secrets: string[],
): PushFailure {
  const stderr = redact(result.stderr.trim(), secrets);
  const cause =
    lastLine(stderr) || lastLine(redact(result.stdout, secrets)) || `exit code ${result.exitCode}`;
  const lines = stderr.split('\n').filter((line) => line.trim());
  return {
    exitCode: result.exitCode,
    kind: classifyDockerFailure(stderr || cause),
    cause,
    details: lines.length > 1 ? lines.slice(-10).join('\n') : null,
  };
}

/**
 * Pure: the error for one failed push attempt. Transient ones are retried; a lost or expired login and the first
 * refusal of the credentials are retried after a fresh login (when the session can log in); everything else,
 * and a second refusal, stops at once.
 */
export function pushError(
  ref: string,
  failure: PushFailure,
  state: { canLogin: boolean; refusedBefore: boolean },
): Error {
  const suffix = failure.details ? `\n${failure.details}` : '';
  switch (failure.kind) {
    case 'transient':
      return new TransientError(failure.cause);
    case 'expired':
    case 'login-required':
      if (state.canLogin) return new TransientError(failure.cause, { relogin: true });
      return new NxDockerError(`docker push ${ref} was refused: ${failure.cause}${suffix}`, {
        hint: `Log in first (docker login ${ref.slice(0, ref.indexOf('/'))}), or set usernameEnv and passwordEnv.`,
      });
    case 'credentials':
      if (state.canLogin && !state.refusedBefore) return new TransientError(failure.cause, { relogin: true });
      return new NxDockerError(
        `docker push ${ref} was refused${state.canLogin ? ' again after a fresh login' : ''}: ${failure.cause}${suffix}`,
        {
          hint: 'The credentials may not push to this repository (ECR: ecr:PutImage and the layer actions).',
        },
      );
    case 'denied':
      return new NxDockerError(`docker push ${ref} was refused: ${failure.cause}${suffix}`, {
        hint: 'The credentials may not push to this repository (ECR: ecr:PutImage and the layer actions).',
      });
    case 'unknown-host':
      return new NxDockerError(
        `docker push ${ref} failed: the registry host does not resolve (${failure.cause}).${suffix}`,
        { hint: 'Check the "registry" option (host[:port]). A name that does not resolve is not retried.' },
      );
    default:
      return new NxDockerError(
        `docker push ${ref} failed with exit code ${failure.exitCode}: ${failure.cause}${suffix}`,
      );
  }
}

/** `latest: digest: sha256:… size: 528` → `sha256:…` (the last one printed). */
export function parsePushDigest(stdout: string): string | null {
  const matches = [...stdout.matchAll(/digest: (sha256:[a-f0-9]{64})/g)];
  return matches.length > 0 ? matches[matches.length - 1][1] : null;
}
