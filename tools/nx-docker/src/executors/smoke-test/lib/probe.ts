import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerState } from './run-args';

/**
 * How long a wait sleeps between tries. Each try spawns the docker CLI (tens of ms of CPU): four smoke tests
 * polling every 250 ms on 2 cores spent a large share of the CPU the containers needed to start, while Docker
 * updates a health status only once per start interval (HEALTH_START_INTERVAL_MS in runtime.ts).
 */
export const POLL_INTERVAL_MS = 500;

export type HttpAnswer = { ok: true; status: number; body: string } | { ok: false; error: string };

/**
 * One HTTP request, failure as data (execa's `reject: false` for probes). `agent: false` sends
 * `Connection: close`, so no pooled socket keeps the app busy when it is asked to stop.
 */
export function httpRequest(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    timeoutMs?: number;
    signal?: AbortSignal;
  } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false, signal: options.signal },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ ok: true, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', (error) => resolve({ ok: false, error: describeError(error) }));
      },
    );
    req.setTimeout(options.timeoutMs ?? 3000, () =>
      req.destroy(new Error(`no answer within ${options.timeoutMs ?? 3000} ms`)),
    );
    req.on('error', (error) => resolve({ ok: false, error: describeError(error) }));
    req.end();
  });
}

function describeError(error: Error & { code?: string }): string {
  return error.code && !error.message.includes(error.code) ? `${error.code} ${error.message}` : error.message;
}

export type WaitOutcome =
  /** `docker`: Docker reported it healthy; `exec`: the image's healthcheck passed with docker exec. */
  | { healthy: true; elapsedMs: number; verdict: 'docker' | 'exec' }
  | { healthy: false; reason: 'exited' | 'no-healthcheck' | 'timeout'; message: string; elapsedMs: number };

export interface WaitProbes {
  state: () => Promise<ContainerState>;
  /** The HTTP health probe; omitted for sidecars, whose Docker health is enough. */
  http?: () => Promise<HttpAnswer>;
  /**
   * The image's own healthcheck command run once (docker exec), true when it exits 0: then Docker's status
   * need not be `healthy` yet, only not `unhealthy`. For engines that cannot run it at short intervals.
   */
  healthcheck?: () => Promise<boolean>;
}

export interface WaitOptions {
  /** Describes the container in messages, e.g. `catalogo-service` or `sidecar 'db'`. */
  what: string;
  timeoutMs: number;
  /** Shown in messages, e.g. `GET /health on port 8000`. */
  httpLabel?: string;
  intervalMs?: number;
  signal?: AbortSignal;
  now?: () => number;
}

/**
 * Polls until Docker reports the container healthy (or, when given, its healthcheck passes with docker exec
 * while Docker does not report it unhealthy) AND (when given) the HTTP probe answers 200, within the deadline. No fixed sleeps: a container that exits fails at once; one that never gets healthy fails at
 * the deadline with the last thing seen.
 */
export async function waitUntilHealthy(probes: WaitProbes, options: WaitOptions): Promise<WaitOutcome> {
  const now = options.now ?? Date.now;
  const started = now();
  const deadline = started + options.timeoutMs;
  let last = 'Docker has not reported a health status yet';
  let httpFailedWhileHealthy = false;
  for (;;) {
    const [state, execPassed] = await Promise.all([
      probes.state(),
      probes.healthcheck ? probes.healthcheck() : Promise.resolve(false),
    ]);
    const elapsedMs = now() - started;
    if (!state.running) {
      return {
        healthy: false,
        reason: 'exited',
        elapsedMs,
        message: `${options.what} exited with code ${state.exitCode}${state.oomKilled ? ' (killed: out of memory)' : ''} before becoming healthy.`,
      };
    }
    if (state.health === null) {
      return {
        healthy: false,
        reason: 'no-healthcheck',
        elapsedMs,
        message: `${options.what} has no healthcheck, so Docker can never report it healthy.`,
      };
    }
    const verdict =
      state.health === 'healthy' ? 'docker' : execPassed && state.health !== 'unhealthy' ? 'exec' : null;
    if (verdict === null) {
      last = `Docker reports it '${state.health}'${state.lastHealthOutput ? `; last healthcheck: ${state.lastHealthOutput}` : ''}`;
      httpFailedWhileHealthy = false;
    } else if (!probes.http) {
      return { healthy: true, elapsedMs, verdict };
    } else {
      const answer = await probes.http();
      if (answer.ok && answer.status === 200) return { healthy: true, elapsedMs: now() - started, verdict };
      httpFailedWhileHealthy = !answer.ok;
      last = `${verdict === 'docker' ? 'Docker reports it healthy' : 'its healthcheck passes (docker exec)'}, but ${options.httpLabel ?? 'the health path'} ${answer.ok ? `answered ${answer.status}` : `failed: ${answer.error}`}`;
    }
    if (now() >= deadline) {
      const listening = httpFailedWhileHealthy
        ? ' Its own healthcheck passes but nothing answers on the published port: is the app listening on another port than the one configured?'
        : '';
      return {
        healthy: false,
        reason: 'timeout',
        elapsedMs: now() - started,
        message: `${options.what} was not healthy within ${Math.round(options.timeoutMs / 100) / 10} s: ${last}.${listening}`,
      };
    }
    await sleep(Math.min(options.intervalMs ?? POLL_INTERVAL_MS, Math.max(0, deadline - now())), undefined, {
      signal: options.signal,
    });
  }
}

