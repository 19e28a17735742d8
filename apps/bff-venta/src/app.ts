import { createApp, healthPlugin, UpstreamClient, upstreamHealthCheck } from '@ventas/service-kit';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config';
import { catalogRoutes } from './routes/catalog.routes';
import { salesRoutes } from './routes/sales.routes';

/** The point-of-sale backend, never listening: main.ts starts it, tests inject into it. */
export function buildApp(config: Config): FastifyInstance {
  const app = createApp(config);
  const catalogo = new UpstreamClient({
    name: 'catalogo-service',
    baseUrl: config.CATALOGO_SERVICE_URL,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
  });
  app.register(healthPlugin, {
    livenessPaths: ['/health'],
    readinessPaths: ['/ready'],
    checkTimeoutMs: 2500,
    checks: {
      'catalogo-service': upstreamHealthCheck({
        name: 'catalogo-service',
        baseUrl: config.CATALOGO_SERVICE_URL,
        path: '/health',
      }),
    },
  });
  app.register(catalogRoutes, { catalogo });
  app.register(salesRoutes, { catalogo, taxRate: config.TAX_RATE });
  return app;
}
