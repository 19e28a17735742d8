import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Pool } from 'pg';
import type { DatabaseConfig } from '../config/base-config';
import { connectWithRetry, createPool } from './pool';

declare module 'fastify' {
  interface FastifyInstance {
    db: Pool;
  }
}

/**
 * Decorates `app.db` with a pg Pool. The first connection is retried (app.ready() fails with a clear
 * error when the database never answers) and the pool is closed with the app.
 */
export const databasePlugin = fp(
  async (app: FastifyInstance, config: DatabaseConfig) => {
    const pool = createPool(config.DATABASE_URL, { max: config.DB_POOL_MAX, log: app.log });
    app.decorate('db', pool);
    app.addHook('onClose', async () => {
      await pool.end();
    });
    await connectWithRetry(pool, {
      attempts: config.DB_CONNECT_ATTEMPTS,
      delayMs: config.DB_CONNECT_DELAY_MS,
      log: app.log,
      databaseUrl: config.DATABASE_URL,
    });
  },
  { name: 'service-kit-database', fastify: '5.x' },
);

/** Readiness check for the health plugin. */
export async function pingDatabase(pool: Pool): Promise<void> {
  await pool.query('SELECT 1');
}
