import { join } from 'node:path';

/**
 * The environment for a real nx CLI run inside a test's throw-away workspace. The NX_* variables of the nx
 * run that started jest (NX_SKIP_NX_CACHE, NX_TASK_TARGET_*, the workspace root…) are dropped: they would
 * steer the inner nx (a `--skip-nx-cache` outside would turn every cache hit a test asserts into a rebuild).
 * Use with execa's `extendEnv: false`.
 */
export function nxCliEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return {
    ...Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('NX_') || key.startsWith('NX_DOCKER_')),
    ),
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_INTERACTIVE: 'false',
    CI: 'true',
    ...extra,
  };
}

/**
 * Keeps a throw-away workspace's Nx cache and database inside it. By default Nx 23 shares one cache per
 * repository across all its checkouts, under ~/.nx/<workspace id>/, which every test workspace would leave behind
 * (and which would let one test's cache answer another's).
 */
export function ownNxDirectories(root: string): Record<string, string> {
  return {
    NX_CACHE_DIRECTORY: join(root, '.nx/cache'),
    NX_WORKSPACE_DATA_DIRECTORY: join(root, '.nx/workspace-data'),
  };
}
