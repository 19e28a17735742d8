import {
  baseConfigProperties,
  databaseConfigProperties,
  defineConfigSchema,
  upstreamConfigProperties,
  type UpstreamConfig,
} from './base-config';
import { loadConfig } from './load-config';

const schema = defineConfigSchema(
  { ...databaseConfigProperties, PORT: { ...baseConfigProperties.PORT, default: 8001 } },
  ['DATABASE_URL'],
);

describe('loadConfig', () => {
  it('applies defaults and coerces numbers', () => {
    const config = loadConfig<Record<string, unknown>>(schema, {
      DATABASE_URL: 'postgresql+asyncpg://u:p@db:5432/app',
      DB_POOL_MAX: '3',
    });
    expect(config).toMatchObject({
      PORT: 8001,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: 8000,
      DB_POOL_MAX: 3,
      DB_CONNECT_ATTEMPTS: 10,
    });
  });

  it('names a missing variable', () => {
    expect(() => loadConfig(schema, {})).toThrow(
      "Invalid configuration: env must have required property 'DATABASE_URL'",
    );
  });

  it.each([
    [{ DATABASE_URL: 'postgres://h/db', PORT: 'eighty' }, 'env/PORT must be integer'],
    [{ DATABASE_URL: 'postgres://h/db', PORT: '70000' }, 'env/PORT must be <= 65535'],
    [{ DATABASE_URL: 'mysql://h/db' }, 'env/DATABASE_URL must match pattern'],
    [
      { DATABASE_URL: 'postgres://h/db', LOG_LEVEL: 'loud' },
      'env/LOG_LEVEL must be equal to one of the allowed values',
    ],
  ])('names a bad variable: %j', (data, message) => {
    expect(() => loadConfig(schema, data)).toThrow(message);
  });

  it('does not mutate the schema it is given', () => {
    const before = JSON.stringify(schema);
    loadConfig(schema, { DATABASE_URL: 'postgres://h/db' });
    expect(JSON.stringify(schema)).toBe(before);
  });
});

describe('upstreamConfigProperties', () => {
  const upstream = defineConfigSchema(upstreamConfigProperties('PAGOS_SERVICE_URL'), ['PAGOS_SERVICE_URL']);

  it('reads the upstream URL under the given name, with a 3 s call timeout by default', () => {
    expect(
      loadConfig<UpstreamConfig<'PAGOS_SERVICE_URL'>>(upstream, { PAGOS_SERVICE_URL: 'http://pagos:8000' }),
    ).toMatchObject({ PAGOS_SERVICE_URL: 'http://pagos:8000', UPSTREAM_TIMEOUT_MS: 3000 });
  });

  it.each([
    [{ PAGOS_SERVICE_URL: 'pagos:8000' }, 'env/PAGOS_SERVICE_URL must match pattern'],
    [
      { PAGOS_SERVICE_URL: 'http://pagos', UPSTREAM_TIMEOUT_MS: '10' },
      'env/UPSTREAM_TIMEOUT_MS must be >= 50',
    ],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(upstream, env)).toThrow(message);
  });
});
