import pRetry from 'p-retry';
import { NxDockerError } from '../errors';

/**
 * Bounded retries with exponential backoff for registry work. Only errors marked transient are
 * retried; anything else (wrong credentials, a conflict) fails at once. When the budget is spent the
 * caller gets one clear error that says what was tried, how often, and the last cause.
 */
export class TransientError extends NxDockerError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.name = 'TransientError';
  }
}

export interface RetryOptions {
  /** Retries after the first attempt (0 = try once). */
  retries: number;
  /** Delay before the first retry; doubles each time. */
  minDelayMs: number;
  log?: (line: string) => void;
  /** Called before each retry, e.g. to log in again after `no basic auth credentials`. */
  beforeRetry?: (error: Error) => Promise<void>;
}

export async function withRetry<T>(what: string, run: () => Promise<T>, options: RetryOptions): Promise<T> {
  try {
    return await pRetry(run, {
      retries: options.retries,
      minTimeout: options.minDelayMs,
      maxTimeout: Math.max(options.minDelayMs, 30_000),
      factor: 2,
      shouldRetry: ({ error }) => error instanceof TransientError,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (!(error instanceof TransientError) || retriesLeft === 0) return;
        options.log?.(
          `${what}: attempt ${attemptNumber} failed (${firstLine(error.message)}); retrying, ${retriesLeft} left`,
        );
        await options.beforeRetry?.(error);
      },
    });
  } catch (error) {
    if (error instanceof TransientError) {
      throw new NxDockerError(
        `${what} failed after ${options.retries + 1} attempts: ${firstLine(error.message)}`,
        { hint: error.hint ?? 'Check that the registry is reachable, then run again.', cause: error },
      );
    }
    throw error;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}

/** Docker CLI output that means "try again": network trouble, 5xx, and the login race of ECR. */
const TRANSIENT_DOCKER_OUTPUT = [
  /connection refused/i,
  /connection reset/i,
  /i\/o timeout/i,
  /timed? ?out/i,
  /TLS handshake/i,
  /\bEOF\b/,
  /no such host/i,
  /\b50[0234]\b/,
  /internal server error|bad gateway|service unavailable|gateway timeout/i,
  /too many requests|toomanyrequests|\b429\b/i,
  /no basic auth credentials/i,
  /net\/http: request canceled/i,
];

/** Output that means the credentials are wrong: never retried (an endless loop would lock accounts). */
const CREDENTIAL_DOCKER_OUTPUT = [
  /unauthorized/i,
  /incorrect username or password/i,
  /authentication required/i,
  /\b401\b/,
  /denied/i,
];

export type DockerFailureKind = 'transient' | 'credentials' | 'expired' | 'other';

export function classifyDockerFailure(output: string): DockerFailureKind {
  if (/authorization token has expired|token.*expired/i.test(output)) return 'expired';
  if (/no basic auth credentials/i.test(output)) return 'transient';
  if (CREDENTIAL_DOCKER_OUTPUT.some((pattern) => pattern.test(output))) return 'credentials';
  if (TRANSIENT_DOCKER_OUTPUT.some((pattern) => pattern.test(output))) return 'transient';
  return 'other';
}

/** Removes every secret from a text before it reaches a log or an error. */
export function redact(text: string, secrets: (string | undefined | null)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}
