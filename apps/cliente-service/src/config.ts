import {
  baseConfigProperties,
  databaseConfigProperties,
  defineConfigSchema,
  type BaseConfig,
  type DatabaseConfig,
} from '@ventas/service-kit/data';

export type Config = BaseConfig & DatabaseConfig;

export const configSchema = defineConfigSchema(
  {
    ...databaseConfigProperties,
    PORT: { ...baseConfigProperties.PORT, default: 8000 },
    SERVICE_NAME: { ...baseConfigProperties.SERVICE_NAME, default: 'cliente-service' },
  },
  ['DATABASE_URL'],
);
