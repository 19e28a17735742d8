import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  createPool,
  createTestDatabase,
  startProxy,
  type TestDatabase,
  type TestProxy,
} from '@ventas/service-kit';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { buildApp } from '../app';
import { populate } from '../db/populate';
import { testConfig } from '../__fixtures__/test-config';

// SQS is moto's (tools/scripts/services.sh starts it; its address is in tmp/services/moto.env): a real SQS API,
// not a mock. A proxy in front of it is what goes "down" and comes back: the broker outage is simulated there.
const MOTO = process.env['ECR_ENDPOINT_URL'];

describe('sales and their outbox (PostgreSQL, SQS on moto)', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let broker: TestProxy;
  let sqs: SQSClient;
  let queueUrl: string;

  beforeAll(async () => {
    if (!MOTO) throw new Error('ECR_ENDPOINT_URL (moto) is not set: run: bash tools/scripts/services.sh up');
    database = await createTestDatabase('catalogo_sales');
    const pool = createPool(database.url);
    await populate(pool).finally(() => pool.end());
    sqs = new SQSClient({ region: 'us-east-1', endpoint: MOTO });
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `ventas-sales-${randomUUID()}` })))
      .QueueUrl as string;
    broker = await startProxy(MOTO);
    app = buildApp(
      testConfig(database.url, {
        VENTAS_QUEUE_URL: queueUrl,
        SQS_ENDPOINT_URL: broker.url,
        AWS_REGION: 'us-east-1',
      }),
    );
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await broker?.close();
    sqs?.destroy();
    await database?.drop();
  });

  const stockOf = async (sku: string) =>
    (
      await app.db.query<{ id: number; stock: number }>('SELECT id, stock FROM products WHERE sku = $1', [
        sku,
      ])
    ).rows[0];

  const saleBody = (key: string, productId: number, quantity: number, fingerprint = 'a'.repeat(64)) => ({
    idempotencyKey: key,
    fingerprint,
    customerId: 3,
    lines: [
      { productId, sku: 'ABA-001', name: 'Arroz', unitPrice: 1.59, quantity, lineTotal: 1.59 * quantity },
    ],
    subtotal: 1.59 * quantity,
    tax: 0.3,
    total: 1.59 * quantity + 0.3,
  });

  const received = async () => {
    const answer = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    );
    return (answer.Messages ?? []).map((message) => JSON.parse(message.Body as string));
  };

  it('stores the sale with its reservation, publishes its event, and answers a retry with the same sale', async () => {
    const rice = await stockOf('ABA-001');
    const key = `key-${randomUUID()}`;
    const first = await app.inject({ method: 'POST', url: '/api/sales', payload: saleBody(key, rice.id, 2) });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      customerId: 3,
      total: 3.48,
      event: { published: true, via: 'sqs' },
    });
    const retry = await app.inject({ method: 'POST', url: '/api/sales', payload: saleBody(key, rice.id, 2) });
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect((await stockOf('ABA-001')).stock).toBe(rice.stock - 2);
    expect(await received()).toEqual([
      expect.objectContaining({
        type: 'sale.created',
        saleId: first.json().id,
        reservationId: first.json().reservationId,
      }),
    ]);
    const other = await app.inject({
      method: 'POST',
      url: '/api/sales',
      payload: saleBody(key, rice.id, 5, 'b'.repeat(64)),
    });
    expect(other.statusCode).toBe(409);
    expect(other.json().error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', saleId: first.json().id });
    expect((await stockOf('ABA-001')).stock).toBe(rice.stock - 2);
  });

  it('ten requests with one key at once: one sale, stock taken once', async () => {
    const oil = await stockOf('ABA-002');
    const key = `key-${randomUUID()}`;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        app.inject({ method: 'POST', url: '/api/sales', payload: saleBody(key, oil.id, 1) }),
      ),
    );
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([
      200, 200, 200, 200, 200, 200, 200, 200, 200, 201,
    ]);
    expect(new Set(answers.map((answer) => answer.json().id)).size).toBe(1);
    expect((await stockOf('ABA-002')).stock).toBe(oil.stock - 1);
    const rows = await app.db.query('SELECT count(*)::int AS n FROM sales WHERE idempotency_key = $1', [key]);
    expect(rows.rows[0].n).toBe(1);
    await received();
  });

  it('a sale made while the broker is down is published once it comes back, not lost', async () => {
    const milk = await stockOf('LAC-001');
    await broker.down();
    const sale = await app.inject({
      method: 'POST',
      url: '/api/sales',
      payload: saleBody(`key-${randomUUID()}`, milk.id, 1),
    });
    expect(sale.statusCode).toBe(201);
    expect(sale.json().event).toEqual({ published: false, via: 'sqs' });
    expect(await app.outbox.drain()).toEqual({ published: 0, failed: 1 });
    const pending = await app.db.query(
      'SELECT attempts, last_error, published_at FROM outbox_events WHERE aggregate_id = $1',
      [sale.json().id],
    );
    expect(pending.rows[0]).toMatchObject({
      attempts: 2,
      published_at: null,
      last_error: expect.any(String),
    });
    expect((await app.inject({ url: `/api/sales/${sale.json().id}` })).json().event.published).toBe(false);

    await broker.up();
    expect(await app.outbox.drain()).toEqual({ published: 1, failed: 0 });
    expect(await received()).toEqual([
      expect.objectContaining({ saleId: sale.json().id, type: 'sale.created' }),
    ]);
    expect((await app.inject({ url: `/api/sales/${sale.json().id}` })).json().event.published).toBe(true);
    // Published means done: a later drain sends nothing again.
    expect(await app.outbox.drain()).toEqual({ published: 0, failed: 0 });
    expect(await received()).toEqual([]);
  });

  it('the background publisher drains the outbox without being asked', async () => {
    const bread = await stockOf('PAN-001');
    await broker.down();
    const sale = await app.inject({
      method: 'POST',
      url: '/api/sales',
      payload: saleBody(`key-${randomUUID()}`, bread.id, 1),
    });
    expect(sale.json().event.published).toBe(false);
    await broker.up();
    const polling = buildApp(
      testConfig(database.url, {
        VENTAS_QUEUE_URL: queueUrl,
        SQS_ENDPOINT_URL: broker.url,
        AWS_REGION: 'us-east-1',
        OUTBOX_POLL_MS: 50,
      }),
    );
    try {
      await polling.ready();
      const deadline = Date.now() + 10000;
      let messages: Array<{ saleId: string }> = [];
      while (!messages.length && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        messages = await received();
      }
      expect(messages).toEqual([expect.objectContaining({ saleId: sale.json().id })]);
    } finally {
      await polling.close();
    }
  });
});
