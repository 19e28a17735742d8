import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildxCacheKey, probeEngine } from './probe-builder';

const engine = (version: string, store = '[["Backing Filesystem","extfs"]]') => ({
  binary: 'docker',
  version: { exitCode: 0, stdout: version, stderr: '' },
  driverStatus: { exitCode: 0, stdout: store, stderr: '' },
});

describe('buildxCacheKey', () => {
  // Real files in a temp DOCKER_CONFIG: installing buildx or `docker buildx use` must change the key.
  let config: string;
  beforeEach(() => {
    config = mkdtempSync(join(tmpdir(), 'docker-config-'));
  });
  afterEach(() => rmSync(config, { recursive: true, force: true }));

  it('changes with the client and server versions, the image store and the daemon address', () => {
    const env = { DOCKER_CONFIG: config };
    const key = buildxCacheKey(engine('{"Client":{"Version":"26.1.5"},"Server":{"Version":"26.1.5"}}'), env);
    expect(buildxCacheKey(engine('{"Client":{"Version":"26.1.5"},"Server":{"Version":"26.1.5"}}'), env)).toBe(
      key,
    );
    expect(
      buildxCacheKey(engine('{"Client":{"Version":"26.1.5"},"Server":{"Version":"27.0.0"}}'), env),
    ).not.toBe(key);
    expect(
      buildxCacheKey(engine('{"Client":{"Version":"27.0.0"},"Server":{"Version":"26.1.5"}}'), env),
    ).not.toBe(key);
    const containerd = '[["driver-type","io.containerd.snapshotter.v1"]]';
    expect(
      buildxCacheKey(
        engine('{"Client":{"Version":"26.1.5"},"Server":{"Version":"26.1.5"}}', containerd),
        env,
      ),
    ).not.toBe(key);
    expect(
      buildxCacheKey(engine('{"Client":{"Version":"26.1.5"},"Server":{"Version":"26.1.5"}}'), {
        ...env,
        DOCKER_HOST: 'unix:///elsewhere.sock',
      }),
    ).not.toBe(key);
  });

  it('changes when the buildx plugin appears or another builder is chosen', () => {
    const env = { DOCKER_CONFIG: config };
    const versions = engine('{"Client":{"Version":"26.1.5"},"Server":{"Version":"26.1.5"}}');
    const before = buildxCacheKey(versions, env);
    mkdirSync(join(config, 'cli-plugins'));
    writeFileSync(join(config, 'cli-plugins', 'docker-buildx'), '#!/bin/sh\n');
    const withPlugin = buildxCacheKey(versions, env);
    expect(withPlugin).not.toBe(before);
    mkdirSync(join(config, 'buildx'));
    writeFileSync(join(config, 'buildx', 'current'), '{"Key":"x","Name":"container"}');
    const withBuilder = buildxCacheKey(versions, env);
    expect(withBuilder).not.toBe(withPlugin);
    writeFileSync(join(config, 'buildx', 'current'), '{"Key":"x","Name":""}');
    expect(buildxCacheKey(versions, env)).not.toBe(withBuilder);
  });

  it('stays the same when buildx rewrites its current-builder file unchanged, as every build does', () => {
    const env = { DOCKER_CONFIG: config };
    const versions = engine('{"Client":{"Version":"26.1.5"},"Server":{"Version":"26.1.5"}}');
    mkdirSync(join(config, 'buildx'));
    const current = join(config, 'buildx', 'current');
    writeFileSync(current, '{"Key":"x","Name":""}');
    const key = buildxCacheKey(versions, env);
    utimesSync(current, new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
    writeFileSync(current, '{"Key":"x","Name":""}');
    expect(buildxCacheKey(versions, env)).toBe(key);
  });
});

describe('probeEngine', () => {
  it('keeps failures as data', async () => {
    const probe = await probeEngine(join(tmpdir(), 'no-such-docker'));
    expect(probe.version.exitCode).not.toBe(0);
    expect(probe.version.stderr).toMatch(/command not found|ENOENT/);
  });
});
