import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDocker } from '../docker/docker';
import { NxDockerError } from '../errors';
import { classifyDockerFailure, lastLine, redact, RetryOptions, TransientError, withRetry } from './retry';
import { RegistryCredentials } from './types';

/**
 * A docker CLI session for one registry. With credentials it is a temporary DOCKER_CONFIG (mode 0700)
 * that `docker login --password-stdin` fills and `dispose()` deletes: the secret is never in argv,
 * never in the user's ~/.docker, and gone when the push ends. Without credentials it uses the
 * existing docker config unchanged.
 */
export interface DockerSession {
  /** Env for runDocker: `{ DOCKER_CONFIG }` of the session, or {} for the existing config. */
  readonly env: Record<string, string>;
  /** The temporary config dir, or null. */
  readonly configDir: string | null;
  /** Fetches fresh credentials and logs in again (expired ECR token, `no basic auth credentials`). */
  relogin(): Promise<void>;
  dispose(): void;
}

export interface LoginOptions {
  host: string;
  /** Called for every login: ECR hands out a fresh 12-hour token each time. null = existing config. */
  credentials: (() => Promise<RegistryCredentials>) | null;
  retry: RetryOptions;
}

export async function openDockerSession(options: LoginOptions): Promise<DockerSession> {
  if (!options.credentials) {
    return { env: {}, configDir: null, relogin: async () => undefined, dispose: () => undefined };
  }
  const getCredentials = options.credentials;
  const configDir = mkdtempSync(join(tmpdir(), 'nx-docker-login-'));
  chmodSync(configDir, 0o700);
  const env = { DOCKER_CONFIG: configDir };
  const login = async () => {
    const credentials = await getCredentials();
    await withRetry(
      `docker login ${options.host}`,
      () => dockerLogin(options.host, credentials, env),
      options.retry,
    );
  };
  try {
    await login();
  } catch (error) {
    rmSync(configDir, { recursive: true, force: true });
    throw error;
  }
  return {
    env,
    configDir,
    relogin: login,
    dispose: () => rmSync(configDir, { recursive: true, force: true }),
  };
}

async function dockerLogin(
  host: string,
  credentials: RegistryCredentials,
  env: Record<string, string>,
): Promise<void> {
  const result = await runDocker(['login', '--username', credentials.username, '--password-stdin', host], {
    input: credentials.password,
    env,
    reject: false,
    timeoutMs: 60_000,
  });
  if (!result.failed) return;
  // docker writes its error to stderr; stdout only says "Login Succeeded" or warnings.
  const stderr = redact(result.stderr.trim(), [credentials.password]);
  const cause =
    lastLine(stderr || redact(result.stdout, [credentials.password])) || `exit code ${result.exitCode}`;
  const message = `docker login to ${host} as '${credentials.username}' failed: ${cause}`;
  switch (classifyDockerFailure(stderr)) {
    case 'credentials':
    case 'denied':
      throw new NxDockerError(
        `docker login to ${host} was refused: wrong username or password for '${credentials.username}'.`,
        {
          hint: 'Check the credentials (for ECR: the AWS identity needs ecr:GetAuthorizationToken).',
        },
      );
    case 'unknown-host':
      throw new NxDockerError(`docker login to ${host} failed: the host name does not resolve (${cause}).`, {
        hint: 'Check the "registry" option (host[:port]). A name that does not resolve is not retried.',
      });
    case 'transient':
      throw new TransientError(message);
    default:
      throw new NxDockerError(message, { hint: `Command: ${result.command}` });
  }
}
