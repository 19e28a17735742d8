import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  builtBeforeThisRun,
  describeEarlierBuild,
  ImageInputs,
  ImageManifest,
  imageManifestPath,
  readImageManifest,
  readPreviousImageManifest,
  writeImageManifest,
} from './image-manifest';
import { imageManifestFixture } from '../../../test/support/image-manifest-fixture';

const IMAGE_ID = `sha256:${'ab'.repeat(32)}`;
const INPUTS: ImageInputs = {
  taskHash: '4677982980717297671',
  command: '5903820878402255394',
  nodes: { 'orders:apps/orders/**/*': '1', 'runtime:docker image inspect node:24': '2' },
  dockerfile: { path: 'apps/orders/Dockerfile', sha256: 'd'.repeat(64) },
  options: { port: '0123456789abcdef' },
};

function manifest(fields: Partial<ImageManifest> = {}): ImageManifest {
  return imageManifestFixture({
    imageId: IMAGE_ID,
    tags: ['orders:latest'],
    baseImage: { ref: 'node:24', id: null },
    ...fields,
  });
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'image-manifest-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('image.json version 2: commit and inputs', () => {
  it('writes and reads back the commit and the input hashes', () => {
    writeImageManifest(root, manifest({ commit: 'c'.repeat(40), inputs: INPUTS }));
    expect(readImageManifest(root, 'orders')).toEqual(manifest({ commit: 'c'.repeat(40), inputs: INPUTS }));
  });

  it('reads an image.json written before they were recorded: both stay absent', () => {
    writeImageManifest(root, manifest());
    const read = readImageManifest(root, 'orders');
    expect('commit' in read || 'inputs' in read).toBe(false);
  });

  it('drops malformed inputs instead of failing the executor that reads the image', () => {
    writeImageManifest(root, manifest({ inputs: { ...INPUTS, nodes: { a: 1 } } as unknown as ImageInputs }));
    expect(readImageManifest(root, 'orders').inputs).toBeNull();
  });

  it('readPreviousImageManifest: null when absent or unreadable, never a throw', () => {
    expect(readPreviousImageManifest(root, 'orders')).toBeNull();
    mkdirSync(join(root, 'dist/images/orders'), { recursive: true });
    writeFileSync(imageManifestPath(root, 'orders'), '{"version":1}');
    expect(readPreviousImageManifest(root, 'orders')).toBeNull();
    writeImageManifest(root, manifest({ inputs: INPUTS }));
    expect(readPreviousImageManifest(root, 'orders')?.inputs).toEqual(INPUTS);
  });
});

describe('describeEarlierBuild', () => {
  const now = new Date('2026-11-29T13:05:00.000Z');
  it.each<[Partial<ImageManifest>, 'daemon' | 'archive', string]>([
    [
      { commit: '1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d' },
      'daemon',
      'Using the cached image orders:latest (abababababab), not rebuilt in this run: built 2026-11-29 10:00 UTC (3 h ago), at commit 1a2b3c4d5e6f; found in the Docker daemon.',
    ],
    [
      { commit: null, builtAt: '2026-11-29T13:00:30.000Z' },
      'archive',
      'Using the cached image orders:latest (abababababab), not rebuilt in this run: built 2026-11-29 13:00 UTC (5 min ago), outside a git checkout; loaded from its archive.',
    ],
    [
      { builtAt: '2026-11-20T13:05:00.000Z' },
      'daemon',
      'Using the cached image orders:latest (abababababab), not rebuilt in this run: built 2026-11-20 13:05 UTC (9 days ago), at a commit its image.json does not record; found in the Docker daemon.',
    ],
  ])('%j (%s)', (fields, how, line) => {
    expect(describeEarlierBuild(manifest(fields), now, how)).toBe(line);
  });
});

it.each([
  ['2026-11-29T10:00:00.000Z', Date.parse('2026-11-29T10:00:01.000Z'), true],
  ['2026-11-29T10:00:02.000Z', Date.parse('2026-11-29T10:00:01.000Z'), false],
  ['not a date', 0, true],
])('builtBeforeThisRun(%s, %d) = %s', (builtAt, start, expected) => {
  expect(builtBeforeThisRun({ builtAt }, start)).toBe(expected);
});
