import { parseJUnit } from '../../../../test/support/junit';
import { renderJUnit } from '../../../lib/report/junit';
import { failPending, pendingTags, pushJUnitSuite, settle } from './push-report';

const suite = (results: ReturnType<typeof pendingTags>, error: string | null = null) =>
  pushJUnitSuite({
    project: 'orders',
    repositoryUri: '127.0.0.1:55000/orders',
    timestamp: '2026-01-01T00:00:00.000Z',
    results,
    error,
  });

describe('push report', () => {
  it('pushed and skipped tags pass', () => {
    let results = pendingTags(['1.0.0', 'latest']);
    results = settle(results, { tag: '1.0.0', status: 'pushed', message: 'r:1.0.0@sha256:d', seconds: 2 });
    results = settle(results, {
      tag: 'latest',
      status: 'skipped',
      message: 'already holds this image',
      seconds: 0,
    });
    const cases = suite(results).cases;
    expect(cases.map((entry) => [entry.name, entry.failure, entry.systemOut])).toEqual([
      ['orders:1.0.0', undefined, 'pushed r:1.0.0@sha256:d'],
      ['orders:latest', undefined, 'skipped: already holds this image'],
    ]);
  });

  it('a refusal fails every tag with the same message', () => {
    const results = failPending(
      pendingTags(['1.0.0', 'latest']),
      'Refusing to push orders: no smoke test.',
      'refusal',
    );
    expect(suite(results).cases.map((entry) => entry.failure?.message)).toEqual([
      'Refusing to push orders: no smoke test.',
      'Refusing to push orders: no smoke test.',
    ]);
  });

  it('a failure: the tags done pass, the first pending one failed, the rest were not reached', () => {
    let results = pendingTags(['1.0.0', 'latest', 'abc1234']);
    results = settle(results, { tag: '1.0.0', status: 'pushed', message: 'r@d', seconds: 1 });
    results = failPending(results, 'docker push r:latest failed with exit code 1: boom\nHint: x', 'failure');
    const cases = suite(results).cases;
    expect(cases.map((entry) => entry.failure?.message)).toEqual([
      undefined,
      'docker push r:latest failed with exit code 1: boom',
      'not pushed: the push stopped at latest (docker push r:latest failed with exit code 1: boom)',
    ]);
    expect(cases[1].failure?.details).toBe('docker push r:latest failed with exit code 1: boom\nHint: x');
  });

  it('an error no tag accounts for is one more failed case; the XML counts it', () => {
    let results = pendingTags(['1.0.0']);
    results = settle(results, { tag: '1.0.0', status: 'pushed', message: 'r@d', seconds: 1 });
    const xml = renderJUnit([suite(results, 'writing the deploy manifest failed')], 'ecr-push');
    const doc = parseJUnit(xml);
    expect(doc.testsuites).toEqual(expect.objectContaining({ tests: '2', failures: '1' }));
    expect(doc.testsuites.testsuite[0].testcase[1]).toEqual(
      expect.objectContaining({
        name: 'ecr-push orders',
        failure: expect.objectContaining({ message: 'writing the deploy manifest failed' }),
      }),
    );
  });
});
