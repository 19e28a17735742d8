import { createApp, healthPlugin, UpstreamClient, upstreamHealthCheck } from '@ventas/service-kit';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config';
import { authPlugin } from './plugins/auth.plugin';
import { customersRoutes } from './routes/customers.routes';

/** The customer app's backend, never listening: main.ts starts it, tests inject into it. */
export function buildApp(config: Config): FastifyInstance {
  const app = createApp(config);
  const cliente = new UpstreamClient({
    name: 'cliente-service',
    baseUrl: config.CLIENTE_SERVICE_URL,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
  });
  app.register(healthPlugin, {
    livenessPaths: ['/health'],
    readinessPaths: ['/ready'],
    checkTimeoutMs: 2500,
    checks: {
      'cliente-service': upstreamHealthCheck({
        name: 'cliente-service',
        baseUrl: config.CLIENTE_SERVICE_URL,
        path: '/api/health',
      }),
    },
  });
  app.register(authPlugin, { secret: config.JWT_SECRET });
  app.register(customersRoutes, { cliente });
  return app;
}
