import { DockerSession, openDockerSession } from '../../../lib/registry/docker-login';
import type { RetryOptions } from '../../../lib/registry/retry';
import type { ImageManifest } from '../../../lib/results/image-manifest';
import { applyPush, PushOutcome, TagDone } from './apply-push';
import type { NormalizedEcrPushOptions } from './normalize-options';
import type { PushStep } from './plan-push';
import type { PushLog } from './push-log';
import type { PushTarget } from './push-target';

export interface PushWithLoginInput {
  options: NormalizedEcrPushOptions;
  manifest: ImageManifest;
  target: PushTarget;
  steps: PushStep[];
  secrets: string[];
  retry: RetryOptions;
  log: PushLog;
  onTag: (done: TagDone) => void;
}

/**
 * The Docker session around applyPush: log in (a temporary DOCKER_CONFIG) only when something is pushed — a run
 * where every tag is skipped needs no docker login — and always dispose of it again.
 */
export async function pushWithLogin(input: PushWithLoginInput): Promise<PushOutcome> {
  const { options, manifest, target, retry, log } = input;
  const needsPush = input.steps.some((step) => step.action === 'push');
  let session: DockerSession | null = null;
  try {
    session = needsPush
      ? await openDockerSession({ host: target.registryHost, credentials: target.credentials, retry })
      : { env: {}, configDir: null, relogin: async () => undefined, dispose: () => undefined };
    if (session.configDir) log.info(`logged in to ${target.registryHost} (a temporary DOCKER_CONFIG)`);
    return await applyPush({
      imageId: manifest.imageId,
      platform: options.platform,
      configDigest: manifest.configDigest,
      repository: options.repository,
      steps: input.steps,
      remote: target.remote,
      session,
      retry,
      pushTimeoutMs: options.pushTimeoutMs,
      secrets: () => input.secrets,
      log: log.info,
      streamPrefix: `[${options.projectName}]`,
      onTag: input.onTag,
    });
  } finally {
    session?.dispose();
  }
}
