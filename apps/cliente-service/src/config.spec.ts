import { loadConfig } from '@ventas/service-kit';
import { configSchema, type Config } from './config';

describe('cliente-service config', () => {
  it('defaults to port 8000 and accepts the asyncpg URL of the task definitions', () => {
    const config = loadConfig<Config>(configSchema, {
      DATABASE_URL: 'postgresql+asyncpg://user:pass@host:5432/db',
    });
    expect(config).toMatchObject({ PORT: 8000, HOST: '0.0.0.0', SERVICE_NAME: 'cliente-service' });
  });

  it('names DATABASE_URL when it is missing', () => {
    expect(() => loadConfig(configSchema, {})).toThrow(
      "Invalid configuration: env must have required property 'DATABASE_URL'",
    );
  });
});
