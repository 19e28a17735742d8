import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { NxDockerError } from '../errors';
import { OciRegistryClient } from './registry-client';
import { TransientError } from './retry';

const IMAGE_ID = `sha256:${'1'.repeat(64)}`;
const DIGEST = `sha256:${'d'.repeat(64)}`;
const manifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: { digest: IMAGE_ID },
});

/** A tiny fake registry: one repository `app` with tag `1.0.0`, auth by Basic or Bearer. */
function fakeRegistry(auth: 'basic' | 'bearer', status = 200) {
  const seen: { method: string; url: string; accept?: string; authorization?: string }[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    seen.push({
      method: request.method ?? '',
      url: request.url ?? '',
      accept: request.headers.accept,
      authorization: request.headers.authorization,
    });
    const port = (server.address() as AddressInfo).port;
    if (request.url?.startsWith('/token')) {
      const ok = request.headers.authorization === `Basic ${Buffer.from('u:p').toString('base64')}`;
      response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      response.end(ok ? JSON.stringify({ token: 'T0KEN' }) : '{}');
      return;
    }
    const expected = auth === 'basic' ? `Basic ${Buffer.from('u:p').toString('base64')}` : 'Bearer T0KEN';
    if (request.headers.authorization !== expected) {
      response.writeHead(401, {
        'www-authenticate':
          auth === 'basic'
            ? 'Basic realm="Registry Realm"'
            : `Bearer realm="http://127.0.0.1:${port}/token",service="fake",scope="repository:app:pull"`,
      });
      response.end();
      return;
    }
    if (status !== 200) {
      response.writeHead(status);
      response.end();
      return;
    }
    if (request.url === '/v2/app/manifests/1.0.0') {
      response.writeHead(200, {
        'content-type': 'application/vnd.docker.distribution.manifest.v2+json',
        'docker-content-digest': DIGEST,
      });
      response.end(request.method === 'HEAD' ? undefined : manifest);
      return;
    }
    response.writeHead(404);
    response.end();
  });
  return {
    seen,
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)),
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(['basic', 'bearer'] as const)('OciRegistryClient with %s auth', (auth) => {
  const registry = fakeRegistry(auth);
  let host: string;
  beforeAll(async () => {
    host = await registry.start();
  });
  afterAll(() => registry.stop());

  const client = (password = 'p') =>
    new OciRegistryClient({
      host,
      scheme: 'http',
      credentials: { username: 'u', password },
      platform: 'linux/amd64',
    });

  it('describes present and absent tags, sending the manifest Accept header', async () => {
    await expect(client().describeTags('app', ['1.0.0', 'latest'])).resolves.toEqual([
      { tag: '1.0.0', state: 'present', manifestDigest: DIGEST, configDigest: IMAGE_ID, indexPlatforms: [] },
      { tag: 'latest', state: 'absent' },
    ]);
    expect(registry.seen.find((r) => r.url.startsWith('/v2/'))?.accept).toContain(
      'application/vnd.oci.image.index.v1+json',
    );
  });

  it('reads a digest with HEAD', async () => {
    await expect(client().readDigest('app', '1.0.0')).resolves.toBe(DIGEST);
    await expect(client().readDigest('app', 'nope')).resolves.toBeNull();
  });

  it('wrong password: a clear error, not transient, without the password', async () => {
    const error = await client('wrong-secret')
      .describeTags('app', ['1.0.0'])
      .catch((e) => e);
    expect(error).toBeInstanceOf(NxDockerError);
    expect(error).not.toBeInstanceOf(TransientError);
    expect(error.message).toMatch(/refused the credentials/);
    expect(error.message).not.toContain('wrong-secret');
  });
});

it('5xx answers are transient', async () => {
  const registry = fakeRegistry('basic', 503);
  const host = await registry.start();
  try {
    const client = new OciRegistryClient({
      host,
      scheme: 'http',
      credentials: { username: 'u', password: 'p' },
      platform: 'linux/amd64',
    });
    await expect(client.describeTags('app', ['1.0.0'])).rejects.toBeInstanceOf(TransientError);
  } finally {
    await registry.stop();
  }
});

