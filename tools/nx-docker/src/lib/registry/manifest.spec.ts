import { parseManifest, pickPlatform } from './manifest';

describe('parseManifest', () => {
  it('reads the config digest of an image manifest', () => {
    expect(
      parseManifest(
        JSON.stringify({
          mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          config: { digest: 'sha256:c' },
        }),
      ),
    ).toEqual({ kind: 'image', configDigest: 'sha256:c' });
  });

  it('uses the content type when the body has no mediaType', () => {
    expect(
      parseManifest(
        JSON.stringify({
          manifests: [
            { digest: 'sha256:x', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
          ],
        }),
        'application/vnd.oci.image.index.v1+json',
      ),
    ).toEqual({ kind: 'index', manifests: [{ digest: 'sha256:x', platform: 'linux/arm64/v8' }] });
  });
});

describe('pickPlatform', () => {
  const manifests = [
    { digest: 'sha256:arm', platform: 'linux/arm64/v8' },
    { digest: 'sha256:amd', platform: 'linux/amd64' },
    { digest: 'sha256:att', platform: 'unknown/unknown' },
  ];
  it.each([
    ['linux/amd64', 'sha256:amd'],
    ['linux/arm64', 'sha256:arm'],
    ['linux/s390x', null],
  ])('%s → %s', (platform, digest) => {
    expect(pickPlatform(manifests, platform)).toBe(digest);
  });
});
