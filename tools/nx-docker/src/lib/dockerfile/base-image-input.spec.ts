import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseImageInput, isPinned, runtimeCommands, tracksImage } from './base-image-input';

describe('baseImageInput', () => {
  it('is one docker call naming every base image, and the same string for the same images', () => {
    expect(baseImageInput(['node:24-bookworm-slim'])).toEqual({
      runtime:
        '${NX_DOCKER_BINARY:-docker} image inspect --format {{.Id}} node:24-bookworm-slim 2>/dev/null || echo absent',
    });
    expect(baseImageInput(['a:1', 'b:2']).runtime).toContain(' a:1 b:2 ');
  });

  it('runs under sh as Nx runs it: prints the ids, or "absent" instead of failing the hash', () => {
    // A stand-in docker (no engine needed): the real one is exercised by test/docker-build/affected.int.spec.ts.
    const dir = mkdtempSync(join(tmpdir(), 'base-image-input-'));
    try {
      const fakeDocker = (exitCode: number) => {
        writeFileSync(join(dir, 'docker'), `#!/bin/sh\necho "$*"\necho oops >&2\nexit ${exitCode}\n`, {
          mode: 0o755,
        });
        return execFileSync('sh', ['-c', baseImageInput(['node:24']).runtime], {
          encoding: 'utf8',
          env: { ...process.env, NX_DOCKER_BINARY: join(dir, 'docker') },
        });
      };
      expect(fakeDocker(0)).toBe('image inspect --format {{.Id}} node:24\n');
      expect(fakeDocker(1)).toBe('image inspect --format {{.Id}} node:24\nabsent\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('runtimeCommands', () => {
  const named = {
    production: ['default', '!{projectRoot}/**/*.spec.ts'],
    default: ['{projectRoot}/**/*'],
    base: [{ runtime: 'docker image inspect node:24' }, 'production'],
    loop: ['loop', { runtime: 'echo loop' }],
  };

  it('collects runtime inputs, named inputs expanded (also through {input})', () => {
    expect(runtimeCommands(['production', 'base', { runtime: 'echo 1' }], named)).toEqual([
      'docker image inspect node:24',
      'echo 1',
    ]);
    expect(runtimeCommands([{ input: 'base' }], named)).toEqual(['docker image inspect node:24']);
  });

  it("ignores the dependencies' inputs and survives a named input that names itself", () => {
    expect(runtimeCommands(['^base', { input: 'base', dependencies: true }], named)).toEqual([]);
    expect(runtimeCommands(['loop'], named)).toEqual(['echo loop']);
  });
});

describe('tracksImage', () => {
  it.each<[string, boolean]>([
    ['node:24-bookworm-slim', true],
    ['node:24', false],
    ['bookworm-slim', false],
  ])('%s → %s', (ref, expected) => {
    expect(tracksImage([baseImageInput(['node:24-bookworm-slim']).runtime], ref)).toBe(expected);
  });
});

it('isPinned: only a full sha256 digest fixes the content', () => {
  expect(isPinned(`node:24@sha256:${'0'.repeat(64)}`)).toBe(true);
  expect(isPinned('node:24')).toBe(false);
  expect(isPinned('node:24@sha256:abc')).toBe(false);
});
