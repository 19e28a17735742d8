import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import {
  LogEventPublisher,
  regionFromQueueUrl,
  SqsEventPublisher,
  type SaleCreatedEvent,
} from './sale-events';

const event: SaleCreatedEvent = {
  type: 'sale.created',
  version: 1,
  saleId: 's-1',
  reservationId: 'r-1',
  customerId: 7,
  lines: [],
  subtotal: 1,
  tax: 0.19,
  total: 1.19,
  createdAt: '2026-11-29T00:00:00.000Z',
};

describe('sale event publishers', () => {
  const sqs = mockClient(SQSClient);
  afterEach(() => sqs.reset());

  it('sends the event as JSON with its type as an attribute', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    await new SqsEventPublisher(
      new SQSClient({ region: 'us-east-1' }),
      'https://sqs.us-east-1.amazonaws.com/1/ventas',
    ).publish(event);
    const input = sqs.commandCalls(SendMessageCommand)[0].args[0].input;
    expect(input).toEqual({
      QueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/ventas',
      MessageBody: JSON.stringify(event),
      MessageAttributes: { eventType: { DataType: 'String', StringValue: 'sale.created' } },
    });
  });

  it('adds group and deduplication ids on a FIFO queue', async () => {
    sqs.on(SendMessageCommand).resolves({});
    await new SqsEventPublisher(
      new SQSClient({ region: 'us-east-1' }),
      'https://sqs.us-east-1.amazonaws.com/1/v.fifo',
    ).publish(event);
    expect(sqs.commandCalls(SendMessageCommand)[0].args[0].input).toMatchObject({
      MessageGroupId: 'sales',
      MessageDeduplicationId: 's-1',
    });
  });

  it('logs the event when there is no queue', async () => {
    const info = jest.fn();
    await new LogEventPublisher({ info, warn: jest.fn(), error: jest.fn() }).publish(event);
    expect(info).toHaveBeenCalledWith(
      { event },
      'sale created (VENTAS_QUEUE_URL not set: event logged, not sent)',
    );
  });

  it.each([
    ['https://sqs.eu-west-1.amazonaws.com/123/ventas', 'eu-west-1'],
    ['https://sqs-fips.us-east-1.amazonaws.com/123/ventas', undefined],
    ['http://localhost:4566/000000000000/ventas', undefined],
  ])('region of %s is %s', (url, region) => {
    expect(regionFromQueueUrl(url)).toBe(region);
  });
});
