import {
  baseConfigProperties,
  defineConfigSchema,
  upstreamConfigProperties,
  type BaseConfig,
  type UpstreamConfig,
} from '@ventas/service-kit';

export type Config = BaseConfig & UpstreamConfig<'CLIENTE_SERVICE_URL'>;

export const configSchema = defineConfigSchema(
  {
    PORT: { ...baseConfigProperties.PORT, default: 8001 },
    SERVICE_NAME: { ...baseConfigProperties.SERVICE_NAME, default: 'bff-cliente' },
    ...upstreamConfigProperties('CLIENTE_SERVICE_URL'),
  },
  ['CLIENTE_SERVICE_URL'],
);
