import type { Finding } from '../../../lib/checks/index';
import type { SmokeCheck, SmokeManifest } from '../../../lib/results/smoke-manifest';
import type { NormalizedEndpoint } from './normalize-options';
import type { HttpAnswer } from './probe';

/** Pure: turns what was observed into checks, messages and the summary. */

export function findingToCheck(finding: Finding): SmokeCheck {
  const status = finding.severity === 'ok' ? 'passed' : finding.severity === 'error' ? 'failed' : 'warning';
  return {
    check: finding.check,
    status,
    message: finding.message,
    ...(finding.hint ? { hint: finding.hint } : {}),
  };
}

/**
 * `GET /api/profile/1`, `GET /api/profile/1 [bearer sub=2]`, `POST /api/sales [headers Idempotency-Key]`: the
 * same path called as different callers stays a distinct check. Header values are never shown.
 */
export function endpointLabel(
  endpoint: Pick<NormalizedEndpoint, 'method' | 'path'> &
    Partial<Pick<NormalizedEndpoint, 'headers' | 'bearerSubject'>>,
): string {
  const names = Object.keys(endpoint.headers ?? {});
  const extras = [
    endpoint.bearerSubject ? `bearer sub=${endpoint.bearerSubject}` : null,
    names.length ? `headers ${names.join(', ')}` : null,
  ].filter(Boolean);
  return `${endpoint.method} ${endpoint.path}${extras.length ? ` [${extras.join('; ')}]` : ''}`;
}

export function evaluateEndpoint(endpoint: NormalizedEndpoint, answer: HttpAnswer): SmokeCheck {
  const check = `endpoint ${endpointLabel(endpoint)}`;
  const failed = (message: string, hint?: string): SmokeCheck => ({
    check,
    status: 'failed',
    message: `${endpointLabel(endpoint)}: ${message}`,
    ...(hint ? { hint } : {}),
  });
  if (!answer.ok) return failed(`request failed: ${answer.error}.`);
  if (answer.status !== endpoint.status) {
    return failed(`expected status ${endpoint.status}, got ${answer.status}. Body: ${excerpt(answer.body)}`);
  }
  if (endpoint.bodyContains !== null && !answer.body.includes(endpoint.bodyContains)) {
    return failed(
      `the body does not contain ${JSON.stringify(endpoint.bodyContains)}. Body: ${excerpt(answer.body)}`,
    );
  }
  if (endpoint.json !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.body);
    } catch {
      return failed(`the body is not JSON. Body: ${excerpt(answer.body)}`);
    }
    const mismatch = findJsonMismatch(parsed, endpoint.json, '$');
    if (mismatch) return failed(`${mismatch}. Body: ${excerpt(answer.body)}`);
  }
  return { check, status: 'passed', message: `${endpointLabel(endpoint)} → ${answer.status}` };
}

/**
 * Partial deep match: every field of `expected` must be in `actual` with an equal value; nested objects
 * match partially, arrays and scalars exactly. Returns the first mismatch, or null.
 */
