import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * A docker credential helper for tests: `docker-credential-ventastest` in a temp dir, put first on PATH, and a
 * temp DOCKER_CONFIG whose config.json names it. Like a real helper it answers `get` with the server on stdin
 * and JSON on stdout, or "credentials not found" (exit 1) for another server. Its secret comes from the env
 * (VENTASTEST_SECRET), as a keychain would hold it: the script and the config hold none.
 */
export const HELPER = 'ventastest';

const SCRIPT = `#!/bin/sh
[ "$1" = get ] || { echo "unsupported: $1" >&2; exit 2; }
IFS= read -r server || true
printf '%s\\n' "$server" >>"$VENTASTEST_LOG"
if [ "$server" = "$VENTASTEST_SERVER" ]; then
  printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\\n' "$server" "$VENTASTEST_USER" "$VENTASTEST_SECRET"
else
  echo "credentials not found in native keychain"
  exit 1
fi
`;

export interface CredentialHelperFixture {
  /** Holds the helper script and its call log. */
  binDir: string;
  /** The DOCKER_CONFIG naming the helper. */
  configDir: string;
  /** The servers the helper was asked about, in order. */
  calls: () => string[];
  /** Env to set (PATH first, DOCKER_CONFIG, the helper's VENTASTEST_*); `restore` undoes it. */
  apply: () => void;
  restore: () => void;
}

export function credentialHelperFixture(input: {
  server: string;
  username: string;
  secret: string;
  /** `credHelpers` (per host, the default) or `credsStore` (every host). */
  as?: 'credHelpers' | 'credsStore';
  /** Extra config.json content, e.g. `auths`. */
  extra?: Record<string, unknown>;
}): CredentialHelperFixture {
  const binDir = mkdtempSync(join(tmpdir(), 'ventastest-helper-'));
  const configDir = mkdtempSync(join(tmpdir(), 'ventastest-config-'));
  const log = join(binDir, 'calls.log');
  writeFileSync(join(binDir, `docker-credential-${HELPER}`), SCRIPT);
  chmodSync(join(binDir, `docker-credential-${HELPER}`), 0o755);
  writeFileSync(log, '');
  const config =
    (input.as ?? 'credHelpers') === 'credHelpers'
      ? { credHelpers: { [input.server]: HELPER } }
      : { credsStore: HELPER };
  writeFileSync(join(configDir, 'config.json'), JSON.stringify({ ...input.extra, ...config }, null, 2));
  const values: Record<string, string> = {
    PATH: `${binDir}${delimiter}${process.env['PATH'] ?? ''}`,
    DOCKER_CONFIG: configDir,
    VENTASTEST_SERVER: input.server,
    VENTASTEST_USER: input.username,
    VENTASTEST_SECRET: input.secret,
    VENTASTEST_LOG: log,
  };
  const saved: Record<string, string | undefined> = {};
  return {
    binDir,
    configDir,
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
    apply: () => {
      for (const [key, value] of Object.entries(values)) {
        saved[key] = process.env[key];
        process.env[key] = value;
      }
    },
    restore: () => {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    },
  };
}
