import {
  baseConfigProperties,
  defineConfigSchema,
  upstreamConfigProperties,
  type BaseConfig,
  type UpstreamConfig,
} from '@ventas/service-kit';

export interface Config extends BaseConfig, UpstreamConfig<'CATALOGO_SERVICE_URL'> {
  /** When set, sale-created events go to this SQS queue; otherwise they are logged. */
  VENTAS_QUEUE_URL?: string;
  AWS_REGION?: string;
  /** Sales tax applied to quotes and sales (IVA). */
  TAX_RATE: number;
}

export const configSchema = defineConfigSchema(
  {
    PORT: { ...baseConfigProperties.PORT, default: 8000 },
    SERVICE_NAME: { ...baseConfigProperties.SERVICE_NAME, default: 'bff-venta' },
    ...upstreamConfigProperties('CATALOGO_SERVICE_URL'),
    VENTAS_QUEUE_URL: { type: 'string', pattern: '^https?://[^/\\s]+/.+' },
    AWS_REGION: { type: 'string', minLength: 1 },
    TAX_RATE: { type: 'number', minimum: 0, maximum: 1, default: 0.19 },
  },
  ['CATALOGO_SERVICE_URL'],
);
