import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerState } from './run-args';

export type HttpAnswer = { ok: true; status: number; body: string } | { ok: false; error: string };

/**
 * One HTTP request, failure as data (execa's `reject: false` for probes). `agent: false` sends
 * `Connection: close`, so no pooled socket keeps the app busy when it is asked to stop.
 */
export function httpRequest(
  url: string,
  options: { method?: string; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', agent: false, signal: options.signal },
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

export interface WaitProbes {
  state: () => Promise<ContainerState>;
  /** The HTTP health probe; omitted for sidecars, whose Docker health is enough. */
  http?: () => Promise<HttpAnswer>;
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
 * Polls until Docker reports the container healthy AND (when given) the HTTP probe answers 200, within
 * the deadline. No fixed sleeps: a container that exits fails at once; one that never gets healthy fails at
 * the deadline with the last thing seen.
 */
export async function waitUntilHealthy(probes: WaitProbes, options: WaitOptions): Promise<WaitOutcome> {
  const now = options.now ?? Date.now;
  const started = now();
  const deadline = started + options.timeoutMs;
  let last = 'Docker has not reported a health status yet';
  let httpFailedWhileHealthy = false;
  for (;;) {
    const state = await probes.state();
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
    if (state.health !== 'healthy') {
      last = `Docker reports it '${state.health}'${state.lastHealthOutput ? `; last healthcheck: ${state.lastHealthOutput}` : ''}`;
      httpFailedWhileHealthy = false;
    } else if (!probes.http) {
      return { healthy: true, elapsedMs };
    } else {
      const answer = await probes.http();
      if (answer.ok && answer.status === 200) return { healthy: true, elapsedMs: now() - started };
      httpFailedWhileHealthy = !answer.ok;
      last = `Docker reports it healthy, but ${options.httpLabel ?? 'the health path'} ${answer.ok ? `answered ${answer.status}` : `failed: ${answer.error}`}`;
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
    await sleep(Math.min(options.intervalMs ?? 250, Math.max(0, deadline - now())), undefined, {
      signal: options.signal,
    });
  }
}
