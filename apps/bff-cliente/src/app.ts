import { createApp, healthPlugin, UpstreamClient } from '@ventas/service-kit';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config';
import { customersRoutes } from './routes/customers.routes';

/** The customer app's backend, never listening: main.ts starts it, tests inject into it. */
export function buildApp(config: Config): FastifyInstance {
  const app = createApp(config);
  const cliente = new UpstreamClient({
    name: 'cliente-service',
    baseUrl: config.CLIENTE_SERVICE_URL,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
  });
  const probe = new UpstreamClient({
    name: 'cliente-service',
    baseUrl: config.CLIENTE_SERVICE_URL,
    timeoutMs: 2000,
    retries: 0,
  });
  app.register(healthPlugin, {
    livenessPaths: ['/health'],
    readinessPaths: ['/ready'],
    checkTimeoutMs: 2500,
    checks: {
      'cliente-service': async () => {
        const response = await probe.get('/api/health');
        if (response.status !== 200) throw new Error(`cliente-service health answered ${response.status}`);
      },
    },
  });
  app.register(customersRoutes, { cliente });
  return app;
}
