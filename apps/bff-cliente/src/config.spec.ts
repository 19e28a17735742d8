import { loadConfig } from '@ventas/service-kit';
import { configSchema, type Config } from './config';

const KEY = 'k'.repeat(32);

describe('bff-cliente config', () => {
  it('defaults to port 8001', () => {
    expect(
      loadConfig<Config>(configSchema, { CLIENTE_SERVICE_URL: 'http://cliente:8000', JWT_SECRET: KEY }),
    ).toMatchObject({
      PORT: 8001,
      UPSTREAM_TIMEOUT_MS: 3000,
      SERVICE_NAME: 'bff-cliente',
    });
  });

  it.each([
    [{ JWT_SECRET: KEY }, "env must have required property 'CLIENTE_SERVICE_URL'"],
    [{ CLIENTE_SERVICE_URL: 'cliente:8000', JWT_SECRET: KEY }, 'env/CLIENTE_SERVICE_URL must match pattern'],
    [{ CLIENTE_SERVICE_URL: 'http://cliente:8000' }, "env must have required property 'JWT_SECRET'"],
    [
      { CLIENTE_SERVICE_URL: 'http://cliente:8000', JWT_SECRET: 'too-short' },
      'env/JWT_SECRET must NOT have fewer than 32 characters',
    ],
  ])('names the bad variable: %j', (data, message) => {
    expect(() => loadConfig(configSchema, data)).toThrow(message);
  });
});
