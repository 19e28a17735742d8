import { createApp, databasePlugin, healthPlugin, pingDatabase } from '@ventas/service-kit';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config';
import { customersRoutes } from './routes/customers.routes';

/** The customer service, never listening: main.ts starts it, tests inject into it. */
export function buildApp(config: Config): FastifyInstance {
  const app = createApp(config);
  app.register(databasePlugin, config);
  app.register(healthPlugin, {
    // /api/health is the image's HEALTHCHECK; /api/cliente/health is the path deploy runbooks curl (through the BFF's port).
    livenessPaths: ['/api/health', '/api/cliente/health'],
    readinessPaths: ['/api/ready', '/api/cliente/ready'],
    checks: { database: () => pingDatabase(app.db) },
  });
  app.register(customersRoutes);
  return app;
}
