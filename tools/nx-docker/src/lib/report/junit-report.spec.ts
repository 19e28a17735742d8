import { ExecutorContext, logger } from '@nx/devkit';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageManifestFixture } from '../../../test/support/image-manifest-fixture';
import { parseJUnit } from '../../../test/support/junit';
import imageReportExecutor from '../../executors/image-report/image-report.impl';
import { writeImageManifest } from '../results/image-manifest';
import { renderJUnit } from './junit';
import { mergeJUnit } from './junit-merge';
import { renderJUnitReport } from './report';
import { renderSmokeJUnit, writeSmokeJUnit } from './smoke-junit';
import { SmokeManifest, writeSmokeManifest } from '../results/smoke-manifest';

const parse = (xml: string) => parseJUnit(xml).testsuites;

const id = (c: string) => `sha256:${c.repeat(64)}`;

function smoke(project: string, imageId: string, failed: boolean): SmokeManifest {
  return {
    version: 1,
    project,
    imageId,
    image: `${project}:latest`,
    platform: 'linux/amd64',
    passed: !failed,
    healthy: !failed,
    testedAt: '2026-11-29T10:00:00.000Z',
    checks: [
      { check: 'platform', status: 'passed', message: 'platform linux/amd64' },
      failed
        ? { check: 'healthy', status: 'failed', message: 'never healthy within 60 s', hint: 'Read the logs.' }
        : { check: 'healthy', status: 'passed', message: 'healthy in 1.0 s' },
      { check: 'endpoint GET /ready', status: 'passed', message: 'GET /ready → 200' },
    ],
    timings: { structureMs: 10, timeToHealthyMs: failed ? null : 1000, stopMs: 200, totalMs: 2500 },
    failure: failed ? { check: 'healthy', message: 'never healthy within 60 s' } : null,
  };
}

function image(root: string, project: string, imageId: string) {
  writeImageManifest(
    root,
    imageManifestFixture({
      project,
      imageId,
      baseImage: { ref: 'scratch', id: null },
      builtAt: '2026-11-29T09:00:00.000Z',
    }),
  );
}

/** What ecr-push writes (its own writer; only the shape matters here). */
const PUSH_JUNIT = renderJUnit(
  [
    {
      name: 'ecr-push orders',
      cases: [
        { name: 'orders:latest', systemOut: 'pushed' },
        { name: 'orders:1.0.0', failure: { message: 'denied: <not authorized> & "retry"', type: 'push' } },
      ],
    },
  ],
  'ecr-push',
);

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'junit-report-'));
  // orders: tested (one failure, with a container's log tail) and pushed (one failure).
  image(root, 'orders', id('a'));
  writeSmokeManifest(root, smoke('orders', id('a'), true));
  writeSmokeJUnit(
    root,
    'orders',
    renderSmokeJUnit(
      smoke('orders', id('a'), true),
      [{ role: 'orders', name: 'smoke-1-app', text: 'boom\n' }],
      40,
    ),
  );
  writeFileSync(join(root, 'dist/images/orders/push.junit.xml'), PUSH_JUNIT);
  // pagos: its smoke.junit.xml is about an older image than smoke.json (a cache hit restored smoke.json only).
  image(root, 'pagos', id('b'));
  writeSmokeManifest(root, smoke('pagos', id('b'), false));
  writeSmokeJUnit(root, 'pagos', renderSmokeJUnit(smoke('pagos', id('0'), true), [], 40));
  // envios: built, never tested or pushed.
  image(root, 'envios', id('c'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('image-report --format junit', () => {
  it("merges every project's smoke.junit.xml and push.junit.xml into one document with the totals", () => {
    const merged = renderJUnitReport(root);
    const doc = parse(merged.xml);
    expect(doc).toMatchObject({ name: 'nx-docker', tests: '8', failures: '2', errors: '0', skipped: '0' });
    expect(merged).toMatchObject({ suites: 3, counts: { tests: 8, failures: 2, errors: 0, skipped: 0 } });
    expect(
      doc.testsuite.map((s: { name: string; tests: string; failures: string }) => [
        s.name,
        s.tests,
        s.failures,
      ]),
    ).toEqual([
      ['smoke-test orders', '3', '1'],
      ['ecr-push orders', '2', '1'],
      ['smoke-test pagos', '3', '0'],
    ]);
    const failures = doc.testsuite.flatMap(
      (s: { testcase: Array<{ failure?: { message: string; '#text': string } }> }) =>
        s.testcase.flatMap((c) => (c.failure ? [c.failure] : [])),
    );
    expect(failures.map((f: { message: string }) => f.message)).toEqual([
      'never healthy within 60 s',
      'denied: <not authorized> & "retry"',
    ]);
    expect(failures[0]['#text']).toBe(
      'never healthy within 60 s\nHint: Read the logs.\n\n--- last 40 log lines of orders (smoke-1-app) ---\nboom',
    );
  });

  it('copies each suite as written, byte for byte', () => {
    const xml = renderJUnitReport(root).xml;
    const pushSuite = /<testsuite [\s\S]*<\/testsuite>/.exec(PUSH_JUNIT)?.[0] ?? '';
    expect(xml).toContain(pushSuite);
  });

  it('a smoke.junit.xml about another image is replaced by the suite smoke.json gives, and says so', () => {
    const pagos = parse(renderJUnitReport(root).xml).testsuite.find(
      (s: { name: string }) => s.name === 'smoke-test pagos',
    );
    expect(pagos.properties.property).toEqual(
      expect.arrayContaining([
        { name: 'imageId', value: id('b') },
        { name: 'source', value: 'smoke.json (smoke.junit.xml is about another image)' },
      ]),
    );
  });

  it('a file that is not XML becomes a failed case naming it; the document stays valid', () => {
    writeFileSync(join(root, 'dist/images/orders/push.junit.xml'), '<testsuites><testsuite name="x">');
    const doc = parse(renderJUnitReport(root).xml);
    const unreadable = doc.testsuite.find((s: { name: string }) => s.name.startsWith('unreadable'));
    expect(unreadable.testcase[0].failure.message).toMatch(
      /^dist\/images\/orders\/push\.junit\.xml is not a JUnit report: /,
    );
    expect(doc.failures).toBe('2');
  });

  it('no reports: an empty, valid document', () => {
    const merged = mergeJUnit([]);
    expect(parse(merged.xml)).toMatchObject({ tests: '0', failures: '0' });
  });

  it('the image-report executor prints the document alone on stdout, or writes output and prints the counts', async () => {
    const context = { root } as ExecutorContext;
    const printed: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    try {
      expect(await imageReportExecutor({ format: 'junit' }, context)).toEqual({ success: true });
      const stdout = printed.join('');
      expect(parse(stdout)).toMatchObject({ tests: '8', failures: '2' });
      expect(stdout.startsWith('<?xml')).toBe(true);

      mkdirSync(join(root, 'reports'));
      writeFileSync(join(root, 'reports/junit.xml'), 'old content');
      expect(await imageReportExecutor({ format: 'junit', output: 'reports/junit.xml' }, context)).toEqual({
        success: true,
      });
      const output = join(root, 'reports/junit.xml');
      expect(info).toHaveBeenCalledWith(`Wrote ${output}: 3 suite(s), 8 test(s), 2 failure(s), 0 skipped.`);
      expect(readFileSync(output, 'utf8')).toBe(stdout);
      expect(printed.join('')).toBe(stdout);
    } finally {
      write.mockRestore();
      info.mockRestore();
    }
  });
});
