import type { Pool } from 'pg';
import { type BaseConfig, type ConfigSchema, type DatabaseConfig } from '../config/base-config';
import { loadConfig } from '../config/load-config';
import { jsonLogger } from '../logging/json-logger';
import { exitOnStartupError } from '../server/start-server';
import { connectWithRetry, createPool } from './pool';

/**
 * The body of every service's `populate-db` entry (what the former populate_db.py did), which the image's
 * entrypoint runs before the server: config from the environment, the first connection retried and
 * logged, then the service's own idempotent `populate`, its result logged. Exits 1 with one JSON line
 * when anything fails, so the entrypoint (`set -e`) never starts a server on an unprepared database.
 */
export function runPopulateDb(
  schema: ConfigSchema,
  populate: (pool: Pool) => Promise<object>,
): Promise<void> {
  return populateOnce(schema, populate).catch(exitOnStartupError);
}

async function populateOnce(schema: ConfigSchema, populate: (pool: Pool) => Promise<object>): Promise<void> {
  const config = loadConfig<BaseConfig & DatabaseConfig>(schema);
  const log = jsonLogger(`${config.SERVICE_NAME}/populate-db`);
  const pool = createPool(config.DATABASE_URL, { max: 1, log });
  try {
    await connectWithRetry(pool, {
      attempts: config.DB_CONNECT_ATTEMPTS,
      delayMs: config.DB_CONNECT_DELAY_MS,
      log,
      databaseUrl: config.DATABASE_URL,
    });
    const result = await populate(pool);
    log.info(result, 'database populated');
  } finally {
    await pool.end();
  }
}
