import type { BuilderChoice } from '../../../lib/builder/detect-builder';
import type { ImageFacts } from '../../../lib/docker/inspect';
import {
  buildReason,
  importedCaches,
  countCachedSteps,
  formatBytes,
  reproducibilityNote,
  summaryLine,
} from './summary';

describe('buildReason', () => {
  it.each([
    [null, 'sha256:bbb', 0, 'built: no earlier image.json'],
    [null, 'sha256:bbb', 2, "built: no earlier image.json (2 steps from Docker's layer cache)"],
    [
      'sha256:bbb',
      'sha256:bbb',
      3,
      "built: inputs changed, image unchanged (3 steps from Docker's layer cache)",
    ],
    [
      'sha256:bbb',
      'sha256:bbb',
      0,
      "built: inputs changed, image unchanged (Docker's layer cache held every step)",
    ],
    ['sha256:aaaaaaaaaaaaaaaa', 'sha256:bbb', 0, 'built: inputs changed, replaces aaaaaaaaaaaa'],
  ])('%s → %s', (previous, id, cached, reason) => {
    expect(buildReason(previous, id, cached)).toBe(reason);
  });
  it.each<[string | null, string[] | null, string]>([
    [
      'sha256:aaaaaaaaaaaaaaaa',
      ["the project's sources (apps/orders)", 'the base image (node:24-bookworm-slim)'],
      "built: the project's sources (apps/orders) and the base image (node:24-bookworm-slim) changed, replaces aaaaaaaaaaaa",
    ],
    [
      'sha256:bbb',
      ['the options (stage)'],
      "built: the options (stage) changed, image unchanged (Docker's layer cache held every step)",
    ],
    [
      'sha256:bbb',
      [],
      "built: no input changed (a forced run, e.g. --skip-nx-cache, or a missing cache entry), image unchanged (Docker's layer cache held every step)",
    ],
    ['sha256:aaaaaaaaaaaaaaaa', null, 'built: inputs changed, replaces aaaaaaaaaaaa'],
  ])('names what changed since %s: %j', (previous, changed, reason) => {
    expect(buildReason(previous, 'sha256:bbb', 0, [], changed)).toBe(reason);
  });
});

it('counts cached steps of both builders', () => {
  const legacy =
    'Step 2/3 : COPY a /a\n ---> Using cache\n ---> 5f958a3f8aaf\nStep 3/3 : LABEL x=1\n ---> Using cache';
  const buildkit = '[svc] #5 [2/3] COPY a ./\n[svc] #5 CACHED\n#6 [3/3] COPY b ./\n#6 DONE 0.1s';
  expect([countCachedSteps(legacy), countCachedSteps(buildkit)]).toEqual([2, 1]);
});

it.each([
  [512, '512 B'],
  [2048, '2.0 kB'],
  [123_456_789, '117.7 MB'],
])('formatBytes(%d) = %s', (bytes, text) => {
  expect(formatBytes(bytes)).toBe(text);
});

it('writes one summary line: image, tags, size, architecture, builder, seconds, why', () => {
  const facts = {
    id: 'sha256:0123456789abcdef',
    sizeBytes: 150 * 1024 * 1024,
    platform: 'linux/amd64',
  } as ImageFacts;
  const builder = {
    kind: 'buildkit',
    binary: '/usr/bin/docker',
    engine: { store: 'classic' },
  } as BuilderChoice;
  expect(
    summaryLine({
      prefix: '[orders]',
      tags: ['orders:latest', 'orders:v1'],
      facts,
      builder,
      seconds: 12.34,
      reason: 'built: no earlier image.json',
      archive: true,
      reproducibility: reproducibilityNote(null, 'Docker 20.10.24, no buildx'),
    }),
  ).toBe(
    '[orders] image 0123456789ab · tags orders:latest, orders:v1 · 150.0 MB · linux/amd64 · buildkit (/usr/bin/docker, classic store) · 12.3 s · built: no earlier image.json; archived · reproducibility unavailable (Docker 20.10.24, no buildx)',
  );
});

it('names the build caches BuildKit imported, which cached steps may come from', () => {
  // buildx 0.13 output after `docker builder prune -af`, with a registry cache.
  const log = [
    '#5 importing cache manifest from 127.0.0.1:55000/rc-test:buildcache',
    '#5 DONE 0.0s',
    ' > importing cache manifest from 127.0.0.1:55000/rc-test:buildcache:',
    '#8 CACHED',
    '#9 CACHED',
  ].join('\n');
  expect(importedCaches(log)).toEqual(['127.0.0.1:55000/rc-test:buildcache']);
  expect(buildReason(null, 'sha256:1', countCachedSteps(log), importedCaches(log))).toBe(
    'built: no earlier image.json (2 steps from the layer cache or the imported 127.0.0.1:55000/rc-test:buildcache)',
  );
  expect(importedCaches('#8 CACHED')).toEqual([]);
});
