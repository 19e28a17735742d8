import { Pool, type PoolConfig } from 'pg';
import { normalizeDatabaseUrl, redactDatabaseUrl } from './database-url';

/** The part of a pino/Fastify logger the kit needs; tests pass a small recorder. */
export interface KitLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface CreatePoolOptions extends Omit<PoolConfig, 'connectionString' | 'log'> {
  log?: KitLogger;
}

export function createPool(databaseUrl: string, options: CreatePoolOptions = {}): Pool {
  const { log, ...config } = options;
  const pool = new Pool({
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
    max: 10,
    ...config,
    connectionString: normalizeDatabaseUrl(databaseUrl),
  });
  // An idle client whose server went away emits 'error' on the pool; unhandled, it would kill the process.
  pool.on('error', (err) => log?.error({ err: err.message }, 'idle database client failed'));
  return pool;
}

export interface ConnectRetryOptions {
  attempts: number;
  delayMs: number;
  maxDelayMs?: number;
  log: KitLogger;
  /** For messages only; the password is removed. */
  databaseUrl: string;
}

/**
 * Proves the database answers, retrying with exponential backoff; every try is logged.
 * Throws one clear error after the last attempt.
 */
export async function connectWithRetry(pool: Pool, options: ConnectRetryOptions): Promise<void> {
  const target = redactDatabaseUrl(options.databaseUrl);
  const maxDelayMs = options.maxDelayMs ?? 5000;
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    try {
      await pool.query('SELECT 1');
      options.log.info({ attempt, database: target }, 'database connection established');
      return;
    } catch (err) {
      lastError = err as Error;
      const nextDelayMs =
        attempt < options.attempts ? Math.min(options.delayMs * 2 ** (attempt - 1), maxDelayMs) : undefined;
      options.log.warn(
        { attempt, attempts: options.attempts, database: target, err: lastError.message, nextDelayMs },
        'database connection failed',
      );
      if (nextDelayMs !== undefined) {
        await new Promise((resolve) => setTimeout(resolve, nextDelayMs));
      }
    }
  }
  throw new Error(
    `Could not connect to PostgreSQL at ${target} after ${options.attempts} attempts: ${lastError?.message}`,
    { cause: lastError },
  );
}