/** One try of a sidecar's readiness test. `fatal`: it can never pass (e.g. nothing to run the probe with). */
export interface Attempt {
  ready: boolean;
  /** What this try saw, in words: `a socket listens on 0.0.0.0:5432`, `pg_isready exited 2: no response`. */
  detail: string;
  fatal?: boolean;
  /** Cut short (the deadline, or the try's own time limit): it says nothing about the container. */
  incomplete?: boolean;
  /** Nothing was run: Docker runs the check, so what Docker last saw is the detail. */
  fromState?: boolean;
}

export interface ReadyProbes {
  /** Runs the readiness test once, within `remainingMs` (the time left before the deadline). */
  attempt: (remainingMs: number) => Promise<Attempt>;
  state: () => Promise<ContainerState>;
}

export interface ReadyOptions {
  /** E.g. `Sidecar 'db'`. */
  what: string;
  /** Completes "waited for …", e.g. `its healthCmd (pg_isready …) to pass`. */
  waitingFor: string;
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
  now?: () => number;
}

export type ReadyOutcome =
  | { ready: true; elapsedMs: number; detail: string; dockerHealth: string | null }
  | { ready: false; reason: 'exited' | 'timeout' | 'unprobeable'; message: string; elapsedMs: number };

/** Tries shorter than this at the deadline are not started: a docker exec alone takes about 0.3 s. */
const MIN_ATTEMPT_MS = 1000;

/**
 * Polls a sidecar's readiness test (by default 500 ms after each try ends) until it passes, within the
 * deadline. The container state is read beside each try: an exited container fails at once, Docker's own
 * `healthy` is accepted, and a passing try is not believed while Docker reports the container `unhealthy`.
 */
export async function waitUntilReady(probes: ReadyProbes, options: ReadyOptions): Promise<ReadyOutcome> {
  const now = options.now ?? Date.now;
  const started = now();
  const deadline = started + options.timeoutMs;
  let last: string | null = null;
  for (;;) {
    const [attempt, state] = await Promise.all([
      probes.attempt(Math.max(deadline - now(), MIN_ATTEMPT_MS)),
      probes.state(),
    ]);
    const elapsedMs = now() - started;
    if (!state.running) {
      return {
        ready: false,
        reason: 'exited',
        elapsedMs,
        message: `${options.what} exited with code ${state.exitCode}${state.oomKilled ? ' (killed: out of memory)' : ''} before becoming ready (waiting for ${options.waitingFor}).`,
      };
    }
    if (state.health === 'healthy') {
      return { ready: true, elapsedMs, detail: 'Docker reports it healthy', dockerHealth: state.health };
    }
    if (attempt.fatal) {
      return {
        ready: false,
        reason: 'unprobeable',
        elapsedMs,
        message: `${options.what} cannot be waited for: ${options.waitingFor} cannot be checked: ${attempt.detail}.`,
      };
    }
    if (attempt.ready && state.health !== 'unhealthy') {
      return { ready: true, elapsedMs, detail: attempt.detail, dockerHealth: state.health };
    }
    // A try cut short does not replace what a finished one saw.
    if (attempt.fromState) {
      last = `Docker reports it '${state.health ?? 'no health'}'${state.lastHealthOutput ? `; last healthcheck: ${state.lastHealthOutput}` : ''}`;
    } else if (!attempt.incomplete || last === null) {
      last = attempt.ready
        ? `${attempt.detail}, but Docker reports it 'unhealthy'${state.lastHealthOutput ? ` (last healthcheck: ${state.lastHealthOutput})` : ''}`
        : attempt.detail;
    }
    await sleep(Math.min(options.intervalMs ?? POLL_INTERVAL_MS, Math.max(0, deadline - now())), undefined, {
      signal: options.signal,
    });
    if (deadline - now() < MIN_ATTEMPT_MS) {
      return {
        ready: false,
        reason: 'timeout',
        elapsedMs: now() - started,
        message: `${options.what} was not ready within ${Math.round(options.timeoutMs / 100) / 10} s: waited for ${options.waitingFor}; last: ${last ?? 'no try finished'}.`,
      };
    }
  }
}
