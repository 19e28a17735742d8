import { shortId } from '../../../lib/docker/image-id';
import type { SmokeManifest } from '../../../lib/results/smoke-manifest';

/**
 * Pure: may this image be pushed, given what `dist/images/<project>/smoke.json` says? Only an image whose smoke
 * test passed, for this very image id, ships. The caller reads smoke.json (lib/results/smoke-manifest) and
 * passes it, or null when absent, or the error that made it unreadable.
 */
export type SmokeGate =
  | { ok: true; testedAt: string }
  | {
      ok: false;
      reason: 'missing' | 'failed' | 'other-image' | 'unreadable';
      /** One sentence: the project, the image (first tag and short id) and what is wrong. */
      message: string;
      /** The command that fixes it. */
      command: string;
    };

export interface SmokeGateInput {
  project: string;
  imageId: string;
  tags: string[];
  /** smoke.json, relative to the workspace root, for the message. */
  smokePath: string;
  smoke: SmokeManifest | null | { error: string };
}

export function checkSmokeGate(input: SmokeGateInput): SmokeGate {
  const image = `${input.tags[0] ?? 'untagged'}, ${shortId(input.imageId)}`;
  const refuse = `Refusing to push ${input.project} (${image})`;
  const rerun = `nx run ${input.project}:smoke-test`;
  const smoke = input.smoke;
  if (smoke === null) {
    return {
      ok: false,
      reason: 'missing',
      message: `${refuse}: it has not been smoke-tested (no ${input.smokePath}).`,
      command: rerun,
    };
  }
  if ('error' in smoke) {
    return {
      ok: false,
      reason: 'unreadable',
      message: `${refuse}: ${input.smokePath} cannot be read (${smoke.error}).`,
      command: `${rerun} --skip-nx-cache`,
    };
  }
  if (smoke.imageId !== input.imageId) {
    return {
      ok: false,
      reason: 'other-image',
      message: `${refuse}: ${input.smokePath} is the smoke test of another image (${shortId(smoke.imageId)}, tested ${smoke.testedAt}).`,
      command: `${rerun} --skip-nx-cache`,
    };
  }
  if (!smoke.passed) {
    const failure = smoke.failure ? ` (${smoke.failure.check}: ${smoke.failure.message})` : '';
    return {
      ok: false,
      reason: 'failed',
      message: `${refuse}: its smoke test failed${failure}.`,
      command: rerun,
    };
  }
  return { ok: true, testedAt: smoke.testedAt };
}
