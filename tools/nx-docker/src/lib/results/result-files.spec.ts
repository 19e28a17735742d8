import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readImageManifest } from './image-manifest';
import { PushRecord, PUSH_RECORD_VERSION, readPushRecord, writePushRecord } from './push-record';
import { readSmokeManifest } from './smoke-manifest';

// Effects in a real temp dir (changesets style): each file through its one reader.
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'result-files-'));
  mkdirSync(join(root, 'dist', 'images', 'orders'), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const write = (file: string, text: string) =>
  writeFileSync(join(root, 'dist', 'images', 'orders', file), text);

describe.each<[string, (root: string) => unknown, string]>([
  ['image.json', (at) => readImageManifest(at, 'orders'), 'nx run orders:docker-build --skip-nx-cache'],
  ['smoke.json', (at) => readSmokeManifest(at, 'orders'), 'nx run orders:smoke-test --skip-nx-cache'],
  ['push.json', (at) => readPushRecord(at, 'orders'), 'nx run orders:ecr-push'],
])('%s', (file, read, rewrite) => {
  it.each([
    ['{"version": 99}', 'version 99'],
    ['{"digest": "sha256:feed"}', 'version none'],
    ['{"version": "1"}', 'version "1"'],
  ])('%s: refused, naming the file, the version found and the fix', (text, found) => {
    write(file, text);
    expect(() => read(root)).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(
          new RegExp(
            `^dist/images/orders/${file.replace('.', '\\.')} has ${found}; this plugin reads version \\d+\\.`,
          ),
        ),
        hint: `Write it again with this plugin: ${rewrite}`,
      }),
    );
  });

  it('not JSON: refused, naming the file and the fix', () => {
    write(file, '{ half');
    expect(() => read(root)).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(
          new RegExp(`^dist/images/orders/${file.replace('.', '\\.')} is not valid JSON\\.`),
        ),
        hint: `Write it again: ${rewrite}`,
      }),
    );
  });
});

it('smoke.json and push.json: absent is null (not tested, not pushed); image.json: absent names the command', () => {
  expect(readSmokeManifest(root, 'orders')).toBeNull();
  expect(readPushRecord(root, 'orders')).toBeNull();
  expect(() => readImageManifest(root, 'orders')).toThrow(
    expect.objectContaining({
      message: expect.stringMatching(/^No image manifest at dist\/images\/orders\/image\.json\./),
      hint: "Did you run 'nx run orders:docker-build'?",
    }),
  );
});

it('push.json: written atomically, read back as written', () => {
  const record: PushRecord = {
    version: PUSH_RECORD_VERSION,
    project: 'orders',
    registry: '127.0.0.1:55000',
    repositoryUri: '127.0.0.1:55000/orders',
    imageId: `sha256:${'1'.repeat(64)}`,
    platform: 'linux/amd64',
    tags: ['1.0.0', 'latest'],
    pushed: ['1.0.0'],
    skipped: ['latest'],
    digest: `sha256:${'d'.repeat(64)}`,
    imageUri: `127.0.0.1:55000/orders@sha256:${'d'.repeat(64)}`,
    pushedAt: '2026-01-01T00:00:00.000Z',
  };
  const path = writePushRecord(root, record);
  expect(path).toBe(join(root, 'dist', 'images', 'orders', 'push.json'));
  expect(readFileSync(path, 'utf8')).toMatch(/\n$/);
  expect(readPushRecord(root, 'orders')).toEqual(record);
});
