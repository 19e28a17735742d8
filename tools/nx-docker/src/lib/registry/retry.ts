import pRetry from 'p-retry';
import { NxDockerError } from '../errors';

/**
 * Bounded retries with exponential backoff for registry work. Only errors marked transient are
 * retried; anything else (an unknown host, refused credentials, a 4xx, a conflict) fails at once, and the
 * log says which attempt it was. When the budget is spent the caller gets one clear error that says what
 * was tried, how often, and the last cause.
 */
export class TransientError extends NxDockerError {
  /** Log in again before the next attempt (an expired token, a lost or refused login). */
  readonly relogin: boolean;

  constructor(message: string, options: { hint?: string; cause?: unknown; relogin?: boolean } = {}) {
    super(message, options);
    this.name = 'TransientError';
    this.relogin = options.relogin ?? false;
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
  const attempts = options.retries + 1;
  try {
    return await pRetry(run, {
      retries: options.retries,
      minTimeout: options.minDelayMs,
      maxTimeout: Math.max(options.minDelayMs, 30_000),
      factor: 2,
      shouldRetry: ({ error }) => error instanceof TransientError,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (!(error instanceof TransientError)) {
          options.log?.(
            `${what}: attempt ${attemptNumber} of ${attempts} failed, not retried (${firstLine(error.message)})`,
          );
          return;
        }
        if (retriesLeft === 0) return;
        options.log?.(
          `${what}: attempt ${attemptNumber} of ${attempts} failed (${firstLine(error.message)}); retrying, ${retriesLeft} left`,
        );
        await options.beforeRetry?.(error);
      },
    });
  } catch (error) {
    if (error instanceof TransientError) {
      throw new NxDockerError(`${what} failed after ${attempts} attempts: ${firstLine(error.message)}`, {
        hint: error.hint ?? 'Check that the registry is reachable, then run again.',
        cause: error,
      });
    }
    throw error;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}

/**
 * What a failed registry call means, and so whether it is retried. Only `transient` failures (timeouts,
 * connection resets and refusals, 5xx, 429) are retried as they are; `expired` and `login-required` are retried
 * after a fresh login; `credentials` gets one fresh login (a rotated password, a revoked token), and a second
 * refusal stops; the rest are permanent and fail at once with their cause.
 */
export type FailureKind =
  'transient' | 'expired' | 'login-required' | 'credentials' | 'denied' | 'unknown-host' | 'other';

/** Docker CLI output of a name that does not exist (NXDOMAIN): a typo, never fixed by waiting. */
const UNKNOWN_HOST_OUTPUT = [
  /no such host/i,
  /\bENOTFOUND\b/,
  /name or service not known/i,
  /nodename nor servname/i,
];

/**
 * Docker CLI output that means "try again". The resolver failing to answer (`server misbehaving` is SERVFAIL;
 * `lookup …: i/o timeout`) is a timeout of the DNS server, not an answer about the name, so it is transient,
 * like EAI_AGAIN below. EOF is the registry closing the connection mid-request: a reset.
 */
const TRANSIENT_DOCKER_OUTPUT = [
  /connection refused/i,
  /connection reset/i,
  /broken pipe/i,
  /i\/o timeout/i,
  /timed? ?out/i,
  /deadline exceeded/i,
  /net\/http: request canceled/i,
  /server misbehaving/i,
  /\bEAI_AGAIN\b/,
  /\bEOF\b/,
  /(?:status|code)[:= ]+(?:5\d\d|429|408)\b/i,
  /\b(?:5\d\d|429|408) (?:[A-Z][a-z]+ ?)+/,
  /internal server error|bad gateway|service unavailable|gateway time-?out/i,
  /too many requests|toomanyrequests/i,
];

/** Output that means the credentials were refused (401): one fresh login, never a loop (it would lock accounts). */
const CREDENTIAL_DOCKER_OUTPUT = [
  /unauthorized/i,
  /incorrect username or password/i,
  /authentication required/i,
  /\b401\b/,
];

/** Output that means "not allowed" (403): a permission, which a fresh login does not change. */
const DENIED_DOCKER_OUTPUT = [/\bdenied\b/i, /\b403\b/, /forbidden/i];

/**
 * Pure: the kind of a failed docker CLI call, from what it wrote to stderr (where docker writes its error;
 * stdout holds the progress output, whose layer sizes and "Retrying in" lines must not decide anything).
 */
export function classifyDockerFailure(stderr: string): FailureKind {
  if (/authorization token has expired|token.*expired/i.test(stderr)) return 'expired';
  if (/no basic auth credentials/i.test(stderr)) return 'login-required';
  if (CREDENTIAL_DOCKER_OUTPUT.some((pattern) => pattern.test(stderr))) return 'credentials';
  if (DENIED_DOCKER_OUTPUT.some((pattern) => pattern.test(stderr))) return 'denied';
  if (UNKNOWN_HOST_OUTPUT.some((pattern) => pattern.test(stderr))) return 'unknown-host';
  if (TRANSIENT_DOCKER_OUTPUT.some((pattern) => pattern.test(stderr))) return 'transient';
  return 'other';
}

/** Network error codes (Node, undici) that mean "try again": timeouts, resets, refusals. */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'TimeoutError',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  // getaddrinfo's "temporary failure in name resolution": the resolver did not answer (a timeout or SERVFAIL),
  // which says nothing about the name; ENOTFOUND is the answer "no such name".
  'EAI_AGAIN',
]);

/**
 * Pure: the kind of a failed HTTP request from its error code. ENOTFOUND is a name that does not exist;
 * anything not listed (TLS certificate errors, EPROTO from HTTPS to an HTTP port, EHOSTUNREACH) is permanent.
 */
export function classifyNetworkFailure(code: string): FailureKind {
  if (code === 'ENOTFOUND') return 'unknown-host';
  return TRANSIENT_NETWORK_CODES.has(code) ? 'transient' : 'other';
}

/** Pure: the kind of an HTTP answer that is not a success (404 is an answer, never passed here). */
export function classifyHttpStatus(status: number): FailureKind {
  if (status >= 500 || status === 429 || status === 408) return 'transient';
  if (status === 401) return 'credentials';
  if (status === 403) return 'denied';
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

/** The last non-empty line of a text, trimmed ('' when there is none). */
export function lastLine(text: string): string {
  const lines = text.split('\n').filter((line) => line.trim());
  return lines[lines.length - 1]?.trim() ?? '';
}
