import { NxDockerError } from '../errors';
import { MANIFEST_ACCEPT, parseManifest, pickPlatform } from './manifest';
import { classifyHttpStatus, classifyNetworkFailure, TransientError } from './retry';
import { CredentialsSource, RegistryCredentials, RemoteRegistry, RemoteTag } from './types';

/**
 * Read-only client of the OCI distribution HTTP API (`/v2/<name>/manifests/<ref>`): enough to know
 * which digest a tag holds. Handles both auth schemes registries use: `Basic` directly and the
 * `Bearer` token challenge (realm, service, scope). Transient failures (connection refused or reset, timeouts,
 * 5xx, 429) are TransientError, to be retried by the caller; an unknown host, a 403 and other 4xx are clear
 * errors at once. A 401 with credentials reads them once more from their source (a rotated password in the env
 * var, a credential helper's new token) and tries again; refused again, it is a clear error.
 */
export interface OciRegistryOptions {
  /** host[:port], as in the image reference. */
  host: string;
  scheme: 'http' | 'https';
  /** Fixed credentials, or a source read at the first challenge and once more after a refusal. */
  credentials: RegistryCredentials | null | CredentialsSource;
  platform: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class OciRegistryClient implements RemoteRegistry {
  readonly kind = 'oci' as const;
  private readonly fetchImpl: typeof fetch;
  private readonly tokens = new Map<string, string>();
  private readonly source: CredentialsSource;
  /** undefined until first read from the source. */
  private credentials: RegistryCredentials | null | undefined;

  constructor(private readonly options: OciRegistryOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    const given = options.credentials;
    this.source = typeof given === 'function' ? given : async () => given;
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
      const first = await this.currentCredentials();
      response = await this.send(method, url, await this.answerChallenge(challenge, scope, first));
      if (response.status === 401 && first) {
        // Refused: the password may have been rotated (or the token renewed) since it was read. Once more.
        this.credentials = await this.source();
        const second = this.credentials;
        if (second && (second.username !== first.username || second.password !== first.password)) {
          this.tokens.clear();
          response = await this.send(method, url, await this.answerChallenge(challenge, scope, second));
        }
      }
      if (response.status === 401) {
        const credentials = this.credentials ?? null;
        throw new NxDockerError(
          `The registry ${this.options.host} refused the credentials${credentials ? ` of user '${credentials.username}'` : ''} (401 Unauthorized on ${method} ${url}).`,
          { hint: credentialsHint(credentials) },
        );
      }
    }
    if (response.status === 404 || response.ok) return response;
    switch (classifyHttpStatus(response.status)) {
      case 'transient':
        throw new TransientError(`${method} ${url} answered ${response.status} ${response.statusText}`);
      case 'denied':
        throw new NxDockerError(
          `The registry ${this.options.host} denied ${method} ${url} (403 Forbidden).`,
          {
            hint: 'The user may read nothing in this repository: check its permissions.',
          },
        );
      default:
        throw new NxDockerError(`${method} ${url} answered ${response.status} ${response.statusText}.`, {
          hint: 'A 4xx answer is not retried: check the registry, the repository name and the credentials.',
        });
    }
  }

  private async currentCredentials(): Promise<RegistryCredentials | null> {
    if (this.credentials === undefined) this.credentials = await this.source();
    return this.credentials;
  }

  private authorizationFor(scope: string): string | undefined {
    const token = this.tokens.get(scope) ?? this.tokens.get('*');
    return token;
  }

  private async answerChallenge(
    challenge: string,
    scope: string,
    credentials: RegistryCredentials | null,
  ): Promise<string | undefined> {
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
      if (classifyHttpStatus(response.status) === 'transient')
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
      const code = networkFailureCode(error);
      if (classifyNetworkFailure(code) === 'unknown-host') {
        throw new NxDockerError(
          `The registry host ${this.options.host} does not resolve (${method} ${url}: ${code}).`,
          {
            hint: 'Check the "registry" option (host[:port]). A name that does not resolve is not retried.',
            cause: error,
          },
        );
      }
      if (classifyNetworkFailure(code) === 'transient') {
        throw new TransientError(`${method} ${url} failed: ${code}`, {
          hint: `Is the registry ${this.options.host} running and reachable?`,
          cause: error,
        });
      }
      throw new NxDockerError(`${method} ${url} failed: ${code}`, {
        hint: `Check the registry address and its scheme (${this.options.scheme}; "insecure" selects http).`,
        cause: error,
      });
    }
  }
}

/** `fetch failed` hides the reason in its cause: ECONNREFUSED, ENOTFOUND, UND_ERR_SOCKET …; or TimeoutError. */
export function networkFailureCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } })
    .cause;
  return (
    cause?.code ??
    cause?.errors?.find((inner) => inner.code)?.code ??
    cause?.message ??
    (error as Error).name ??
    'network error'
  );
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
