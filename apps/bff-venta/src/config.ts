import {
  baseConfigProperties,
  defineConfigSchema,
  upstreamConfigProperties,
  type BaseConfig,
  type UpstreamConfig,
} from '@ventas/service-kit';

export interface Config extends BaseConfig, UpstreamConfig<'CATALOGO_SERVICE_URL'> {
  /** Sales tax applied to quotes and sales (IVA). */
  TAX_RATE: number;
}

// Sale events are published by catalogo-service's outbox now (VENTAS_QUEUE_URL moved there with the sales table).
export const configSchema = defineConfigSchema(
  {
    PORT: { ...baseConfigProperties.PORT, default: 8000 },
    SERVICE_NAME: { ...baseConfigProperties.SERVICE_NAME, default: 'bff-venta' },
    ...upstreamConfigProperties('CATALOGO_SERVICE_URL'),
    TAX_RATE: { type: 'number', minimum: 0, maximum: 1, default: 0.19 },
  },
  ['CATALOGO_SERVICE_URL'],
);
