import { platformMatches } from '../../../lib/checks/platform';
import type { RemoteTag } from '../../../lib/registry/types';

/**
 * Pure: what to do with each tag, given the local image and what the registry holds.
 * - absent → push
 * - present with this image (the same config digest, the same manifest digest as the daemon holds on the
 *   containerd store, or a manifest digest the daemon recorded for this repository) → skip, and say so
 * - present with another image → push (the tag moves) when tags may move; conflict when immutable.
 * Any conflict stops the whole push before anything is pushed (see `conflicts`).
 */
export type PushStep =
  | { action: 'skip'; tag: string; ref: string; digest: string; reason: string }
  | { action: 'push'; tag: string; ref: string; replaces: string | null; reason: string }
  | { action: 'conflict'; tag: string; ref: string; remoteDigest: string; reason: string };

export interface PlanInput {
  /** Config digest of the local image (image.json), when known: the classic store's image id. */
  configDigest: string | null;
  /** Manifest (or index) digest the daemon holds, which a push keeps: the containerd store's image id. */
  manifestDigest: string | null;
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
      (input.configDigest !== null && state.configDigest === input.configDigest) ||
      (input.manifestDigest !== null && state.manifestDigest === input.manifestDigest) ||
      (input.knownDigests ?? []).includes(state.manifestDigest);
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

/**
 * What a tag holds right after our push, read back from the registry: one runnable image of our platform
 * (a single manifest, or an index whose only entries besides `unknown/unknown` attestations are ours), with
 * our config digest when we know it. Returns what is wrong, or null. Pure.
 */
export function checkPushedTag(
  state: RemoteTag,
  expected: { ref: string; platform: string; configDigest: string | null },
): string | null {
  if (state.state === 'absent') return `${expected.ref} holds no image after the push.`;
  const runnable = state.indexPlatforms.filter((platform) => platform !== 'unknown/unknown');
  if (
    state.indexPlatforms.length > 0 &&
    (runnable.length !== 1 || !platformMatches(runnable[0], expected.platform))
  ) {
    return `${expected.ref} holds an index of ${runnable.length} runnable platform(s) (${runnable.join(', ') || 'none'}), not exactly one ${expected.platform} image.`;
  }
  if (expected.configDigest && state.configDigest !== expected.configDigest) {
    return `${expected.ref} holds config ${state.configDigest ?? 'unknown'} for ${expected.platform}, not this image's ${expected.configDigest}.`;
  }
  return null;
}

/** One line for the log: what the tag holds. */
export function describePushedTag(state: Extract<RemoteTag, { state: 'present' }>): string {
  if (state.indexPlatforms.length === 0) return 'one image manifest';
  const attestations = state.indexPlatforms.filter((platform) => platform === 'unknown/unknown').length;
  return `an index: ${state.indexPlatforms.length - attestations} image(s), ${attestations} attestation(s)`;
}
