import { dockerConfigCredentials } from '../../../lib/registry/docker-config';
import { OciRegistryClient } from '../../../lib/registry/registry-client';
import type { CredentialsSource, RegistryCredentials } from '../../../lib/registry/types';
import type { OciPushOptions } from './normalize-options';
import type { PushTarget, TargetDeps } from './push-target';

/** Any OCI registry: credentials resolved by normalizeOptions from env vars, or docker's own config. */
export function ociTarget(options: OciPushOptions, deps: Pick<TargetDeps, 'secrets'>): PushTarget {
  const host = options.registry;
  const credentials = options.credentials;
  let source: CredentialsSource;
  let login: (() => Promise<RegistryCredentials>) | null = null;
  if (credentials.kind === 'env') {
    const fromEnv: RegistryCredentials = { username: credentials.username, password: credentials.password };
    deps.secrets.push(fromEnv.password);
    source = async () => fromEnv;
    login = async () => fromEnv;
  } else {
    // The docker config as the CLI reads it: credHelpers, credsStore, then auths. docker push uses it itself.
    source = async () => {
      const found = await dockerConfigCredentials(host);
      if (found) deps.secrets.push(found.password);
      return found;
    };
  }
  return {
    registryHost: host,
    repositoryUri: `${host}/${options.repository}`,
    remote: new OciRegistryClient({
      host,
      scheme: options.scheme,
      credentials: source,
      platform: options.platform,
    }),
    immutable: options.immutableTags,
    credentials: login,
    prepare: async () => undefined,
  };
}
