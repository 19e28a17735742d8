export interface FieldError {
  field: string;
  message: string;
}

/** An error with the HTTP status and JSON body the client should get. */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const notFound = (message: string) => new HttpError(404, 'NOT_FOUND', message);
export const conflict = (message: string, details?: unknown) =>
  new HttpError(409, 'CONFLICT', message, details);
export const badRequest = (message: string, fields: FieldError[]) =>
  new HttpError(400, 'VALIDATION_ERROR', message, { fields });
