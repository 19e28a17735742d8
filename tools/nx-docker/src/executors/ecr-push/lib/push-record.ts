import type { ImageManifest } from '../../../lib/results/image-manifest';
import { PushRecord, PUSH_RECORD_VERSION } from '../../../lib/results/push-record';
import type { PushOutcome } from './apply-push';
import type { PushTarget } from './push-target';

/** Pure: push.json's content after a push (written by lib/results/push-record, its one writer). */
export function toPushRecord(
  project: string,
  manifest: Pick<ImageManifest, 'imageId' | 'platform'>,
  target: Pick<PushTarget, 'registryHost' | 'repositoryUri'>,
  outcome: PushOutcome,
  pushedAt: Date = new Date(),
): PushRecord {
  return {
    version: PUSH_RECORD_VERSION,
    project,
    registry: target.registryHost,
    repositoryUri: target.repositoryUri,
    imageId: manifest.imageId,
    platform: manifest.platform,
    tags: [...outcome.pushed, ...outcome.skipped].map((entry) => entry.tag),
    pushed: outcome.pushed.map((entry) => entry.tag),
    skipped: outcome.skipped.map((entry) => entry.tag),
    digest: outcome.digest,
    imageUri: `${target.repositoryUri}@${outcome.digest}`,
    pushedAt: pushedAt.toISOString(),
  };
}
