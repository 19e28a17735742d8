import type { ImageFacts } from '../../src/lib/docker/inspect';

/** A passing image's facts for specs; override one field per case. */
export function fakeFacts(overrides: Partial<ImageFacts> = {}): ImageFacts {
  return {
    id: 'sha256:' + 'a'.repeat(64),
    repoTags: ['orders:abc'],
    repoDigests: [],
    os: 'linux',
    architecture: 'amd64',
    variant: null,
    platform: 'linux/amd64',
    sizeBytes: 180_000_000,
    user: 'node',
    exposedPorts: ['8000/tcp'],
    healthcheck: { test: ['CMD', 'node', 'health.js'], intervalNs: 1e10, timeoutNs: 3e9, retries: 3 },
    entrypoint: [],
    cmd: ['node', 'main.js'],
    env: {},
    labels: {},
    created: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}
