import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeImageManifest } from '../results/image-manifest';
import { writePushRecord } from '../results/push-record';
import { collectImageRecords } from './collect';
import { renderReport } from './report';
import { writeSmokeManifest } from '../results/smoke-manifest';

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
    writePushRecord(root, {
      version: 1,
      project: 'catalogo-service',
      registry: 'r',
      repositoryUri: 'r/catalogo-service',
      imageId: 'sha256:catalogo-service',
      platform: 'linux/amd64',
      tags: ['1.0.0'],
      pushed: ['1.0.0'],
      skipped: [],
      digest: 'sha256:feed',
      imageUri: 'r/catalogo-service@sha256:feed',
      pushedAt: '2026-11-29T18:00:00Z',
    });
    writeFileSync(join(root, 'dist', 'images', 'bff-venta', 'smoke.json'), '{"version": 99}');
    // A push.json without a version (an older ecr-push) is not read as current.
    writeFileSync(join(root, 'dist', 'images', 'bff-venta', 'push.json'), '{"digest": "sha256:old"}');

    const records = collectImageRecords(root);
    expect(records.map((r) => r.project)).toEqual(['bff-venta', 'catalogo-service']);
    expect(records[0]).toMatchObject({
      smoke: null,
      push: null,
      errors: [
        expect.stringMatching(
          /^smoke.json: dist\/images\/bff-venta\/smoke.json has version 99; this plugin reads version 1/,
        ),
        expect.stringMatching(
          /^push.json: dist\/images\/bff-venta\/push.json has version none; this plugin reads version 1/,
        ),
      ],
    });
    expect(records[1]).toMatchObject({
      smoke: { healthy: true },
      push: { digest: 'sha256:feed', repositoryUri: 'r/catalogo-service', tags: ['1.0.0'] },
      errors: [],
    });
    const markdown = renderReport({ format: 'markdown', root, output: null });
    expect(markdown).toContain(
      '| catalogo-service | `catalogo-service:1.0.0` | 150.0 MB | linux/amd64 | yes (1.5 s) |',
    );
    expect(markdown).toMatch(/bff-venta: smoke.json: .*version 99/);
  });
});
