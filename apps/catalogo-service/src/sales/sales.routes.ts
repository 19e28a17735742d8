import { HttpError, IDEMPOTENCY_KEY_PATTERN, INT32_MAX, notFound, singleLineText } from '@ventas/service-kit';
import type { FastifyInstance } from 'fastify';
import { createSale, getSale, type NewSale, type Sale } from './sales.repository';

const MAX_AMOUNT = 1_000_000_000; // NUMERIC(14, 2) holds 10^12; a basket is 100 lines of at most 10^6 each.

const amount = { type: 'number', minimum: 0, maximum: MAX_AMOUNT } as const;

const saleLineSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['productId', 'sku', 'name', 'unitPrice', 'quantity', 'lineTotal'],
  properties: {
    productId: { type: 'integer', minimum: 1, maximum: INT32_MAX },
    sku: singleLineText(32),
    name: singleLineText(200),
    unitPrice: amount,
    quantity: { type: 'integer', minimum: 1, maximum: 100000 },
    lineTotal: amount,
  },
} as const;

const saleIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

function answer(sale: Sale, via: string, published: boolean) {
  const { id, reservationId, customerId, lines, subtotal, tax, total, createdAt } = sale;
  return { id, reservationId, customerId, lines, subtotal, tax, total, createdAt, event: { published, via } };
}

/**
 * Sales, written by bff-venta (README: "Sales and events"). Idempotent by `idempotencyKey`: 201 when created,
 * 200 with the same sale when the key was seen with the same fingerprint, 409 IDEMPOTENCY_KEY_REUSED otherwise.
 */
export async function salesRoutes(app: FastifyInstance) {
  app.post<{ Body: NewSale }>(
    '/api/sales',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['idempotencyKey', 'fingerprint', 'lines', 'subtotal', 'tax', 'total'],
          properties: {
            idempotencyKey: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN },
            fingerprint: { type: 'string', pattern: '^[0-9a-f]{64}$' },
            customerId: { type: ['integer', 'null'], minimum: 1, maximum: INT32_MAX, default: null },
            lines: { type: 'array', minItems: 1, maxItems: 100, items: saleLineSchema },
            subtotal: amount,
            tax: amount,
            total: amount,
          },
        },
      },
    },
    async (request, reply) => {
      const outcome = await createSale(app.db, request.body);
      const via = app.outbox.publisher.via;
      switch (outcome.kind) {
        case 'created': {
          // Published now when the broker answers; otherwise the outbox publisher sends it later.
          const published = await app.outbox.publishNow(outcome.eventId);
          return reply
            .code(201)
            .header('location', `/api/sales/${outcome.sale.id}`)
            .send(answer(outcome.sale, via, published));
        }
        case 'existing':
          return reply
            .code(200)
            .header('idempotent-replayed', 'true')
            .send(answer(outcome.sale, via, outcome.sale.eventPublished));
        case 'key-reused':
        case 'reference-conflict':
          throw new HttpError(
            409,
            'IDEMPOTENCY_KEY_REUSED',
            'This Idempotency-Key was used for a different sale; nothing was reserved',
            { saleId: 'saleId' in outcome ? outcome.saleId : undefined },
          );
        case 'missing':
          throw new HttpError(
            404,
            'PRODUCT_NOT_FOUND',
            `Products ${outcome.productIds.join(', ')} do not exist`,
            {
              productIds: outcome.productIds,
            },
          );
        case 'short':
          throw new HttpError(409, 'INSUFFICIENT_STOCK', 'Not enough stock; nothing was reserved', {
            shortages: outcome.shortages,
          });
      }
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/sales/:id',
    { schema: { params: saleIdParams } },
    async (request) => {
      const sale = await getSale(app.db, request.params.id);
      if (!sale) throw notFound(`Sale ${request.params.id} does not exist`);
      return answer(sale, app.outbox.publisher.via, sale.eventPublished);
    },
  );
}
