import { parseRegistryCopy } from '../results/image-manifest';
import { copyTag, pushedDigest, registryHost } from './registry-copy';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('registry copy names', () => {
  it('tags a copy by its image id, a tag that never moves to another image', () => {
    expect(copyTag(`sha256:${'1'.repeat(64)}`)).toBe(`sha256-${'1'.repeat(64)}`);
  });

  it.each([
    ['127.0.0.1:55000/ventas/orders', '127.0.0.1:55000'],
    [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/cache/orders',
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    ],
  ])('the registry of %s is %s', (repositoryUri, host) => {
    expect(registryHost(repositoryUri)).toBe(host);
  });

  it.each([
    [`sha256-1: digest: ${DIGEST} size: 528`, DIGEST],
    [
      `The push refers to repository [r/x]\nd75089180323: Pushed\nlatest: digest: ${DIGEST} size: 498\n`,
      DIGEST,
    ],
    ['d75089180323: Layer already exists', null],
  ])('the digest docker push printed in %j is %s', (output, digest) => {
    expect(pushedDigest(output)).toBe(digest);
  });
});

describe('parseRegistryCopy (image.json registryCopy)', () => {
  it.each([
    [
      { ref: `r:5000/x/orders@${DIGEST}`, credentials: null },
      { ref: `r:5000/x/orders@${DIGEST}`, credentials: null },
    ],
    [
      { ref: `r/orders@${DIGEST}`, credentials: { usernameEnv: 'U', passwordEnv: 'P' } },
      { ref: `r/orders@${DIGEST}`, credentials: { usernameEnv: 'U', passwordEnv: 'P' } },
    ],
    [{ ref: `r/orders@${DIGEST}` }, { ref: `r/orders@${DIGEST}`, credentials: null }],
    [{ ref: 'r/orders:latest', credentials: null }, null],
    [{ ref: `r/orders@${DIGEST}`, credentials: { usernameEnv: 'U' } }, null],
    [null, null],
    ['r/orders', null],
  ])('%j → %j', (raw, parsed) => {
    expect(parseRegistryCopy(raw)).toEqual(parsed);
  });
});
