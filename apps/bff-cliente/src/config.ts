import { baseConfigProperties, defineConfigSchema, type BaseConfig } from '@ventas/service-kit';

export interface Config extends BaseConfig {
  CLIENTE_SERVICE_URL: string;
  UPSTREAM_TIMEOUT_MS: number;
}

export const configSchema = defineConfigSchema(
  {
    PORT: { ...baseConfigProperties.PORT, default: 8001 },
    SERVICE_NAME: { ...baseConfigProperties.SERVICE_NAME, default: 'bff-cliente' },
    CLIENTE_SERVICE_URL: { type: 'string', pattern: '^https?://[^/\\s]+' },
    UPSTREAM_TIMEOUT_MS: { type: 'integer', minimum: 50, default: 3000 },
  },
  ['CLIENTE_SERVICE_URL'],
);
