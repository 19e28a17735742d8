import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RegistryCredentials } from './types';

/**
 * Credentials stored by an earlier `docker login` in the docker config (`$DOCKER_CONFIG/config.json`
 * or `~/.docker/config.json`), for the HTTP API reads. Only inline `auths.<host>.auth` entries are
 * read; credential helpers (credsStore) are not called, so with them the reads go unauthenticated.
 */
export function dockerConfigCredentials(
  host: string,
  env: NodeJS.ProcessEnv = process.env,
): RegistryCredentials | null {
  const path = join(env['DOCKER_CONFIG'] || join(homedir(), '.docker'), 'config.json');
  if (!existsSync(path)) return null;
  let config: { auths?: Record<string, { auth?: string; username?: string; password?: string }> };
  try {
    config = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
  const auths = config.auths ?? {};
  const entry = auths[host] ?? auths[`http://${host}`] ?? auths[`https://${host}`];
  if (!entry) return null;
  if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  if (!entry.auth) return null;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const at = decoded.indexOf(':');
  return at === -1 ? null : { username: decoded.slice(0, at), password: decoded.slice(at + 1) };
}
