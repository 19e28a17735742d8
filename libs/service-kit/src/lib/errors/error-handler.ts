import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, type FieldError } from './http-error';

interface ValidationIssue {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Fastify/Ajv validation issues → `[{ field: 'body.price', message: 'must be >= 0' }]`. */
export function toFieldErrors(context: string | undefined, issues: ValidationIssue[]): FieldError[] {
  return issues.map((issue) => {
    const path = issue.instancePath.split('/').filter(Boolean);
    if (typeof issue.params?.['missingProperty'] === 'string') {
      path.push(issue.params['missingProperty']);
    }
    if (typeof issue.params?.['additionalProperty'] === 'string') {
      path.push(issue.params['additionalProperty']);
    }
    return { field: [context ?? 'body', ...path].join('.'), message: issue.message ?? 'is invalid' };
  });
}

export function errorHandler(error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply) {
  if ('validation' in error && error.validation) {
    return reply.code(400).send({
      error: {
        code: 'VALIDATION_ERROR',
        message: 'The request is not valid',
        fields: toFieldErrors(error.validationContext, error.validation as ValidationIssue[]),
      },
      requestId: request.id,
    });
  }
  if (error instanceof HttpError) {
    if (error.statusCode >= 500) {
      request.log.warn({ err: error }, error.message);
    }
    return reply.code(error.statusCode).send({
      error: {
        code: error.code,
        message: error.message,
        ...(error.details && typeof error.details === 'object' ? error.details : {}),
      },
      requestId: request.id,
    });
  }
  const statusCode = error.statusCode ?? 500;
  if (statusCode >= 400 && statusCode < 500) {
    // Malformed JSON, body too large, unsupported media type…: Fastify's own client errors.
    return reply.code(statusCode).send({
      error: { code: error.code ?? 'BAD_REQUEST', message: error.message },
      requestId: request.id,
    });
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply
    .code(500)
    .send({ error: { code: 'INTERNAL_ERROR', message: 'Internal server error' }, requestId: request.id });
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return reply.code(404).send({
    error: { code: 'NOT_FOUND', message: `Route ${request.method} ${request.url} not found` },
    requestId: request.id,
  });
}
