import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Activity, NO_ACTIVITY } from './activity';
import type { ContainerState } from './run-args';

/** How often the service's health path is asked: a request to a port published on 127.0.0.1 costs almost nothing. */
export const HTTP_INTERVAL_MS = 200;

/**
 * A sidecar's readiness test (one docker exec, ~0.3 s of CPU, which may retry inside the container) is tried
 * again when the container printed something since the last try, at most every MIN_TRY_GAP_MS, else every
 * QUIET_RETRY_MS. The service's healthcheck runs at most every MIN_TRY_GAP_MS.
 */
export const MIN_TRY_GAP_MS = 250;
export const QUIET_RETRY_MS = 2000;

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
  | { healthy: true; elapsedMs: number }
  | { healthy: false; reason: 'exited' | 'no-healthcheck' | 'timeout'; message: string; elapsedMs: number };

/** One run of the image's own healthcheck command in the container (docker exec). */
export interface HealthcheckRun {
  passed: boolean;
  /** What it printed or why it failed, in words, for messages. */
  detail: string;
}

export interface WaitProbes {
  state: () => Promise<ContainerState>;
  /** GET the health path on the published port. */
  http: () => Promise<HttpAnswer>;
  /** The image's HEALTHCHECK command, run once with docker exec; null when the image has none. */
  healthcheck: (() => Promise<HealthcheckRun>) | null;
  /** Wakes the wait when the container prints something or stops; without it, the wait only sleeps. */
  activity?: Activity;
}

export interface WaitOptions {
  /** Describes the container in messages, e.g. `catalogo-service`. */
  what: string;
  timeoutMs: number;
  /** Shown in messages, e.g. `GET /health on port 8000`. */
  httpLabel: string;
  /** Between HTTP tries (HTTP_INTERVAL_MS). */
  intervalMs?: number;
  signal?: AbortSignal;
  now?: () => number;
}

/**
 * Waits until the service is healthy: the health path answers 200 on the published port AND the image's own
 * healthcheck passes when run in the container, while Docker does not report it unhealthy. The health path is
 * asked every HTTP_INTERVAL_MS (almost free); the healthcheck (a docker exec, often a node process in the
 * container) runs only once it answers 200, and once at the deadline so the message says which of the two
 * fails. Docker is asked for the container's state only when its log stream ends (it stopped: the wait fails at
 * once) and with each healthcheck run, for the verdict.
 */
export async function waitUntilHealthy(probes: WaitProbes, options: WaitOptions): Promise<WaitOutcome> {
  const now = options.now ?? Date.now;
  const activity = probes.activity ?? NO_ACTIVITY;
  const started = now();
  const deadline = started + options.timeoutMs;
  if (!probes.healthcheck) {
    return {
      healthy: false,
      reason: 'no-healthcheck',
      elapsedMs: 0,
      message: `${options.what} has no healthcheck, so nothing can say it is healthy.`,
    };
  }
  let healthcheck: HealthcheckRun | null = null;
  let lastHealthcheckAt = -Infinity;
  let unhealthy: ContainerState | null = null;
  for (;;) {
    const answer = await probes.http();
    const httpPassed = answer.ok && answer.status === 200;
    // Again at most every MIN_TRY_GAP_MS, or every second once it failed while the health path answers 200.
    const gapMs = healthcheck?.passed === false ? 1000 : MIN_TRY_GAP_MS;
    if (httpPassed && now() - lastHealthcheckAt >= gapMs) {
      // Docker is asked for the state while the healthcheck runs: the verdict waits for one call, not two in turn.
      const [run, state] = await Promise.all([probes.healthcheck(), probes.state()]);
      healthcheck = run;
      lastHealthcheckAt = now();
      unhealthy = null;
      if (!state.running) return exited(options.what, state, now() - started, 'becoming healthy');
      if (healthcheck.passed) {
        if (state.health !== 'unhealthy') return { healthy: true, elapsedMs: now() - started };
        unhealthy = state;
      }
    }
    if (now() >= deadline) {
      healthcheck ??= await probes.healthcheck();
      return {
        healthy: false,
        reason: 'timeout',
        elapsedMs: now() - started,
        message: `${options.what} was not healthy within ${Math.round(options.timeoutMs / 100) / 10} s: ${notHealthy(answer, healthcheck, unhealthy, options.httpLabel)}`,
      };
    }
    const wake = await activity.next(
      Math.min(options.intervalMs ?? HTTP_INTERVAL_MS, Math.max(0, deadline - now())),
      options.signal,
    );
    if (wake === 'ended' || wake === 'ask') {
      const state = await probes.state();
      if (!state.running) return exited(options.what, state, now() - started, 'becoming healthy');
    }
  }
}

/** Why the service is not healthy, from the last answer of each probe. */
function notHealthy(
  answer: HttpAnswer,
  healthcheck: HealthcheckRun,
  unhealthy: ContainerState | null,
  httpLabel: string,
): string {
  const http = `${httpLabel} ${answer.ok ? `answered ${answer.status}` : `failed: ${answer.error}`}`;
  if (unhealthy) {
    return `its healthcheck passes (docker exec), but Docker reports it 'unhealthy'${lastHealth(unhealthy)}.`;
  }
  if (!healthcheck.passed) return `${http}; its healthcheck ${healthcheck.detail}.`;
  const listening = answer.ok
    ? ''
    : ' Its own healthcheck passes but nothing answers on the published port: is the app listening on another port than the one configured?';
  return `its healthcheck passes (docker exec), but ${http}.${listening}`;
}

