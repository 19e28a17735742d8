// What a service's data set-up needs (its configuration schema, PostgreSQL, migrations and seeds) and nothing of
// the HTTP server: the image's populate-db step imports this entry, so its bundle loads no Fastify at start.
export {
  baseConfigProperties,
  databaseConfigProperties,
  defineConfigSchema,
  type BaseConfig,
  type ConfigSchema,
  type DatabaseConfig,
  type UpstreamConfig,
  upstreamConfigProperties,
} from './lib/config/base-config';
export { ConfigError, loadConfig } from './lib/config/load-config';
export { normalizeDatabaseUrl, redactDatabaseUrl } from './lib/db/database-url';
export { connectWithRetry, createPool, type KitLogger } from './lib/db/pool';
export {
  migrate,
  pendingMigrations,
  type MigratePlan,
  type MigrateResult,
  type Migration,
  type Seed,
} from './lib/db/migrate';
export { runPopulateDb } from './lib/db/run-populate-db';
export { withTransaction } from './lib/db/transaction';
export { jsonLogger } from './lib/logging/json-logger';
