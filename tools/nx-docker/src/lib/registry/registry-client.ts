import { NxDockerError } from '../errors';
import { MANIFEST_ACCEPT, parseManifest, pickPlatform } from './manifest';
import { TransientError } from './retry';
import { RegistryCredentials, RemoteRegistry, RemoteTag } from './types';

/**
 * Read-only client of the OCI distribution HTTP API (`/v2/<name>/manifests/<ref>`): enough to know
 * which digest a tag holds. Handles both auth schemes registries use: `Basic` directly and the
 * `Bearer` token challenge (realm, service, scope). Transient failures (connection refused, timeouts,
 * 5xx, 429) are TransientError, to be retried by the caller; a 401 with credentials is a clear error.
 */
export interface OciRegistryOptions {
  /** host[:port], as in the image reference. */
  host: string;
  scheme: 'http' | 'https';
  credentials: RegistryCredentials | null;
  platform: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class OciRegistryClient implements RemoteRegistry {
  readonly kind = 'oci' as const;
  private readonly fetchImpl: typeof fetch;
  private readonly tokens = new Map<string, string>();

  constructor(private readonly options: OciRegistryOptions) {
    this.fetchImpl = options.fetch ?? fetch;
  }

  async describeTags(repository: string, tags: string[]): Promise<RemoteTag[]> {
    const states: RemoteTag[] = [];
    for (const tag of tags) states.push(await this.describeTag(repository, tag));
    return states;
  }

  async readDigest(repository: string, tag: string): Promise<string | null> {
    const response = await this.request('HEAD', repository, `manifests/${encodeURIComponent(tag)}`);
    if (response.status === 404) return null;
    const digest = response.headers.get('docker-content-digest');
    if (digest) return digest;
    const full = await this.request('GET', repository, `manifests/${encodeURIComponent(tag)}`);
    return `sha256:${await sha256Hex(await full.text())}`;
  }

  private async describeTag(repository: string, tag: string): Promise<RemoteTag> {
    const response = await this.request('GET', repository, `manifests/${encodeURIComponent(tag)}`);
    if (response.status === 404) return { tag, state: 'absent' };
    const body = await response.text();
    const manifestDigest = response.headers.get('docker-content-digest') ?? `sha256:${await sha256Hex(body)}`;
    let parsed = parseManifest(body, response.headers.get('content-type'));
    const indexPlatforms = parsed.kind === 'index' ? parsed.manifests.map((entry) => entry.platform) : [];
    const present = { tag, state: 'present' as const, manifestDigest, indexPlatforms };
    if (parsed.kind === 'index') {
      const child = pickPlatform(parsed.manifests, this.options.platform);
      if (!child) return { ...present, configDigest: null };
      const childResponse = await this.request('GET', repository, `manifests/${child}`);
      if (childResponse.status === 404) return { ...present, configDigest: null };
      parsed = parseManifest(await childResponse.text(), childResponse.headers.get('content-type'));
    }
    return { ...present, configDigest: parsed.kind === 'image' ? parsed.configDigest : null };
  }

  private url(repository: string, path: string): string {
    return `${this.options.scheme}://${this.options.host}/v2/${repository}/${path}`;
  }

  /** One request with auth; 404 is returned (it is an answer), other failures throw. */
  private async request(method: 'GET' | 'HEAD', repository: string, path: string): Promise<Response> {
    const url = this.url(repository, path);
    const scope = `repository:${repository}:pull`;
    let response = await this.send(method, url, this.authorizationFor(scope));
    if (response.status === 401) {
      const challenge = response.headers.get('www-authenticate') ?? '';
      const authorization = await this.answerChallenge(challenge, scope);
      response = await this.send(method, url, authorization);
      if (response.status === 401) {
        throw new NxDockerError(
          `The registry ${this.options.host} refused the credentials${this.options.credentials ? ` of user '${this.options.credentials.username}'` : ''} (401 Unauthorized on ${method} ${url}).`,
          { hint: credentialsHint(this.options.credentials) },
        );
      }
    }
    if (response.status === 404 || response.ok) return response;
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
      throw new TransientError(`${method} ${url} answered ${response.status} ${response.statusText}`);
    }
    if (response.status === 403) {
      throw new NxDockerError(`The registry ${this.options.host} denied ${method} ${url} (403 Forbidden).`, {
        hint: 'The user may read nothing in this repository: check its permissions.',
      });
    }
    throw new NxDockerError(`${method} ${url} answered ${response.status} ${response.statusText}.`);
  }

  private authorizationFor(scope: string): string | undefined {
    const token = this.tokens.get(scope) ?? this.tokens.get('*');
    return token;
  }

  private async answerChallenge(challenge: string, scope: string): Promise<string | undefined> {
    const credentials = this.options.credentials;
    const basic = credentials
      ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
      : undefined;
    if (/^basic/i.test(challenge)) {
      if (!basic) {
        throw new NxDockerError(
          `The registry ${this.options.host} asks for credentials and none were given.`,
          {
            hint: credentialsHint(null),
          },
        );
      }
      this.tokens.set('*', basic);
      return basic;
    }
    if (/^bearer/i.test(challenge)) {
      const params = parseChallengeParams(challenge.slice('bearer'.length));
      if (!params['realm'])
        throw new NxDockerError(`The registry ${this.options.host} sent a Bearer challenge without a realm.`);
      const tokenUrl = new URL(params['realm']);
      if (params['service']) tokenUrl.searchParams.set('service', params['service']);
      tokenUrl.searchParams.set('scope', params['scope'] ?? scope);
      const response = await this.send('GET', tokenUrl.toString(), basic);
      if (response.status === 401 || response.status === 403) {
        throw new NxDockerError(
          `The token service of ${this.options.host} refused the credentials (${response.status}).`,
          {
            hint: credentialsHint(credentials),
          },
        );
      }
      if (response.status >= 500)
        throw new TransientError(`token request to ${tokenUrl.host} answered ${response.status}`);
      if (!response.ok)
        throw new NxDockerError(`The token service of ${this.options.host} answered ${response.status}.`);
      const body = (await response.json()) as { token?: string; access_token?: string };
      const token = body.token ?? body.access_token;
      if (!token) throw new NxDockerError(`The token service of ${this.options.host} returned no token.`);
      this.tokens.set(scope, `Bearer ${token}`);
      return `Bearer ${token}`;
    }
    throw new NxDockerError(
      `The registry ${this.options.host} answered 401 with an unknown challenge '${challenge.split(' ')[0]}'.`,
    );
  }

  private async send(method: string, url: string, authorization: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { Accept: MANIFEST_ACCEPT.join(', ') };
    if (authorization) headers['Authorization'] = authorization;
    try {
      return await this.fetchImpl(url, {
        method,
        headers,
        redirect: 'follow',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).name ?? 'network error';
      throw new TransientError(`${method} ${url} failed: ${reason}`, {
        hint: `Is the registry ${this.options.host} running and reachable?`,
        cause: error,
      });
    }
  }
}

function credentialsHint(credentials: RegistryCredentials | null): string {
  return credentials
    ? 'Check the username and password (the env vars named by usernameEnv/passwordEnv, or the docker config).'
    : 'Set usernameEnv and passwordEnv to the names of env vars holding the credentials, or docker login first.';
}

/** `realm="https://auth",service="reg",scope="repository:a:pull"` → record. */
export function parseChallengeParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const match of text.matchAll(/(\w+)="([^"]*)"/g)) params[match[1]] = match[2];
  return params;
}

async function sha256Hex(text: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(text).digest('hex');
}
