import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { BaseConfig } from '../config/base-config';
import { errorHandler, notFoundHandler } from '../errors/error-handler';
import { loggerOptions } from '../logging/logger-options';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The Fastify instance every service starts from: JSON logs, request ids (an incoming `x-request-id` is kept
 * when it is sane, echoed on every response), Ajv collecting all errors, and one JSON error format.
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
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  return app;
}
