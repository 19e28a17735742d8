/**
 * The plugin's one error type: a one-sentence message, then a hint that says what to do.
 * Executors let these propagate; Nx prints the message, and `toString` keeps the hint beside it.
 */
export class NxDockerError extends Error {
  readonly hint?: string;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(options.hint ? `${message}\nHint: ${options.hint}` : message, { cause: options.cause });
    this.name = 'NxDockerError';
    this.hint = options.hint;
  }
}
