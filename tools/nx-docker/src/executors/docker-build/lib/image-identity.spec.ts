import { imageIdentity, parseBuildMetadata } from './image-identity';

const CONFIG = `sha256:${'c'.repeat(64)}`;
const MANIFEST = `sha256:${'a'.repeat(64)}`;

// Captured from buildx 0.13.1 --load on Docker 26.1.5 (containerd image store), provenance off.
const METADATA = JSON.stringify({
  'buildx.build.ref': 'default/default/4n6qv1k60879n0rjrwfs4ehik',
  'containerimage.config.digest': CONFIG,
  'containerimage.descriptor': {
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    digest: MANIFEST,
  },
  'containerimage.digest': MANIFEST,
  'image.name': 'docker.io/library/probe-x:1',
});

describe('parseBuildMetadata', () => {
  it('reads the config and manifest digests', () => {
    expect(parseBuildMetadata(METADATA)).toEqual({ configDigest: CONFIG, manifestDigest: MANIFEST });
  });

  it.each(['', '{}', 'not json', '{"containerimage.digest":"sha256:short"}'])(
    'knows nothing from %j',
    (text) => {
      expect(parseBuildMetadata(text)).toEqual({ configDigest: null, manifestDigest: null });
    },
  );
});

describe('imageIdentity', () => {
  it('classic store: the image id is the config digest, and there is no manifest yet', () => {
    expect(imageIdentity('classic', CONFIG, null)).toEqual({ configDigest: CONFIG, manifestDigest: null });
  });

  it('containerd store: the image id is the manifest digest; the config digest comes from buildx', () => {
    expect(imageIdentity('containerd', MANIFEST, parseBuildMetadata(METADATA))).toEqual({
      configDigest: CONFIG,
      manifestDigest: MANIFEST,
    });
    expect(imageIdentity('containerd', MANIFEST, null)).toEqual({
      configDigest: null,
      manifestDigest: MANIFEST,
    });
  });
});
