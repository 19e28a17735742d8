import type { RemoteTag } from '../../../lib/registry/types';

/**
 * Pure: what to do with each tag, given the local image and what the registry holds.
 * - absent → push
 * - present with this image (config digest = image id, or a manifest digest the daemon already
 *   recorded for this repository) → skip, and say so
 * - present with another image → push (the tag moves) when tags may move; conflict when immutable.
 * Any conflict stops the whole push before anything is pushed (see `conflicts`).
 */
export type PushStep =
  | { action: 'skip'; tag: string; ref: string; digest: string; reason: string }
  | { action: 'push'; tag: string; ref: string; replaces: string | null; reason: string }
  | { action: 'conflict'; tag: string; ref: string; remoteDigest: string; reason: string };

export interface PlanInput {
  /** Local image id (`sha256:…` of the config). */
  imageId: string;
  repositoryUri: string;
  tags: string[];
  /** Refuse to move an existing tag to another image. */
  immutable: boolean;
  /** Manifest digests the daemon recorded for this repository (`RepoDigests`), e.g. from an earlier push. */
  knownDigests?: string[];
}

export function planPush(input: PlanInput, remote: RemoteTag[]): PushStep[] {
  const byTag = new Map(remote.map((state) => [state.tag, state]));
  return input.tags.map((tag): PushStep => {
    const ref = `${input.repositoryUri}:${tag}`;
    const state = byTag.get(tag) ?? { tag, state: 'absent' as const };
    if (state.state === 'absent') {
      return { action: 'push', tag, ref, replaces: null, reason: 'not in the registry yet' };
    }
    const same =
      state.configDigest === input.imageId || (input.knownDigests ?? []).includes(state.manifestDigest);
    if (same) {
      return {
        action: 'skip',
        tag,
        ref,
        digest: state.manifestDigest,
        reason: `already holds this image (${short(state.manifestDigest)})`,
      };
    }
    if (input.immutable) {
      return {
        action: 'conflict',
        tag,
        ref,
        remoteDigest: state.manifestDigest,
        reason: `immutable tag already holds another image (${short(state.manifestDigest)})`,
      };
    }
    return {
      action: 'push',
      tag,
      ref,
      replaces: state.manifestDigest,
      reason: `moves from ${short(state.manifestDigest)}`,
    };
  });
}

export function conflicts(steps: PushStep[]): Extract<PushStep, { action: 'conflict' }>[] {
  return steps.filter(
    (step): step is Extract<PushStep, { action: 'conflict' }> => step.action === 'conflict',
  );
}

/** One line per step, for the plan printed before anything happens (and for dryRun). */
export function formatPlan(steps: PushStep[]): string[] {
  return steps.map((step) => `${step.action.padEnd(8)} ${step.ref}  ${step.reason}`);
}

function short(digest: string): string {
  return digest.slice(0, 19);
}
