import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { BaseConfig } from '../config/base-config';
import { errorHandler, notFoundHandler } from '../errors/error-handler';
import { badRequest } from '../errors/http-error';
import { nonFiniteFields } from '../http/finite-numbers';
import { loggerOptions } from '../logging/logger-options';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Our largest legitimate body is a 100-line basket (~5 KiB); anything past 64 KiB is refused with 413. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/**
 * The Fastify instance every service starts from: JSON logs, request ids (an incoming `x-request-id` is kept
 * when it is sane, echoed on every response), Ajv collecting all errors, one JSON error format, and a 64 KiB body
 * limit.
 * It never listens: main.ts calls startServer, tests call inject.
 */
export function createApp(
  config: Pick<BaseConfig, 'LOG_LEVEL' | 'SERVICE_NAME'>,
  overrides: Partial<FastifyServerOptions> = {},
): FastifyInstance {
  const app = Fastify({
    logger: loggerOptions(config),
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    bodyLimit: DEFAULT_BODY_LIMIT,
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
    ...overrides,
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // After close() starts, idle keep-alive sockets are closed, but a socket whose request is still in flight
  // would stay open (keep-alive) after its response and hold close() until the keep-alive timeout: docker
  // stop would then end in SIGKILL. Answer in-flight requests with `Connection: close` instead.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  // After validation (and Ajv's coercion): `?offset=1e309` became Infinity, which no schema bound catches.
  app.addHook('preHandler', async (request) => {
    const fields = [
      ...nonFiniteFields('params', request.params),
      ...nonFiniteFields('querystring', request.query),
      ...nonFiniteFields('body', request.body),
    ];
    if (fields.length) throw badRequest('The request is not valid', fields);
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  return app;
}
