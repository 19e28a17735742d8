import type { FastifyServerOptions } from 'fastify';
import type { BaseConfig } from '../config/base-config';

/**
 * Structured JSON on stdout, always: CloudWatch and `docker logs` read it, and behaviour never depends on
 * NODE_ENV. Credentials in headers are redacted.
 */
export function loggerOptions(
  config: Pick<BaseConfig, 'LOG_LEVEL' | 'SERVICE_NAME'>,
): FastifyServerOptions['logger'] {
  return {
    level: config.LOG_LEVEL,
    base: { service: config.SERVICE_NAME },
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  };
}
