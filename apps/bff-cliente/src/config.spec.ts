import { loadConfig } from '@ventas/service-kit';
import { configSchema, type Config } from './config';

describe('bff-cliente config', () => {
  it('defaults to port 8001', () => {
    expect(loadConfig<Config>(configSchema, { CLIENTE_SERVICE_URL: 'http://cliente:8000' })).toMatchObject({
      PORT: 8001,
      UPSTREAM_TIMEOUT_MS: 3000,
      SERVICE_NAME: 'bff-cliente',
    });
  });

  it.each([
    [{}, "env must have required property 'CLIENTE_SERVICE_URL'"],
    [{ CLIENTE_SERVICE_URL: 'cliente:8000' }, 'env/CLIENTE_SERVICE_URL must match pattern'],
  ])('names the bad variable: %j', (data, message) => {
    expect(() => loadConfig(configSchema, data)).toThrow(message);
  });
});