export function findJsonMismatch(actual: unknown, expected: unknown, path: string): string | null {
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return `${path} should be an object, got ${JSON.stringify(actual)}`;
    for (const [key, value] of Object.entries(expected)) {
      if (!(key in actual)) return `${path}.${key} is missing`;
      const mismatch = findJsonMismatch(actual[key], value, `${path}.${key}`);
      if (mismatch) return mismatch;
    }
    return null;
  }
  return JSON.stringify(actual) === JSON.stringify(expected)
    ? null
    : `${path} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function excerpt(body: string, max = 200): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  if (!flat) return '(empty)';
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** docker stop: within the bound, and an exit code that says the app stopped itself on SIGTERM. */
export function evaluateStop(
  result: { exitCode: number; stopMs: number; stillRunning: boolean },
  stopTimeoutSeconds: number,
): SmokeCheck {
  const seconds = (result.stopMs / 1000).toFixed(1);
  const hint =
    'Handle SIGTERM in the app and close the server (service-kit startServer does, via close-with-grace); a process that is PID 1 ignores SIGTERM unless it installs a handler. Or run it under an init (tini, docker run --init).';
  if (result.stillRunning) {
    return {
      check: 'stop',
      status: 'failed',
      message: `docker stop did not end the container within ${stopTimeoutSeconds} s.`,
      hint,
    };
  }
  if (result.exitCode === 137) {
    return {
      check: 'stop',
      status: 'failed',
      message: `The app ignored SIGTERM: Docker had to kill it after ${stopTimeoutSeconds} s (exit code 137).`,
      hint,
    };
  }
  if (result.exitCode !== 0 && result.exitCode !== 143) {
    return {
      check: 'stop',
      status: 'failed',
      message: `On SIGTERM the app exited with code ${result.exitCode} after ${seconds} s; a clean stop exits 0 (or 143).`,
      hint: 'Make the SIGTERM handler close the server and exit 0; read the logs below for the error.',
    };
  }
  return {
    check: 'stop',
    status: 'passed',
    message: `stopped in ${seconds} s with exit code ${result.exitCode}`,
  };
}

/** One line per check, then its hint: `✔ platform linux/amd64` / `✖ user: The image runs as root…`. */
export function formatChecks(checks: SmokeCheck[]): string {
  return checks
    .map((c) => {
      if (c.status === 'passed') return `  ✔ ${c.message}`;
      const mark = c.status === 'failed' ? '✖' : '⚠';
      return `  ${mark} ${c.check}: ${c.message}${c.hint ? `\n      Hint: ${c.hint}` : ''}`;
    })
    .join('\n');
}

export interface ContainerLog {
  /** `catalogo-service` or `sidecar db`. */
  role: string;
  name: string;
  text: string;
}

/** The failure first (which check, why, what to do), then the last lines of every container's log. */
export function formatFailure(
  manifest: SmokeManifest,
  logs: ContainerLog[] | null,
  logLines: number,
): string {
  const failed = manifest.checks.filter((c) => c.status === 'failed');
  if (!failed.length) return '';
  const lines = [`Smoke test of ${manifest.project} failed: ${failed.map((c) => c.check).join(', ')}`];
  for (const check of failed) {
    lines.push(`  ✖ ${check.check}: ${check.message}`, ...(check.hint ? [`    Hint: ${check.hint}`] : []));
  }
  if (logs === null) lines.push('The image was not started: structure checks fail before docker run.');
  for (const log of logs ?? []) {
    lines.push('', `--- last ${logLines} log lines of ${log.role} (${log.name}) ---`);
    lines.push(log.text.trim() ? log.text.trimEnd() : '(no output)');
  }
  return lines.join('\n');
}

/** The last line: `✔ catalogo-service smoke test passed: image …, 9/9 checks, healthy in 2.1 s, stopped in 0.3 s`. */
export function summaryLine(manifest: SmokeManifest): string {
  const passed = manifest.checks.filter((c) => c.status !== 'failed').length;
  const parts = [
    `image ${manifest.image} (${manifest.imageId.replace(/^sha256:/, '').slice(0, 12)})`,
    `${passed}/${manifest.checks.length} checks passed`,
    manifest.timings.timeToHealthyMs !== null
      ? `healthy in ${seconds(manifest.timings.timeToHealthyMs)}`
      : 'never healthy',
    ...(manifest.timings.stopMs !== null ? [`stopped in ${seconds(manifest.timings.stopMs)}`] : []),
    `total ${seconds(manifest.timings.totalMs)}`,
  ];
  return `${manifest.passed ? '✔' : '✖'} ${manifest.project} smoke test ${manifest.passed ? 'passed' : 'FAILED'}: ${parts.join(', ')}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export interface SmokeObservations {
  project: string;
  imageId: string;
  image: string;
  platform: string;
  /** Structure checks, then runtime checks, in the order they ran. */
  checks: SmokeCheck[];
  healthy: boolean;
  structureMs: number;
  timeToHealthyMs: number | null;
  stopMs: number | null;
  totalMs: number;
  testedAt: string;
}

export function toSmokeManifest(observed: SmokeObservations): SmokeManifest {
  const failed = observed.checks.find((c) => c.status === 'failed') ?? null;
  return {
    version: 1,
    project: observed.project,
    imageId: observed.imageId,
    image: observed.image,
    platform: observed.platform,
    passed: failed === null,
    healthy: observed.healthy,
    testedAt: observed.testedAt,
    checks: observed.checks,
    timings: {
      structureMs: observed.structureMs,
      timeToHealthyMs: observed.timeToHealthyMs,
      stopMs: observed.stopMs,
      totalMs: observed.totalMs,
    },
    failure: failed
      ? { check: failed.check, message: failed.message, ...(failed.hint ? { hint: failed.hint } : {}) }
      : null,
  };
}
