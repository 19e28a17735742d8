import type { RemoteTag } from '../../../lib/registry/types';
import { checkPushedTag, conflicts, describePushedTag, formatPlan, planPush, PushStep } from './plan-push';

const IMAGE = `sha256:${'1'.repeat(64)}`;
const OTHER = `sha256:${'2'.repeat(64)}`;
const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;
const URI = '127.0.0.1:55000/catalogo-service';
/** The classic store knows the config digest (its image id) and no manifest until a push. */
const CLASSIC = { configDigest: IMAGE, manifestDigest: null };

const absent = (tag: string): RemoteTag => ({ tag, state: 'absent' });
const holds = (tag: string, manifestDigest: string, configDigest: string | null): RemoteTag => ({
  tag,
  state: 'present',
  manifestDigest,
  configDigest,
  indexPlatforms: [],
});

describe('planPush', () => {
  it.each<[string, RemoteTag | undefined, boolean, string[], PushStep['action'], RegExp]>([
    ['absent tag', absent('1.0.0'), false, [], 'push', /not in the registry yet/],
    ['tag not reported at all', undefined, true, [], 'push', /not in the registry yet/],
    ['same config digest', holds('1.0.0', D1, IMAGE), true, [], 'skip', /already holds this image/],
    ['same manifest digest known locally', holds('1.0.0', D1, null), true, [D1], 'skip', /already holds/],
    ['other image, mutable', holds('1.0.0', D2, OTHER), false, [], 'push', /moves from sha256:bbbb/],
    [
      'other image, immutable',
      holds('1.0.0', D2, OTHER),
      true,
      [],
      'conflict',
      /immutable tag already holds another image/,
    ],
    ['index without our platform, immutable', holds('1.0.0', D2, null), true, [D1], 'conflict', /immutable/],
  ])('%s → %s', (_name, remote, immutable, knownDigests, action, reason) => {
    const [step] = planPush(
      { ...CLASSIC, repositoryUri: URI, tags: ['1.0.0'], immutable, knownDigests },
      remote ? [remote] : [],
    );
    expect(step.action).toBe(action);
    expect(step.ref).toBe(`${URI}:1.0.0`);
    expect(step.reason).toMatch(reason);
  });

  // The containerd store names the image by the manifest digest (D1) a push keeps; buildx also says its config digest.
  it.each<[string, string | null, RemoteTag, PushStep['action']]>([
    ['same manifest digest, config digest unknown', null, holds('1.0.0', D1, null), 'skip'],
    ['another manifest with our config (e.g. an index)', IMAGE, holds('1.0.0', D2, IMAGE), 'skip'],
    ['another manifest and config', IMAGE, holds('1.0.0', D2, OTHER), 'conflict'],
    ['another manifest, config digest unknown', null, holds('1.0.0', D2, IMAGE), 'conflict'],
  ])('containerd store, immutable tag: %s → %s', (_name, configDigest, remote, action) => {
    const [step] = planPush(
      { configDigest, manifestDigest: D1, repositoryUri: URI, tags: ['1.0.0'], immutable: true },
      [remote],
    );
    expect(step.action).toBe(action);
  });

  it('plans every tag on its own and keeps the order', () => {
    const steps = planPush(
      { ...CLASSIC, repositoryUri: URI, tags: ['1.0.0', 'latest', 'abc1234'], immutable: false },
      [holds('latest', D2, OTHER), holds('1.0.0', D1, IMAGE), absent('abc1234')],
    );
    expect(steps.map((step) => [step.tag, step.action])).toEqual([
      ['1.0.0', 'skip'],
      ['latest', 'push'],
      ['abc1234', 'push'],
    ]);
    expect(steps[0]).toEqual(expect.objectContaining({ digest: D1 }));
    expect(steps[1]).toEqual(expect.objectContaining({ replaces: D2 }));
  });

  it('conflicts() lists only the refused tags', () => {
    const steps = planPush({ ...CLASSIC, repositoryUri: URI, tags: ['1.0.0', 'latest'], immutable: true }, [
      holds('1.0.0', D2, OTHER),
      absent('latest'),
    ]);
    expect(conflicts(steps).map((step) => step.tag)).toEqual(['1.0.0']);
  });

  it('formatPlan prints one line per tag', () => {
    const steps = planPush({ ...CLASSIC, repositoryUri: URI, tags: ['1.0.0'], immutable: false }, [
      absent('1.0.0'),
    ]);
    expect(formatPlan(steps)).toEqual([`push     ${URI}:1.0.0  not in the registry yet`]);
  });
});

describe('checkPushedTag', () => {
  const expected = { ref: `${URI}:1.0.0`, platform: 'linux/amd64', configDigest: IMAGE };
  const pushed = (indexPlatforms: string[], configDigest: string | null = IMAGE) =>
    ({ tag: '1.0.0', state: 'present', manifestDigest: D1, configDigest, indexPlatforms }) as const;

  it.each<[string, RemoteTag, string | null, RegExp | null]>([
    ['one image manifest', pushed([]), null, null],
    ['an index with our image and its attestation', pushed(['linux/amd64', 'unknown/unknown']), null, null],
    [
      'an index of two platforms',
      pushed(['linux/amd64', 'linux/arm64']),
      IMAGE,
      /2 runnable platform\(s\) \(linux\/amd64, linux\/arm64\)/,
    ],
    [
      'an index of another platform',
      pushed(['linux/arm64', 'unknown/unknown'], null),
      IMAGE,
      /not exactly one linux\/amd64 image/,
    ],
    ['another config', pushed([], OTHER), IMAGE, /holds config sha256:2222.* not this image's sha256:1111/],
    ['nothing', absent('1.0.0'), IMAGE, /holds no image after the push/],
  ])('%s', (_name, state, configDigest, problem) => {
    const result = checkPushedTag(state, { ...expected, configDigest });
    if (problem) expect(result).toMatch(problem);
    else expect(result).toBeNull();
  });

  it('does not compare configs it does not know (containerd store without buildx metadata)', () => {
    expect(checkPushedTag(pushed([], OTHER), { ...expected, configDigest: null })).toBeNull();
  });

  it('describes what the tag holds', () => {
    expect(describePushedTag(pushed([]))).toBe('one image manifest');
    expect(describePushedTag(pushed(['linux/amd64', 'unknown/unknown']))).toBe(
      'an index: 1 image(s), 1 attestation(s)',
    );
  });
});
