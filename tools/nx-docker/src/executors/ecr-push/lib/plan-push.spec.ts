import type { RemoteTag } from '../../../lib/registry/types';
import { conflicts, formatPlan, planPush, PushStep } from './plan-push';

const IMAGE = `sha256:${'1'.repeat(64)}`;
const OTHER = `sha256:${'2'.repeat(64)}`;
const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;
const URI = '127.0.0.1:55000/catalogo-service';

const absent = (tag: string): RemoteTag => ({ tag, state: 'absent' });
const holds = (tag: string, manifestDigest: string, configDigest: string | null): RemoteTag => ({
  tag,
  state: 'present',
  manifestDigest,
  configDigest,
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
      { imageId: IMAGE, repositoryUri: URI, tags: ['1.0.0'], immutable, knownDigests },
      remote ? [remote] : [],
    );
    expect(step.action).toBe(action);
    expect(step.ref).toBe(`${URI}:1.0.0`);
    expect(step.reason).toMatch(reason);
  });

  it('plans every tag on its own and keeps the order', () => {
    const steps = planPush(
      { imageId: IMAGE, repositoryUri: URI, tags: ['1.0.0', 'latest', 'abc1234'], immutable: false },
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
    const steps = planPush(
      { imageId: IMAGE, repositoryUri: URI, tags: ['1.0.0', 'latest'], immutable: true },
      [holds('1.0.0', D2, OTHER), absent('latest')],
    );
    expect(conflicts(steps).map((step) => step.tag)).toEqual(['1.0.0']);
  });

  it('formatPlan prints one line per tag', () => {
    const steps = planPush({ imageId: IMAGE, repositoryUri: URI, tags: ['1.0.0'], immutable: false }, [
      absent('1.0.0'),
    ]);
    expect(formatPlan(steps)).toEqual([`push     ${URI}:1.0.0  not in the registry yet`]);
  });
});
