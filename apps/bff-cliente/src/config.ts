import {
  baseConfigProperties,
  defineConfigSchema,
  upstreamConfigProperties,
  type BaseConfig,
  type UpstreamConfig,
} from '@ventas/service-kit';

export type Config = BaseConfig &
  UpstreamConfig<'CLIENTE_SERVICE_URL'> & {
    /** HS256 key that verifies the customer app's bearer tokens (README: "Token contract"). Never in the image. */
    JWT_SECRET: string;
  };

export const configSchema = defineConfigSchema(
  {
    PORT: { ...baseConfigProperties.PORT, default: 8001 },
    SERVICE_NAME: { ...baseConfigProperties.SERVICE_NAME, default: 'bff-cliente' },
    ...upstreamConfigProperties('CLIENTE_SERVICE_URL'),
    // 32 characters at least: an HS256 key shorter than the hash (256 bits) is guessable offline from one token.
    JWT_SECRET: { type: 'string', minLength: 32 },
  },
  ['CLIENTE_SERVICE_URL', 'JWT_SECRET'],
);