function exited(
  what: string,
  state: ContainerState,
  elapsedMs: number,
  before: string,
): { healthy: false; reason: 'exited'; message: string; elapsedMs: number } {
  return {
    healthy: false,
    reason: 'exited',
    elapsedMs,
    message: `${what} exited with code ${state.exitCode}${state.oomKilled ? ' (killed: out of memory)' : ''} before ${before}.`,
  };
}

function lastHealth(state: ContainerState): string {
  return state.lastHealthOutput ? ` (last healthcheck: ${state.lastHealthOutput})` : '';
}

/** One try of a sidecar's readiness test. `fatal`: it can never pass (e.g. nothing to run the probe with). */
export interface Attempt {
  ready: boolean;
  /** What this try saw, in words: `a socket listens on 0.0.0.0:5432`, `pg_isready exited 2: no response`. */
  detail: string;
  fatal?: boolean;
  /** Cut short (the deadline, or the try's own time limit): it says nothing about the container. */
  incomplete?: boolean;
}

export interface ReadyProbes {
  /** Runs the readiness test once, within `remainingMs` (the time left before the deadline). */
  attempt: (remainingMs: number) => Promise<Attempt>;
  state: () => Promise<ContainerState>;
  /** Wakes the wait when the container prints something or stops; without it, the wait only sleeps. */
  activity?: Activity;
}

export interface ReadyOptions {
  /** E.g. `Sidecar 'db'`. */
  what: string;
  /** Completes "waited for …", e.g. `its healthCmd (pg_isready …) to pass`. */
  waitingFor: string;
  timeoutMs: number;
  /** The longest time between tries while the container prints nothing (QUIET_RETRY_MS). */
  quietRetryMs?: number;
  /** The shortest time between tries (MIN_TRY_GAP_MS). */
  minGapMs?: number;
  signal?: AbortSignal;
  now?: () => number;
}

export type ReadyOutcome =
  | { ready: true; elapsedMs: number; detail: string; dockerHealth: string | null }
  | { ready: false; reason: 'exited' | 'timeout' | 'unprobeable'; message: string; elapsedMs: number };

/** Tries shorter than this at the deadline are not started: a docker exec alone takes about 0.3 s. */
const MIN_ATTEMPT_MS = 1000;

/**
 * Tries a sidecar's readiness test until it passes, within the deadline: again when the container printed
 * something since the last try (at most every MIN_TRY_GAP_MS), else every QUIET_RETRY_MS. Docker is asked for
 * the container's state when a try passes (it is not believed while Docker reports the container unhealthy),
 * when one cannot ever pass, and when the container's log stream ends: an exited container fails at once.
 */
export async function waitUntilReady(probes: ReadyProbes, options: ReadyOptions): Promise<ReadyOutcome> {
  const now = options.now ?? Date.now;
  const activity = probes.activity ?? NO_ACTIVITY;
  const minGapMs = options.minGapMs ?? MIN_TRY_GAP_MS;
  const quietRetryMs = Math.max(options.quietRetryMs ?? QUIET_RETRY_MS, minGapMs);
  const started = now();
  const deadline = started + options.timeoutMs;
  const exitedBeforeReady = (state: ContainerState): ReadyOutcome => ({
    ready: false,
    reason: 'exited',
    elapsedMs: now() - started,
    message: `${options.what} exited with code ${state.exitCode}${state.oomKilled ? ' (killed: out of memory)' : ''} before becoming ready (waiting for ${options.waitingFor}).`,
  });
  let last: string | null = null;
  for (;;) {
    const attempt = await probes.attempt(Math.max(deadline - now(), MIN_ATTEMPT_MS));
    if (attempt.ready || attempt.fatal) {
      const state = await probes.state();
      if (!state.running) return exitedBeforeReady(state);
      if (attempt.fatal) {
        return {
          ready: false,
          reason: 'unprobeable',
          elapsedMs: now() - started,
          message: `${options.what} cannot be waited for: ${options.waitingFor} cannot be checked: ${attempt.detail}.`,
        };
      }
      if (state.health !== 'unhealthy') {
        return {
          ready: true,
          elapsedMs: now() - started,
          detail: attempt.detail,
          dockerHealth: state.health,
        };
      }
      last = `${attempt.detail}, but Docker reports it 'unhealthy'${lastHealth(state)}`;
    } else if (!attempt.incomplete || last === null) {
      // A try cut short does not replace what a finished one saw.
      last = attempt.detail;
    }
    const remaining = () => Math.max(0, deadline - now());
    await sleep(Math.min(minGapMs, remaining()), undefined, { signal: options.signal });
    const wake = await activity.next(Math.min(quietRetryMs - minGapMs, remaining()), options.signal);
    if (wake === 'ended' || wake === 'ask') {
      const state = await probes.state();
      if (!state.running) return exitedBeforeReady(state);
    }
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
