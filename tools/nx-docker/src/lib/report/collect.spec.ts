import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeImageManifest } from '../image-manifest/image-manifest';
import { collectImageRecords, parsePushSummary } from './collect';
import { parseReportArgs, renderReport } from './main';
import { writeSmokeManifest } from './smoke-manifest';

// Effects in a real temp dir (changesets style): the report reads what the executors wrote.
describe('collectImageRecords', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'image-report-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const manifest = (project: string) => ({
    version: 2 as const,
    project,
    imageId: `sha256:${project}`,
    store: 'classic' as const,
    configDigest: `sha256:${project}`,
    manifestDigest: null,
    provenance: false,
    sourceDateEpoch: null,
    tags: [`${project}:1.0.0`],
    platform: 'linux/amd64',
    sizeBytes: 150_000_000,
    builder: 'legacy' as const,
    baseImage: { ref: 'node:24-bookworm-slim', id: null },
    builtAt: '2026-11-29T16:00:00Z',
    buildSeconds: 3,
    archive: null,
  });

  it('is empty without dist/images', () => {
    expect(collectImageRecords(root)).toEqual([]);
    expect(renderReport({ format: 'text', root, output: null })).toMatch(/No images in dist\/images/);
  });

  it('reads image, smoke and push files, tolerating absent and broken ones', () => {
    writeImageManifest(root, manifest('catalogo-service'));
    writeImageManifest(root, manifest('bff-venta'));
    mkdirSync(join(root, 'dist', 'images', 'not-an-image'), { recursive: true });
    writeSmokeManifest(root, {
      version: 1,
      project: 'catalogo-service',
      imageId: 'sha256:catalogo-service',
      image: 'catalogo-service:1.0.0',
      platform: 'linux/amd64',
      passed: true,
      healthy: true,
      testedAt: '2026-11-29T17:00:00Z',
      checks: [],
      timings: { structureMs: 1, timeToHealthyMs: 1500, stopMs: 200, totalMs: 3000 },
      failure: null,
    });
    writeFileSync(
      join(root, 'dist', 'images', 'catalogo-service', 'push.json'),
      JSON.stringify({
        digest: 'sha256:feed',
        repositoryUri: 'r/catalogo-service',
        tags: ['1.0.0'],
        extra: 1,
      }),
    );
    writeFileSync(join(root, 'dist', 'images', 'bff-venta', 'smoke.json'), '{"version": 99}');

    const records = collectImageRecords(root);
    expect(records.map((r) => r.project)).toEqual(['bff-venta', 'catalogo-service']);
    expect(records[0]).toMatchObject({
      smoke: null,
      push: null,
      errors: [expect.stringMatching(/^smoke.json: .*version 99/)],
    });
    expect(records[1]).toMatchObject({
      smoke: { healthy: true },
      push: { digest: 'sha256:feed', repositoryUri: 'r/catalogo-service', tags: ['1.0.0'], imageUri: null },
      errors: [],
    });
    const markdown = renderReport({ format: 'markdown', root, output: null });
    expect(markdown).toContain(
      '| catalogo-service | `catalogo-service:1.0.0` | 150.0 MB | linux/amd64 | yes (1.5 s) |',
    );
    expect(markdown).toMatch(/bff-venta: smoke.json: .*version 99/);
  });
});

describe('parsePushSummary', () => {
  it('ignores what it does not know', () => {
    expect(parsePushSummary({ digest: 3, tags: ['a', 1] })).toEqual({
      repositoryUri: null,
      tags: ['a'],
      digest: null,
      imageUri: null,
      imageId: null,
      pushedAt: null,
    });
  });
});

describe('parseReportArgs', () => {
  it.each([
    [[], { format: 'text', root: '/ws', output: null }],
    [['--format', 'markdown'], { format: 'markdown', root: '/ws', output: null }],
    [
      ['--format=markdown', '--output=/tmp/summary.md'],
      { format: 'markdown', root: '/ws', output: '/tmp/summary.md' },
    ],
    [['--markdown', '--root', '/other'], { format: 'markdown', root: '/other', output: null }],
  ])('%j', (argv, expected) => expect(parseReportArgs(argv, '/ws')).toEqual(expected));

  it.each([
    [['--format', 'html'], /Unknown --format 'html'/],
    [['--verbose'], /Unknown argument '--verbose'. Usage/],
  ])('rejects %j', (argv, message) => expect(() => parseReportArgs(argv, '/ws')).toThrow(message));
});
