/**
 * Pure argv builders and output parsers for the containers of one smoke run. No process, no fs:
 * the impl hands these arrays to runDocker.
 */

export const SMOKE_LABEL = 'ventas.smoke';

/**
 * Variables the docker CLI itself reads, or needs to be found (PATH). They cannot be handed over through
 * the CLI's environment (`-e KEY`), so they go in argv as `-e KEY=VALUE`.
 */
const CLI_ENV = /^(PATH|HOME|DOCKER_.*)$/;

export interface EnvArgs {
  args: string[];
  /** Environment of the docker CLI process: `-e KEY` (no value) makes docker copy it from there. */
  cliEnv: Record<string, string>;
}

/** `-e KEY` with the value in the CLI's environment, so values (passwords) never show in argv or `ps`. */
export function envArgs(env: Record<string, string>): EnvArgs {
  const args: string[] = [];
  const cliEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (CLI_ENV.test(key)) {
      args.push('-e', `${key}=${value}`);
    } else {
      args.push('-e', key);
      cliEnv[key] = value;
    }
  }
  return { args, cliEnv };
}

export function labelArgs(labels: Record<string, string>): string[] {
  return Object.entries(labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]);
}

/** Docker names: [a-zA-Z0-9][a-zA-Z0-9_.-]+. Project names like `@scope/app` are folded to fit. */
export function containerName(project: string, runId: string, role: string): string {
  const safe = project.replace(/^@/, '').replace(/[^a-zA-Z0-9_.-]+/g, '-');
  return `smoke-${safe}-${runId}-${role}`;
}

export function networkName(project: string, runId: string): string {
  return containerName(project, runId, 'net');
}

export function networkCreateArgs(name: string, labels: Record<string, string>): string[] {
  return ['network', 'create', ...labelArgs(labels), name];
}

export interface ContainerSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  network: string | null;
  /** Network alias on `network`. */
  alias: string | null;
  /** Container port to publish on 127.0.0.1 at a port Docker picks. */
  publishPort: number | null;
  envFile: string | null;
  envArgs: string[];
  /** Overrides the image's healthcheck interval; 0 keeps it. */
  healthIntervalSeconds: number;
  /** Adds a healthcheck to images without one (sidecars such as PostgreSQL). */
  healthCmd: string | null;
  /** `--tmpfs` mounts: `<path>[:<options>]`. */
  tmpfs: string[];
  command: string[];
}

export function runArgs(spec: ContainerSpec): string[] {
  const args = ['run', '--detach', '--name', spec.name, ...labelArgs(spec.labels)];
  if (spec.network) args.push('--network', spec.network);
  if (spec.network && spec.alias) args.push('--network-alias', spec.alias);
  // 127.0.0.1 only, and no host port: Docker picks a free one, so parallel smoke tests never collide.
  if (spec.publishPort !== null) args.push('--publish', `127.0.0.1::${spec.publishPort}`);
  if (spec.envFile) args.push('--env-file', spec.envFile);
  args.push(...spec.envArgs);
  if (spec.healthCmd) args.push('--health-cmd', spec.healthCmd, '--health-retries', '30');
  // Keeps the image's own test command; only how often Docker runs it changes.
  if (spec.healthIntervalSeconds > 0) args.push('--health-interval', `${spec.healthIntervalSeconds}s`);
  for (const mount of spec.tmpfs) args.push('--tmpfs', mount);
  args.push(spec.image, ...spec.command);
  return args;
}

/** Runs `command` in a running container: the sidecar readiness probes (healthcheck, port). */
export function execArgs(container: string, command: string[]): string[] {
  return ['exec', container, ...command];
}

/**
 * A probe container in `target`'s network namespace, for a sidecar without /bin/sh: it only keeps a shell
 * alive (`read` on the stdin that --interactive holds open, so no sleep binary is needed) for docker exec.
 * Labelled like every container of the run, so the session always removes it.
 */
export function probeContainerArgs(spec: {
  name: string;
  image: string;
  labels: Record<string, string>;
  target: string;
}): string[] {
  return [
    'run',
    '--detach',
    '--interactive',
    '--name',
    spec.name,
    ...labelArgs(spec.labels),
    '--network',
    `container:${spec.target}`,
    '--entrypoint',
    '/bin/sh',
    spec.image,
    '-c',
    'read _',
  ];
}

export function stopArgs(name: string, timeoutSeconds: number): string[] {
  return ['stop', '-t', String(timeoutSeconds), name];
}

/** `docker port` prints `127.0.0.1:49153` (one line per binding; IPv6 ones look like `[::1]:49153`). */
export function parsePublishedPort(stdout: string): number | null {
  const bindings = stdout
    .split('\n')
    .map((line) => /^(\S+):(\d+)$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null);
  const ipv4 = bindings.find((match) => !match[1].startsWith('['));
  const chosen = ipv4 ?? bindings[0];
  return chosen ? Number(chosen[2]) : null;
}

export interface ContainerState {
  status: string;
  running: boolean;
  exitCode: number;
  oomKilled: boolean;
  /** `starting`, `healthy`, `unhealthy`, or null when the container has no healthcheck. */
  health: string | null;
  /** Output of the most recent healthcheck run, trimmed. */
  lastHealthOutput: string | null;
  startedAt: string;
  finishedAt: string;
}

/** Parses `docker container inspect --format '{{json .State}}'`. */
export function parseContainerState(json: string): ContainerState {
  const state = JSON.parse(json);
  const log: Array<{ Output?: string; ExitCode?: number }> = state?.Health?.Log ?? [];
  const last = log[log.length - 1];
  return {
    status: state?.Status ?? 'unknown',
    running: Boolean(state?.Running),
    exitCode: state?.ExitCode ?? -1,
    oomKilled: Boolean(state?.OOMKilled),
    health: state?.Health?.Status ?? null,
    lastHealthOutput: last ? `${(last.Output ?? '').trim() || '(no output)'} (exit ${last.ExitCode})` : null,
    startedAt: state?.StartedAt ?? '',
    finishedAt: state?.FinishedAt ?? '',
  };
}

/** `docker ps` / `docker network ls` filter for everything a run made: the last-resort sweep. */
export function runFilter(runId: string): string[] {
  return ['--filter', `label=${SMOKE_LABEL}=${runId}`];
}
