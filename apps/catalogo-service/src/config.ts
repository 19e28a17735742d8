import {
  baseConfigProperties,
  databaseConfigProperties,
  defineConfigSchema,
  type BaseConfig,
  type DatabaseConfig,
} from '@ventas/service-kit/data';

export interface Config extends BaseConfig, DatabaseConfig {
  /** When set, sale-created events go to this SQS queue; otherwise they are logged. */
  VENTAS_QUEUE_URL?: string;
  AWS_REGION?: string;
  /** Another SQS endpoint (LocalStack, moto); unset in AWS. */
  SQS_ENDPOINT_URL?: string;
  /** How often the outbox is drained; 0 turns the background publisher off (tests drain by hand). */
  OUTBOX_POLL_MS: number;
  /** First retry delay of an event whose publish failed (doubling, at most 60 s). */
  OUTBOX_RETRY_DELAY_MS: number;
}

export const configSchema = defineConfigSchema(
  {
    ...databaseConfigProperties,
    PORT: { ...baseConfigProperties.PORT, default: 8000 },
    SERVICE_NAME: { ...baseConfigProperties.SERVICE_NAME, default: 'catalogo-service' },
    VENTAS_QUEUE_URL: { type: 'string', pattern: '^https?://[^/\\s]+/.+' },
    AWS_REGION: { type: 'string', minLength: 1 },
    SQS_ENDPOINT_URL: { type: 'string', pattern: '^https?://[^/\\s]+' },
    OUTBOX_POLL_MS: { type: 'integer', minimum: 0, default: 2000 },
    OUTBOX_RETRY_DELAY_MS: { type: 'integer', minimum: 0, default: 1000 },
  },
  ['DATABASE_URL'],
);