it('a closed port is transient and names the registry', async () => {
  const closed = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const client = new OciRegistryClient({
    host: `127.0.0.1:${closed}`,
    scheme: 'http',
    credentials: null,
    platform: 'linux/amd64',
  });
  const error = await client.readDigest('app', '1.0.0').catch((e) => e);
  expect(error).toBeInstanceOf(TransientError);
  expect(error.message).toMatch(
    new RegExp(
      `HEAD http://127.0.0.1:${closed}/v2/app/manifests/1.0.0 failed: ECONNREFUSED[\\s\\S]*Is the registry 127.0.0.1:${closed} running`,
    ),
  );
});

it('another 4xx answer is not transient: it fails at once with the status', async () => {
  const registry = fakeRegistry('basic', 400);
  const host = await registry.start();
  try {
    const client = new OciRegistryClient({
      host,
      scheme: 'http',
      credentials: { username: 'u', password: 'p' },
      platform: 'linux/amd64',
    });
    const error = await client.describeTags('app', ['1.0.0']).catch((e) => e);
    expect(error).toBeInstanceOf(NxDockerError);
    expect(error).not.toBeInstanceOf(TransientError);
    expect(error.message).toMatch(/answered 400 Bad Request\.\nHint: A 4xx answer is not retried/);
  } finally {
    await registry.stop();
  }
});

describe('network failures', () => {
  /** A fetch that fails as undici does: `fetch failed` with the system error as its cause. */
  const failingFetch = (code: string) =>
    jest.fn(async () => {
      throw Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error(`getaddrinfo ${code} registry.invalid`), { code }),
      });
    });

  it('a host that does not resolve (ENOTFOUND) is not transient and says so', async () => {
    const fetch = failingFetch('ENOTFOUND');
    const client = new OciRegistryClient({
      host: 'registry.invalid:5000',
      scheme: 'https',
      credentials: null,
      platform: 'linux/amd64',
      fetch: fetch as unknown as typeof globalThis.fetch,
    });
    const error = await client.readDigest('app', '1.0.0').catch((e) => e);
    expect(error).toBeInstanceOf(NxDockerError);
    expect(error).not.toBeInstanceOf(TransientError);
    expect(error.message).toMatch(
      /^The registry host registry\.invalid:5000 does not resolve \(HEAD .*: ENOTFOUND\)/,
    );
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('a resolver that did not answer (EAI_AGAIN) is transient', async () => {
    const client = new OciRegistryClient({
      host: 'registry.example:5000',
      scheme: 'https',
      credentials: null,
      platform: 'linux/amd64',
      fetch: failingFetch('EAI_AGAIN') as unknown as typeof globalThis.fetch,
    });
    await expect(client.readDigest('app', '1.0.0')).rejects.toBeInstanceOf(TransientError);
  });
});

describe('credentials read from their source', () => {
  const registry = fakeRegistry('basic');
  let host: string;
  beforeAll(async () => {
    host = await registry.start();
  });
  afterAll(() => registry.stop());

  it('a refusal reads the credentials again (a rotated password) and succeeds with the new ones', async () => {
    const passwords = ['rotated-away', 'p'];
    const source = jest.fn(async () => ({ username: 'u', password: passwords.shift() ?? 'p' }));
    const client = new OciRegistryClient({
      host,
      scheme: 'http',
      credentials: source,
      platform: 'linux/amd64',
    });
    await expect(client.readDigest('app', '1.0.0')).resolves.toBe(DIGEST);
    expect(source).toHaveBeenCalledTimes(2);
    // The new credentials are kept: the next request needs no second look.
    await expect(client.readDigest('app', '1.0.0')).resolves.toBe(DIGEST);
    expect(source).toHaveBeenCalledTimes(2);
  });

  it('refused again with what the source holds now: a clear error, not transient', async () => {
    const source = jest.fn(async () => ({ username: 'u', password: 'still-wrong' }));
    const client = new OciRegistryClient({
      host,
      scheme: 'http',
      credentials: source,
      platform: 'linux/amd64',
    });
    const error = await client.readDigest('app', '1.0.0').catch((e) => e);
    expect(error).toBeInstanceOf(NxDockerError);
    expect(error).not.toBeInstanceOf(TransientError);
    expect(error.message).toMatch(/refused the credentials of user 'u'/);
    expect(source).toHaveBeenCalledTimes(2);
  });
});
