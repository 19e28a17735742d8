import { DockerError, runDocker } from '../docker/docker';
import { imageIdOf, shortId } from '../docker/image-id';
import { NxDockerError } from '../errors';
import { openDockerSession } from './docker-login';
import { classifyDockerFailure, RetryOptions, TransientError, withRetry } from './retry';
import type { RegistryCredentials } from './types';

/**
 * A copy of a built image in a registry (the push target, or one kept as a cache, as ECR would be), so that
 * another runner whose Nx cache hit restored image.json can pull the image instead of rebuilding it or carrying
 * an archive. docker-build pushes it (`cacheRegistry`) and records it in image.json as `registryCopy`;
 * ensureImage pulls it by digest. Login goes through openDockerSession, as ecr-push's does.
 */
export interface RegistryCopy {
  /** `host[:port]/path/name@sha256:…`: the manifest the registry holds, pulled by digest. */
  ref: string;
  /** The env vars holding the registry credentials (names only), or null: the docker config as it is. */
  credentials: EnvCredentials | null;
}

export interface EnvCredentials {
  usernameEnv: string;
  passwordEnv: string;
}

/** Where docker-build keeps the copy: `<cacheRegistry>/<repository>`, tagged by image id. */
export interface CacheRegistryTarget {
  repositoryUri: string;
  credentials: EnvCredentials | null;
}

export interface RegistryCopyOptions {
  binary?: string;
  retry?: RetryOptions;
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_RETRY: RetryOptions = { retries: 2, minDelayMs: 500 };

/** The tag a copy is pushed under: the image id itself (`sha256-<hex>`), so it never moves to another image. */
export function copyTag(imageId: string): string {
  return imageId.replace(/^sha256:/, 'sha256-');
}

/** `127.0.0.1:55000/ventas/orders` → `127.0.0.1:55000`. */
export function registryHost(repositoryUri: string): string {
  return repositoryUri.split('/')[0];
}

/** `<tag>: digest: sha256:… size: 1234`, the line `docker push` ends with (Docker 20.10 to 28). */
export function pushedDigest(output: string): string | null {
  return /digest: (sha256:[0-9a-f]{64})/.exec(output)?.[1] ?? null;
}

/** Pushes `imageId` to the target under its copy tag; returns what image.json records. The local tag goes again. */
export async function pushRegistryCopy(
  imageId: string,
  target: CacheRegistryTarget,
  options: RegistryCopyOptions = {},
): Promise<RegistryCopy> {
  const ref = `${target.repositoryUri}:${copyTag(imageId)}`;
  const digest = await withSession(target.repositoryUri, target.credentials, options, async (env) => {
    await runDocker(['tag', imageId, ref], { binary: options.binary });
    try {
      const pushed = await dockerRegistryCall(`docker push ${ref}`, ['push', ref], env, options);
      return pushedDigest(`${pushed.stdout}\n${pushed.stderr}`);
    } finally {
      await runDocker(['image', 'rm', ref], { binary: options.binary, reject: false });
    }
  });
  if (!digest) {
    throw new NxDockerError(`docker push ${ref} did not say which digest the registry stored.`, {
      hint: 'Check the registry (docker push must print "digest: sha256:…").',
    });
  }
  return { ref: `${target.repositoryUri}@${digest}`, credentials: target.credentials };
}

/**
 * Pulls the copy by digest and checks that the daemon now names it `expectedImageId` (the manifest digest on the
 * containerd store, the config digest on the classic store: both are what image.json's imageId holds). A
 * mismatch removes what was pulled and throws.
 */
export async function pullRegistryCopy(
  copy: RegistryCopy,
  expected: { project: string; imageId: string },
  options: RegistryCopyOptions = {},
): Promise<void> {
  const repositoryUri = copy.ref.slice(0, copy.ref.indexOf('@'));
  await withSession(repositoryUri, copy.credentials, options, (env) =>
    dockerRegistryCall(`docker pull ${copy.ref}`, ['pull', '--quiet', copy.ref], env, options),
  );
  const pulled = await imageIdOf(copy.ref, { binary: options.binary });
  if (pulled !== expected.imageId) {
    await runDocker(['image', 'rm', copy.ref], { binary: options.binary, reject: false });
    throw new NxDockerError(
      `The registry copy ${copy.ref} of ${expected.project} is image ${pulled ? shortId(pulled) : 'none'}, not ${shortId(expected.imageId)} as image.json says.`,
      {
        hint: `The copy was pushed from another image store, or image.json does not belong to it. Rebuild: nx run ${expected.project}:docker-build --skip-nx-cache`,
      },
    );
  }
}

async function withSession<T>(
  repositoryUri: string,
  credentials: EnvCredentials | null,
  options: RegistryCopyOptions,
  run: (env: Record<string, string>) => Promise<T>,
): Promise<T> {
  const env = options.env ?? process.env;
  const read = credentials ? () => Promise.resolve(envCredentials(credentials, env)) : null;
  if (credentials) envCredentials(credentials, env); // before any network call
  const session = await openDockerSession({
    host: registryHost(repositoryUri),
    credentials: read,
    retry: options.retry ?? DEFAULT_RETRY,
  });
  try {
    return await run(session.env);
  } finally {
    session.dispose();
  }
}

function envCredentials(credentials: EnvCredentials, env: NodeJS.ProcessEnv): RegistryCredentials {
  const username = env[credentials.usernameEnv];
  const password = env[credentials.passwordEnv];
  if (!username || !password) {
    const missing = [!username && credentials.usernameEnv, !password && credentials.passwordEnv].filter(
      Boolean,
    );
    throw new NxDockerError(
      `The registry credentials are not set: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} empty.`,
      {
        hint: `Export ${credentials.usernameEnv} and ${credentials.passwordEnv} (in CI: from the secret store).`,
      },
    );
  }
  return { username, password };
}

/** A docker push/pull; a transient failure (timeout, reset, 5xx) is retried, anything else fails at once. */
function dockerRegistryCall(
  what: string,
  args: string[],
  env: Record<string, string>,
  options: RegistryCopyOptions,
) {
  return withRetry(
    what,
    async () => {
      const result = await runDocker(args, { binary: options.binary, env, reject: false });
      if (!result.failed) return result;
      if (classifyDockerFailure(result.stderr) === 'transient')
        throw new TransientError(result.stderr.trim());
      throw new DockerError(result);
    },
    options.retry ?? DEFAULT_RETRY,
  );
}
