import { HttpError } from '../errors/http-error';

export interface UpstreamClientOptions {
  /** Used in error messages and logs, e.g. "cliente-service". */
  name: string;
  baseUrl: string;
  /** Per attempt, covering connect, headers and body. */
  timeoutMs?: number;
  /** Extra attempts for idempotent methods after a network error, a timeout or a 502/503/504. */
  retries?: number;
  retryDelayMs?: number;
}

export interface UpstreamRequest {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  requestId?: string;
  /** Extra headers, e.g. `idempotency-key`. */
  headers?: Record<string, string>;
  /**
   * Retry a non-idempotent method too: only for calls the upstream makes idempotent itself (an idempotency key or
   * a unique reference), so a call that timed out after the upstream committed is answered, not repeated.
   */
  retrySafe?: boolean;
}

export interface UpstreamResponse<T = unknown> {
  status: number;
  body: T;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const RETRYABLE_STATUS = new Set([502, 503, 504]);

/** An upstream that cannot be reached (502) or that did not answer in time (504). */
export class UpstreamError extends HttpError {
  constructor(statusCode: 502 | 504, code: string, message: string, upstream: string, cause?: unknown) {
    super(statusCode, code, message, { upstream }, { cause });
  }
}

/**
 * HTTP client for our own upstream services, on Node's fetch. Every attempt has a deadline; idempotent calls
 * (and calls marked `retrySafe`) are retried once; failures become 502/504 HttpErrors so a route can simply let them propagate. 4xx answers
 * are returned to the caller, which decides what they mean.
 */
export class UpstreamClient {
  readonly name: string;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;

  constructor(options: UpstreamClientOptions) {
    this.name = options.name;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.retries = options.retries ?? 1;
    this.retryDelayMs = options.retryDelayMs ?? 100;
  }

  get<T>(path: string, request: UpstreamRequest = {}) {
    return this.request<T>('GET', path, request);
  }

  post<T>(path: string, request: UpstreamRequest = {}) {
    return this.request<T>('POST', path, request);
  }

  patch<T>(path: string, request: UpstreamRequest = {}) {
    return this.request<T>('PATCH', path, request);
  }

  async request<T>(
    method: string,
    path: string,
    request: UpstreamRequest = {},
  ): Promise<UpstreamResponse<T>> {
    const attempts = IDEMPOTENT.has(method) || request.retrySafe ? 1 + this.retries : 1;
    let failure: UpstreamError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
      }
      try {
        const response = await this.once<T>(method, path, request);
        if (!RETRYABLE_STATUS.has(response.status) && response.status < 500) {
          return response;
        }
        failure = new UpstreamError(
          502,
          'UPSTREAM_ERROR',
          `${this.name} answered ${response.status} to ${method} ${path}`,
          this.name,
        );
      } catch (err) {
        failure = this.toUpstreamError(err, method, path);
      }
    }
    throw failure;
  }

  private async once<T>(
    method: string,
    path: string,
    request: UpstreamRequest,
  ): Promise<UpstreamResponse<T>> {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { ...request.headers, accept: 'application/json' };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.requestId) headers['x-request-id'] = request.requestId;
    const response = await fetch(url, {
      method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    let body: unknown = text;
    if (text && (response.headers.get('content-type') ?? '').includes('json')) {
      body = JSON.parse(text);
    }
    return { status: response.status, body: body as T };
  }

  private toUpstreamError(err: unknown, method: string, path: string): UpstreamError {
    const error = err as Error & { cause?: { code?: string; message?: string } };
    if (error.name === 'TimeoutError' || error.name === 'AbortError') {
      return new UpstreamError(
        504,
        'UPSTREAM_TIMEOUT',
        `${this.name} did not answer ${method} ${path} within ${this.timeoutMs} ms`,
        this.name,
        err,
      );
    }
    const reason = error.cause?.code ?? error.cause?.message ?? error.message;
    return new UpstreamError(
      502,
      'UPSTREAM_UNAVAILABLE',
      `${this.name} is unavailable (${method} ${path}: ${reason})`,
      this.name,
      err,
    );
  }
}
