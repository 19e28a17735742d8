import type { ImageFacts } from '../../../lib/docker/inspect';
import type { NormalizedService } from './normalize-options';

/**
 * Pure: how a sidecar is waited for, and what is said about it. No process, no fs.
 *
 * Many images have no HEALTHCHECK (the official postgres image among them), so a sidecar is waited for by the
 * first of: its healthCmd, its image's HEALTHCHECK (both run with docker exec at short intervals, Docker's own
 * status must agree), its readyLog, a TCP port (readyPort, else the lowest one its image EXPOSEs). With none of
 * these there is nothing honest to wait for, and the run fails before starting it.
 */
export type Readiness =
  | {
      kind: 'health';
      source: 'healthCmd' | 'image';
      /** argv run with docker exec, as Docker runs the healthcheck (CMD-SHELL → /bin/sh -c). */
      command: string[];
      /** The command as configured, for messages. */
      display: string;
      /**
       * Run the command only once a socket listens on this port (the lowest one the image EXPOSEs): an image's
       * HEALTHCHECK is often a node process, too heavy to start four times a second while the service boots.
       */
      gatePort?: number;
    }
  | { kind: 'log'; pattern: string }
  | { kind: 'tcp'; port: number; source: 'readyPort' | 'expose' }
  | { kind: 'none' };

export function planReadiness(
  service: Pick<NormalizedService, 'healthCmd' | 'readyLog' | 'readyPort'>,
  image: Pick<ImageFacts, 'healthcheck' | 'exposedPorts'>,
): Readiness {
  if (service.healthCmd) {
    return {
      kind: 'health',
      source: 'healthCmd',
      command: ['/bin/sh', '-c', service.healthCmd],
      display: service.healthCmd,
    };
  }
  const imageCommand = image.healthcheck ? healthcheckCommand(image.healthcheck.test) : null;
  if (imageCommand) {
    const gatePort = lowestTcpPort(image.exposedPorts);
    return { kind: 'health', source: 'image', ...imageCommand, ...(gatePort === null ? {} : { gatePort }) };
  }
  if (service.readyLog) return { kind: 'log', pattern: service.readyLog };
  if (service.readyPort) return { kind: 'tcp', port: service.readyPort, source: 'readyPort' };
  const exposed = lowestTcpPort(image.exposedPorts);
  return exposed === null ? { kind: 'none' } : { kind: 'tcp', port: exposed, source: 'expose' };
}

/** A HEALTHCHECK test as Docker runs it: `["CMD", …]` as is, `["CMD-SHELL", cmd]` through /bin/sh -c. */
export function healthcheckCommand(test: string[]): { command: string[]; display: string } | null {
  const [kind, ...rest] = test;
  if (kind === 'CMD' && rest.length) return { command: rest, display: JSON.stringify(rest) };
  if (kind === 'CMD-SHELL' && rest.length)
    return { command: ['/bin/sh', '-c', rest.join(' ')], display: rest.join(' ') };
  return null;
}

/**
 * ExposedPorts is a JSON object: Docker keeps no EXPOSE order, so "the first" port is the lowest TCP one.
 * `5432/tcp` and `5432` (no protocol means TCP) count; UDP and SCTP ports do not.
 */
