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
