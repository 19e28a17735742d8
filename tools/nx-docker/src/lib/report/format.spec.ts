import type { ImageManifest } from '../results/image-manifest';
import type { ImageRecord } from './collect';
import { formatMarkdown, formatText, NO_IMAGES, toRows } from './format';
import type { SmokeManifest } from '../results/smoke-manifest';

const image = (project: string, overrides: Partial<ImageManifest> = {}): ImageManifest => ({
  version: 2,
  project,
  imageId: `sha256:${project}`,
  store: 'classic',
  configDigest: `sha256:${project}`,
  manifestDigest: null,
  provenance: false,
  sourceDateEpoch: null,
  tags: [`${project}:1.0.0`, `${project}:abc1234`],
  platform: 'linux/amd64',
  sizeBytes: 187_400_000,
  builder: 'buildkit',
  baseImage: { ref: 'node:24-bookworm-slim', id: null },
  builtAt: '2026-11-29T16:00:00Z',
  buildSeconds: 12,
  archive: null,
  ...overrides,
});

const smoke = (project: string, overrides: Partial<SmokeManifest> = {}): SmokeManifest => ({
  version: 1,
  project,
  imageId: `sha256:${project}`,
  image: `${project}:1.0.0`,
  platform: 'linux/amd64',
  passed: true,
  healthy: true,
  testedAt: '2026-11-29T17:05:09.123Z',
  checks: [],
  timings: { structureMs: 1, timeToHealthyMs: 2100, stopMs: 300, totalMs: 4000 },
  failure: null,
  ...overrides,
});

const records: ImageRecord[] = [
  {
    project: 'bff-venta',
    image: image('bff-venta'),
    smoke: smoke('bff-venta'),
    push: {
      version: 1,
      project: 'bff-venta',
      registry: '123.dkr.ecr.us-east-1.amazonaws.com',
      repositoryUri: '123.dkr.ecr.us-east-1.amazonaws.com/bff-venta',
      imageId: 'sha256:bff-venta',
      platform: 'linux/amd64',
      tags: ['1.0.0'],
      pushed: ['1.0.0'],
      skipped: [],
      digest: 'sha256:aaaabbbbccccddddeeeeffff0000111122223333444455556666777788889999',
      imageUri: '123.dkr.ecr.us-east-1.amazonaws.com/bff-venta@sha256:aaaa',
      pushedAt: '2026-11-29T18:00:00Z',
    },
    errors: [],
  },
  {
    project: 'catalogo-service',
    image: image('catalogo-service', {
      platform: 'linux/arm64',
      tags: ['registry.local/catalogo-service:2'],
    }),
    smoke: smoke('catalogo-service', {
      passed: false,
      healthy: false,
      failure: { check: 'platform', message: 'x' },
      timings: { structureMs: 1, timeToHealthyMs: null, stopMs: null, totalMs: 1 },
    }),
    push: null,
    errors: [],
  },
  {
    project: 'cliente-service',
    image: image('cliente-service'),
    smoke: smoke('cliente-service', { imageId: 'sha256:old' }),
    push: null,
    errors: [],
  },
  { project: 'bff-cliente', image: image('bff-cliente'), smoke: null, push: null, errors: [] },
];

describe('workspace image report', () => {
  it('builds one row per image, with stale results marked', () => {
    expect(toRows(records)).toEqual([
      {
        service: 'bff-venta',
        tags: 'bff-venta:1.0.0, bff-venta:abc1234',
        size: '187.4 MB',
        architecture: 'linux/amd64',
        healthy: 'yes (2.1 s)',
        tested: 'passed 2026-11-29 17:05Z',
        pushed: 'sha256:aaaabbbbcccc',
      },
      {
        service: 'catalogo-service',
        tags: 'catalogo-service:2',
        size: '187.4 MB',
        architecture: 'linux/arm64',
        healthy: 'no',
        tested: 'FAILED: platform 2026-11-29 17:05Z',
        pushed: 'not pushed',
      },
      expect.objectContaining({ service: 'cliente-service', healthy: '—', tested: 'stale (other image)' }),
      expect.objectContaining({
        service: 'bff-cliente',
        healthy: '—',
        tested: 'not tested',
        pushed: 'not pushed',
      }),
    ]);
  });

  it('prints an aligned text table', () => {
    const text = formatText(toRows(records.slice(0, 2)));
    expect(text.split('\n')).toEqual([
      'Service           Tags                                Size      Architecture  Healthy      Tested                              Pushed digest',
      '----------------  ----------------------------------  --------  ------------  -----------  ----------------------------------  -------------------',
      'bff-venta         bff-venta:1.0.0, bff-venta:abc1234  187.4 MB  linux/amd64   yes (2.1 s)  passed 2026-11-29 17:05Z            sha256:aaaabbbbcccc',
      'catalogo-service  catalogo-service:2                  187.4 MB  linux/arm64   no           FAILED: platform 2026-11-29 17:05Z  not pushed',
    ]);
  });

  it('prints a Markdown table for CI summaries', () => {
    expect(formatMarkdown(toRows(records.slice(0, 2))).split('\n')).toEqual([
      '| Service | Tags | Size | Architecture | Healthy | Tested | Pushed digest |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| bff-venta | `bff-venta:1.0.0, bff-venta:abc1234` | 187.4 MB | linux/amd64 | yes (2.1 s) | passed 2026-11-29 17:05Z | `sha256:aaaabbbbcccc` |',
      '| catalogo-service | `catalogo-service:2` | 187.4 MB | linux/arm64 | no | FAILED: platform 2026-11-29 17:05Z | not pushed |',
    ]);
  });

  it('says what to run when there are no images', () => {
    expect(formatText([])).toBe(NO_IMAGES);
    expect(formatMarkdown([])).toBe(`_${NO_IMAGES}_`);
  });
});
