import { loadConfig } from '@ventas/service-kit';
import { configSchema, type Config } from './config';

describe('bff-venta config', () => {
  it('defaults to port 8000', () => {
    expect(loadConfig<Config>(configSchema, { CATALOGO_SERVICE_URL: 'http://catalogo:8000' })).toMatchObject({
      PORT: 8000,
      TAX_RATE: 0.19,
      UPSTREAM_TIMEOUT_MS: 3000,
      SERVICE_NAME: 'bff-venta',
    });
  });

  it.each([
    [{}, "env must have required property 'CATALOGO_SERVICE_URL'"],
    [{ CATALOGO_SERVICE_URL: 'catalogo:8000' }, 'env/CATALOGO_SERVICE_URL must match pattern'],
  ])('names the bad variable: %j', (data, message) => {
    expect(() => loadConfig(configSchema, data)).toThrow(message);
  });
});
