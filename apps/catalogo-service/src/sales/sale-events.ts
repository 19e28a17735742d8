import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { KitLogger } from '@ventas/service-kit';
import type { SaleLine } from './sales.repository';

/** The event a sale publishes (moved here from bff-venta with the outbox; same shape, version 1). */
export interface SaleCreatedEvent {
  type: 'sale.created';
  version: 1;
  saleId: string;
  reservationId: string;
  customerId: number | null;
  lines: SaleLine[];
  subtotal: number;
  tax: number;
  total: number;
  createdAt: string;
}

export interface EventPublisher {
  readonly via: 'sqs' | 'log';
  publish(event: SaleCreatedEvent): Promise<void>;
}

/** Sends the event to SQS (VENTAS_QUEUE_URL). FIFO queues get a group and the sale id as deduplication id. */
export class SqsEventPublisher implements EventPublisher {
  readonly via = 'sqs';

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async publish(event: SaleCreatedEvent): Promise<void> {
    const fifo = this.queueUrl.endsWith('.fifo');
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(event),
        MessageAttributes: { eventType: { DataType: 'String', StringValue: event.type } },
        ...(fifo ? { MessageGroupId: 'sales', MessageDeduplicationId: event.saleId } : {}),
      }),
    );
  }
}

/** Without a queue the event is logged, so a local run or a test still shows what would have been sent. */
export class LogEventPublisher implements EventPublisher {
  readonly via = 'log';

  constructor(private readonly log: KitLogger) {}

  async publish(event: SaleCreatedEvent): Promise<void> {
    this.log.info({ event }, 'sale created (VENTAS_QUEUE_URL not set: event logged, not sent)');
  }
}

/** The region of an SQS queue URL (https://sqs.eu-west-1.amazonaws.com/123/ventas → eu-west-1). */
export function regionFromQueueUrl(queueUrl: string): string | undefined {
  return /^https:\/\/sqs[.-]([a-z0-9-]+)\.amazonaws\.com/.exec(queueUrl)?.[1];
}
