import envSchema from 'env-schema';
import type { ConfigSchema } from './base-config';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads and validates configuration once, at boot. Tests pass `data` so the process environment is not read.
 * The error names the variable: "Invalid configuration: env must have required property 'DATABASE_URL'".
 */
export function loadConfig<T>(schema: ConfigSchema, data?: Record<string, unknown>): T {
  // env-schema mutates the schema (additionalProperties) and the defaults: give it a copy.
  const copy = structuredClone(schema);
  try {
    return envSchema<T>({ schema: copy, data: data ?? {}, env: data === undefined });
  } catch (err) {
    throw new ConfigError(`Invalid configuration: ${(err as Error).message}`, { cause: err });
  }
}