export function lowestTcpPort(exposedPorts: string[]): number | null {
  const ports = exposedPorts
    .map((entry) => /^(\d+)(?:\/(tcp))?$/i.exec(entry.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => Number(match[1]))
    .filter((port) => port >= 1 && port <= 65535);
  return ports.length ? Math.min(...ports) : null;
}

/** What the run waits for, completing "waited for …". */
export function describeReadiness(plan: Readiness): string {
  switch (plan.kind) {
    case 'health':
      return plan.source === 'healthCmd'
        ? `its healthCmd (${plan.display}) to pass`
        : `its image's HEALTHCHECK (${plan.display}) to pass`;
    case 'log':
      return `a line of its log to match /${plan.pattern}/m`;
    case 'tcp':
      return `TCP port ${plan.port} (${plan.source === 'readyPort' ? 'its readyPort' : 'the lowest port its image EXPOSEs'}) to accept connections from the run's network`;
    case 'none':
      return 'nothing (no healthCmd, no image HEALTHCHECK, no readyLog, no EXPOSEd TCP port)';
  }
}

/** The `pg_isready` a PostgreSQL sidecar needs: TCP, because first-start init runs a socket-only server. */
export function pgIsReadyCommand(user: string, db: string): string {
  return `pg_isready -h 127.0.0.1 -p 5432 -U ${user} -d ${db}`;
}

/** `postgres:15-bookworm`, `docker.io/library/postgres@sha256:…`, `postgis/postgis:16-3.4`. */
export function isPostgresImage(ref: string | undefined | null): boolean {
  if (!ref) return false;
  const repository = ref.split('@')[0].replace(/:[^/:]*$/, '');
  const name = repository.split('/').pop() ?? '';
  return name === 'postgres' || name === 'postgis';
}

/** The healthCmd for a PostgreSQL sidecar from its env, with the image's defaults (user postgres, db = user). */
export function postgresHealthCmd(env: Record<string, string> = {}): string {
  const user = env['POSTGRES_USER'] || 'postgres';
  return pgIsReadyCommand(user, env['POSTGRES_DB'] || user);
}

function healthCmdExample(service: Pick<NormalizedService, 'source' | 'env'>): string {
  if (service.source.kind === 'image' && isPostgresImage(service.source.ref)) {
    return `"healthCmd": "${postgresHealthCmd(service.env)}" (TCP: while PostgreSQL initialises on first start it listens on its Unix socket only)`;
  }
  return `"healthCmd": "pg_isready -h 127.0.0.1 -p 5432 -U <user> -d <db>" for PostgreSQL (any command that exits 0 once it is ready)`;
}

export function noReadinessMessage(alias: string): string {
  return `Sidecar '${alias}' has no healthcheck, no readyLog and its image EXPOSEs no TCP port, so there is nothing to wait for.`;
}

export type NotReadyReason = 'none' | 'exited' | 'timeout' | 'unprobeable';

/** What to do about a sidecar that did not become ready. */
export function readinessHint(
  service: Pick<NormalizedService, 'source' | 'env'>,
  plan: Readiness,
  reason: NotReadyReason,
): string {
  if (reason === 'exited') {
    return `Check its env (${Object.keys(service.env).join(', ') || 'none set'}) and its logs below.`;
  }
  if (plan.kind === 'health' && reason === 'timeout') {
    return 'Raise "timeoutSeconds" if it is only slow; otherwise read its logs below and check the command.';
  }
  const alternatives = reason === 'none' ? ', or a "readyLog" or "readyPort"' : '';
  return `Give the sidecar a ${healthCmdExample(service)}${alternatives}.`;
}

/** The passed check's message: how long, and what proved it ready. */
export function readyMessage(
  alias: string,
  elapsedMs: number,
  plan: Readiness,
  outcome: { detail: string; dockerHealth: string | null },
): string {
  const docker =
    plan.kind === 'health' && outcome.dockerHealth !== 'healthy'
      ? `; Docker health is still '${outcome.dockerHealth ?? 'none'}' (not unhealthy)`
      : '';
  return `sidecar ${alias} ready in ${(elapsedMs / 1000).toFixed(1)} s: ${outcome.detail}${docker}`;
}

/**
 * A POSIX sh script, builtins only (no nc, bash or node in the image needed), that exits 0 when a TCP socket
 * LISTENs on `port` at a non-loopback address in this network namespace: one other containers of the run can
 * connect to. It prints `listening <hex address>`, `loopback` (only 127.0.0.0/8 or ::1 listen) or `closed`.
 * Kernel format: `sl local_address rem_address st …`, address `0100007F:1538` (IPv4 in host byte order, port
 * in hex), state 0A = LISTEN. Docker's DNS resolver listens on 127.0.0.11 in every container: loopback.
 */
export function tcpListenScript(port: number, files = ['/proc/net/tcp', '/proc/net/tcp6']): string {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return [
    'seen=closed',
    `for f in ${files.join(' ')}; do`,
    '  [ -r "$f" ] || continue',
    '  while read -r _ local _ st _; do',
    '    [ "$st" = 0A ] || continue',
    `    case "$local" in *:${hexPort}) ;; *) continue ;; esac`,
    '    case "${local%:*}" in',
    '      ??????7F | 0000000000000000FFFF0000??????7F | 00000000000000000000000001000000) seen=loopback ;;',
    '      *) echo "listening ${local%:*}"; exit 0 ;;',
    '    esac',
    '  done <"$f"',
    'done',
    'echo "$seen"',
    'exit 1',
  ].join('\n');
}

/** Turns the script's answer into words: `listening on 0.0.0.0:5432`, `nothing listens on port 5432 yet`. */
export function describeTcpProbe(port: number, stdout: string): string {
  const answer = stdout.trim();
  const listening = /^listening ([0-9A-F]+)$/i.exec(answer);
  if (listening) return `a socket listens on ${procAddress(listening[1])}:${port}`;
  if (answer === 'loopback') {
    return `port ${port} listens on a loopback address only, which other containers cannot reach (make it listen on 0.0.0.0)`;
  }
  return `nothing listens on port ${port} yet`;
}

/** `00000000` → `0.0.0.0`, `0B00007F` → `127.0.0.11`, an all-zero IPv6 → `[::]`, else the kernel's hex. */
function procAddress(hex: string): string {
  if (hex.length === 8) {
    return (hex.match(/../g) ?? [])
      .reverse()
      .map((byte) => String(parseInt(byte, 16)))
      .join('.');
  }
  return /^0+$/.test(hex) ? '[::]' : `[${hex}]`;
}

/**
 * `docker exec` of a program the container does not have: exit 126 and the runtime's "no such file", which
 * the Docker 26 CLI prints on stdout, not stderr.
 */
export function isMissingExecutable(result: { exitCode: number; stdout: string; stderr: string }): boolean {
  return (
    (result.exitCode === 126 || result.exitCode === 127) &&
    /exec failed|executable file not found|no such file or directory/i.test(
      `${result.stdout}\n${result.stderr}`,
    )
  );
}

/** Between two runs of a readiness command inside the container (retryInContainer). */
export const IN_CONTAINER_PAUSE_SECONDS = 0.25;

/**
 * `command` run again and again inside the container by one `docker exec` of a /bin/sh loop, until it exits 0,
 * `tries` runs are done, or it cannot run at all (126/127: not found or not executable, which never mends).
 * With `gatePort`, a run only starts once a socket listens there (tcpListenScript, builtins only).
 * Each failed run prints its output and a `--- exit <code>` line (lastTry reads them, also from a loop cut short
 * at the deadline); a passing run prints its output and the loop exits 0. Measured on 2 cores: a `docker exec`
 * costs about 0.3 s of CPU and a `pg_isready` in the container a few ms; four PostgreSQL sidecars probed by one
 * exec per try took about 14 s to be ready in parallel, against 5 s without probes. A failing `sleep` (an image
 * without one) ends the loop, so it never spins; the caller then tries again as before.
 */
export function retryInContainer(
  command: string[],
  tries: number,
  options: { pauseSeconds?: number; gatePort?: number } = {},
): string[] {
  const gate = options.gatePort === undefined ? '' : tcpListenScript(options.gatePort);
  const loop = [
    'tries=$1 pause=$2 gate=$3',
    'shift 3',
    'n=1',
    'while :; do',
    '  if [ -n "$gate" ] && ! /bin/sh -c "$gate" >/dev/null 2>&1; then',
    `    out="not run: no socket listens on port ${options.gatePort} for the other containers yet" code=1`,
    '  else',
    '    out=$("$@" 2>&1) && { printf "%s\\n" "$out"; exit 0; }',
    '    code=$?',
    '  fi',
    '  printf "%s\\n--- exit %s\\n" "$out" "$code"',
    '  case $code in 126 | 127) exit $code ;; esac',
    '  [ "$n" -ge "$tries" ] && exit $code',
    '  n=$((n + 1))',
    '  sleep "$pause" 2>/dev/null || exit $code',
    'done',
  ].join('\n');
  const count = String(Math.max(1, Math.floor(tries)));
  const pause = String(options.pauseSeconds ?? IN_CONTAINER_PAUSE_SECONDS);
  return ['/bin/sh', '-c', loop, 'retry', count, pause, gate, ...command];
}

/** How many runs of retryInContainer fit in `ms`, counting the pauses only (a run takes time too). */
export function triesWithin(ms: number, pauseSeconds = IN_CONTAINER_PAUSE_SECONDS): number {
  return Math.max(1, Math.floor(ms / (pauseSeconds * 1000)));
}

/**
 * What retryInContainer's output says about its last finished run: its output and exit code (0 when the last
 * run passed). `exitCode` is null when no run finished (the loop was cut short before the first ended).
 */
export function lastTry(stdout: string, loopExitCode: number): { output: string; exitCode: number | null } {
  const parts = stdout.split(/^--- exit (\d+)$/m);
  if (loopExitCode === 0) return { output: parts[parts.length - 1].trim(), exitCode: 0 };
  if (parts.length < 3) return { output: stdout.trim(), exitCode: null };
  return { output: parts[parts.length - 3].trim(), exitCode: Number(parts[parts.length - 2]) };
}
