import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { NxDockerError } from '../errors';
import { RegistryCredentials } from './types';

/**
 * Credentials stored by an earlier `docker login`, for the HTTP API reads, found as the docker CLI finds them
 * in `$DOCKER_CONFIG/config.json` (or `~/.docker/config.json`): a `credHelpers` entry for the host, else the
 * `credsStore`, else the inline `auths` entry. A helper is run as `docker-credential-<name> get` with the
 * server on stdin and answers JSON on stdout; its secret stays in memory (nothing is written anywhere).
 */
export type CredentialsLookup =
  | { kind: 'helper'; helper: string }
  | { kind: 'inline'; credentials: RegistryCredentials }
  | { kind: 'none' };

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Pure: where the docker CLI would take the credentials of `host` from, given the parsed config. As in the
 * CLI (configfile.GetCredentialsStore), a helper configured for the host or as the store wins, and its answer
 * alone counts: the `auths` entries are then only markers.
 */
export function lookupCredentials(config: DockerConfigFile, host: string): CredentialsLookup {
  const helper = config.credHelpers?.[host] || config.credsStore;
  if (helper) {
    if (!HELPER_NAME.test(helper)) {
      throw new NxDockerError(
        `The docker config names an invalid credential helper '${helper}' for ${host}.`,
        {
          hint: 'A helper is a name such as "ecr-login", run as docker-credential-<name>.',
        },
      );
    }
    return { kind: 'helper', helper };
  }
  const auths = config.auths ?? {};
  const entry = auths[host] ?? auths[`http://${host}`] ?? auths[`https://${host}`];
  if (!entry) return { kind: 'none' };
  if (entry.username && entry.password) {
    return { kind: 'inline', credentials: { username: entry.username, password: entry.password } };
  }
  if (!entry.auth) return { kind: 'none' };
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const at = decoded.indexOf(':');
  return at === -1
    ? { kind: 'none' }
    : { kind: 'inline', credentials: { username: decoded.slice(0, at), password: decoded.slice(at + 1) } };
}

/**
 * Pure: a helper's `get` answer. null for "credentials not found" (exit 1, as the CLI treats it: no
 * credentials) and for an identity token (`Username: "<token>"`), which is an OAuth refresh token and
 * no password for Basic auth or a token request.
 */
export function parseHelperAnswer(
  helper: string,
  host: string,
  answer: { exitCode: number | undefined; stdout: string; stderr: string },
): RegistryCredentials | null {
  const program = `docker-credential-${helper}`;
  if (answer.exitCode !== 0) {
    if (/credentials not found/i.test(`${answer.stdout}\n${answer.stderr}`)) return null;
    const said = (answer.stderr.trim() || answer.stdout.trim()).split('\n')[0];
    throw new NxDockerError(
      `The credential helper ${program} failed for ${host} (exit code ${answer.exitCode ?? 'none'}): ${said || 'no output'}`,
      { hint: `The docker config names it (credHelpers or credsStore); check that '${program} get' works.` },
    );
  }
  let parsed: { Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(answer.stdout);
  } catch {
    throw new NxDockerError(`The credential helper ${program} answered no JSON for ${host}.`, {
      hint: 'A helper answers {"ServerURL", "Username", "Secret"} on stdout.',
    });
  }
  if (typeof parsed.Username !== 'string' || typeof parsed.Secret !== 'string' || !parsed.Secret) return null;
  if (parsed.Username === '<token>') return null;
  return { username: parsed.Username, password: parsed.Secret };
}

export async function dockerConfigCredentials(
  host: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RegistryCredentials | null> {
  const path = join(env['DOCKER_CONFIG'] || join(homedir(), '.docker'), 'config.json');
  if (!existsSync(path)) return null;
  let config: DockerConfigFile;
  try {
    config = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
  const lookup = lookupCredentials(config, host);
  if (lookup.kind === 'none') return null;
  if (lookup.kind === 'inline') return lookup.credentials;
  const program = `docker-credential-${lookup.helper}`;
  const result = await execa(program, ['get'], {
    input: host,
    env,
    reject: false,
    timeout: 30_000,
    stripFinalNewline: true,
  });
  if (result.code === 'ENOENT') {
    throw new NxDockerError(
      `The docker config names the credential helper ${program} for ${host}, but it is not on PATH.`,
      { hint: `Install ${program}, or remove it from ${path} (credHelpers / credsStore).` },
    );
  }
  return parseHelperAnswer(lookup.helper, host, {
    exitCode: result.timedOut ? undefined : result.exitCode,
    stdout: String(result.stdout ?? ''),
    stderr: result.timedOut ? 'timed out after 30 s' : String(result.stderr ?? ''),
  });
}
