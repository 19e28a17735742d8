import type { ReadinessCheck } from '../health/health.plugin';
import { UpstreamClient } from './upstream-client';

export interface UpstreamHealthCheckOptions {
  /** The upstream's name, as readiness reports it. */
  name: string;
  baseUrl: string;
  /** Its health path, e.g. /health. */
  path: string;
}

/**
 * A readiness check for an upstream service: asks its health path once, quickly (2 s, no retries: a probe must
 * not wait for retries), and fails unless it answers 200.
 */
export function upstreamHealthCheck({ name, baseUrl, path }: UpstreamHealthCheckOptions): ReadinessCheck {
  const probe = new UpstreamClient({ name, baseUrl, timeoutMs: 2000, retries: 0 });
  return async () => {
    const response = await probe.get(path);
    if (response.status !== 200) throw new Error(`${name} health answered ${response.status}`);
  };
}
