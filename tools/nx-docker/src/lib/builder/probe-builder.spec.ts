import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerClientsOnMachine, probeCacheKey, probeDockerClient } from './probe-builder';

// Real files in a temp dir: which `docker` executables a PATH holds, first on PATH first, links folded.
describe('dockerClientsOnMachine', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'docker-clients-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function client(sub: string, mode = 0o755): string {
    mkdirSync(join(dir, sub), { recursive: true });
    const path = join(dir, sub, 'docker');
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, mode);
    return path;
  }

  it('lists executables in PATH order and folds links to the same file', () => {
    const first = client('a');
    const second = client('b');
    client('c', 0o644);
    mkdirSync(join(dir, 'd'));
    symlinkSync(first, join(dir, 'd', 'docker'));
    const found = dockerClientsOnMachine({
      PATH: ['a', 'c', 'd', 'b', 'empty'].map((d) => join(dir, d)).join(':'),
    });
    expect(found.slice(0, 2)).toEqual([first, second]);
    expect(found).not.toContain(join(dir, 'c', 'docker'));
    expect(found).not.toContain(join(dir, 'd', 'docker'));
  });
});

describe('probeCacheKey', () => {
  it('changes when a CLI plugin directory (buildx) appears or the daemon address changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docker-config-'));
    try {
      const env = { PATH: dir, DOCKER_CONFIG: dir };
      const before = probeCacheKey(null, env);
      expect(probeCacheKey(null, env)).toBe(before);
      mkdirSync(join(dir, 'cli-plugins'));
      const withPlugins = probeCacheKey(null, env);
      expect(withPlugins).not.toBe(before);
      expect(probeCacheKey(null, { ...env, DOCKER_HOST: 'tcp://elsewhere:2375' })).not.toBe(withPlugins);
      expect(probeCacheKey('/usr/bin/docker', env)).not.toBe(withPlugins);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('probeDockerClient', () => {
  it('keeps failures as data', async () => {
    const probe = await probeDockerClient(join(tmpdir(), 'no-such-docker'));
    expect(probe.buildx.exitCode).not.toBe(0);
    expect(probe.version.stderr).toMatch(/command not found/);
  });
});
