// The image's entrypoint runs this before the server (the checklist's populate_db.py).
import {
  connectWithRetry,
  createPool,
  exitOnStartupError,
  jsonLogger,
  loadConfig,
} from '@ventas/service-kit';
import { configSchema, type Config } from './config';
import { populate } from './db/populate';

async function main() {
  const config = loadConfig<Config>(configSchema);
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

main().catch(exitOnStartupError);
