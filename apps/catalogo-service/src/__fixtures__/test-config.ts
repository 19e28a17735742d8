import type { Config } from '../config';

export function testConfig(databaseUrl: string, extra: Partial<Config> = {}): Config {
  return {
    PORT: 0,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SERVICE_NAME: 'catalogo-service',
    SHUTDOWN_TIMEOUT_MS: 1000,
    DATABASE_URL: databaseUrl,
    DB_CONNECT_ATTEMPTS: 2,
    DB_CONNECT_DELAY_MS: 10,
    DB_POOL_MAX: 10,
    // The background publisher is off: outbox specs drain by hand.
    OUTBOX_POLL_MS: 0,
    OUTBOX_RETRY_DELAY_MS: 0,
    ...extra,
  };
}
