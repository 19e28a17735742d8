/** Keys every service reads from its environment. Services spread these into their own schema. */
export interface BaseConfig {
  PORT: number;
  HOST: string;
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  SERVICE_NAME: string;
  /** Longest time in-flight requests get after SIGTERM before the process gives up (ECS waits 30 s, docker stop 10 s). */
  SHUTDOWN_TIMEOUT_MS: number;
}

export interface ConfigSchema {
  type: 'object';
  required: string[];
  properties: Record<string, Record<string, unknown>>;
}

export const baseConfigProperties = {
  PORT: { type: 'integer', minimum: 1, maximum: 65535, default: 8000 },
  HOST: { type: 'string', minLength: 1, default: '0.0.0.0' },
  LOG_LEVEL: {
    type: 'string',
    enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    default: 'info',
  },
  SERVICE_NAME: { type: 'string', minLength: 1, default: 'service' },
  SHUTDOWN_TIMEOUT_MS: { type: 'integer', minimum: 100, default: 8000 },
} as const;

/** Keys of the services that own a PostgreSQL database. */
export interface DatabaseConfig {
  DATABASE_URL: string;
  DB_CONNECT_ATTEMPTS: number;
  DB_CONNECT_DELAY_MS: number;
  DB_POOL_MAX: number;
}

export const databaseConfigProperties = {
  DATABASE_URL: { type: 'string', pattern: '^postgres(ql)?(\\+[A-Za-z0-9_]+)?://' },
  DB_CONNECT_ATTEMPTS: { type: 'integer', minimum: 1, default: 10 },
  DB_CONNECT_DELAY_MS: { type: 'integer', minimum: 0, default: 500 },
  DB_POOL_MAX: { type: 'integer', minimum: 1, default: 10 },
} as const;

/** Keys of a service that calls another one over HTTP (a BFF): the upstream's base URL and the call timeout. */
export type UpstreamConfig<UrlKey extends string> = Record<UrlKey, string> & { UPSTREAM_TIMEOUT_MS: number };

export function upstreamConfigProperties<UrlKey extends string>(urlKey: UrlKey) {
  return {
    [urlKey]: { type: 'string', pattern: '^https?://[^/\\s]+' },
    UPSTREAM_TIMEOUT_MS: { type: 'integer', minimum: 50, default: 3000 },
  } as Record<UrlKey | 'UPSTREAM_TIMEOUT_MS', Record<string, unknown>>;
}

/**
 * One schema for a service: the base keys, then the service's own (which may override a default, e.g. PORT).
 */
export function defineConfigSchema(
  properties: Record<string, Record<string, unknown>>,
  required: string[] = [],
): ConfigSchema {
  return {
    type: 'object',
    required,
    properties: { ...baseConfigProperties, ...properties },
  };
}
