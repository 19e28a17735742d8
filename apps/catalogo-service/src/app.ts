import { createApp, databasePlugin, healthPlugin, pingDatabase } from '@ventas/service-kit';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config';
import { productsRoutes } from './routes/products.routes';

/** The catalogue service, never listening: main.ts starts it, tests inject into it. */
export function buildApp(config: Config): FastifyInstance {
  const app = createApp(config);
  app.register(databasePlugin, config);
  app.register(healthPlugin, {
    livenessPaths: ['/health'],
    readinessPaths: ['/ready'],
    checks: { database: () => pingDatabase(app.db) },
  });
  app.register(productsRoutes);
  return app;
}
