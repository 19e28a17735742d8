import { SQSClient } from '@aws-sdk/client-sqs';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config';
import { Outbox } from './outbox';
import { LogEventPublisher, regionFromQueueUrl, SqsEventPublisher, type EventPublisher } from './sale-events';

declare module 'fastify' {
  interface FastifyInstance {
    outbox: Outbox;
  }
}

function eventPublisher(config: Config, app: FastifyInstance): EventPublisher {
  if (!config.VENTAS_QUEUE_URL) return new LogEventPublisher(app.log);
  const client = new SQSClient({
    region: config.AWS_REGION ?? regionFromQueueUrl(config.VENTAS_QUEUE_URL) ?? 'us-east-1',
    ...(config.SQS_ENDPOINT_URL ? { endpoint: config.SQS_ENDPOINT_URL } : {}),
  });
  app.addHook('onClose', async () => client.destroy());
  return new SqsEventPublisher(client, config.VENTAS_QUEUE_URL);
}

/**
 * Decorates `app.outbox` and, unless OUTBOX_POLL_MS is 0, drains it in the background from ready until close
 * (one drain at a time; preClose waits for the running one, before the pool is closed).
 */
export const outboxPlugin = fp(
  async (app: FastifyInstance, config: Config) => {
    const outbox = new Outbox(app.db, eventPublisher(config, app), app.log, {
      retryDelayMs: config.OUTBOX_RETRY_DELAY_MS,
    });
    app.decorate('outbox', outbox);
    if (config.OUTBOX_POLL_MS === 0) return;
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<unknown> = Promise.resolve();
    const tick = () => {
      running = outbox
        .drain()
        .catch((err) => app.log.error({ err }, 'outbox drain failed'))
        .finally(() => {
          if (timer) timer = setTimeout(tick, config.OUTBOX_POLL_MS);
        });
    };
    app.addHook('onReady', async () => {
      timer = setTimeout(tick, config.OUTBOX_POLL_MS);
    });
    app.addHook('preClose', async () => {
      clearTimeout(timer);
      timer = undefined;
      await running;
    });
  },
  { name: 'catalogo-outbox', dependencies: ['service-kit-database'] },
);
