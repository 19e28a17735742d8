import { runDocker } from '../../../lib/docker/docker';
import { NxDockerError } from '../../../lib/errors';
import type { DockerSession } from '../../../lib/registry/docker-login';
import {
  classifyDockerFailure,
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
      if (step.action === 'conflict') {
        throw new NxDockerError(`Refusing to push ${step.ref}: ${step.reason}.`);
      }
      if (step.action === 'skip') {
        input.log(`skipped  ${step.ref}: ${step.reason}`);
        skipped.push({ tag: step.tag, digest: step.digest });
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
  const current = await runDocker(['image', 'inspect', '--format', '{{.Id}}', ref], { reject: false });
  if (!current.failed && current.stdout.trim() === imageId) return false;
  await runDocker(['tag', imageId, ref]);
  return current.failed;
}

async function pushWithRetry(ref: string, input: ApplyPushInput): Promise<string> {
  return withRetry(
    `docker push ${ref}`,
    async () => {
      const result = await runDocker(['push', ref], {
        env: input.session.env,
        reject: false,
        timeoutMs: input.pushTimeoutMs,
        streamPrefix: input.streamPrefix,
      });
      const output = redact(`${result.stderr}\n${result.stdout}`.trim(), input.secrets());
      if (!result.failed) {
        const digest = parsePushDigest(result.stdout);
        if (!digest)
          throw new NxDockerError(`docker push ${ref} succeeded but printed no digest:\n${output}`);
        return digest;
      }
      const kind = classifyDockerFailure(output);
      const last = output.split('\n').filter(Boolean).slice(-1)[0] ?? `exit code ${result.exitCode}`;
      if (kind === 'transient' || kind === 'expired') throw new TransientError(last);
      if (kind === 'credentials') {
        throw new NxDockerError(`docker push ${ref} was refused: ${last}`, {
          hint: 'The credentials may not push to this repository (ECR: ecr:PutImage and the layer actions).',
        });
      }
      throw new NxDockerError(`docker push ${ref} failed with exit code ${result.exitCode}: ${last}`);
    },
    {
      ...input.retry,
      beforeRetry: async (error) => {
        if (/no basic auth credentials|expired/i.test(error.message)) {
          input.log('logging in again before the next attempt');
          await input.session.relogin();
        }
      },
    },
  );
}

/** `latest: digest: sha256:… size: 528` → `sha256:…` (the last one printed). */
export function parsePushDigest(stdout: string): string | null {
  const matches = [...stdout.matchAll(/digest: (sha256:[a-f0-9]{64})/g)];
  return matches.length > 0 ? matches[matches.length - 1][1] : null;
}
