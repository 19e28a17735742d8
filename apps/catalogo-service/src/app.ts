import { createApp, databasePlugin, healthPlugin, pingDatabase } from '@ventas/service-kit';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config';
import { productsRoutes } from './routes/products.routes';
import { outboxPlugin } from './sales/outbox.plugin';
import { salesRoutes } from './sales/sales.routes';

/** The catalogue service, never listening: main.ts starts it, tests inject into it. */
export function buildApp(config: Config): FastifyInstance {
  const app = createApp(config);
  app.register(databasePlugin, config);
  app.register(outboxPlugin, config);
  app.register(healthPlugin, {
    livenessPaths: ['/health'],
    readinessPaths: ['/ready'],
    checks: { database: () => pingDatabase(app.db) },
  });
  app.register(productsRoutes);
  app.register(salesRoutes);
  return app;
}
