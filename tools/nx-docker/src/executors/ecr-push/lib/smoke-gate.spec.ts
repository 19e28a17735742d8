import type { SmokeManifest } from '../../../lib/results/smoke-manifest';
import { checkSmokeGate, SmokeGateInput } from './smoke-gate';

const IMAGE = `sha256:${'1'.repeat(64)}`;
const OTHER = `sha256:${'2'.repeat(64)}`;

function smoke(extra: Partial<SmokeManifest> = {}): SmokeManifest {
  return {
    version: 1,
    project: 'orders',
    imageId: IMAGE,
    image: 'orders:1.0.0',
    platform: 'linux/amd64',
    passed: true,
    healthy: true,
    testedAt: '2026-01-01T00:00:00.000Z',
    checks: [],
    timings: { structureMs: 1, timeToHealthyMs: 1, stopMs: 1, totalMs: 3 },
    failure: null,
    ...extra,
  };
}

const input = (value: SmokeGateInput['smoke']): SmokeGateInput => ({
  project: 'orders',
  imageId: IMAGE,
  tags: ['orders:1.0.0', 'orders:latest'],
  smokePath: 'dist/images/orders/smoke.json',
  smoke: value,
});

describe('checkSmokeGate', () => {
  it('a passing smoke test of this very image: ok', () => {
    expect(checkSmokeGate(input(smoke()))).toEqual({ ok: true, testedAt: '2026-01-01T00:00:00.000Z' });
  });

  it.each<[string, SmokeGateInput['smoke'], string, string]>([
    [
      'missing',
      null,
      'Refusing to push orders (orders:1.0.0, 111111111111): it has not been smoke-tested (no dist/images/orders/smoke.json).',
      'nx run orders:smoke-test',
    ],
    [
      'failed',
      smoke({ passed: false, failure: { check: 'healthy', message: 'never healthy within 60 s' } }),
      'Refusing to push orders (orders:1.0.0, 111111111111): its smoke test failed (healthy: never healthy within 60 s).',
      'nx run orders:smoke-test',
    ],
    [
      'other-image',
      smoke({ imageId: OTHER }),
      'Refusing to push orders (orders:1.0.0, 111111111111): dist/images/orders/smoke.json is the smoke test of another image (222222222222, tested 2026-01-01T00:00:00.000Z).',
      'nx run orders:smoke-test --skip-nx-cache',
    ],
    [
      'unreadable',
      { error: 'has version 9; this plugin reads version 1.' },
      'Refusing to push orders (orders:1.0.0, 111111111111): dist/images/orders/smoke.json cannot be read (has version 9; this plugin reads version 1.).',
      'nx run orders:smoke-test --skip-nx-cache',
    ],
  ])('%s: refused, naming the project, the image and the fix', (reason, value, message, command) => {
    expect(checkSmokeGate(input(value))).toEqual({ ok: false, reason, message, command });
  });

  it('a failed smoke test without a recorded failure still refuses', () => {
    expect(checkSmokeGate(input(smoke({ passed: false })))).toEqual(
      expect.objectContaining({
        ok: false,
        reason: 'failed',
        message: expect.stringMatching(/its smoke test failed\.$/),
      }),
    );
  });

  it('an untagged image is named by its id', () => {
    expect(checkSmokeGate({ ...input(null), tags: [] })).toEqual(
      expect.objectContaining({ message: expect.stringContaining('(untagged, 111111111111)') }),
    );
  });
});
